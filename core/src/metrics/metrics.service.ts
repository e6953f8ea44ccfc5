import { timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { ProblemException, unauthorized } from '../common/problem';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { Metrics } from './metrics';

/**
 * The Prometheus exposition: at GET /metrics for a scraper with METRICS_TOKEN, and on METRICS_PORT (a port
 * only the scraper's network reaches) without one. The database pool's use is read at each scrape.
 */
@Injectable()
export class MetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: http.Server;

  constructor(
    private readonly metrics: Metrics,
    db: Database,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {
    metrics.gauge({
      name: 'db_pool_connections',
      help: 'Database pool connections by state: in use, idle, and requests waiting for one',
      labelNames: ['state'],
      collect() {
        const usage = db.poolUsage();
        this.set({ state: 'used' }, usage.used);
        this.set({ state: 'idle' }, usage.idle);
        this.set({ state: 'waiting' }, usage.waiting);
      },
    });
  }

  /** The exposition for a request with this Authorization header; 404 when scraping over the API is off. */
  async scrape(authorization: string | undefined): Promise<{ contentType: string; body: string }> {
    const token = this.config.metricsToken;
    if (!token) throw new ProblemException(404, 'Metrics are not served here (set METRICS_TOKEN)');
    const given = Buffer.from(/^Bearer (.+)$/i.exec(authorization ?? '')?.[1] ?? '');
    const expected = Buffer.from(token);
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw unauthorized('A bearer token equal to METRICS_TOKEN is required');
    }
    return { contentType: this.metrics.contentType, body: await this.metrics.exposition() };
  }

  async onApplicationBootstrap(): Promise<void> {
    const port = this.config.metricsPort;
    if (port === undefined) return;
    this.server = http.createServer((request, response) => {
      if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
        response.writeHead(404).end();
        return;
      }
      this.metrics.exposition().then(
        (body) => response.writeHead(200, { 'content-type': this.metrics.contentType }).end(body),
        (error: unknown) => {
          this.logger.error({ err: error }, 'metrics exposition failed');
          response.writeHead(500).end();
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      this.server!.once('error', reject).listen(port, this.config.host, resolve);
    });
    this.logger.info({ port }, 'metrics served on their own port');
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
