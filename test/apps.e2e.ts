import { WebhookWorker } from '../core/src/webhooks/webhook-worker';
import { ApiClient } from '../fixtures/api-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { WebhookReceiver } from '../fixtures/webhook-receiver';
import { startTestServer, TestServer } from './support/server';

/** Apps installed as bots: least privilege through scopes, checked on every route, revoked at once. */
let server: TestServer;
let admin: TestUser;
let workspaceId: string;

beforeAll(async () => {
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  admin = await registerUser(server.url, 'Admin');
  workspaceId = (await createWorkspace(admin)).id;
});

afterAll(async () => {
  await server.close();
});

const appBody = (scopes: string[]) => ({
  name: 'Standup bot',
  redirectUris: ['https://standup.example.test/oauth/callback'],
  scopes,
  commands: [{ command: '/standup', url: 'http://127.0.0.1:9/commands', description: 'Start a standup' }],
});

async function installApp(scopes: string[], granted?: string[]) {
  const created = await admin.api.post(`/api/v1/workspaces/${workspaceId}/apps`, appBody(scopes));
  expect(created.status).toBe(201);
  const install = await admin.api.post(
    `/api/v1/workspaces/${workspaceId}/apps/${created.body.id}/install`,
    granted ? { scopes: granted } : {},
  );
  expect(install.status).toBe(201);
  return {
    app: created.body as { id: string; clientId: string; clientSecret: string; signingSecret: string },
    botUserId: install.body.botUserId as string,
    bot: new ApiClient(server.url, install.body.token as string),
    token: install.body.token as string,
  };
}

describe('apps', () => {
  it('registers an app for admins only, showing the client secret once', async () => {
    const member = await registerUser(server.url);
    await addToWorkspace(admin, workspaceId, member);
    const path = `/api/v1/workspaces/${workspaceId}/apps`;
    expect((await member.api.post(path, appBody(['chat:write']))).status).toBe(403);

    const created = await admin.api.post(path, appBody(['chat:write', 'channels:read']));
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      name: 'Standup bot',
      clientId: expect.stringMatching(/^[0-9a-f]{32}$/),
      clientSecret: expect.stringMatching(/^jkcs_/),
      signingSecret: expect.stringMatching(/^[0-9a-f]{64}$/),
      scopes: ['chat:write', 'channels:read'],
    });
    const read = await admin.api.get(`${path}/${created.body.id}`);
    expect(read.body.signingSecret).toBe(created.body.signingSecret);
    expect(JSON.stringify(read.body)).not.toContain(created.body.clientSecret);
    expect(JSON.stringify((await admin.api.get(path)).body)).not.toContain(created.body.clientSecret);

    const bad = await admin.api.post(path, {
      name: '',
      redirectUris: ['http://evil.example.test/cb'],
      scopes: ['admin:everything'],
      events: ['message.posted'],
    });
    expect(bad.status).toBe(400);
    expect(new Set(bad.body.errors.map((error: { path: string }) => error.path))).toEqual(
      new Set(['events/0', 'name', 'redirectUris/0', 'scopes/0']),
    );
    const privateCommand = await admin.api.post(path, {
      ...appBody(['commands']),
      commands: [{ command: '/x', url: 'http://169.254.169.254/', description: 'metadata' }],
    });
    expect(privateCommand.body.errors).toEqual([
      { path: 'commands/0/url', message: expect.stringMatching(/linkLocal/) },
    ]);
  });

  it('acts as its bot, only within the scopes granted', async () => {
    const { bot, botUserId } = await installApp(
      ['channels:read', 'channels:join', 'chat:write', 'reactions:write'],
      ['channels:read', 'channels:join', 'chat:write'],
    );
    const channel = await createChannel(admin, workspaceId);
    const members = await admin.api.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect(members.body.items).toContainEqual(
      expect.objectContaining({ userId: botUserId, isBot: true, displayName: 'Standup bot' }),
    );

    expect((await bot.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(200);
    expect((await bot.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    const posted = await bot.post(`/api/v1/channels/${channel.id}/messages`, { text: 'Standup time!' });
    expect(posted.status).toBe(201);
    expect(posted.body.userId).toBe(botUserId);

    // Not granted: reactions (though the app asked), history; never granted to apps: accounts and tokens.
    const reacted = await bot.post(`/api/v1/messages/${posted.body.id}/reactions`, { emoji: 'tada' });
    expect(reacted).toMatchObject({
      status: 403,
      body: { detail: 'The app was not granted the scope reactions:write' },
    });
    expect((await bot.get(`/api/v1/channels/${channel.id}/messages`)).status).toBe(403);
    for (const [method, path] of [
      ['GET', '/api/v1/me/tokens'],
      ['POST', '/api/v1/me/tokens'],
      ['POST', '/api/v1/auth/logout'],
      ['POST', '/api/v1/workspaces'],
      ['POST', `/api/v1/workspaces/${workspaceId}/invites`],
      ['POST', `/api/v1/workspaces/${workspaceId}/apps`],
      ['POST', '/api/v1/realtime/tickets'],
    ]) {
      const response = await bot.request(method, path, method === 'POST' ? {} : undefined);
      expect({ method, path, status: response.status, detail: response.body.detail }).toEqual({
        method,
        path,
        status: 403,
        detail: 'App tokens cannot call this endpoint',
      });
    }
  });

  it('never lets a bot read a private channel it is not in, nor another workspace', async () => {
    const { bot, botUserId, token } = await installApp(['channels:read', 'channels:history']);
    const secret = await createChannel(admin, workspaceId, 'private');
    await postMessage(admin, secret.id, 'not for bots');
    expect((await bot.get(`/api/v1/channels/${secret.id}`)).status).toBe(404);
    expect((await bot.get(`/api/v1/channels/${secret.id}/messages`)).status).toBe(404);
    const listed = await bot.get(`/api/v1/workspaces/${workspaceId}/channels`);
    expect(listed.body.items.map((channel: { id: string }) => channel.id)).not.toContain(secret.id);

    expect(
      (await admin.api.post(`/api/v1/channels/${secret.id}/members`, { userId: botUserId })).status,
    ).toBe(204);
    const history = await bot.get(`/api/v1/channels/${secret.id}/messages`);
    expect(history.body.items.map((message: { text: string }) => message.text)).toContain('not for bots');

    const stranger = await registerUser(server.url);
    const theirs = await createWorkspace(stranger);
    const theirChannel = await createChannel(stranger, theirs.id);
    expect((await bot.get(`/api/v1/workspaces/${theirs.id}/channels`)).status).toBe(404);
    expect((await bot.get(`/api/v1/channels/${theirChannel.id}/messages`)).status).toBe(404);

    // App tokens get no realtime socket: events reach apps at their events URL.
    await expect(RealtimeClient.connect(server.url, { token })).rejects.toThrow('401');
  });

  it('revokes every token of the install at once when it is uninstalled', async () => {
    const { app, bot, botUserId } = await installApp(['channels:read']);
    expect((await bot.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(200);
    const again = await admin.api.post(`/api/v1/workspaces/${workspaceId}/apps/${app.id}/install`, {});
    expect(again.status).toBe(409);
    const tooMuch = await admin.api.post(`/api/v1/workspaces/${workspaceId}/apps/${app.id}/install`, {
      scopes: ['chat:write'],
    });
    expect(tooMuch.status).toBe(400);

    expect((await admin.api.delete(`/api/v1/workspaces/${workspaceId}/apps/${app.id}/install`)).status).toBe(
      204,
    );
    expect((await bot.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(401);
    const members = await admin.api.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect(members.body.items.map((member: { userId: string }) => member.userId)).not.toContain(botUserId);

    // Installed again, then the app deleted: that token dies too.
    const reinstalled = await admin.api.post(`/api/v1/workspaces/${workspaceId}/apps/${app.id}/install`, {});
    expect(reinstalled.status).toBe(201);
    const second = new ApiClient(server.url, reinstalled.body.token as string);
    expect((await second.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(200);
    expect((await admin.api.delete(`/api/v1/workspaces/${workspaceId}/apps/${app.id}`)).status).toBe(204);
    expect((await second.get(`/api/v1/workspaces/${workspaceId}/channels`)).status).toBe(401);
    expect((await admin.api.get(`/api/v1/workspaces/${workspaceId}/apps/${app.id}`)).status).toBe(404);
  });

  it('delivers subscribed events to the app, only those its bot may see, until it is uninstalled', async () => {
    const sink = await WebhookReceiver.start();
    try {
      const created = await admin.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
        ...appBody(['channels:read']),
        commands: [],
        eventsUrl: `${sink.url}/slack/events`,
        events: ['message.created'],
      });
      expect(created.status).toBe(201);
      const appPath = `/api/v1/workspaces/${workspaceId}/apps/${created.body.id}`;
      const install = await admin.api.post(`${appPath}/install`, {});
      expect(install.status).toBe(201);
      const open = await createChannel(admin, workspaceId);
      const closed = await createChannel(admin, workspaceId, 'private');
      await postMessage(admin, closed.id, 'private: not for the app');
      await postMessage(admin, open.id, 'public: for the app');
      const [delivery] = await sink.waitFor(1);
      // Signed per Standard Webhooks with a secret made from the app's signing secret.
      const secret = `whsec_${Buffer.from(created.body.signingSecret as string, 'hex').toString('base64')}`;
      expect(WebhookReceiver.verify(delivery, secret)).toMatchObject({
        type: 'message.created',
        data: { channelId: open.id, text: 'public: for the app' },
      });
      // Not one of the workspace's own webhooks: admins manage it through the app.
      expect((await admin.api.get(`/api/v1/workspaces/${workspaceId}/webhooks`)).body.items).toEqual([]);

      expect((await admin.api.delete(`${appPath}/install`)).status).toBe(204);
      // Events fan out in order to every subscriber: once the workspace's own webhook has the message and every
      // due delivery has been tried, the app would have had it too.
      const marker = await WebhookReceiver.start();
      try {
        const hook = await admin.api.post(`/api/v1/workspaces/${workspaceId}/webhooks`, {
          url: marker.url,
          events: ['message.created'],
        });
        expect(hook.status).toBe(201);
        await postMessage(admin, open.id, 'after uninstall');
        await marker.waitFor(1);
        await server.app.get(WebhookWorker).settled();
      } finally {
        await marker.close();
      }
      expect(sink.received.map((received) => received.payload.data.text)).toEqual(['public: for the app']);
    } finally {
      await sink.close();
    }
  });
});
