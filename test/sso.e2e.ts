import { createServer, Server } from 'node:http';
import { ApiClient } from '../fixtures/api-client';
import { registerUser } from '../fixtures/factories';
import { freePort } from './support/global-setup';
import { startTestServer, TestServer } from './support/server';

/**
 * SSO login against a real OpenID provider started here (oidc-provider, with its development login and
 * consent pages), through passport-oauth2 with state and PKCE, every server-side request through the egress
 * guard (the test allowlists loopback).
 */
let provider: Server;
let issuer: string;
let server: TestServer;
/** What the provider says about each login name. */
const accounts: Record<string, { email: string; email_verified: boolean; name: string }> = {};

beforeAll(async () => {
  const { default: Provider } = await import('oidc-provider');
  const port = await freePort();
  const providerPort = await freePort();
  issuer = `http://127.0.0.1:${providerPort}`;
  const oidc = new Provider(issuer, {
    clients: [
      {
        client_id: 'jokkaer',
        client_secret: 'a-long-enough-client-secret-for-the-test',
        redirect_uris: [`http://127.0.0.1:${port}/api/v1/auth/sso/callback`],
        grant_types: ['authorization_code'],
        response_types: ['code'],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    claims: { openid: ['sub'], email: ['email', 'email_verified'], profile: ['name'] },
    findAccount: (_ctx, id) => ({
      accountId: id,
      claims: () => ({ sub: id, ...accounts[id] }),
    }),
    pkce: { required: () => true },
  });
  const handle = oidc.callback();
  provider = createServer((request, response) => void handle(request, response));
  await new Promise<void>((resolve) => provider.listen(providerPort, '127.0.0.1', resolve));
  server = await startTestServer({
    port,
    publicUrl: `http://127.0.0.1:${port}`,
    egressAllowNetworks: ['127.0.0.0/8'],
    sso: {
      authorizationUrl: `${issuer}/auth`,
      tokenUrl: `${issuer}/token`,
      userinfoUrl: `${issuer}/me`,
      clientId: 'jokkaer',
      clientSecret: 'a-long-enough-client-secret-for-the-test',
      scopes: 'openid email profile',
    },
  });
});

afterAll(async () => {
  await server.close();
  provider.closeAllConnections();
  await new Promise((resolve) => provider.close(resolve));
});

/**
 * A browser's walk through the login: follows redirects, keeps the provider's cookies, fills in the
 * development login form as `login` and accepts the consent form. Returns the callback's answer.
 */
async function signIn(
  login: string,
  tamper?: (callback: URL) => URL,
  accept = 'application/json',
): Promise<Response> {
  const cookies = new Map<string, string>();
  let response = await fetch(`${server.url}/api/v1/auth/sso/login`, { redirect: 'manual' });
  for (let step = 0; step < 20; step += 1) {
    for (const cookie of response.headers.getSetCookie()) {
      const [pair] = cookie.split(';');
      const [name, ...value] = pair.split('=');
      cookies.set(name, value.join('='));
    }
    const headers = { cookie: [...cookies].map(([name, value]) => `${name}=${value}`).join('; ') };
    const location = response.headers.get('location');
    if (location) {
      let next = new URL(location, issuer);
      if (next.pathname === '/api/v1/auth/sso/callback') {
        if (tamper) next = tamper(next);
        return await fetch(next, { redirect: 'manual', headers: { accept } });
      }
      response = await fetch(next, { redirect: 'manual', headers });
      continue;
    }
    const page = await response.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
    if (!action || !prompt) throw new Error(`unexpected page (${response.status}): ${page.slice(0, 300)}`);
    const form = new URLSearchParams({ prompt, ...(prompt === 'login' ? { login, password: 'any' } : {}) });
    response = await fetch(new URL(action.replace(/&amp;/g, '&'), issuer), {
      method: 'POST',
      redirect: 'manual',
      headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
      body: form.toString(),
    });
  }
  throw new Error('the login did not come back');
}

describe('SSO login', () => {
  it('starts with state and S256 PKCE, and signs in a new person the provider vouches for', async () => {
    const start = await fetch(`${server.url}/api/v1/auth/sso/login`, { redirect: 'manual' });
    expect(start.status).toBe(302);
    const authorize = new URL(start.headers.get('location')!);
    expect(authorize.origin + authorize.pathname).toBe(`${issuer}/auth`);
    expect(authorize.searchParams.get('state')).toMatch(/^[\w-]{32}$/);
    expect(authorize.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authorize.searchParams.get('redirect_uri')).toBe(`${server.url}/api/v1/auth/sso/callback`);

    accounts.newcomer = { email: 'newcomer@example.test', email_verified: true, name: 'New Comer' };
    const answer = await signIn('newcomer');
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { user: { email: string; displayName: string }; token: string };
    expect(body.user).toMatchObject({ email: 'newcomer@example.test', displayName: 'New Comer' });
    expect((await new ApiClient(server.url, body.token).get('/api/v1/me')).body.email).toBe(
      'newcomer@example.test',
    );
  });

  it("hands a browser back to the web client's sign-in page, the token in the fragment", async () => {
    accounts.dora = { email: 'dora@example.test', email_verified: true, name: 'Dora' };
    const answer = await signIn('dora', undefined, 'text/html,application/xhtml+xml,*/*;q=0.8');
    expect(answer.status).toBe(303);
    const target = new URL(answer.headers.get('location')!, server.url);
    expect(target.origin + target.pathname + target.search).toBe(`${server.url}/signin`);
    const token = new URLSearchParams(target.hash.slice(1)).get('sso')!;
    expect((await new ApiClient(server.url, token).get('/api/v1/me')).body.email).toBe('dora@example.test');
  });

  it('tells the sign-in page that SSO is offered', async () => {
    const answer = await fetch(`${server.url}/api/v1/auth/providers`);
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ sso: true, passwordReset: false });
  });

  it('links an existing account by verified email only', async () => {
    const existing = await registerUser(server.url, 'Existing');
    accounts.existing = { email: existing.email, email_verified: true, name: 'Whatever' };
    const linked = await signIn('existing');
    expect(((await linked.json()) as { user: { id: string } }).user.id).toBe(existing.id);

    const victim = await registerUser(server.url, 'Victim');
    accounts.impostor = { email: victim.email, email_verified: false, name: 'Impostor' };
    const refused = await signIn('impostor');
    expect(refused.status).toBe(403);
  });

  it('refuses a missing or forged state, and a replayed callback', async () => {
    accounts.carol = { email: 'carol@example.test', email_verified: true, name: 'Carol' };
    const forged = await signIn('carol', (callback) => {
      callback.searchParams.set('state', 'forged-state-forged-state-forged-s');
      return callback;
    });
    expect(forged.status).toBe(401);
    const missing = await signIn('carol', (callback) => {
      callback.searchParams.delete('state');
      return callback;
    });
    expect(missing.status).toBe(401);

    // A browser goes back to the sign-in page, which says why.
    const inBrowser = await signIn(
      'carol',
      (callback) => {
        callback.searchParams.set('state', 'forged-state-forged-state-forged-s');
        return callback;
      },
      'text/html,application/xhtml+xml,*/*;q=0.8',
    );
    expect(inBrowser.status).toBe(303);
    const target = new URL(inBrowser.headers.get('location')!, server.url);
    expect(target.pathname).toBe('/signin');
    expect(new URLSearchParams(target.hash.slice(1)).get('sso_error')).toMatch(/^SSO login failed/);

    let seen: URL | undefined;
    const first = await signIn('carol', (callback) => (seen = callback));
    expect(first.status).toBe(200);
    expect((await fetch(seen!, { redirect: 'manual' })).status).toBe(401);
  });

  it('answers 404 where SSO is not configured, and the sign-in page is told so', async () => {
    const plain = await startTestServer();
    try {
      expect((await fetch(`${plain.url}/api/v1/auth/sso/login`, { redirect: 'manual' })).status).toBe(404);
      const providers = await fetch(`${plain.url}/api/v1/auth/providers`);
      expect(await providers.json()).toEqual({ sso: false, passwordReset: false });
    } finally {
      await plain.close();
    }
  });
});
