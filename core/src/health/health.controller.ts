import { Controller, Get, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth-context';
import { HealthService } from './health.service';

// Load balancers and orchestrators poll these from few addresses: they are public and never throttled.
@ApiTags('health')
@Controller('health')
export class HealthController {
  constructor(private readonly service: HealthService) {}

  /** 200 once the database answers within a second, 503 otherwise. */
  @Public()
  @RouteConfig({ rateLimit: false })
  @Get()
  async health(@Res() reply: FastifyReply): Promise<void> {
    const ok = await this.service.databaseAnswers();
    await reply.status(ok ? 200 : 503).send({ status: ok ? 'ok' : 'unavailable' });
  }

  /** 200 while the process runs (a liveness probe: restart it when this stops answering). */
  @Public()
  @RouteConfig({ rateLimit: false })
  @Get('live')
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /** 200 when it should get traffic; 503 while the database is unreachable or the instance is shutting down. */
  @Public()
  @RouteConfig({ rateLimit: false })
  @Get('ready')
  async ready(@Res() reply: FastifyReply): Promise<void> {
    const { ready, reason } = await this.service.ready();
    await reply.status(ready ? 200 : 503).send(ready ? { status: 'ok' } : { status: 'unavailable', reason });
  }
}
