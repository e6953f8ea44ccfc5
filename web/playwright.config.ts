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
  // The longest journeys take most of a minute on two busy cores.
  timeout: 120_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  projects: [
    { name: 'journeys', testIgnore: /budgets\.spec\.ts$/ },
    // The time budgets are measured once every other journey is done, so that their browser does not share
    // the cores with two others (on two cores, the first paint then took 0.8–1.4 s rather than 0.4 s).
    { name: 'budgets', testMatch: /budgets\.spec\.ts$/, dependencies: ['journeys'] },
  ],
  use: {
    baseURL: process.env.JOKKAER_WEB_URL ?? 'http://localhost:3000',
    locale: 'en-GB',
    launchOptions: {
      executablePath: '/usr/bin/chromium',
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    },
  },
});
