import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { fastifyMultipart } from '@fastify/multipart';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { Logger } from 'pino';
import { AppModule } from './app.module';
import { createLogger, NestPinoLogger, RequestLogLine } from './common/logger';
import { ProblemFilter } from './common/problem.filter';
import { AppConfig } from './config/config';

/** Builds the whole server (used by main.ts, the end-to-end tests and the benchmarks). */
export async function createApp(config: AppConfig, logger: Logger = createLogger(config.logLevel)) {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    // Every log line of a request carries its id; a caller's X-Request-Id is kept for end-to-end tracing.
    requestIdHeader: 'x-request-id',
    genReqId: () => randomUUID(),
    logController: new RequestLogLine(),
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, logger), adapter, {
    logger: new NestPinoLogger(logger),
  });
  // Errors Fastify raises before a route runs (bad JSON, body too large) reach this filter too.
  app.useGlobalFilters(new ProblemFilter(logger));
  // @fastify/multipart's declarations resolve to an error type under typescript-eslint (tsc accepts them).

  const fastify = app.getHttpAdapter().getInstance();
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });
  // Incoming webhook payloads have their own, smaller size limit (413 above it).
  fastify.addHook('onRoute', (route) => {
    if (route.url.startsWith('/hooks/')) route.bodyLimit = config.incomingWebhookMaxBytes;
  });
  await app.register(fastifyMultipart, {
    // Keep the client's file name as sent, so names carrying paths are refused rather than silently cut.
    preservePath: true,
    limits: { fileSize: config.uploadLimitBytes, files: 1, fields: 0, parts: 2 },
  });

  const openApi = new DocumentBuilder()
    .setTitle('Jōkkær API')
    .setVersion('1')
    .setDescription('The public HTTP contract of Jōkkær. Errors are application/problem+json.')
    .addBearerAuth()
    .build();
  SwaggerModule.setup('api/docs', app, () => SwaggerModule.createDocument(app, openApi), {
    jsonDocumentUrl: 'api/docs-json',
  });
  await app.init();
  return app;
}
