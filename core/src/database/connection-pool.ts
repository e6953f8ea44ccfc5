import pg from 'pg';
import type { Logger } from 'pino';

/** A connection lent by the pool, as knex and `Database.query` use it. */
export interface PooledConnection extends pg.PoolClient {
  /** Which connection this is in knex's `query` and `query-error` events: one name for its whole life. */
  __knexUid: string;
  /** Set once the connection failed (knex's own mark): given back, it is closed rather than lent again. */
  __knex__disposed?: unknown;
}

/** pg's client as it is: its `connection` (the socket's owner) is there, undeclared. */
type ConnectedClient = pg.ClientBase & { connection: pg.Connection };

export interface ConnectionPoolOptions {
  url: string;
  max: number;
  /** Opening one connection (TCP and handshake); 0: no limit. */
  connectTimeoutMs?: number;
  /** Waiting for a connection, opening one included; 0: no limit. */
  acquireTimeoutMs?: number;
  /** PostgreSQL cancels longer statements; 0: never. */
  statementTimeoutMs?: number;
  /** The client gives up on a statement unanswered this long; 0: never. */
  readTimeoutMs?: number;
  logger?: Logger;
}

/** How long an idle connection is kept before it is closed (knex's default). */
const IDLE_TIMEOUT_MS = 30_000;

/**
 * pg's own pool, in the shape knex takes for a pool of its own kind (tarn's): knex's statements, its
 * transactions and `Database.query` all take their connections here. tarn spent 28 promises and a timer on
 * every acquisition (5–7 µs a statement, more than PostgreSQL took for the hot ones); pg's pool lends an idle
 * connection with one promise.
 */
export class ConnectionPool {
  private readonly pool: pg.Pool;
  private readonly byUid = new Map<string, PooledConnection>();
  private opened = 0;

  constructor(options: ConnectionPoolOptions) {
    const connectTimeoutMs = options.connectTimeoutMs ?? 0;
    // pg's pool gives its own `connectionTimeoutMillis` (the wait for a connection) to each connection it opens;
    // a connection has a limit of its own for opening.
    class TimedClient extends pg.Client {
      constructor(config?: pg.ClientConfig) {
        super({ ...config, connectionTimeoutMillis: connectTimeoutMs });
      }
    }
    const readTimeoutMs = options.readTimeoutMs ?? 0;
    this.pool = new pg.Pool({
      Client: TimedClient,
      connectionString: options.url,
      max: options.max,
      min: 0,
      idleTimeoutMillis: IDLE_TIMEOUT_MS,
      connectionTimeoutMillis: options.acquireTimeoutMs ?? 0,
      ...(readTimeoutMs > 0 && {
        statement_timeout: options.statementTimeoutMs,
        query_timeout: readTimeoutMs,
      }),
    });
    this.pool.on('connect', (client) => {
      const connection = client as unknown as PooledConnection;
      connection.__knexUid = `connection${++this.opened}`;
      this.byUid.set(connection.__knexUid, connection);
      // A lent connection has no listener of the pool's: a failure would otherwise crash the process.
      connection.on('error', (error) => {
        connection.__knex__disposed = error;
      });
      connection.once('end', () => this.byUid.delete(connection.__knexUid));
    });
    // An idle connection that fails is dropped by the pool, which tells it here.
    this.pool.on('error', (error) =>
      options.logger?.warn({ err: error }, 'an idle database connection failed'),
    );
  }

  /** A connection, to give back with `release`. */
  connect(): Promise<PooledConnection> {
    return this.pool.connect() as Promise<unknown> as Promise<PooledConnection>;
  }

  release(connection: PooledConnection): boolean {
    connection.release(connection.__knex__disposed !== undefined);
    return true;
  }

  /**
   * Closes the connection named `uid` at once, failing what waits on it. For a statement the client gave up
   * on: pg leaves its connection waiting for the answer, with what comes next (a transaction's ROLLBACK)
   * queued behind it.
   */
  abort(uid: string): void {
    // pg has no public way to close a connection without waiting for the server.
    (this.byUid.get(uid) as ConnectedClient | undefined)?.connection.stream.destroy();
  }

  /** Closes every connection once given back. */
  destroy(): Promise<void> {
    return this.pool.ending ? Promise.resolve() : this.pool.end();
  }

  // What knex calls on a pool of tarn's kind.
  acquire(): { promise: Promise<PooledConnection> } {
    return { promise: this.connect() };
  }

  numUsed(): number {
    return this.pool.totalCount - this.pool.idleCount;
  }

  numFree(): number {
    return this.pool.idleCount;
  }

  numPendingAcquires(): number {
    return this.pool.waitingCount;
  }
}
