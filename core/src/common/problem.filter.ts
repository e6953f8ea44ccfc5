import { ArgumentsHost, Catch, ExceptionFilter, HttpException, NotFoundException } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { databaseProblem, isDatabaseUnavailable } from '../database/errors';
import { databaseUnavailable, ProblemDocument, ProblemException, problemDocument } from './problem';

/** Errors raised by Fastify itself before a handler runs (body parsing, content types, limits). */
interface FrameworkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

/** Answers a request that no route serves in a way of its own; true when it did. */
export type RouteNotFoundAnswer = (request: FastifyRequest, reply: FastifyReply) => boolean;

/** Renders every failure as application/problem+json; only unexpected errors become 500 (and are logged). */
@Catch()
export class ProblemFilter implements ExceptionFilter {
  private routeNotFound?: RouteNotFoundAnswer;

  constructor(private readonly logger: Logger) {}

  /** Lets another part answer some requests no route serves (the web client: a page a browser opened). */
  answerRouteNotFound(answer: RouteNotFoundAnswer): void {
    this.routeNotFound = answer;
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    // Nest's own NotFoundException is its answer to a path no route serves; the services raise problems.
    if (exception instanceof NotFoundException && this.routeNotFound?.(http.getRequest(), reply)) return;
    this.send(reply, exception);
  }

  /** Also the answer to errors Fastify raises before any route runs (see core/src/common/framework-errors.ts). */
  send(reply: FastifyReply, exception: unknown): void {
    const fromDatabase = databaseProblem(exception);
    // A database refusal the edge should have caught: the client gets a 4xx, the log keeps the cause.
    if (fromDatabase) this.logger.warn({ err: exception }, 'database refused a request value');
    const { document, headers } = this.toProblem(fromDatabase ?? exception);
    if (isDatabaseUnavailable(exception)) this.logger.warn({ err: exception }, 'database unavailable');
    else if (document.status >= 500) this.logger.error({ err: exception }, 'unhandled error');
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
      const { detail, path } = frameworkProblem(framework);
      return { document: problemDocument(status, detail, [{ path, message: detail }]), headers: {} };
    }
    if (isDatabaseUnavailable(exception)) return this.toProblem(databaseUnavailable());
    return { document: problemDocument(500, 'An unexpected error occurred'), headers: {} };
  }
}

/** Fastify's own texts name its internals; these say what the client sent wrong, and where. */
const FRAMEWORK_PROBLEMS: Record<string, { detail: string; path: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    detail: 'The request body is larger than the server accepts',
    path: '(body)',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    detail: 'Unsupported content type; send application/json',
    path: '(body)',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: { detail: 'The JSON body is empty', path: '(body)' },
  FST_ERR_BAD_URL: { detail: 'The URL path is not valid percent-encoding', path: '(path)' },
  FST_ERR_MAX_PARAM_LENGTH: { detail: 'A segment of the URL path is too long', path: '(path)' },
};

function frameworkProblem(error: FrameworkError): { detail: string; path: string } {
  return FRAMEWORK_PROBLEMS[error.code ?? ''] ?? { detail: error.message || 'Bad request', path: '(body)' };
}
