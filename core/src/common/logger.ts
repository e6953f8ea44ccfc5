import { LoggerService } from '@nestjs/common';
import pino, { Logger } from 'pino';

export const LOGGER = Symbol('LOGGER');

export function createLogger(level: string): Logger {
  return pino({ level, base: { service: 'jokkaer' }, timestamp: pino.stdTimeFunctions.isoTime });
}

/** Routes Nest's own log lines (module init, route map) into the same structured pino stream. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
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
