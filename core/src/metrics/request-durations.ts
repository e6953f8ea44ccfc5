import type { FastifyInstance } from 'fastify';
import { Metrics } from './metrics';

/**
 * Every answered request's duration, by method, route template (`/api/v1/channels/:channelId/messages`, never
 * the path itself, so ids never become labels) and status; requests no route matched count as `unmatched`.
 */
export function recordRequestDurations(fastify: FastifyInstance, metrics: Metrics): void {
  const durations = metrics.hotHistogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration, from arrival to the last byte of the answer',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  });
  fastify.addHook('onResponse', (request, reply, done) => {
    durations.observe(
      [
        request.method,
        request.is404 ? 'unmatched' : (request.routeOptions.url ?? 'unmatched'),
        String(reply.statusCode),
      ],
      reply.elapsedTime / 1000,
    );
    done();
  });
}
