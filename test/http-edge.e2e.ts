import type { Browser } from 'playwright-core';
import { launchChromium, requireBrowser, withBrowser } from '../fixtures/browser';
import { createChannel, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { httpRequest, rawRequest } from '../fixtures/raw-http';
import { startTestServer, TestServer } from './support/server';

const ALLOWED_ORIGIN = 'https://chat.example.test';
let server: TestServer;
let alice: TestUser;
let browser: Browser | undefined;

beforeAll(async () => {
  server = await startTestServer({ corsOrigins: [ALLOWED_ORIGIN] });
  alice = await registerUser(server.url, 'Alice');
  browser = await launchChromium();
});
// Closing Chromium can take long on a machine busy with other browsers.
afterAll(async () => {
  await browser?.close();
  await server.close();
}, 90_000);

const get = (path: string, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { headers: { authorization: `Bearer ${alice.token}`, ...headers } });

function expectSecurityHeaders(headers: Headers): void {
  expect(headers.get('x-content-type-options')).toBe('nosniff');
  expect(headers.get('x-frame-options')).toBe('DENY');
  expect(headers.get('referrer-policy')).toBe('no-referrer');
  expect(headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
}

describe('security headers', () => {
  it('are on JSON answers and problem answers', async () => {
    const me = await get('/api/v1/me');
    expect(me.status).toBe(200);
    expectSecurityHeaders(me.headers);
    expect(me.headers.get('content-security-policy')).toContain("default-src 'none'");
    expect(me.headers.get('cross-origin-resource-policy')).toBe('same-origin');
    // Only pages get the headers only a page acts on; a JSON answer is spared them.
    expect(me.headers.get('cross-origin-opener-policy')).toBeNull();
    expect(me.headers.get('x-request-id')).toMatch(/^[0-9a-f-]{36}$/);
    const refused = await fetch(`${server.url}/api/v1/me`);
    expect(refused.status).toBe(401);
    expectSecurityHeaders(refused.headers);
  });

  it('keep /api/docs unframeable, its scripts to its own origin, and its assets served', async () => {
    const docs = await fetch(`${server.url}/api/docs`);
    expect(docs.status).toBe(200);
    expectSecurityHeaders(docs.headers);
    expect(docs.headers.get('cross-origin-opener-policy')).toBe('same-origin');
    const policy = docs.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("script-src 'self'");
    expect(policy).not.toMatch(/script-src[^;]*'unsafe-(inline|eval)'/);
    const html = await docs.text();
    expect(html).not.toMatch(/<script>|<script [^>]*>[^<\s]/); // no inline script: 'self' runs them all
    const assets = [...html.matchAll(/(?:src|href)=["']([^"']+)["']/g)].map(
      (match) => new URL(match[1], docs.url).pathname,
    );
    expect(assets).toEqual(
      expect.arrayContaining(['/api/docs/swagger-ui-bundle.js', '/api/docs/swagger-ui-init.js']),
    );
    for (const asset of assets) {
      expect([asset, (await fetch(`${server.url}${asset}`)).status]).toEqual([asset, 200]);
    }
  });

  withBrowser('let Swagger UI render under its policy, with no violation', async () => {
    const page = await requireBrowser(browser).newPage();
    const violations: string[] = [];
    page.on('console', (message) => {
      if (/Content.Security.Policy|Refused to/i.test(message.text())) violations.push(message.text());
    });
    await page.goto(`${server.url}/api/docs`);
    await page.locator('.swagger-ui .info .title', { hasText: 'Jōkkær API' }).waitFor();
    await page.locator('.opblock-tag', { hasText: 'files' }).first().waitFor();
    await page.close();
    expect(violations).toEqual([]);
  });

  it('leave the headers of routes that set their own: the OAuth consent page', async () => {
    const page = await fetch(`${server.url}/oauth/authorize`);
    expect(page.headers.get('content-type')).toContain('text/html');
    // The error page's own policy: only a nonce'd script (the theme) and this origin's stylesheet.
    expect(page.headers.get('content-security-policy')).toMatch(
      /^default-src 'none'; script-src 'nonce-[^']+'; style-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'$/,
    );
    expect(page.headers.get('x-frame-options')).toBe('DENY');
  });
});

describe('CORS', () => {
  const preflight = (origin: string) =>
    fetch(`${server.url}/api/v1/me`, {
      method: 'OPTIONS',
      headers: {
        origin,
        'access-control-request-method': 'DELETE',
        'access-control-request-headers': 'authorization, content-type',
      },
    });

  it('answers a preflight from a listed origin with 204 and the CORS headers', async () => {
    const response = await preflight(ALLOWED_ORIGIN);
    expect(response.status).toBe(204);
    expect(response.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
    expect(response.headers.get('access-control-allow-methods')).toContain('DELETE');
    expect(response.headers.get('access-control-allow-headers')).toContain('authorization');
    expect(response.headers.get('access-control-allow-credentials')).toBeNull();
    const actual = await get('/api/v1/me', { origin: ALLOWED_ORIGIN });
    expect(actual.headers.get('access-control-allow-origin')).toBe(ALLOWED_ORIGIN);
  });

  it('gives any other origin no CORS header, and is off when no origin is listed', async () => {
    const other = await preflight('https://evil.example.test');
    expect(other.status).toBe(204);
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
    expect(
      (await get('/api/v1/me', { origin: 'https://evil.example.test' })).headers.has(
        'access-control-allow-origin',
      ),
    ).toBe(false);

    const closed = await startTestServer({ databaseUrl: server.databaseUrl });
    try {
      const response = await fetch(`${closed.url}/api/v1/me`, {
        method: 'OPTIONS',
        headers: { origin: ALLOWED_ORIGIN, 'access-control-request-method': 'GET' },
      });
      expect(response.status).toBe(204);
      expect(response.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await closed.close();
    }
  });
});

describe('errors Fastify answers itself', () => {
  const raw = (target: string, headers: Record<string, string> = {}) =>
    rawRequest(
      server.url,
      httpRequest('GET', target, { authorization: `Bearer ${alice.token}`, ...headers }),
    );

  it.each([
    ['an over-long path segment', `/api/v1/channels/${'a'.repeat(300)}`, 414, '(path)'],
    ['bad percent-encoding', '/api/v1/channels/%E0%A4%A', 400, '(path)'],
  ])('answer %s as problem+json', async (_what, target, status, path) => {
    const response = await raw(target);
    expect(response.status).toBe(status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expectSecurityHeaders(new Headers(response.headers));
    expect(response.headers['x-request-id']).toBeDefined();
    const problem = JSON.parse(response.body);
    expect(problem).toMatchObject({ status, errors: [expect.objectContaining({ path })] });
    expect(problem.detail).not.toMatch(/FST_|is not a valid url component|exceeding the max param/);
  });

  it('answers a request the HTTP parser refuses, and headers too large, as problem+json', async () => {
    const malformed = await rawRequest(
      server.url,
      'GET /api/v1/me HTTP/1.1\r\nhost: x\r\nbroken header\r\n\r\n',
    );
    expect(malformed.status).toBe(400);
    expect(malformed.headers['content-type']).toBe('application/problem+json');
    expect(malformed.headers['x-content-type-options']).toBe('nosniff');
    expect(JSON.parse(malformed.body)).toMatchObject({ status: 400 });
    const huge = await raw('/api/v1/me', { 'x-padding': 'x'.repeat(32 * 1024) });
    expect(huge.status).toBe(431);
    expect(huge.headers['content-type']).toBe('application/problem+json');
  });
});

describe('a JSON content type with an empty body', () => {
  const post = (path: string, body?: string) =>
    fetch(`${server.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${alice.token}`, 'content-type': 'application/json; charset=utf-8' },
      body,
    });

  it('is a request without a body: an action that takes none is done, one that needs fields names them', async () => {
    const workspace = await createWorkspace(alice);
    const channel = await createChannel(alice, workspace.id);
    const bob = await registerUser(server.url, 'Bob');
    const invite = await post(
      `/api/v1/workspaces/${workspace.id}/invites`,
      JSON.stringify({ role: 'member' }),
    );
    const { code } = (await invite.json()) as { code: string };
    // As an HTTP helper that always sends the content type does, for an action without a body.
    const accepted = await fetch(`${server.url}/api/v1/invites/${code}/accept`, {
      method: 'POST',
      headers: { authorization: `Bearer ${bob.token}`, 'content-type': 'application/json' },
    });
    expect(accepted.status).toBe(200);

    const empty = await post(`/api/v1/channels/${channel.id}/messages`);
    expect(empty.status).toBe(400);
    expect(empty.headers.get('content-type')).toContain('application/problem+json');
    const { errors } = (await empty.json()) as { errors: { path: string }[] };
    expect(errors.map((error) => error.path)).toEqual(['text']);
    // A body that is there is parsed as before, and a broken one still refused as JSON.
    expect(
      (await post(`/api/v1/channels/${channel.id}/messages`, JSON.stringify({ text: 'hi' }))).status,
    ).toBe(201);
    expect((await post(`/api/v1/channels/${channel.id}/messages`, ' ')).status).toBe(400);
    // No Content-Length at all (curl -X POST with a content type and no data) is no body either.
    const raw = await rawRequest(
      server.url,
      `POST /api/v1/channels/${channel.id}/messages HTTP/1.1\r\nhost: localhost\r\n` +
        `authorization: Bearer ${alice.token}\r\ncontent-type: application/json\r\n\r\n`,
    );
    expect(raw.status).toBe(400);
    expect(JSON.parse(raw.body)).toMatchObject({
      errors: expect.arrayContaining([{ path: 'text', message: expect.any(String) }]),
    });
  });
});
