import { Controller, Get, Headers, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Public } from '../common/auth-context';
import { MetricsService } from './metrics.service';

/** Prometheus's scrape target (not part of the API: its own bearer token, METRICS_TOKEN). */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly metrics: MetricsService) {}

  @Public()
  // A scraper polls from one address every few seconds: never throttled.
  @RouteConfig({ rateLimit: false })
  @Get()
  async scrape(@Headers('authorization') authorization: string | undefined, @Res() reply: FastifyReply) {
    const { contentType, body } = await this.metrics.scrape(authorization);
    await reply.header('content-type', contentType).send(body);
  }
}
