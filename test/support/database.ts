import { randomBytes } from 'node:crypto';
import { Client } from 'pg';

/** The server-level connection (no database) and the migrated template every test file copies. */
export function testDatabaseSettings(): { adminUrl: string; template: string } {
  const adminUrl = process.env.JOKKAER_TEST_ADMIN_URL;
  const template = process.env.JOKKAER_TEST_TEMPLATE;
  if (!adminUrl || !template) throw new Error('global-setup did not run');
  return { adminUrl, template };
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

/** A fresh database per test file, copied from the migrated template (fast, and isolated from other files). */
export async function createTestDatabase(): Promise<string> {
  const { adminUrl, template } = testDatabaseSettings();
  const name = `${template}_${randomBytes(4).toString('hex')}`;
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
