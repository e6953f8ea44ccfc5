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
