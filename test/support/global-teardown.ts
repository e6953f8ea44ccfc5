import { rm } from 'node:fs/promises';
import { testDatabaseSettings, withAdminClient } from './database';

/**
 * Drops this run's databases (CI reuses the machine's PostgreSQL), stops the embedded server and removes the
 * run's temporary folder (its cluster included).
 */
export default async function globalTeardown(): Promise<void> {
  const { adminUrl, template } = testDatabaseSettings();
  await withAdminClient(adminUrl, async (client) => {
    const { rows } = await client.query<{ datname: string }>(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${template}%`],
    );
    for (const { datname } of rows) await client.query(`DROP DATABASE IF EXISTS "${datname}" WITH (FORCE)`);
  });
  await globalThis.__JOKKAER_EMBEDDED_PG__?.stop();
  if (globalThis.__JOKKAER_RUN_DIR__)
    await rm(globalThis.__JOKKAER_RUN_DIR__, { recursive: true, force: true });
}
