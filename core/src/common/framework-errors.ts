import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyServerOptions } from 'fastify';
import { setSecurityHeaders } from './browser-policy';
import { problemDocument } from './problem';
import type { ProblemFilter } from './problem.filter';

/**
 * Fastify answers some errors itself, outside Nest and its filter: a path that is not valid
 * percent-encoding or has an over-long segment (before routing), and requests Node's HTTP parser refuses
 * (malformed, headers too large, too slow). These options answer them as problem+json too.
 */
export function frameworkErrorOptions(
  problems: ProblemFilter,
): Pick<FastifyServerOptions, 'frameworkErrors' | 'clientErrorHandler'> {
  return {
    frameworkErrors: (error, request, reply) => {
      // No hook runs for these answers: the headers every answer has are set here.
      setSecurityHeaders(request.raw, reply.raw);
      void reply.header('x-request-id', request.id);
      problems.send(reply, error);
    },
    clientErrorHandler: answerClientError,
  };
}

function answerClientError(error: NodeJS.ErrnoException, socket: Socket): void {
  // A reset connection has nobody left to answer.
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const [status, detail] =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? [408, 'The request did not arrive in time']
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? [431, 'The request headers are larger than the server accepts']
        : [400, 'The request is not valid HTTP'];
  const body = JSON.stringify(problemDocument(status, detail));
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\ncontent-type: application/problem+json\r\n` +
        'x-content-type-options: nosniff\r\n' +
        `content-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy(error);
}
