import { ProblemException } from '../common/problem';

interface PgError {
  code?: string;
  constraint?: string;
}

/** The SQLSTATE of a PostgreSQL error (five characters), or undefined for anything else. */
function sqlState(error: unknown): string | undefined {
  const code = (error as PgError)?.code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
}

/** PostgreSQL's unique_violation, raised when an insert races another for the same unique key. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  return (
    sqlState(error) === '23505' && (constraint === undefined || (error as PgError).constraint === constraint)
  );
}

/**
 * The problem a database error stands for when the request caused it: a value PostgreSQL refused (class 22,
 * "data exception": bad byte sequence 22021, bad text representation 22P02, out of range 22003, too long
 * 22001, bad date 22007/22008), a value over an internal limit (54000), or a conflict with other rows
 * (23505 unique, 23503 foreign key: a row that a concurrent request removed). Undefined for anything else,
 * which stays a 500. The answer never carries PostgreSQL's text, which quotes SQL and values.
 */
export function databaseProblem(error: unknown): ProblemException | undefined {
  const state = sqlState(error);
  if (state === undefined) return undefined;
  if (state.startsWith('22') || state === '54000') {
    return new ProblemException(400, 'A value in the request cannot be stored', [
      { path: '(request)', message: 'contains a value the database cannot store' },
    ]);
  }
  if (state === '23505') return new ProblemException(409, 'The request conflicts with an existing item');
  if (state === '23503') {
    return new ProblemException(409, 'The request refers to an item that no longer exists');
  }
  return undefined;
}

/** Driver errors raised without a code when the connection is lost, never answers, or cannot be opened. */
const CONNECTION_LOST = [
  'Connection terminated',
  'Query read timeout',
  'timeout expired',
  'Client has encountered a connection error and is not queryable',
  'Client was closed and is not queryable',
];
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENOTFOUND',
]);
/** SQLSTATEs of a database that is going away or overloaded, not of a bad request. */
const UNAVAILABLE_STATES = new Set([
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up, recovering)
  '57014', // query_canceled: the statement timeout
  '53300', // too_many_connections
]);

/**
 * Whether the database is out of reach (refusing, silent, restarting, overloaded) rather than refusing what
 * was asked: the caller answers 503 and tries again later. Data errors are another matter.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  const pg = error as (PgError & { name?: string; message?: string }) | null | undefined;
  if (!pg || typeof pg !== 'object') return false;
  if (pg.name === 'KnexTimeoutError') return true; // waiting for a pool connection
  if (pg.code && (NETWORK_CODES.has(pg.code) || UNAVAILABLE_STATES.has(pg.code) || pg.code.startsWith('08')))
    return true;
  // knex prefixes the SQL to the driver's message.
  return typeof pg.message === 'string' && CONNECTION_LOST.some((text) => pg.message!.includes(text));
}

/**
 * Whether PostgreSQL answered a statement with an error about what it asked (a value, a conflict): the
 * statement, outside a transaction, then wrote nothing. Not for a database out of reach, where a statement
 * may have committed before its answer was lost.
 */
export function isRefusedStatement(error: unknown): boolean {
  return sqlState(error) !== undefined && !isDatabaseUnavailable(error);
}
