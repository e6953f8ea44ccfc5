import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let workspaceId: string;

interface ChannelItem {
  id: string;
  muted: boolean;
  unreadCount: number;
  mentionCount: number;
}

beforeAll(async () => {
  server = await startTestServer();
  [alice, bob] = await Promise.all(['Alice', 'Bob'].map((name) => registerUser(server.url, name)));
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
});
afterAll(async () => {
  await server.close();
});

async function listed(user: TestUser, channelId: string): Promise<ChannelItem> {
  const list = await user.api.get(`/api/v1/workspaces/${workspaceId}/channels?limit=200`);
  expect(list.status).toBe(200);
  return (list.body.items as ChannelItem[]).find((item) => item.id === channelId) as ChannelItem;
}

const mute = (user: TestUser, channelId: string, body: unknown) =>
  user.api.put(`/api/v1/channels/${channelId}/notification-preferences`, body);

describe('channel mute', () => {
  it('is one member’s own preference, carried by their channel list, and leaves the counts alone', async () => {
    const channel = await createChannel(alice, workspaceId);
    expect((await bob.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    expect(await listed(bob, channel.id)).toMatchObject({ muted: false });

    expect(await mute(bob, channel.id, { muted: true })).toMatchObject({
      status: 200,
      body: { channelId: channel.id, muted: true },
    });
    await postMessage(alice, channel.id, 'hello');
    await postMessage(alice, channel.id, `hey <@${bob.id}>`);
    // Muting hides the bold and the notifications in clients; the server still counts, mentions included.
    expect(await listed(bob, channel.id)).toMatchObject({ muted: true, unreadCount: 2, mentionCount: 1 });
    expect(await listed(alice, channel.id)).toMatchObject({ muted: false });

    expect(await mute(bob, channel.id, { muted: false })).toMatchObject({
      status: 200,
      body: { muted: false },
    });
    expect(await listed(bob, channel.id)).toMatchObject({ muted: false });
  });

  it('is forgotten on leaving, and refused to non-members and invisible channels', async () => {
    const channel = await createChannel(alice, workspaceId);
    const secret = await createChannel(alice, workspaceId, 'private');
    expect(await mute(bob, channel.id, { muted: true })).toMatchObject({ status: 403 });
    expect(await mute(bob, secret.id, { muted: true })).toMatchObject({ status: 404 });

    expect((await bob.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    expect((await mute(bob, channel.id, { muted: true })).status).toBe(200);
    expect((await bob.api.post(`/api/v1/channels/${channel.id}/leave`)).status).toBe(204);
    expect(await listed(bob, channel.id)).toMatchObject({ muted: false });
    expect((await bob.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    expect(await listed(bob, channel.id)).toMatchObject({ muted: false });
  });

  it('answers 400 naming the failing fields', async () => {
    const channel = await createChannel(alice, workspaceId);
    const missing = await mute(alice, channel.id, {});
    expect(missing.status).toBe(400);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    expect(JSON.stringify(missing.body.errors)).toContain('muted');
    const wrong = await mute(alice, channel.id, { muted: 'yes', extra: 1 });
    expect(wrong.status).toBe(400);
  });
});
