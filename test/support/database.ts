import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/**
 * The server-level connection (no database), the migrated template every test file copies, and the template's
 * empty tables (those a medium test may empty between tests: not the migrations' nor their seeded rows).
 */
export function testDatabaseSettings(): { adminUrl: string; template: string; emptyTables: string[] } {
  const adminUrl = process.env.JOKKAER_TEST_ADMIN_URL;
  const template = process.env.JOKKAER_TEST_TEMPLATE;
  const emptyTables = process.env.JOKKAER_TEST_EMPTY_TABLES;
  if (!adminUrl || !template || emptyTables === undefined) throw new Error('global-setup did not run');
  return { adminUrl, template, emptyTables: emptyTables.split(',') };
}

/** The tables of a database that hold no rows. */
export async function emptyTablesOf(url: string): Promise<string[]> {
  return withAdminClient(url, async (client) => {
    const { rows } = await client.query<{ name: string }>(
      "SELECT tablename AS name FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename",
    );
    const checks = rows.map(
      ({ name }) => `SELECT '${name}' AS name WHERE NOT EXISTS (SELECT FROM "${name}")`,
    );
    return (await client.query<{ name: string }>(checks.join(' UNION ALL '))).rows.map(({ name }) => name);
  });
}

export function databaseUrl(adminUrl: string, database: string): string {
  const url = new URL(adminUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function withAdminClient<T>(adminUrl: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * A fresh database per test file, copied from the migrated template (fast, and isolated from other files).
 * `suffix` names it (the run's teardown drops it with the rest); a random one by default.
 */
export async function createTestDatabase(suffix = randomBytes(4).toString('hex')): Promise<string> {
  const { adminUrl, template } = testDatabaseSettings();
  const name = `${template}_${suffix}`;
  await withAdminClient(adminUrl, async (client) => {
    for (let attempt = 0; ; attempt++) {
      try {
        await client.query(`CREATE DATABASE "${name}" TEMPLATE "${template}"`);
        return;
      } catch (error) {
        // Two files copying the template at the same instant can briefly see each other as "in use".
        if (attempt >= 20 || !String(error).includes('is being accessed by other users')) throw error;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
  });
  return databaseUrl(adminUrl, name);
}
