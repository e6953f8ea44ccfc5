import { existsSync } from 'node:fs';
import path from 'node:path';
import knexFactory, { Knex } from 'knex';
import pg from 'pg';
import type { Logger } from 'pino';
import { ContextSlot } from '../common/context-slot';
import type { AppConfig } from '../config/config';
import { snakeCaseMapping } from './case-mapping';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrationSource } from './migrations';

export type Queryable = Knex | Knex.Transaction;

/** How long the pool may wait on the database (AppConfig's DB_* settings); none for migrations and tests' setup. */
export type DatabaseTimeouts = Pick<
  AppConfig,
  'dbConnectTimeoutMs' | 'dbAcquireTimeoutMs' | 'dbStatementTimeoutMs'
>;

/** After PostgreSQL's own statement timeout, how long an unanswered statement is still waited for. */
const READ_TIMEOUT_GRACE_MS = 1000;

/** What of knex's pool (tarn) the metrics read. */
interface TarnPool {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
}

/** What of knex's client `Database.query` uses: the pool's (or a transaction's) connections, and its `?` positions. */
interface KnexConnections {
  acquireConnection(): Promise<pg.ClientBase & { __knexUid?: string }>;
  releaseConnection(connection: pg.ClientBase): Promise<unknown>;
  positionBindings(sql: string): string;
}

/** What of a pg client closing a connection at once takes (pg has no public way: `end()` waits for the server). */
interface PooledClient {
  __knexUid: string;
  connection: { stream: { destroy(): void } };
  once(event: 'end', listener: () => void): void;
}

/**
 * `text` as the prepared statement `name` on `connection`: a Query built from the text, given its name after.
 * pg copies a config object property by property on every call, and wraps its own promise in another; on an
 * authenticated read that was about 3% of this thread's time (profile of GET /me).
 */
function namedQuery<R>(
  connection: pg.ClientBase,
  name: string,
  text: string,
  values: unknown[],
): Promise<R[]> {
  return new Promise((resolve, reject) => {
    const query = new pg.Query<R & pg.QueryResultRow>(text, values, (error, result) =>
      error ? reject(error) : resolve(result.rows),
    );
    (query as { name?: string }).name = name;
    connection.query(query);
  });
}

export function createKnex(url: string, poolMax: number, timeouts?: DatabaseTimeouts, logger?: Logger): Knex {
  const statementTimeout = timeouts?.dbStatementTimeoutMs ?? 0;
  const readTimeout = statementTimeout > 0 ? statementTimeout + READ_TIMEOUT_GRACE_MS : 0;
  const pooled = new Map<string, PooledClient>();
  const knex = knexFactory({
    // knex writes its warnings (failed connection attempts) to the console unless given a logger.
    ...(logger && {
      log: {
        warn: (message: string) => logger.warn(message),
        error: (message: string) => logger.error(message),
        deprecate: (message: string) => logger.warn(message),
        debug: (message: string) => logger.debug(message),
      },
    }),
    client: 'pg',
    connection: {
      connectionString: url,
      ...(timeouts && {
        connectionTimeoutMillis: timeouts.dbConnectTimeoutMs,
        // Only the server can stop a slow statement; only the client notices a server that went silent.
        ...(readTimeout > 0 && { statement_timeout: statementTimeout, query_timeout: readTimeout }),
      }),
    },
    ...(timeouts && { acquireConnectionTimeout: timeouts.dbAcquireTimeoutMs }),
    pool: {
      min: 0,
      max: poolMax,
      ...(timeouts && { createTimeoutMillis: timeouts.dbAcquireTimeoutMs }),
      ...(readTimeout > 0 && {
        afterCreate: (client: PooledClient, done: (error: Error | null, client: PooledClient) => void) => {
          pooled.set(client.__knexUid, client);
          client.once('end', () => pooled.delete(client.__knexUid));
          done(null, client);
        },
      }),
    },
    // Columns are snake_case in SQL and camelCase in TypeScript.
    ...snakeCaseMapping(),
  });
  // pg gives up on an unanswered statement yet leaves its connection waiting for the answer, with what comes
  // next (a transaction's ROLLBACK) queued behind it: closing it fails that at once and the pool drops it.
  if (readTimeout > 0) {
    knex.on('query-error', (error: Error, query: { __knexUid?: string }) => {
      if (error.message.endsWith('Query read timeout'))
        pooled.get(query.__knexUid ?? '')?.connection.stream.destroy();
    });
  }
  return knex;
}

/** Applies pending migrations on a connection of its own, without the pool's timeouts: one may take minutes. */
export async function migrateLatest(url: string): Promise<string[]> {
  const knex = createKnex(url, 1);
  try {
    const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
    return applied;
  } finally {
    await knex.destroy();
  }
}

/**
 * The only handle repositories use. `transaction()` binds a transaction to the async context, so every
 * repository call inside it (and the outbox append) joins it without threading `trx` through signatures.
 */
export class Database {
  private readonly current = new ContextSlot<{ trx: Knex.Transaction; afterCommit: (() => void)[] }>(
    'transaction',
  );

  /** Each named statement's text with its placeholders numbered ($1, $2, …). */
  private readonly positioned = new Map<string, string>();
  private readonly connections: KnexConnections;

  /** `url` is where the pool connects, for the few consumers that need a dedicated connection (LISTEN). */
  constructor(
    readonly knex: Knex,
    readonly url: string,
  ) {
    this.connections = knex.client as KnexConnections;
  }

  /** The pool's connections in use and idle, and the acquisitions waiting for one (for the metrics). */
  poolUsage(): { used: number; idle: number; waiting: number } {
    const pool = (this.knex.client as { pool?: TarnPool }).pool;
    return {
      used: pool?.numUsed() ?? 0,
      idle: pool?.numFree() ?? 0,
      waiting: pool?.numPendingAcquires() ?? 0,
    };
  }

  /**
   * Runs a statement of constant text as PostgreSQL's prepared statement `name` (parsed and planned once per
   * connection), in the active transaction or on a pooled connection, and answers its rows as PostgreSQL names
   * their columns. Straight through pg, for the hot paths: knex's per-call work (scanning the whole text for
   * its `?` placeholders, building the query, its runner) cost more CPU than PostgreSQL's execution of these
   * statements. `sql` takes `?` placeholders as knex.raw does; they are numbered once per name. A JS array
   * value is sent as a PostgreSQL array (`?::uuid[]`), for bulk writes through `unnest`.
   */
  async query<R>(name: string, sql: string, values: unknown[]): Promise<R[]> {
    let text = this.positioned.get(name);
    if (text === undefined) {
      text = this.connections.positionBindings(sql);
      this.positioned.set(name, text);
    }
    const client = (this.current.get()?.trx.client ?? this.connections) as KnexConnections;
    const connection = await client.acquireConnection();
    // Told as knex tells its own statements, to whoever listens (tests counting statements).
    this.knex.emit('query', { __knexUid: connection.__knexUid, sql: text, bindings: values });
    try {
      return await namedQuery<R>(connection, name, text, values);
    } catch (error) {
      // What knex does with a failed statement of its own: its listeners (createKnex) close a timed-out one.
      this.knex.emit('query-error', error, { __knexUid: connection.__knexUid });
      // The stack of the caller, not of the socket read that brought the error (as pg's own promise does).
      if (error instanceof Error) Error.captureStackTrace(error);
      throw error;
    } finally {
      await client.releaseConnection(connection);
    }
  }

  /** Runs `work` on the pool, outside whatever transaction the caller is in. */
  outsideTransaction<T>(work: () => Promise<T>): Promise<T> {
    return this.current.run(undefined, work);
  }

  /** The active transaction, or the pool outside one. */
  get conn(): Queryable {
    return this.current.get()?.trx ?? this.knex;
  }

  get inTransaction(): boolean {
    return this.current.get() !== undefined;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    const afterCommit: (() => void)[] = [];
    const result = await this.knex.transaction((trx) => this.current.run({ trx, afterCommit }, work));
    for (const callback of afterCommit) callback();
    return result;
  }

  /**
   * Inside a transaction: runs `work` in a savepoint, so that if it throws, what it wrote is undone and the
   * transaction goes on (its after-commit callbacks are dropped with it).
   */
  async savepoint<T>(work: () => Promise<T>): Promise<T> {
    const store = this.current.get();
    if (!store) throw new Error('savepoint needs a transaction');
    const afterCommit: (() => void)[] = [];
    const result = await store.trx.transaction((nested) =>
      this.current.run({ trx: nested, afterCommit }, work),
    );
    store.afterCommit.push(...afterCommit);
    return result;
  }

  /** Runs `callback` once the current transaction has committed (never if it rolls back). */
  afterCommit(callback: () => void): void {
    const store = this.current.get();
    if (!store) throw new Error('afterCommit needs a transaction');
    store.afterCommit.push(callback);
  }
}

export interface DatabaseConnection {
  knex: Knex;
  url: string;
  /** Destroys the pool, then stops the embedded PostgreSQL if this connection started it. */
  close(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);
const SOCKET_DIRECTORIES = ['/var/run/postgresql', '/tmp'];

/** Who answers at `url`: a server is told apart by its start time and port. */
async function serverIdentity(url: string, connectTimeoutMs: number): Promise<string> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: connectTimeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    const { rows } = await client.query<{ identity: string }>(
      `SELECT pg_postmaster_start_time()::text || ' ' || current_setting('port') AS identity`,
    );
    return rows[0].identity;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * `url` through its PostgreSQL's Unix socket when it names a loopback address and that server has its socket in
 * a usual directory: a statement then costs this process about a fifth less CPU than over loopback TCP, and
 * the kernel less (measured: 37–51 µs against 51–65 µs per statement). Only when the socket takes the same
 * credentials and leads to the same server as `url`; otherwise `url` itself.
 */
export async function preferUnixSocket(
  url: string,
  connectTimeoutMs: number,
  logger: Logger,
  directories = SOCKET_DIRECTORIES,
): Promise<string> {
  const parsed = new URL(url);
  if (!LOOPBACK_HOSTS.has(parsed.hostname) || parsed.searchParams.has('host')) return url;
  const port = parsed.port || '5432';
  const directory = directories.find((dir) => existsSync(path.join(dir, `.s.PGSQL.${port}`)));
  if (!directory) return url;
  parsed.searchParams.set('host', directory);
  const socketUrl = parsed.toString();
  try {
    const [overTcp, overSocket] = await Promise.all([
      serverIdentity(url, connectTimeoutMs),
      serverIdentity(socketUrl, connectTimeoutMs),
    ]);
    if (overTcp === overSocket) {
      logger.info({ socketDirectory: directory }, 'connecting to PostgreSQL through its Unix socket');
      return socketUrl;
    }
    logger.info({ socketDirectory: directory }, 'the Unix socket leads to another PostgreSQL: using TCP');
  } catch (error) {
    logger.info(
      { socketDirectory: directory, err: error },
      'could not compare the Unix socket with TCP: using TCP',
    );
  }
  return url;
}

/** Connects to DATABASE_URL, or starts the embedded PostgreSQL under DATA_DIR when it is unset. */
export async function openDatabase(config: AppConfig, logger: Logger): Promise<DatabaseConnection> {
  const embedded = config.databaseUrl
    ? null
    : await startEmbeddedPostgres({
        dataDir: config.dataDir,
        port: config.embeddedPgPort,
        database: 'jokkaer',
        logger,
      });
  const given = embedded?.url ?? config.databaseUrl!;
  const url = config.dbUnixSocket ? await preferUnixSocket(given, config.dbConnectTimeoutMs, logger) : given;
  const knex = createKnex(url, config.dbPoolMax, config, logger);
  return {
    knex,
    url,
    close: async () => {
      await knex.destroy();
      await embedded?.stop();
    },
  };
}
