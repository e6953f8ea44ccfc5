import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { withBrowser } from '../fixtures/browser';
import { buildPluginDir } from '../fixtures/plugin-build';
import { freePort } from './support/global-setup';
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

it('the server answers the client routes with the app under a strict CSP, assets cached for good, the API untouched', async () => {
  const server = await startTestServer();
  try {
    const index = await fetch(`${server.url}/w/some-workspace/c/some-channel`);
    expect(index.status).toBe(200);
    expect(index.headers.get('cache-control')).toBe('no-cache');
    const csp = index.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain("connect-src 'self' ws: wss:");
    expect(csp).not.toContain('unsafe-inline');
    const html = await index.text();
    // No inline script: every script is a file of this origin (the bundles, the theme and service worker loaders).
    expect(html).not.toMatch(/<script(?![^>]*\ssrc=)[^>]*>/);
    const asset = /src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    const bundle = await fetch(`${server.url}${asset}`);
    expect(bundle.status).toBe(200);
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
    await bundle.arrayBuffer();
    const missing = await fetch(`${server.url}/assets/missing.js`);
    expect(missing.status).toBe(404);
    await missing.arrayBuffer();
    const api = await fetch(`${server.url}/api/v1/no-such-route`);
    expect(api.status).toBe(404);
    expect(api.headers.get('content-type')).toContain('application/problem+json');
    await api.arrayBuffer();
    // The installable app: its manifest and service worker, revalidated on every load so a release is picked up.
    for (const [file, type] of [
      ['/manifest.webmanifest', 'application/manifest+json'],
      ['/sw.js', 'application/javascript'],
      ['/registerSW.js', 'application/javascript'],
      ['/theme.js', 'application/javascript'],
      ['/icons/icon-512.png', 'image/png'],
      ['/icons/maskable-512.png', 'image/png'],
      ['/index.html', 'text/html'],
    ]) {
      const answer = await fetch(`${server.url}${file}`);
      expect([file, answer.status, answer.headers.get('cache-control')]).toEqual([file, 200, 'no-cache']);
      expect(answer.headers.get('content-type')).toContain(type);
      await answer.arrayBuffer();
    }
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest">');
  } finally {
    await server.close();
  }
}, 60_000);

it('component tests pass (Vitest)', async () => {
  await run(bin('vitest', 'vitest.mjs'), ['run']);
}, 120_000);

it('the initial JavaScript is within its budget', async () => {
  process.stdout.write(await run(path.join(web, 'scripts/budget.mjs'), []));
});

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
  // Every journey in one browser, one after the other: about ten minutes on a busy two-core machine.
  1_200_000,
);
