import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { NestFactory, Reflector } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { keepRequestInContext } from './audit/audit-context';
import { applyBrowserPolicy, DOCS_PATH } from './common/browser-policy';
import { acceptEmptyJsonBodies } from './common/empty-json-body';
import { frameworkErrorOptions } from './common/framework-errors';
import { createLogger, NestPinoLogger, RequestLogLine } from './common/logger';
import { ProblemFilter } from './common/problem.filter';
import { ValidationGuard } from './common/validation';
import { AppConfig } from './config/config';
import { Metrics } from './metrics/metrics';
import { createOpenApiDocument } from './openapi';
import { registerApiRateLimit } from './rate-limits/api-rate-limit';
import { serveWebClient } from './common/web-client';
import { recordRequestDurations } from './metrics/request-durations';

/** Builds the whole server (used by main.ts, the end-to-end tests and the benchmarks). */
export async function createApp(config: AppConfig, logger: Logger = createLogger(config.logLevel)) {
  const problems = new ProblemFilter(logger);
  const adapter = new FastifyAdapter({
    // No Nest middleware is used: without middie, no request runs its hook.
    skipMiddie: true,
    ...frameworkErrorOptions(problems),
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    // request.ip (limits, audit log) comes from X-Forwarded-For only when the peer is a listed proxy.
    trustProxy: config.trustProxy.length > 0 ? config.trustProxy : false,
    // Every log line of a request carries its id; a caller's X-Request-Id is kept for end-to-end tracing.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    logController: new RequestLogLine(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger: new NestPinoLogger(logger),
  });
  // Errors Fastify raises before a route runs (bad JSON, body too large) reach this filter too.
  app.useGlobalFilters(problems);
  // After the guards modules provide (AuthGuard): Nest adds those while creating the app, these after them.
  app.useGlobalGuards(new ValidationGuard(app.get(Reflector)));

  await applyBrowserPolicy(app, config.corsOrigins);
  await serveWebClient(app, problems);
  const fastify = app.getHttpAdapter().getInstance();
  recordRequestDurations(fastify, app.get(Metrics));
  keepRequestInContext(fastify);
  // Incoming webhook payloads have their own, smaller size limit (413 above it).
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/hooks/')) route.bodyLimit = config.incomingWebhookMaxBytes;
  });
  // Before any route is registered (app.init below): the limit attaches itself to each route as it is added.
  await registerApiRateLimit(app, config);
  // The upload route reads multipart bodies itself, as a stream (core/src/files/multipart.ts).
  fastify.addContentTypeParser('multipart/form-data', (_request, _payload, done) => done(null));
  acceptEmptyJsonBodies(fastify);

  SwaggerModule.setup(DOCS_PATH.slice(1), app, () => createOpenApiDocument(app), {
    jsonDocumentUrl: 'api/docs-json',
  });
  await app.init();
  return app;
}
