import { fastifyRateLimit } from '@fastify/rate-limit';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';
import { bearerTokenHash } from '../auth/tokens';
import { ProblemException } from '../common/problem';
import type { AppConfig } from '../config/config';
import { clientAddress } from './client-address';
import { BufferedRateLimiter, type CountedHit } from './buffered-rate-limiter';

const TOKEN_KEY = 'api:token:';
const ADDRESS_KEY = 'api:address:';

/**
 * Per bearer token (per client address for requests without one), keyed by the token's hash so the check
 * costs no token lookup: it runs before anything else, body parsing included.
 */
function requestKey(request: FastifyRequest): string {
  const tokenHash = bearerTokenHash(request);
  return tokenHash ? TOKEN_KEY + tokenHash.toString('base64url') : ADDRESS_KEY + clientAddress(request);
}

/**
 * The HTTP API's request limit, through @fastify/rate-limit (headers, 429) with BufferedRateLimiter as its
 * store: counted in memory, shared through PostgreSQL in batches, so it holds across instances (within the
 * overshoot BufferedRateLimiter documents) at no round trip per request. Headers follow the IETF draft's
 * separate fields: RateLimit-Limit, RateLimit-Remaining, RateLimit-Reset (seconds), and Retry-After on 429.
 * Routes opt out with `@RouteConfig({ rateLimit: false })` (health checks).
 */
export async function registerApiRateLimit(app: NestFastifyApplication, config: AppConfig): Promise<void> {
  const limiter = app.get(BufferedRateLimiter);
  await app.register(fastifyRateLimit, {
    hook: 'onRequest',
    enableDraftSpec: true,
    timeWindow: config.apiRateLimitWindowSeconds * 1000,
    keyGenerator: requestKey,
    max: (_request, key) =>
      key.startsWith(TOKEN_KEY) ? config.apiRateLimitPerToken : config.apiRateLimitPerAddress,
    store: class BufferedStore {
      incr(
        key: string,
        done: (error: Error | null, result?: { current: number; ttl: number }) => void,
        windowMs: number,
        max: number,
      ) {
        const counted = (hit: CountedHit) => done(null, { current: hit.count, ttl: hit.resetMs });
        const hit = limiter.hit(key, max, windowMs / 1000);
        if (hit instanceof Promise) hit.then(counted, (error: Error) => done(error));
        else counted(hit);
      }
      child() {
        return this;
      }
    },
    errorResponseBuilder: (_request, context) =>
      new ProblemException(429, `Too many requests; retry in ${Math.ceil(context.ttl / 1000)} s`),
  });
}
