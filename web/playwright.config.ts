import { defineConfig } from '@playwright/test';

/**
 * Browser journeys against a running server: test/web-client.e2e.ts starts one on a fresh database and passes
 * its address; by hand, `JOKKAER_WEB_URL=http://localhost:3000 npx playwright test` from web/. Debian's
 * chromium drives them: no browser is ever downloaded.
 */
export default defineConfig({
  testDir: 'tests',
  // Two browsers at once: each journey makes its own people and workspace (names unique to its worker process,
  // seed.ts's unique()), so none waits for another's.
  workers: 2,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  use: {
    baseURL: process.env.JOKKAER_WEB_URL ?? 'http://localhost:3000',
    locale: 'en-GB',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
});
