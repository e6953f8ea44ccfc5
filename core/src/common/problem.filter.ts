import { ArgumentsHost, Catch, ExceptionFilter, HttpException } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Logger } from 'pino';
import { databaseProblem } from '../database/errors';
import { ProblemDocument, ProblemException, problemDocument } from './problem';

/** Errors raised by Fastify itself before a handler runs (body parsing, content types, limits). */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Renders every failure as application/problem+json; only unexpected errors become 500 (and are logged). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  constructor(private readonly logger: Logger) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const fromDatabase = databaseProblem(exception);
    // A database refusal the edge should have caught: the client gets a 4xx, the log keeps the cause.
    if (fromDatabase) this.logger.warn({ err: exception }, 'database refused a request value');
    const { document, headers } = this.toProblem(fromDatabase ?? exception);
    if (document.status >= 500) this.logger.error({ err: exception }, 'unhandled error');
    void reply.status(document.status).headers(headers).type('application/problem+json').send(document);
  }

  toProblem(exception: unknown): { document: ProblemDocument; headers: Record<string, string> } {
    if (exception instanceof ProblemException) {
      return {
        document: problemDocument(exception.getStatus(), exception.message, exception.errors),
        headers: exception.headers,
      };
    }
    // Only the application's own problems may explain a 5xx; any other error's message stays in the log.
    if (exception instanceof HttpException && exception.getStatus() < 500) {
      return { document: problemDocument(exception.getStatus(), exception.message), headers: {} };
    }
    const framework = exception as FrameworkError;
    const status = framework?.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      const detail = frameworkDetail(framework);
      return {
        document: problemDocument(status, detail, [{ path: '(body)', message: detail }]),
        headers: {},
      };
    }
    return { document: problemDocument(500, 'An unexpected error occurred'), headers: {} };
  }
}

function frameworkDetail(error: FrameworkError): string {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return 'The request body is larger than the server accepts';
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return 'Unsupported content type; send application/json';
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return 'The JSON body is empty';
    default:
      return error.message || 'Bad request';
  }
}
