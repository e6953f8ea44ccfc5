import { AsyncLocalStorage } from 'node:async_hooks';
import knexFactory, { Knex } from 'knex';
import { knexSnakeCaseMappers } from 'objection';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { startEmbeddedPostgres } from './embedded-postgres';
import { migrationSource } from './migrations';

export type Queryable = Knex | Knex.Transaction;

export function createKnex(url: string, poolMax: number): Knex {
  return knexFactory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: poolMax },
    // Columns are snake_case in SQL and camelCase in TypeScript.
    ...knexSnakeCaseMappers(),
  });
}

export async function migrateLatest(knex: Knex): Promise<string[]> {
  const [, applied] = (await knex.migrate.latest({ migrationSource })) as [number, string[]];
  return applied;
}

/**
 * The only handle repositories use. `transaction()` binds a transaction to the async context, so every
 * repository call inside it (and the outbox append) joins it without threading `trx` through signatures.
 */
export class Database {
  private readonly current = new AsyncLocalStorage<{ trx: Knex.Transaction; afterCommit: (() => void)[] }>();

  /** `url` is where the pool connects, for the few consumers that need a dedicated connection (LISTEN). */
  constructor(
    readonly knex: Knex,
    readonly url: string,
  ) {}

  /** The active transaction, or the pool outside one. */
  get conn(): Queryable {
    return this.current.getStore()?.trx ?? this.knex;
  }

  get inTransaction(): boolean {
    return this.current.getStore() !== undefined;
  }

  async transaction<T>(work: () => Promise<T>): Promise<T> {
    if (this.inTransaction) return work();
    const afterCommit: (() => void)[] = [];
    const result = await this.knex.transaction((trx) => this.current.run({ trx, afterCommit }, work));
    for (const callback of afterCommit) callback();
    return result;
  }

  /** Runs `callback` once the current transaction has committed (never if it rolls back). */
  afterCommit(callback: () => void): void {
    const store = this.current.getStore();
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
  const url = embedded?.url ?? config.databaseUrl!;
  const knex = createKnex(url, config.dbPoolMax);
  return {
    knex,
    url,
    close: async () => {
      await knex.destroy();
      await embedded?.stop();
    },
  };
}
