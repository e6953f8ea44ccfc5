import { Controller, Get, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth-context';
import { Database } from '../database/database';

@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly db: Database) {}

  /** 200 once the database answers within a second, 503 otherwise (for load balancers and orchestrators). */
  @Public()
  // Load balancers and orchestrators poll it from few addresses; they must never be throttled.
  @RouteConfig({ rateLimit: false })
  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const ok = await Promise.race([
      this.db.knex.raw('SELECT 1').then(
        () => true,
        () => false,
      ),
      new Promise<boolean>((resolve) => setTimeout(resolve, 1000, false).unref()),
    ]);
    await reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  }
}
