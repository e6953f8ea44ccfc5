import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chmod, mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import pino from 'pino';
import { migrateLatest } from '../../core/src/database/database';
import { startEmbeddedPostgres } from '../../core/src/database/embedded-postgres';
import { ALL_OPTIONAL_TESTS } from '../../fixtures/optional-tests';
import { databaseUrl, emptyTablesOf, withAdminClient } from './database';

declare global {
  var __JOKKAER_EMBEDDED_PG__: { stop(): Promise<void> } | undefined;
  var __JOKKAER_RUN_DIR__: string | undefined;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Tests run against a real PostgreSQL: DATABASE_URL's server when it is set (CI points it at the machine's),
 * otherwise an embedded one started here, exactly as a newcomer's `npm test` does.
 */
/**
 * Builds what is stale of the SDK, the first-party plugins and the server (scripts/build.js, as `npm run
 * build`): the plugin runner process and the process-level tests run compiled code.
 */
function build(): void {
  const root = path.resolve(__dirname, '../..');
  execFileSync(process.execPath, ['scripts/build.js'], { cwd: root, stdio: 'inherit' });
}

export default async function globalSetup(): Promise<void> {
  for (const optional of ALL_OPTIONAL_TESTS) {
    const reason = optional.missing();
    if (reason) process.stderr.write(`skipping the ${optional.tests}: ${reason}\n`);
  }
  // JOKKAER_TEST_PREBUILT=1 skips the build for quick local reruns after `npm run build`.
  if (!process.env.JOKKAER_TEST_PREBUILT) build();
  // Everything the run writes to the temporary directory (test servers' data, built test plugins, the
  // embedded cluster, what programs under test write there) goes in one folder that teardown removes: the
  // test files and what they start find it through TMPDIR.
  const runDir = await mkdtemp(path.join(tmpdir(), 'jokkaer-run-'));
  // As root, PostgreSQL runs as the `postgres` user, who must be able to enter the folders it uses.
  await chmod(runDir, 0o755);
  globalThis.__JOKKAER_RUN_DIR__ = runDir;
  process.env.TMPDIR = runDir;
  let adminUrl = process.env.DATABASE_URL;
  if (!adminUrl) {
    const dataDir = await mkdtemp(path.join(runDir, 'embedded-postgres-'));
    await chmod(dataDir, 0o755);
    const embedded = await startEmbeddedPostgres({
      dataDir,
      port: await freePort(),
      database: 'postgres',
      logger: pino({ level: 'warn' }),
      // The run's data is thrown away after it: waiting on the disk for it is time lost.
      durable: false,
    });
    globalThis.__JOKKAER_EMBEDDED_PG__ = embedded;
    adminUrl = embedded.url;
  }
  // Runs on other machines or in other containers (where a pid says nothing) may share this PostgreSQL: the
  // random part keeps two runs' names apart, and the teardown drops only names under this one.
  const template = `jokkaer_test_${Date.now().toString(36)}_${randomBytes(6).toString('hex')}`;
  await withAdminClient(adminUrl, (client) => client.query(`CREATE DATABASE "${template}"`));
  await migrateLatest(databaseUrl(adminUrl, template));
  process.env.JOKKAER_TEST_ADMIN_URL = adminUrl;
  process.env.JOKKAER_TEST_TEMPLATE = template;
  process.env.JOKKAER_TEST_EMPTY_TABLES = (await emptyTablesOf(databaseUrl(adminUrl, template))).join(',');
}
