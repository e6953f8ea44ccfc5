/**
 * A problem the operator has to fix before the server can start (a port in use, a directory PostgreSQL cannot
 * enter). Its message says what is wrong and what to do, and is logged as one line, without a stack.
 */
export class StartupError extends Error {
  override name = 'StartupError';
}
