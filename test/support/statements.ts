import { Database } from '../../core/src/database/database';
import type { TestServer } from './server';

/** SQL statements instance `server` sends while `work` runs. */
export async function statementsDuring(server: TestServer, work: () => Promise<unknown>): Promise<string[]> {
  const statements: string[] = [];
  const record = (query: { sql: string }) => statements.push(query.sql);
  const { knex } = server.app.get(Database);
  knex.on('query', record);
  try {
    await work();
  } finally {
    knex.off('query', record);
  }
  return statements;
}
