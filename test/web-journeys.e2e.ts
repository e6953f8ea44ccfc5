import path from 'node:path';
import { withBrowser } from '../fixtures/browser';
import { buildPluginDir } from '../fixtures/plugin-build';
import { freePort } from './support/global-setup';
import { startTestServer } from './support/server';
import { run, bin } from './support/web';

/**
 * The browser client's Playwright journeys (web/tests) against a real server on a fresh database, run from
 * here so `npm test` covers them. Global setup has built web/dist (scripts/build.js).
 */
withBrowser(
  'browser journeys pass (Playwright on Debian’s chromium, real server and database)',
  async () => {
    // Every journey signs people up from this one address. The server knows its own address (incoming
    // webhook URLs are built on it), and may call receivers the journeys start on this machine.
    const port = await freePort();
    const server = await startTestServer({
      apiRateLimitPerToken: 10_000,
      registerMaxPerAddress: 1_000,
      port,
      publicUrl: `http://127.0.0.1:${port}`,
      egressAllowNetworks: ['127.0.0.1/32'],
      // The journeys' instance admin (web/tests/seed.ts).
      instanceAdminEmails: ['instance-admin@example.test'],
      // The interactive sample plugin, for its button and modal (plugin-modal.spec.ts).
      pluginDirs: [await buildPluginDir(path.resolve(__dirname, '../fixtures/plugins/approvals'))],
    });
    try {
      // The budget spec seeds a long history straight into the server's database.
      const output = await run(bin('@playwright/test', 'cli.js'), ['test'], {
        JOKKAER_WEB_URL: server.url,
        JOKKAER_DATABASE_URL: server.databaseUrl,
      });
      process.stdout.write(output);
    } finally {
      await server.close();
    }
  },
  // One browser at a time (web/playwright.config.ts): about three minutes on a fast two-core machine, more than
  // ten on a slow one.
  1_800_000,
);
