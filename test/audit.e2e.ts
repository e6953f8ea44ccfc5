import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Clock } from '../core/src/common/clock';
import { AuditService } from '../core/src/audit/audit.service';
import { ApiClient } from '../fixtures/api-client';
import { buildPluginDir, buildTestPlugin } from '../fixtures/plugin-build';
import { addToWorkspace, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/** The server trusts the test as a proxy, so each change can claim its own client address. */
const ADMIN_EMAIL = 'audit-operator@example.test';
const PASSWORD = 'correct horse battery';
let server: TestServer;
let operator: TestUser;

beforeAll(async () => {
  server = await startTestServer({
    pluginDirs: [await buildPluginDir(path.resolve(__dirname, '../fixtures/plugins/echo-bot'))],
    trustProxy: ['127.0.0.1'],
    instanceAdminEmails: [ADMIN_EMAIL],
    egressAllowNetworks: ['127.0.0.0/8'],
  });
  // The instance admin: an account registered under INSTANCE_ADMIN_EMAILS.
  const response = await new ApiClient(server.url).post('/api/v1/auth/register', {
    email: ADMIN_EMAIL,
    password: PASSWORD,
    displayName: 'Operator',
  });
  const { user, token } = response.body as { user: { id: string }; token: string };
  operator = {
    id: user.id,
    email: ADMIN_EMAIL,
    displayName: 'Operator',
    token,
    api: new ApiClient(server.url, token),
  };
}, 120_000);

afterAll(() => server.close());

/** Headers a client behind the trusted proxy sends. */
const from = (address: string) => ({ 'x-forwarded-for': address, 'user-agent': 'audit-test/1.0' });

interface Entry {
  id: string;
  createdAt: string;
  workspaceId: string | null;
  action: string;
  actor: {
    userId: string | null;
    displayName: string | null;
    tokenId: string | null;
    tokenKind: string | null;
  };
  target: { kind: string; id: string };
  clientAddress: string | null;
  userAgent: string | null;
  summary: Record<string, unknown>;
}

async function workspaceLog(admin: TestUser, workspaceId: string, query = ''): Promise<Entry[]> {
  const response = await admin.api.get(`/api/v1/workspaces/${workspaceId}/audit${query}`);
  expect(response.status).toBe(200);
  return response.body.items as Entry[];
}

async function instanceLog(query = ''): Promise<Entry[]> {
  const response = await operator.api.get(`/api/v1/audit${query}`);
  expect(response.status).toBe(200);
  return response.body.items as Entry[];
}

const only = (entries: Entry[], action: string) => entries.filter((entry) => entry.action === action);

describe('workspace administration', () => {
  it('records role changes, removals and invites with who, from where and what changed', async () => {
    const owner = await registerUser(server.url, 'Owner');
    const member = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    await addToWorkspace(owner, workspaceId, member);

    const changed = await owner.api.request(
      'PATCH',
      `/api/v1/workspaces/${workspaceId}/members/${member.id}`,
      { role: 'admin' },
      from('203.0.113.10'),
    );
    expect(changed.status).toBe(200);
    const [roleChange] = only(await workspaceLog(owner, workspaceId), 'member.role_changed');
    expect(roleChange).toMatchObject({
      workspaceId,
      actor: { userId: owner.id, displayName: owner.displayName, tokenKind: 'session' },
      target: { kind: 'user', id: member.id },
      clientAddress: '203.0.113.10',
      userAgent: 'audit-test/1.0',
      summary: { from: 'member', to: 'admin' },
    });

    const invite = await owner.api.request(
      'POST',
      `/api/v1/workspaces/${workspaceId}/invites`,
      { role: 'guest' },
      from('203.0.113.11'),
    );
    expect(invite.status).toBe(201);
    expect(
      (await owner.api.delete(`/api/v1/workspaces/${workspaceId}/invites/${invite.body.id}`)).status,
    ).toBe(204);
    expect((await owner.api.delete(`/api/v1/workspaces/${workspaceId}/members/${member.id}`)).status).toBe(
      204,
    );

    const log = await workspaceLog(owner, workspaceId);
    // Newest first.
    expect(log.slice(0, 3).map((entry) => entry.action)).toEqual([
      'member.removed',
      'invite.revoked',
      'invite.created',
    ]);
    expect(only(log, 'invite.created').find((entry) => entry.target.id === invite.body.id)).toMatchObject({
      clientAddress: '203.0.113.11',
      summary: { role: 'guest', maxUses: 1 },
    });
    // The invite's code lets anyone join: it is never in the log.
    expect(JSON.stringify(log)).not.toContain(invite.body.code);
    expect(only(log, 'member.removed')[0]).toMatchObject({
      actor: { userId: owner.id },
      target: { kind: 'user', id: member.id },
      clientAddress: '127.0.0.1',
      summary: { role: 'admin', left: false },
    });
  });

  it('writes nothing for a change that was refused', async () => {
    const owner = await registerUser(server.url);
    const admin = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    await addToWorkspace(owner, workspaceId, admin, 'admin');
    const before = await workspaceLog(owner, workspaceId);

    const path = `/api/v1/workspaces/${workspaceId}/members`;
    // Refused by validation, by the rules (an admin may not touch an owner), and by the last-owner check.
    expect((await owner.api.patch(`${path}/${admin.id}`, { role: 'emperor' })).status).toBe(400);
    expect((await admin.api.patch(`${path}/${owner.id}`, { role: 'member' })).status).toBe(403);
    expect((await owner.api.patch(`${path}/${owner.id}`, { role: 'member' })).status).toBe(409);
    expect((await owner.api.delete(`${path}/${owner.id}`)).status).toBe(409);
    expect((await owner.api.delete(`/api/v1/workspaces/${workspaceId}/invites/${owner.id}`)).status).toBe(
      404,
    );

    expect(await workspaceLog(owner, workspaceId)).toEqual(before);
  });

  it('is read by the workspace’s owners and admins only', async () => {
    const owner = await registerUser(server.url);
    const member = await registerUser(server.url);
    const stranger = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    await addToWorkspace(owner, workspaceId, member);
    expect((await member.api.get(`/api/v1/workspaces/${workspaceId}/audit`)).status).toBe(403);
    expect((await stranger.api.get(`/api/v1/workspaces/${workspaceId}/audit`)).status).toBe(404);
    expect((await owner.api.get('/api/v1/audit')).status).toBe(403);
    const bad = await owner.api.get(`/api/v1/workspaces/${workspaceId}/audit?action=nothing.happened`);
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
  });
});

describe('accounts and tokens', () => {
  it('records sign-ins, failed ones too, against the account and the address they came from', async () => {
    const user = await registerUser(server.url);
    const anonymous = new ApiClient(server.url);
    const wrong = await anonymous.request(
      'POST',
      '/api/v1/auth/login',
      { email: user.email, password: 'not it' },
      from('198.51.100.20'),
    );
    expect(wrong.status).toBe(401);
    const right = await anonymous.request(
      'POST',
      '/api/v1/auth/login',
      { email: user.email, password: PASSWORD },
      from('198.51.100.21'),
    );
    expect(right.status).toBe(200);

    const log = await instanceLog(`?actorId=${user.id}`);
    expect(log.map((entry) => [entry.action, entry.clientAddress])).toEqual([
      ['login.succeeded', '198.51.100.21'],
      ['login.failed', '198.51.100.20'],
    ]);
    expect(log[1]).toMatchObject({ workspaceId: null, target: { kind: 'user', id: user.id } });
    // Neither the password tried nor the session token issued is kept.
    const text = JSON.stringify(log);
    expect(text).not.toContain('not it');
    expect(text).not.toContain(right.body.token);
  });

  it('records a logout as the end of that session, from where it came; the token stops working', async () => {
    const user = await registerUser(server.url);
    const login = await new ApiClient(server.url).post('/api/v1/auth/login', {
      email: user.email,
      password: PASSWORD,
    });
    const session = new ApiClient(server.url, login.body.token);
    const out = await session.request('POST', '/api/v1/auth/logout', undefined, from('198.51.100.22'));
    expect(out.status).toBe(204);
    expect((await session.get('/api/v1/me')).status).toBe(401);

    const [entry] = await instanceLog(`?action=session.ended&actorId=${user.id}`);
    expect(entry).toMatchObject({
      workspaceId: null,
      actor: { userId: user.id, tokenKind: 'session' },
      target: { kind: 'token', id: entry.actor.tokenId },
      clientAddress: '198.51.100.22',
      userAgent: 'audit-test/1.0',
      summary: { kind: 'session', by: 'logout' },
    });
    // A second logout with the dead token is refused and records nothing more.
    expect((await session.post('/api/v1/auth/logout')).status).toBe(401);
    expect(await instanceLog(`?action=session.ended&actorId=${user.id}`)).toHaveLength(1);
    expect(JSON.stringify(entry)).not.toContain(login.body.token);
  });

  it('records personal tokens created and revoked, and password changes, never a secret', async () => {
    const user = await registerUser(server.url);
    // A second session elsewhere, which the password change ends.
    const elsewhere = await new ApiClient(server.url).post('/api/v1/auth/login', {
      email: user.email,
      password: PASSWORD,
    });
    const created = await user.api.post('/api/v1/me/tokens', { name: 'deploy bot' });
    expect(created.status).toBe(201);
    expect((await user.api.delete(`/api/v1/me/tokens/${created.body.id}`)).status).toBe(204);
    const newPassword = 'a brand new passphrase';
    const changed = await user.api.post('/api/v1/me/password', { currentPassword: PASSWORD, newPassword });
    expect(changed.status).toBe(204);

    const log = await instanceLog(`?actorId=${user.id}`);
    expect(log.map((entry) => entry.action)).toEqual([
      'password.changed',
      'token.revoked',
      'token.created',
      'login.succeeded',
    ]);
    expect(log[0].summary).toEqual({ sessionsEnded: 1 });
    expect((await new ApiClient(server.url, elsewhere.body.token).get('/api/v1/me')).status).toBe(401);
    expect(log[2]).toMatchObject({
      target: { kind: 'token', id: created.body.id },
      summary: { kind: 'personal', name: 'deploy bot' },
    });
    const text = JSON.stringify(log);
    expect(text).not.toContain(created.body.token);
    expect(text).not.toContain(newPassword);
    expect(text).not.toContain(PASSWORD);
  });
});

describe('password resets', () => {
  it('records an instance admin resetting someone’s password, never the reset link', async () => {
    const user = await registerUser(server.url);
    const reset = await operator.api.request(
      'POST',
      `/api/v1/admin/users/${user.id}/password`,
      undefined,
      from('198.51.100.60'),
    );
    expect(reset.status).toBe(201);
    const [entry] = await instanceLog(`?action=password.reset&actorId=${operator.id}`);
    expect(entry).toMatchObject({
      workspaceId: null,
      actor: { userId: operator.id },
      target: { kind: 'user', id: user.id },
      clientAddress: '198.51.100.60',
      summary: { by: 'instance admin', sessionsEnded: 1 },
    });
    expect(JSON.stringify(entry)).not.toContain(reset.body.token);
  });
});

describe('webhooks', () => {
  it('records every change to a subscription with the URL but never its signing secret', async () => {
    const owner = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    const path = `/api/v1/workspaces/${workspaceId}/webhooks`;
    const created = await owner.api.request(
      'POST',
      path,
      { url: 'http://127.0.0.1:9/hook?token=receiver-credential', events: ['message.created'] },
      from('192.0.2.30'),
    );
    expect(created.status).toBe(201);
    const hookPath = `${path}/${created.body.id}`;
    expect((await owner.api.patch(hookPath, { enabled: false })).status).toBe(200);
    const rotated = await owner.api.post(`${hookPath}/rotate-secret`, {});
    expect(rotated.status).toBe(200);
    expect((await owner.api.delete(hookPath)).status).toBe(204);

    const log = await workspaceLog(owner, workspaceId);
    expect(log.slice(0, 4).map((entry) => entry.action)).toEqual([
      'webhook.deleted',
      'webhook.rotated',
      'webhook.updated',
      'webhook.created',
    ]);
    expect(only(log, 'webhook.created')[0]).toMatchObject({
      actor: { userId: owner.id },
      target: { kind: 'webhook', id: created.body.id },
      clientAddress: '192.0.2.30',
      summary: { url: 'http://127.0.0.1:9/hook', events: ['message.created'] },
    });
    expect(only(log, 'webhook.updated')[0].summary).toEqual({ enabled: false });
    const text = JSON.stringify(log);
    expect(text).not.toContain(created.body.secret);
    expect(text).not.toContain(rotated.body.secret);
    expect(text).not.toContain('receiver-credential');
  });
});

describe('plugins', () => {
  it('records installs, settings changed (names only, never a secret value), disabling and uninstalls', async () => {
    const owner = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    const url = `/api/v1/workspaces/${workspaceId}/plugins/echo-bot`;
    const weatherUrl = 'http://127.0.0.1:9/weather';
    const installed = await owner.api.request(
      'PUT',
      url,
      { enabled: true, settings: { weatherUrl, weatherApiKey: 'first-s3cret-key' } },
      from('192.0.2.40'),
    );
    expect(installed.status).toBe(200);
    // Only the secret changes; the stored value of a left-out secret is kept, so it is named only when sent.
    expect(
      (
        await owner.api.put(url, {
          enabled: true,
          settings: { weatherUrl, weatherApiKey: 'second-s3cret-key' },
        })
      ).status,
    ).toBe(200);
    expect((await owner.api.put(url, { enabled: false, settings: { weatherUrl } })).status).toBe(200);
    // Refused by the plugin's settings schema: nothing is recorded.
    expect((await owner.api.put(url, { enabled: true, settings: { weatherUrl: 42 } })).status).toBe(400);
    expect((await owner.api.delete(url)).status).toBe(204);

    const log = (await workspaceLog(owner, workspaceId)).filter((entry) => entry.target.kind === 'plugin');
    expect(log.map((entry) => [entry.action, entry.summary])).toEqual([
      ['plugin.uninstalled', {}],
      ['plugin.disabled', {}],
      ['plugin.settings_changed', { settings: ['weatherApiKey'] }],
      [
        'plugin.installed',
        { version: expect.any(String), enabled: true, settings: ['weatherApiKey', 'weatherUrl'] },
      ],
    ]);
    expect(log[3]).toMatchObject({
      actor: { userId: owner.id },
      target: { kind: 'plugin', id: 'echo-bot' },
      clientAddress: '192.0.2.40',
    });
    const text = JSON.stringify(log);
    expect(text).not.toContain('first-s3cret-key');
    expect(text).not.toContain('second-s3cret-key');
  });

  it('records an instance admin’s upload in the instance-wide log', async () => {
    const manifest = {
      id: 'audited-hello',
      name: 'Audited hello',
      version: '1.0.0',
      sdkVersion: '^0.1.0',
      permissions: { commands: [{ command: 'hello', description: 'Says hello' }] },
    };
    const out = await buildTestPlugin(
      `import { definePlugin } from '@jokkaer/sdk-plugin';
       export default definePlugin({ commands: { hello: () => ({ text: 'hello' }) } });`,
      manifest,
    );
    const code = await readFile(path.join(out, 'plugin.js'), 'utf8');
    expect((await operator.api.post('/api/v1/plugins', { manifest, code })).status).toBe(201);
    expect(await instanceLog('?action=plugin.uploaded')).toEqual([
      expect.objectContaining({
        workspaceId: null,
        actor: expect.objectContaining({ userId: operator.id }),
        target: { kind: 'plugin', id: 'audited-hello' },
        summary: { version: '1.0.0', codeBytes: Buffer.byteLength(code) },
      }),
    ]);
  });
});

describe('apps', () => {
  it('records an app registered, installed and uninstalled, never its secrets or bot token', async () => {
    const owner = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    const apps = `/api/v1/workspaces/${workspaceId}/apps`;
    const created = await owner.api.post(apps, {
      name: 'Standup bot',
      redirectUris: ['https://standup.example.test/oauth/callback'],
      scopes: ['chat:write', 'channels:read'],
    });
    expect(created.status).toBe(201);
    const installed = await owner.api.request(
      'POST',
      `${apps}/${created.body.id}/install`,
      {},
      from('192.0.2.50'),
    );
    expect(installed.status).toBe(201);
    // Installing twice is refused: no second record.
    expect((await owner.api.post(`${apps}/${created.body.id}/install`, {})).status).toBe(409);
    expect((await owner.api.delete(`${apps}/${created.body.id}/install`)).status).toBe(204);

    const log = (await workspaceLog(owner, workspaceId)).filter((entry) => entry.target.kind === 'app');
    expect(log.map((entry) => entry.action)).toEqual(['app.uninstalled', 'app.installed', 'app.registered']);
    expect(log[1]).toMatchObject({
      actor: { userId: owner.id },
      target: { kind: 'app', id: created.body.id },
      clientAddress: '192.0.2.50',
      summary: { installId: installed.body.id, name: 'Standup bot', scopes: ['chat:write', 'channels:read'] },
    });
    const text = JSON.stringify(log);
    expect(text).not.toContain(created.body.clientSecret);
    expect(text).not.toContain(created.body.signingSecret);
    expect(text).not.toContain(installed.body.token);
  });
});

describe('reading the log', () => {
  it('filters by action, actor and time, and pages with a cursor', async () => {
    const owner = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    for (let i = 0; i < 3; i++) {
      expect((await owner.api.post(`/api/v1/workspaces/${workspaceId}/invites`, {})).status).toBe(201);
    }
    const all = await workspaceLog(owner, workspaceId, '?action=invite.created');
    expect(all).toHaveLength(3);

    const first = await owner.api.get(
      `/api/v1/workspaces/${workspaceId}/audit?action=invite.created&limit=2`,
    );
    expect(first.body.items.map((entry: Entry) => entry.id)).toEqual([all[0].id, all[1].id]);
    const second = await owner.api.get(
      `/api/v1/workspaces/${workspaceId}/audit?action=invite.created&limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(second.body).toEqual({ items: [all[2]], nextCursor: null });

    expect(await workspaceLog(owner, workspaceId, `?actorId=${operator.id}`)).toEqual([]);
    const since = encodeURIComponent(all[1].createdAt);
    const until = encodeURIComponent(all[0].createdAt);
    expect(
      (await workspaceLog(owner, workspaceId, `?since=${since}&until=${until}`)).map((e) => e.id),
    ).toEqual([all[1].id]);
    // The instance-wide log holds the workspace's entries too.
    expect((await instanceLog(`?actorId=${owner.id}&action=invite.created`)).map((e) => e.id)).toEqual(
      all.map((e) => e.id),
    );
  });

  it('keeps entries for AUDIT_RETENTION_DAYS, then the prune deletes them', async () => {
    const owner = await registerUser(server.url);
    const { id: workspaceId } = await createWorkspace(owner);
    expect((await owner.api.post(`/api/v1/workspaces/${workspaceId}/invites`, {})).status).toBe(201);
    const audit = server.app.get(AuditService);
    const clock = server.app.get(Clock);
    // Read through the service: sessions expire too when the clock moves a year on.
    const entries = async () => (await audit.listForWorkspace(workspaceId, { limit: 50 })).items;
    const spy = jest.spyOn(clock, 'now').mockImplementation(() => Date.now() + 364 * 86_400_000);
    try {
      await audit.prune();
      expect(await entries()).toHaveLength(1);
      spy.mockImplementation(() => Date.now() + 366 * 86_400_000);
      expect(await audit.prune()).toBeGreaterThan(0);
      expect(await entries()).toEqual([]);
    } finally {
      spy.mockRestore();
    }
  });
});
