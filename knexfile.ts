import type { Knex } from 'knex';
import { snakeCaseMapping } from './core/src/database/case-mapping';
import { migrationSource } from './core/src/database/migrations';

/**
 * For the knex CLI and other tooling. The server itself migrates on start (MIGRATE_ON_START) and through
 * `npm run migrate`, which also covers the embedded PostgreSQL; this file needs DATABASE_URL.
 */
const config: Knex.Config = {
  client: 'pg',
  connection: process.env.DATABASE_URL,
  migrations: { migrationSource },
  ...snakeCaseMapping(),
};

export default config;
