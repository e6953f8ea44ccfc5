import { createServer, Server } from 'node:http';
import { RealtimeClient } from '../fixtures/realtime-client';
import { buildTestPlugin } from '../fixtures/plugin-build';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * The first-party notification connectors (plugins/notifications, built by the test setup into the
 * catalogue) installed and configured by a workspace admin through the API, sending to an ntfy-like server on
 * 127.0.0.1; and `ctx.users.presence`, which it needs, answered from the realtime stream's presence.
 */
let server: TestServer;
let ntfy: Server;
let ntfyUrl: string;
const received: { url?: string; title?: string; body: string }[] = [];
let admin: TestUser;
let bob: TestUser;
let carol: TestUser;
let outsider: TestUser;
let carolSocket: RealtimeClient;
let workspaceId: string;
let channelId: string;

/** Reads presence of the ids it is given; one manifest grants users.presence, the other does not. */
const WHO = `
import { definePlugin } from '@jokkaer/sdk-plugin';
const who = async ({ args }: { args: string }, ctx: any) =>
  ({ text: JSON.stringify(await ctx.users.presence(args.trim().split(' '))) });
export default definePlugin({ commands: { who, whoblind: who } });`;

/** The probe plugin, with or without the presence permission. */
const buildWho = (id: string, command: string, users?: object) =>
  buildTestPlugin(WHO, {
    id,
    permissions: { ...(users ? { users } : {}), commands: [{ command, description: 'Reads presence' }] },
  });

beforeAll(async () => {
  ntfy = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      received.push({ url: request.url, title: request.headers.title as string | undefined, body });
      response.end('{}');
    });
  });
  await new Promise<void>((resolve) => ntfy.listen(0, '127.0.0.1', resolve));
  ntfyUrl = `http://127.0.0.1:${(ntfy.address() as { port: number }).port}`;
  server = await startTestServer({
    pluginDirs: [await buildWho('who', 'who', { presence: true }), await buildWho('who-blind', 'whoblind')],
    egressAllowNetworks: ['127.0.0.0/8'],
  });
  admin = await registerUser(server.url, 'Admin');
  bob = await registerUser(server.url, 'Bob');
  carol = await registerUser(server.url, 'Carol');
  outsider = await registerUser(server.url, 'Outsider');
  workspaceId = (await createWorkspace(admin)).id;
  await addToWorkspace(admin, workspaceId, bob);
  await addToWorkspace(admin, workspaceId, carol);
  channelId = (await createChannel(admin, workspaceId, 'public', 'general')).id;
  for (const user of [bob, carol]) await user.api.post(`/api/v1/channels/${channelId}/join`);
  carolSocket = await RealtimeClient.connect(server.url, { token: carol.token });
}, 120_000);
afterAll(async () => {
  carolSocket.ws.close();
  await server.close();
  ntfy.close();
});

const command = (user: TestUser, text: string) =>
  user.api.post(`/api/v1/channels/${channelId}/commands`, { text });
const url = () => `/api/v1/workspaces/${workspaceId}/plugins/notifications`;
const to = (topic: string) => received.filter((request) => request.url === `/${topic}`);
const notified = (topic: string, count: number) =>
  eventually(
    () => Promise.resolve(to(topic).length >= count ? true : undefined),
    `${count} notifications to ${topic}`,
    10_000,
  );

describe('ctx.users.presence on a real server', () => {
  it('answers online for a member with an open socket, offline without, nothing for non-members', async () => {
    await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/who`, { enabled: true });
    await admin.api.put(`/api/v1/workspaces/${workspaceId}/plugins/who-blind`, { enabled: true });
    const answer = await command(bob, `/who ${bob.id} ${carol.id} ${outsider.id}`);
    expect(JSON.parse(answer.body.text)).toEqual([
      { userId: bob.id, status: 'offline' },
      { userId: carol.id, status: 'online' },
    ]);
    expect((await command(bob, `/whoblind ${carol.id}`)).body.text).toMatch(
      /^\/whoblind failed: .*does not grant users\.presence/,
    );
  });
});

describe('the notifications plugin on a real server', () => {
  it('is in the catalogue, and refuses settings that fail its schema, naming each field', async () => {
    const catalogue = (await bob.api.get('/api/v1/plugins')).body.items;
    expect(catalogue.find((p: { id: string }) => p.id === 'notifications')).toMatchObject({
      permissions: { messages: { addressed: true }, users: { presence: true } },
    });
    expect((await bob.api.put(url(), { enabled: true })).status).toBe(403);
    const invalid = await admin.api.put(url(), {
      enabled: true,
      settings: { rateLimitPerHour: 0, pushoverAppToken: 'short', colour: 'red' },
    });
    expect(invalid.status).toBe(400);
    expect([...new Set(invalid.body.errors.map((e: { path: string }) => e.path))].sort()).toEqual([
      'settings/colour',
      'settings/pushoverAppToken',
      'settings/rateLimitPerHour',
    ]);
    const badHost = await admin.api.put(url(), { enabled: true, allowedHosts: ['http://127.0.0.1:80'] });
    expect(badHost.status).toBe(400);
    expect(badHost.body.errors.map((e: { path: string }) => e.path)).toEqual(['allowedHosts/0']);
  });

  it('is installed by the admin with a write-only Pushover token and 127.0.0.1 allowed', async () => {
    const installed = await admin.api.put(url(), {
      enabled: true,
      settings: { rateLimitPerHour: 10, pushoverAppToken: 'p'.repeat(30) },
      allowedHosts: ['127.0.0.1'],
    });
    expect(installed.status).toBe(200);
    expect(installed.body).toMatchObject({ settings: { rateLimitPerHour: 10 }, allowedHosts: ['127.0.0.1'] });
    expect(JSON.stringify(installed.body)).not.toContain('p'.repeat(30));
  });

  it('notifies an offline person of a mention exactly once, and never an online one', async () => {
    expect((await command(bob, `/notify ntfy ${ntfyUrl}/bob-topic`)).body).toEqual({
      responseType: 'ephemeral',
      text: `Saved: ntfy: ${ntfyUrl}/…. Try \`/notify test\`.`,
    });
    await command(carol, `/notify ntfy ${ntfyUrl}/carol-topic`);
    expect((await command(bob, '/notify status')).body.text).not.toContain('bob-topic');

    await postMessage(admin, channelId, `<@${bob.id}> <@${carol.id}> standup?`);
    // Events reach the plugin in order: once the second has notified, the first was handled in full.
    await postMessage(admin, channelId, `<@${bob.id}> second`);
    await notified('bob-topic', 2);
    expect(to('bob-topic')).toEqual([
      { url: '/bob-topic', title: 'Admin mentioned you in #general', body: '@Bob @Carol standup?' },
      { url: '/bob-topic', title: 'Admin mentioned you in #general', body: '@Bob second' },
    ]);
    expect(to('carol-topic')).toEqual([]);
  });

  it('notifies of direct messages and private mentions, where its bot was never added', async () => {
    const dm = await admin.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [bob.id] });
    expect(dm.status).toBe(201);
    await postMessage(admin, dm.body.id, 'are you around?');
    const secret = await createChannel(admin, workspaceId, 'private', 'secret');
    await admin.api.post(`/api/v1/channels/${secret.id}/members`, { userId: bob.id });
    await postMessage(admin, secret.id, `<@${bob.id}> psst`);
    await notified('bob-topic', 4);
    expect(to('bob-topic').slice(2)).toEqual([
      { url: '/bob-topic', title: 'Message from Admin', body: 'are you around?' },
      // No channel name: its bot still may not see the private channel, only the mention in it.
      { url: '/bob-topic', title: 'Admin mentioned you', body: '@Bob psst' },
    ]);
  });

  it('logs its runs for the admin to see', async () => {
    const log = await admin.api.get(`${url()}/invocations`);
    expect(log.status).toBe(200);
    expect(
      log.body.items.some((i: { kind: string; outcome: string }) => i.kind === 'event' && i.outcome === 'ok'),
    ).toBe(true);
  });
});
