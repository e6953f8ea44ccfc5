import type { Knex } from 'knex';

/** What backups ask of the database besides pg_dump and pg_restore. */
export class BackupsRepository {
  constructor(private readonly knex: Knex) {}

  /** Tables outside PostgreSQL's own schemas: a restore goes only into a database with none. */
  async userTableCount(): Promise<number> {
    const { rows } = await this.knex.raw<{ rows: { count: string }[] }>(
      `SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')`,
    );
    return Number(rows[0].count);
  }

  /** The server's major version (18 for 18.1): pg_dump refuses a server newer than itself. */
  async serverMajorVersion(): Promise<number> {
    const { rows } = await this.knex.raw<{ rows: { version: string }[] }>(
      `SELECT current_setting('server_version_num') AS version`,
    );
    return Math.floor(Number(rows[0].version) / 10_000);
  }
}
