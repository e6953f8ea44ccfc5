import { LoggerService } from '@nestjs/common';
import { FastifyReply, FastifyRequest, LogController } from 'fastify';
import pino, { Logger } from 'pino';
import { StartupError } from './startup-error';

export const LOGGER = Symbol('LOGGER');

/**
 * Log lines reach stdout in batches, at 4 KB or every 250 ms: a write per line (one per request) cost more
 * CPU than the line itself. pino writes out what is left when the process exits, however it exits.
 */
export function createLogger(level: string): Logger {
  return pino(
    { level, base: { service: 'jokkaer' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination({ dest: 1, minLength: 4096, periodicFlush: 250 }),
  );
}

/** Logs why the server could not start or run: a StartupError as its one-line advice, anything else with its stack. */
export function logFailure(logger: Logger, failure: unknown, context?: string): void {
  if (failure instanceof StartupError) logger.fatal({ context }, failure.message);
  else if (failure instanceof Error) logger.error({ context, err: failure }, failure.message);
  else logger.error({ context, failure }, 'failed');
}

/**
 * One log line per request, once it is answered, instead of Fastify's two ("incoming request", "request
 * completed"); the request's logger adds its id (reqId).
 */
export class RequestLogLine extends LogController {
  override incomingRequest(): void {}
  override requestCompleted(
    error: Error | null | undefined,
    request: FastifyRequest,
    reply: FastifyReply,
  ): void {
    const line = {
      method: request.method,
      url: request.url,
      status: reply.statusCode,
      durationMs: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (error) reply.log.error({ ...line, err: error }, 'request failed');
    else reply.log.info(line, 'request');
  }
}

// Nest's one line per route at start ("Mapped {/api/v1/…, GET} route") is detail, not news.
const DEBUG_CONTEXTS = new Set(['RoutesResolver', 'RouterExplorer']);

/** Routes Nest's own log lines (module init, route map) into the same structured pino stream. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    if (context && DEBUG_CONTEXTS.has(context)) this.logger.debug({ context }, String(message));
    else this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    if (typeof message === 'string') this.logger.error({ context, trace }, message);
    // Nest's ExceptionHandler hands over the error itself when the application fails to start.
    else logFailure(this.logger, message, context);
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
