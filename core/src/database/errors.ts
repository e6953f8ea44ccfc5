interface PgError {
  code?: string;
  constraint?: string;
  /** Objection wraps driver errors and keeps the original here. */
  nativeError?: PgError;
}

/** PostgreSQL's unique_violation, raised when an insert races another for the same unique key. */
export function isUniqueViolation(error: unknown, constraint?: string): boolean {
  const pg = (error as PgError)?.nativeError ?? (error as PgError);
  return pg?.code === '23505' && (constraint === undefined || pg.constraint === constraint);
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
  const pg = ((error as PgError)?.nativeError ?? error) as PgError & { name?: string; message?: string };
  if (!pg || typeof pg !== 'object') return false;
  if (pg.name === 'KnexTimeoutError') return true; // waiting for a pool connection
  if (pg.code && (NETWORK_CODES.has(pg.code) || UNAVAILABLE_STATES.has(pg.code) || pg.code.startsWith('08')))
    return true;
  // knex prefixes the SQL to the driver's message.
  return typeof pg.message === 'string' && CONNECTION_LOST.some((text) => pg.message!.includes(text));
}
