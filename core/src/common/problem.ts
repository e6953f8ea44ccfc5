import { STATUS_CODES } from 'node:http';
import { HttpException } from '@nestjs/common';

/** One failing input field, named by its path in the request (`text`, `userIds/2`, `query.limit`). */
export interface ProblemField {
  path: string;
  message: string;
}

/** The RFC 9457 body every error answers with. */
export interface ProblemDocument {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: ProblemField[];
}

export function problemType(status: number): string {
  const slug = (STATUS_CODES[status] ?? 'error').toLowerCase().replace(/[^a-z0-9]+/g, '-');
  return `urn:jokkaer:problem:${slug}`;
}

export function problemDocument(status: number, detail: string, errors?: ProblemField[]): ProblemDocument {
  return {
    type: problemType(status),
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    ...(errors && errors.length > 0 ? { errors } : {}),
  };
}

/** An error the client caused or may know about; rendered as problem+json by ProblemFilter. */
export class ProblemException extends HttpException {
  constructor(
    status: number,
    detail: string,
    readonly errors?: ProblemField[],
    readonly headers: Record<string, string> = {},
  ) {
    super(detail, status);
  }
}

export const badRequest = (detail: string, errors?: ProblemField[]) =>
  new ProblemException(400, detail, errors);
export const unauthorized = (detail = 'A valid bearer token is required') =>
  new ProblemException(401, detail);
export const forbidden = (detail: string) => new ProblemException(403, detail);
/** Also used for resources that exist but are invisible to the caller, so their existence never leaks. */
export const notFound = (what: string) => new ProblemException(404, `${what} not found`);
export const conflict = (detail: string) => new ProblemException(409, detail);
export const payloadTooLarge = (detail: string) => new ProblemException(413, detail);
export const tooManyRequests = (retryAfterSeconds: number) =>
  new ProblemException(429, `Too many attempts; retry in ${retryAfterSeconds} s`, undefined, {
    'retry-after': String(retryAfterSeconds),
  });
/** What a client is told to wait while the database is out of reach: about as long as noticing it takes. */
const DATABASE_RETRY_AFTER_SECONDS = 5;
/** The database is out of reach (see isDatabaseUnavailable): nothing is wrong with the request; retry. */
export const databaseUnavailable = () =>
  new ProblemException(503, 'The service is temporarily unavailable; retry shortly', undefined, {
    'retry-after': String(DATABASE_RETRY_AFTER_SECONDS),
  });
