import { Client } from 'pg';
import { Clock } from '../core/src/common/clock';
import { CLOSE } from '../core/src/realtime/realtime.schemas';
import { ApiClient } from '../fixtures/api-client';
import { launchChromium, requireBrowser, withBrowser } from '../fixtures/browser';
import { createChannel, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { MailCatcher } from '../fixtures/mail-catcher';
import { RealtimeClient } from '../fixtures/realtime-client';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/** Password change, reset by email and by an instance admin, and scoped personal access tokens. */
const PUBLIC_URL = 'https://chat.example.test';
const ADMIN_EMAIL = 'root.accounts@example.test';
const PASSWORD = 'correct horse battery';
const NEW_PASSWORD = 'a brand new passphrase';

let server: TestServer;
let mail: MailCatcher;
let anonymous: ApiClient;

beforeAll(async () => {
  mail = await MailCatcher.start();
  server = await startTestServer({
    smtpUrl: mail.url,
    publicUrl: PUBLIC_URL,
    instanceAdminEmails: [ADMIN_EMAIL],
    passwordResetTtlMinutes: 30,
  });
  anonymous = new ApiClient(server.url);
});
afterEach(() => jest.restoreAllMocks());
afterAll(async () => {
  await server.close();
  await mail.close();
});

const login = (email: string, password: string) => anonymous.post('/api/v1/auth/login', { email, password });

async function newSession(user: TestUser): Promise<ApiClient> {
  const response = await login(user.email, PASSWORD);
  expect(response.status).toBe(200);
  return anonymous.as(response.body.token);
}

/** Asks for a reset link by email and returns the link the mail carries. */
async function mailedResetLink(user: TestUser): Promise<URL> {
  const before = mail.to(user.email).length;
  expect((await anonymous.post('/api/v1/auth/password-reset', { email: user.email })).status).toBe(202);
  const received = await eventually(
    () => Promise.resolve(mail.to(user.email)[before]),
    `the reset mail to ${user.email}`,
  );
  const link = /https?:\/\/\S+/.exec(received.text);
  if (!link) throw new Error(`no link in ${received.text}`);
  return new URL(link[0]);
}

const confirm = (token: string | null, newPassword = NEW_PASSWORD) =>
  anonymous.post('/api/v1/auth/password-reset/confirm', { token, newPassword });

describe('changing a password', () => {
  it('needs the current password, and ends every other session of the account (their sockets close)', async () => {
    const user = await registerUser(server.url);
    const other = await newSession(user);
    const socket = await RealtimeClient.connect(server.url, { token: other.token });
    const pat = await user.api.post('/api/v1/me/tokens', { name: 'ci' });

    const wrong = await user.api.post('/api/v1/me/password', {
      currentPassword: 'not my password',
      newPassword: NEW_PASSWORD,
    });
    expect(wrong).toMatchObject({
      status: 403,
      body: { errors: [{ path: 'currentPassword', message: 'is wrong' }] },
    });
    const short = await user.api.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword: 'x' });
    expect(short.status).toBe(400);
    expect(short.body.errors).toEqual([expect.objectContaining({ path: 'newPassword' })]);
    expect((await other.get('/api/v1/me')).status).toBe(200);

    const changed = await user.api.post('/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(changed.status).toBe(204);

    expect((await user.api.get('/api/v1/me')).status).toBe(200); // the caller's own session stays
    expect((await other.get('/api/v1/me')).status).toBe(401);
    expect(await socket.closed()).toBe(CLOSE.unauthorized);
    // Personal access tokens are managed on their own and are kept.
    expect((await anonymous.as(pat.body.token).get('/api/v1/me')).status).toBe(200);
    expect((await login(user.email, PASSWORD)).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
  });

  it('limits guesses of the current password as logins are limited, so a stolen session cannot find it', async () => {
    const user = await registerUser(server.url);
    const guess = (currentPassword: string) =>
      user.api.post('/api/v1/me/password', { currentPassword, newPassword: NEW_PASSWORD });
    const guesses = await Promise.all(Array.from({ length: 30 }, (_, i) => guess(`guess number ${i}`)));
    const statuses = guesses.map((answer) => answer.status).sort();
    expect(statuses.filter((status) => status === 403)).toHaveLength(10); // LOGIN_MAX_FAILURES
    expect(statuses.filter((status) => status === 429)).toHaveLength(20);
    const right = await guess(PASSWORD);
    expect(right.status).toBe(429);
    expect(right.headers.get('retry-after')).toMatch(/^[0-9]+$/);
  });
});

describe('password reset by email', () => {
  it('mails a single-use link from PUBLIC_URL that sets the password and ends every session', async () => {
    const user = await registerUser(server.url);
    const stranger = 'nobody.here@example.test';
    expect((await anonymous.post('/api/v1/auth/password-reset', { email: stranger })).status).toBe(202);

    const link = await mailedResetLink(user);
    const received = mail.to(user.email)[0];
    expect(received.from).toBe('no-reply@localhost');
    expect(received.subject).toMatch(/reset/i);
    expect(link.origin + link.pathname).toBe(`${PUBLIC_URL}/reset-password`);
    const token = link.searchParams.get('token');
    expect(token).toMatch(/^jkpr_/);

    expect((await confirm(token)).status).toBe(204);
    expect((await user.api.get('/api/v1/me')).status).toBe(401);
    expect((await login(user.email, PASSWORD)).status).toBe(401);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);

    const again = await confirm(token, 'yet another passphrase');
    expect(again).toMatchObject({
      status: 400,
      body: { errors: [expect.objectContaining({ path: 'token' })] },
    });
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    // The same answer for an address without an account, and no mail to it.
    expect(mail.to(stranger)).toEqual([]);
  });

  withBrowser(
    'opens the mailed link on a page where the new password is set, in a real browser',
    async () => {
      const user = await registerUser(server.url);
      const link = await mailedResetLink(user);
      const browser = requireBrowser(await launchChromium());
      try {
        const page = await browser.newPage();
        const opened = await page.goto(`${server.url}${link.pathname}${link.search}`);
        expect(opened?.headers()).toMatchObject({
          'referrer-policy': 'no-referrer',
          'content-security-policy': expect.stringContaining("frame-ancestors 'none'"),
        });
        expect(page.url()).not.toContain('token'); // dropped from the address bar and history
        await page.getByLabel('New password').fill(NEW_PASSWORD);
        await page.getByRole('button', { name: 'Set password' }).click();
        await page.getByText('Your password is set').waitFor();
      } finally {
        await browser.close();
      }
      expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    },
  );

  it('refuses a link once PASSWORD_RESET_TTL_MINUTES have passed', async () => {
    const user = await registerUser(server.url);
    const token = (await mailedResetLink(user)).searchParams.get('token');
    const clock = server.app.get(Clock);
    const now = clock.now();
    jest.spyOn(clock, 'now').mockReturnValue(now + 31 * 60_000);

    expect((await confirm(token)).status).toBe(400);
    expect((await login(user.email, PASSWORD)).status).toBe(200);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(401);
  });

  it('keeps at most 3 live links per account, so nobody can flood an inbox', async () => {
    const user = await registerUser(server.url);
    for (let i = 0; i < 5; i++) {
      expect((await anonymous.post('/api/v1/auth/password-reset', { email: user.email })).status).toBe(202);
    }
    const db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    try {
      const { rows } = await db.query('SELECT count(*)::int AS n FROM password_resets WHERE user_id = $1', [
        user.id,
      ]);
      expect(rows[0].n).toBe(3);
    } finally {
      await db.end();
    }
  });

  it('is offered on the sign-in page when the server can send mail', async () => {
    expect((await anonymous.get('/api/v1/auth/providers')).body).toEqual({ sso: false, passwordReset: true });
  });

  it('answers 404 "not configured" when the server has no SMTP_URL', async () => {
    const bare = await startTestServer();
    try {
      const user = await registerUser(bare.url);
      const response = await new ApiClient(bare.url).post('/api/v1/auth/password-reset', {
        email: user.email,
      });
      expect(response).toMatchObject({
        status: 404,
        body: { detail: expect.stringMatching(/not configured/) },
      });
      expect(response.headers.get('content-type')).toContain('application/problem+json');
    } finally {
      await bare.close();
    }
  });
});

describe('instance admin reset', () => {
  it("voids someone's password and sessions and hands the admin a reset link; others get 403", async () => {
    const registered = await anonymous.post('/api/v1/auth/register', {
      email: ADMIN_EMAIL,
      password: PASSWORD,
      displayName: 'Root',
    });
    expect(registered.status).toBe(201);
    const admin = anonymous.as(registered.body.token);
    const user = await registerUser(server.url);
    const socket = await RealtimeClient.connect(server.url, { token: user.token });
    const pat = anonymous.as((await user.api.post('/api/v1/me/tokens', { name: 'cli' })).body.token);
    const path = `/api/v1/admin/users/${user.id}/password`;

    const notAdmin = await registerUser(server.url);
    expect((await notAdmin.api.post(path)).status).toBe(403);
    expect((await user.api.get('/api/v1/me')).status).toBe(200);

    const reset = await admin.post(path);
    expect(reset.status).toBe(201);
    expect(reset.body).toMatchObject({
      userId: user.id,
      token: expect.stringMatching(/^jkpr_/),
      url: `${PUBLIC_URL}/reset-password?token=${reset.body.token}`,
      expiresAt: expect.any(String),
    });
    expect((await user.api.get('/api/v1/me')).status).toBe(401);
    expect(await socket.closed()).toBe(CLOSE.unauthorized);
    expect((await login(user.email, PASSWORD)).status).toBe(401);
    // Its personal access token is kept, but there is no current password to change any more.
    const change = await pat.post('/api/v1/me/password', {
      currentPassword: PASSWORD,
      newPassword: NEW_PASSWORD,
    });
    expect(change).toMatchObject({ status: 409, body: { detail: expect.stringMatching(/no password/) } });

    expect((await confirm(reset.body.token)).status).toBe(204);
    expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    expect(
      (await admin.post('/api/v1/admin/users/0190b3c4-0000-7000-8000-000000000000/password')).status,
    ).toBe(404);
  });
});

describe('scoped personal access tokens', () => {
  it('limit a token to the app scopes it was created with, as an app token is', async () => {
    const user = await registerUser(server.url);
    const workspace = await createWorkspace(user);
    const channel = await createChannel(user, workspace.id);

    const bad = await user.api.post('/api/v1/me/tokens', {
      name: 'bad',
      scopes: ['channels:read', 'admin:everything'],
    });
    expect(bad.status).toBe(400);
    expect(bad.body.errors).toEqual([
      { path: 'scopes/1', message: expect.stringContaining('"admin:everything" is not one of:') },
    ]);

    const created = await user.api.post('/api/v1/me/tokens', { name: 'reader', scopes: ['channels:read'] });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ scopes: ['channels:read'], token: expect.stringMatching(/^jkp_/) });
    const scoped = anonymous.as(created.body.token);

    expect((await scoped.get(`/api/v1/workspaces/${workspace.id}/channels`)).status).toBe(200);
    expect((await scoped.get(`/api/v1/channels/${channel.id}`)).status).toBe(200);
    expect(await scoped.get(`/api/v1/channels/${channel.id}/messages`)).toMatchObject({
      status: 403,
      body: { detail: 'The token was not granted the scope channels:history' },
    });
    expect((await scoped.post(`/api/v1/channels/${channel.id}/messages`, { text: 'hi' })).status).toBe(403);
    for (const [method, route] of [
      ['GET', '/api/v1/me/tokens'],
      ['POST', '/api/v1/me/tokens'],
      ['POST', '/api/v1/me/password'],
      ['POST', '/api/v1/workspaces'],
    ]) {
      const response = await scoped.request(method, route, method === 'POST' ? {} : undefined);
      expect({ route, status: response.status, detail: response.body.detail }).toEqual({
        route,
        status: 403,
        detail: 'Scoped personal access tokens cannot call this endpoint',
      });
    }
    await expect(RealtimeClient.connect(server.url, { token: created.body.token })).rejects.toThrow(/401/);

    // Without scopes a token acts with all its owner's rights, as before.
    const full = await user.api.post('/api/v1/me/tokens', { name: 'full' });
    expect(full.body.scopes).toBeNull();
    expect((await anonymous.as(full.body.token).get(`/api/v1/channels/${channel.id}/messages`)).status).toBe(
      200,
    );
    const listed = await anonymous.as(full.body.token).get('/api/v1/me/tokens');
    expect(listed.body.items).toEqual([
      expect.objectContaining({ name: 'full', scopes: null }),
      expect.objectContaining({ name: 'reader', scopes: ['channels:read'] }),
    ]);
  });
});

it('documents the account routes in the OpenAPI document', async () => {
  const { body } = await anonymous.get('/api/docs-json');
  for (const route of [
    '/api/v1/me/password',
    '/api/v1/auth/password-reset',
    '/api/v1/auth/password-reset/confirm',
    '/api/v1/admin/users/{userId}/password',
  ]) {
    expect(body.paths[route]?.post).toBeDefined();
  }
  expect(
    body.paths['/api/v1/me/tokens'].post.requestBody.content['application/json'].schema.properties,
  ).toHaveProperty('scopes');
});
