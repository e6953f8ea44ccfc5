import { defineConfig } from '@playwright/test';

/**
 * Browser journeys against a running server: test/web-client.e2e.ts starts one on a fresh database and passes
 * its address; by hand, `JOKKAER_WEB_URL=http://localhost:3000 npx playwright test` from web/. Debian's
 * chromium drives them: no browser is ever downloaded.
 */
export default defineConfig({
  testDir: 'tests',
  // One browser at a time. Each journey makes its own people and workspace (names unique to its worker process,
  // seed.ts's unique()), so two could run at once; but on two cores two browsers and the server left a step
  // waiting past its time limit (creating a workspace took over 10 s).
  workers: 1,
  // The longest journeys take most of a minute on two busy cores.
  timeout: 120_000,
  // In CI a journey that fails is run once more, and reported as flaky if it then passes: one stalled step in a
  // run of 40 (a click on a dialog's button waiting out the test's time, once in many runs, never reproduced
  // alone) must not hide the rest. A journey that fails both times fails the run.
  retries: process.env.CI ? 1 : 0,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  projects: [
    { name: 'journeys', testIgnore: /budgets\.spec\.ts$/ },
    // The time budgets are measured once every other journey is done, so that no other browser shares the
    // cores with theirs (beside two others, the first paint took 0.8–1.4 s rather than 0.4 s).
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
