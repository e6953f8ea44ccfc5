import path from 'node:path';
import { startTestServer } from './support/server';
import { run, bin, web } from './support/web';

/**
 * The browser client's own suites, run from here so `npm test` covers them: Vitest's component tests and the
 * initial-JavaScript budget, and that the server serves the client. (Its Playwright journeys are
 * web-journeys.e2e.ts's, a file of their own so that another Jest worker runs these beside them.) Global
 * setup has built web/dist (scripts/build.js).
 */
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
    // A page a browser opens that the client has no screen for: the app (which says so) with a 404; an
    // unknown path asked by anything but a browser, or under the API even by a browser, stays problem+json.
    const browserAccept = { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' };
    const page = await fetch(`${server.url}/no/such/page`, { headers: browserAccept });
    expect([page.status, page.headers.get('content-type')]).toEqual([404, 'text/html; charset=utf-8']);
    expect(page.headers.get('content-security-policy')).toBe(csp);
    expect(await page.text()).toBe(html);
    for (const [url, headers] of [
      ['/no/such/page', {}],
      ['/api/v1/no-such-route', browserAccept],
      ['/hooks/no-such-hook', browserAccept],
    ] as const) {
      const answer = await fetch(`${server.url}${url}`, { headers });
      expect([url, answer.status, answer.headers.get('content-type')]).toEqual([
        url,
        404,
        'application/problem+json; charset=utf-8',
      ]);
      expect(answer.headers.get('content-security-policy')).not.toBe(csp);
      await answer.arrayBuffer();
    }
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

// Beside the browser journeys on two cores, Vitest's run has taken more than two minutes.
it('component tests pass (Vitest)', async () => {
  await run(bin('vitest', 'vitest.mjs'), ['run']);
}, 300_000);

it('the initial JavaScript is within its budget', async () => {
  process.stdout.write(await run(path.join(web, 'scripts/budget.mjs'), []));
});
