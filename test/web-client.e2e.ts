import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { withBrowser } from '../fixtures/browser';
import { startTestServer } from './support/server';

/**
 * The browser client's own suites, run from here so `npm test` covers them: Vitest's component tests, the
 * initial-JavaScript budget, and the Playwright journeys against a real server on a fresh database. Global
 * setup has built web/dist (scripts/build.js).
 */
const web = path.resolve(__dirname, '../web');
/** A dependency's program, wherever npm put it (hoisted to the root or kept under web/). */
const bin = (pkg: string, file: string) =>
  [web, path.dirname(web)]
    .map((dir) => path.join(dir, 'node_modules', pkg, file))
    .find((candidate) => existsSync(candidate)) ?? `${pkg}/${file} (not installed: run npm install)`;

/** Runs a Node program in web/; resolves with its output, or rejects with it (so a failure shows why). */
function run(program: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<string> {
  // Playwright refuses to run inside a Jest worker, which it recognises by this variable.
  const { JEST_WORKER_ID: _worker, ...inherited } = process.env;
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [program, ...args],
      { cwd: web, env: { ...inherited, ...env, NODE_OPTIONS: '', FORCE_COLOR: '0' }, maxBuffer: 16 << 20 },
      (error, stdout, stderr) => {
        const output = `${stdout}${stderr}`;
        if (error) reject(new Error(`${path.basename(program)} ${args.join(' ')} failed:\n${output}`));
        else resolve(output);
      },
    );
  });
}

it('component tests pass (Vitest)', async () => {
  await run(bin('vitest', 'vitest.mjs'), ['run']);
}, 120_000);

it('the initial JavaScript is within its budget', async () => {
  process.stdout.write(await run(path.join(web, 'scripts/budget.mjs'), []));
});

withBrowser(
  'browser journeys pass (Playwright on Debian’s chromium, real server and database)',
  async () => {
    const server = await startTestServer({ apiRateLimitPerToken: 10_000 });
    try {
      const output = await run(bin('@playwright/test', 'cli.js'), ['test'], { JOKKAER_WEB_URL: server.url });
      process.stdout.write(output);
    } finally {
      await server.close();
    }
  },
  240_000,
);
