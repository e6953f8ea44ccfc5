import { APP_CONFIG } from '../core/src/config/config';
import type { AppConfig } from '../core/src/config/config';
import { ApiClient } from '../fixtures/api-client';
import { createChannel, createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * The OAuth 2.0 provider driven by a client we did not write (oauth4webapi): discovery, authorization code
 * with PKCE, refresh with rotation, revocation — and the attacks a provider must turn away.
 */
type OAuth = typeof import('oauth4webapi');
let oauth: OAuth;
let server: TestServer;
let admin: TestUser;
let workspaceId: string;
let as: import('oauth4webapi').AuthorizationServer;
let client: import('oauth4webapi').Client;
let clientAuth: import('oauth4webapi').ClientAuth;
let clientSecret: string;
const redirectUri = 'https://app.example.test/oauth/callback';
let insecure: Record<symbol, boolean>;

beforeAll(async () => {
  oauth = await import('oauth4webapi');
  insecure = { [oauth.allowInsecureRequests]: true };
  server = await startTestServer();
  server.app.get<AppConfig>(APP_CONFIG).publicUrl = server.url;
  admin = await registerUser(server.url, 'Admin');
  workspaceId = (await createWorkspace(admin)).id;
  const created = await admin.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
    name: 'Reporter',
    redirectUris: [redirectUri],
    scopes: ['channels:read', 'channels:history', 'chat:write'],
  });
  expect(created.status).toBe(201);
  clientSecret = created.body.clientSecret as string;
  client = { client_id: created.body.clientId as string };
  clientAuth = oauth.ClientSecretBasic(clientSecret);
  const issuer = new URL(server.url);
  as = await oauth.processDiscoveryResponse(
    issuer,
    await oauth.discoveryRequest(issuer, { algorithm: 'oauth2', ...insecure }),
  );
});

afterAll(async () => {
  await server.close();
});

/** The admin consents on behalf of the workspace; returns where the browser is sent back to. */
async function consent(params: Record<string, string>, user: TestUser = admin): Promise<Response> {
  return await fetch(`${server.url}/oauth/authorize`, {
    method: 'POST',
    redirect: 'manual',
    headers: { authorization: `Bearer ${user.token}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ workspace_id: workspaceId, ...params }).toString(),
  });
}

async function authorizationCode(extra: Record<string, string> = {}) {
  const verifier = oauth.generateRandomCodeVerifier();
  const state = oauth.generateRandomState();
  const response = await consent({
    response_type: 'code',
    client_id: client.client_id,
    redirect_uri: redirectUri,
    scope: 'channels:read channels:history',
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...extra,
  });
  expect(response.status).toBe(302);
  const callback = new URL(response.headers.get('location') as string);
  return { verifier, state, callback };
}

async function exchange(callback: URL, state: string, verifier: string) {
  const params = oauth.validateAuthResponse(as, client, callback, state);
  return await oauth.authorizationCodeGrantRequest(
    as,
    client,
    clientAuth,
    params,
    redirectUri,
    verifier,
    insecure,
  );
}

describe('OAuth 2.0 provider', () => {
  it('publishes its metadata: code flow with S256 PKCE only', () => {
    expect(as).toMatchObject({
      issuer: server.url,
      token_endpoint: `${server.url}/oauth/token`,
      response_types_supported: ['code'],
      grant_types_supported: ['authorization_code', 'refresh_token'],
      code_challenge_methods_supported: ['S256'],
    });
  });

  it('shows a consent page for a registered redirect URI only, safe to render and impossible to frame', async () => {
    const query = new URLSearchParams({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      scope: 'channels:read',
      state: '</script><script>alert(1)</script>',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    });
    const page = await fetch(`${server.url}/oauth/authorize?${query.toString()}`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect(page.headers.get('content-security-policy')).toMatch(/script-src 'nonce-[^']+'/);
    const html = await page.text();
    expect(html).toContain('Install <span id="app">Reporter</span>?');
    expect(html).toContain('<code>channels:read</code>');
    expect(html).not.toContain('<code>chat:write</code>'); // not asked for
    expect(html).not.toContain('</script><script>alert(1)');

    query.set('redirect_uri', 'https://evil.example.test/cb');
    const wrong = await fetch(`${server.url}/oauth/authorize?${query.toString()}`, { redirect: 'manual' });
    expect(wrong.status).toBe(400);
    expect(wrong.headers.get('location')).toBeNull();
    expect(await wrong.text()).toContain('not registered');

    // What the page's script does once the admin picks a workspace: JSON in, where to go next out.
    const decided = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${admin.token}`,
        'content-type': 'application/json',
        accept: 'application/json',
      },
      body: JSON.stringify({
        ...Object.fromEntries(query),
        redirect_uri: redirectUri,
        workspace_id: workspaceId,
        allowed: 'false',
      }),
    });
    expect(decided.status).toBe(200);
    const { redirectTo } = (await decided.json()) as { redirectTo: string };
    expect(new URL(redirectTo).searchParams.get('error')).toBe('access_denied');
  });

  it('runs the authorization code flow with PKCE, refreshes with rotation, and is refused after revocation', async () => {
    const { verifier, state, callback } = await authorizationCode();
    expect(callback.origin + callback.pathname).toBe(redirectUri);
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await exchange(callback, state, verifier),
    );
    expect(tokens.access_token).toMatch(/^jkb_/);
    expect(tokens.refresh_token).toMatch(/^jkrt_/);
    expect(tokens.scope).toBe('channels:read channels:history');
    expect(tokens.expires_in).toBeGreaterThan(3600);
    // The code just exchanged is not echoed back.
    expect(tokens).not.toHaveProperty('authorizationCode');

    // The token acts as the install's bot, within the granted scopes (chat:write was not asked for).
    const bot = new ApiClient(server.url, tokens.access_token);
    const channel = await createChannel(admin, workspaceId);
    await postMessage(admin, channel.id, 'for the reporter');
    expect((await bot.get(`/api/v1/channels/${channel.id}/messages`)).status).toBe(200);
    expect((await bot.post(`/api/v1/channels/${channel.id}/messages`, { text: 'no' })).status).toBe(403);

    const renewed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure),
    );
    expect(renewed.refresh_token).not.toBe(tokens.refresh_token);
    const renewedBot = new ApiClient(server.url, renewed.access_token);
    expect((await renewedBot.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(200);

    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, renewed.refresh_token!, insecure),
    );
    expect((await renewedBot.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(401);
    await expect(
      oauth.processRefreshTokenResponse(
        as,
        client,
        await oauth.refreshTokenGrantRequest(as, client, clientAuth, renewed.refresh_token!, insecure),
      ),
    ).rejects.toThrow();
  });

  it('revokes what a code issued when the code is replayed', async () => {
    const { verifier, state, callback } = await authorizationCode();
    const first = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await exchange(callback, state, verifier),
    );
    const bot = new ApiClient(server.url, first.access_token);
    expect((await bot.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(200);
    const replay = await exchange(callback, state, verifier);
    expect(replay.status).toBe(400);
    expect(await replay.json()).toMatchObject({ error: 'invalid_grant' });
    expect((await bot.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(401);
  });

  it('revokes one access token on request, and lets no app token give consent', async () => {
    const { verifier, state, callback } = await authorizationCode();
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await exchange(callback, state, verifier),
    );
    const asApp = await fetch(`${server.url}/oauth/authorize`, {
      method: 'POST',
      redirect: 'manual',
      headers: { authorization: `Bearer ${tokens.access_token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ workspace_id: workspaceId, response_type: 'code', client_id: client.client_id }),
    });
    expect(asApp.status).toBe(403);
    await oauth.processRevocationResponse(
      await oauth.revocationRequest(as, client, clientAuth, tokens.access_token, insecure),
    );
    expect((await new ApiClient(server.url, tokens.access_token).get('/api/v1/me')).status).toBe(401);
  });

  it('revokes the whole family when a rotated refresh token is replayed', async () => {
    const { verifier, state, callback } = await authorizationCode();
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await exchange(callback, state, verifier),
    );
    const renewed = await oauth.processRefreshTokenResponse(
      as,
      client,
      await oauth.refreshTokenGrantRequest(as, client, clientAuth, tokens.refresh_token!, insecure),
    );
    const replay = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth,
      tokens.refresh_token!,
      insecure,
    );
    expect(replay.status).toBe(400);
    expect((await new ApiClient(server.url, renewed.access_token).get('/api/v1/me')).status).toBe(401);
    const afterReplay = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth,
      renewed.refresh_token!,
      insecure,
    );
    expect(afterReplay.status).toBe(400);
  });

  it('matches redirect URIs exactly and insists on state and S256', async () => {
    const base = {
      response_type: 'code',
      client_id: client.client_id,
      state: 'xyz',
      code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
      code_challenge_method: 'S256',
    };
    for (const wrong of [
      `${redirectUri}/`,
      `${redirectUri}x`,
      redirectUri.toUpperCase(),
      'https://evil.example.test/cb',
    ]) {
      const response = await consent({ ...base, redirect_uri: wrong });
      expect({ wrong, status: response.status }).toEqual({ wrong, status: 400 });
      expect(response.headers.get('location')).toBeNull();
    }
    const noState = await consent({ ...base, redirect_uri: redirectUri, state: '' });
    expect(noState.status).toBe(302);
    expect(new URL(noState.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const plain = await consent({ ...base, redirect_uri: redirectUri, code_challenge_method: 'plain' });
    expect(new URL(plain.headers.get('location')!).searchParams.get('error')).toBe('invalid_request');
    const tooMuch = await consent({ ...base, redirect_uri: redirectUri, scope: 'files:write' });
    expect(new URL(tooMuch.headers.get('location')!).searchParams.get('error')).toBe('invalid_scope');
  });

  it('refuses a code_verifier for a code issued without a challenge, and consent by non-admins or apps', async () => {
    const state = 'no-pkce';
    const response = await consent({
      response_type: 'code',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      state,
    });
    const callback = new URL(response.headers.get('location')!);
    const exchanged = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.client_id}:${clientSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: callback.searchParams.get('code')!,
        redirect_uri: redirectUri,
        code_verifier: oauth.generateRandomCodeVerifier(),
      }).toString(),
    });
    expect(exchanged.status).toBe(400);
    expect(await exchanged.json()).toMatchObject({ error: 'invalid_grant' });

    const member = await registerUser(server.url);
    const invite = await admin.api.post(`/api/v1/workspaces/${workspaceId}/invites`, {});
    await member.api.post(`/api/v1/invites/${invite.body.code}/accept`);
    expect(
      (
        await consent(
          { response_type: 'code', client_id: client.client_id, redirect_uri: redirectUri, state },
          member,
        )
      ).status,
    ).toBe(403);

    const wrongSecret = await fetch(`${server.url}/oauth/token`, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization: `Basic ${Buffer.from(`${client.client_id}:nope`).toString('base64')}`,
      },
      body: 'grant_type=refresh_token&refresh_token=jkrt_x',
    });
    expect(wrongSecret.status).toBe(401);
    const implicit = await consent({
      response_type: 'token',
      client_id: client.client_id,
      redirect_uri: redirectUri,
      state,
    });
    expect(new URL(implicit.headers.get('location')!).searchParams.get('error')).toBe(
      'unsupported_response_type',
    );
  });

  it('stops codes and tokens once the app is uninstalled', async () => {
    const { verifier, state, callback } = await authorizationCode();
    const apps = await admin.api.get(`/api/v1/workspaces/${workspaceId}/apps`);
    const appId = apps.body.items[0].id as string;
    const tokens = await oauth.processAuthorizationCodeResponse(
      as,
      client,
      await exchange(callback, state, verifier),
    );
    const fresh = await authorizationCode();
    expect((await admin.api.delete(`/api/v1/workspaces/${workspaceId}/apps/${appId}/install`)).status).toBe(
      204,
    );
    expect((await new ApiClient(server.url, tokens.access_token).get('/api/v1/me')).status).toBe(401);
    const refreshed = await oauth.refreshTokenGrantRequest(
      as,
      client,
      clientAuth,
      tokens.refresh_token!,
      insecure,
    );
    expect(refreshed.status).toBe(400);
    // A code granted before the uninstall died with it.
    const late = await exchange(fresh.callback, fresh.state, fresh.verifier);
    expect(late.status).toBe(400);
    expect(await late.json()).toMatchObject({ error: 'invalid_grant' });
  });
});
