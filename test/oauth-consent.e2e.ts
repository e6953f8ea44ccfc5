import { createHash, randomBytes } from 'node:crypto';
import type { Browser } from 'playwright-core';
import { APP_CONFIG } from '../core/src/config/config';
import type { AppConfig } from '../core/src/config/config';
import { ApiClient } from '../fixtures/api-client';
import { launchChromium, requireBrowser, withBrowser } from '../fixtures/browser';
import { createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * The consent page in a real browser (Debian's chromium, driven by playwright-core): a workspace admin
 * signs in on it, picks the workspace, allows, and the browser lands back at the app with a code that the
 * app exchanges for a working token. CI installs chromium (.ci/run); elsewhere the test needs it too, and
 * says so rather than passing.
 */
const redirectUri = 'https://app.example.test/callback';

let server: TestServer;
let browser: Browser | undefined;
let admin: TestUser;
let app: { clientId: string; clientSecret: string };
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer();
  server.app.get<AppConfig>(APP_CONFIG).publicUrl = server.url;
  admin = await registerUser(server.url, 'Admin');
  workspaceId = (await createWorkspace(admin, 'Consent Co')).id;
  const created = await admin.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
    name: 'Dashboard',
    redirectUris: [redirectUri],
    scopes: ['channels:read'],
  });
  app = created.body as typeof app;
  browser = await launchChromium();
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await server.close();
});

withBrowser(
  'lets an admin sign in, pick the workspace and allow; the app gets a code that works',
  async () => {
    const verifier = randomBytes(32).toString('base64url');
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    const page = await requireBrowser(browser).newPage();
    let landed: URL | undefined;
    await page.route('https://app.example.test/**', async (route) => {
      landed = new URL(route.request().url());
      await route.fulfill({ status: 200, contentType: 'text/plain', body: 'back at the app' });
    });
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: app.clientId,
      redirect_uri: redirectUri,
      scope: 'channels:read',
      state: 'state-from-the-app',
      code_challenge: challenge,
      code_challenge_method: 'S256',
    });
    await page.goto(`${server.url}/oauth/authorize?${query.toString()}`);
    await page.getByRole('heading', { name: 'Install Dashboard?' }).waitFor();
    await page.getByPlaceholder('Email').fill(admin.email);
    await page.getByPlaceholder('Password').fill('correct horse battery');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByLabel('Workspace').selectOption({ label: 'Consent Co' });
    await page.getByRole('button', { name: 'Allow' }).click();
    await page.getByText('back at the app').waitFor();
    await page.close();

    expect(landed?.searchParams.get('state')).toBe('state-from-the-app');
    const code = landed?.searchParams.get('code');
    expect(code).toMatch(/^jkac_/);
    const exchanged = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: code!,
        redirect_uri: redirectUri,
        code_verifier: verifier,
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }).toString(),
    });
    expect(exchanged.status).toBe(200);
    const { access_token: token } = (await exchanged.json()) as { access_token: string };
    const channels = await new ApiClient(server.url, token).get(`/api/v1/workspaces/${workspaceId}/channels`);
    expect(channels.status).toBe(200);
  },
  60_000,
);
