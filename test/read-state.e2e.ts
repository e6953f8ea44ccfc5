import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { Frame, RealtimeClient } from '../fixtures/realtime-client';
import { startTestServer, TestServer } from './support/server';
import { statementsDuring } from './support/statements';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let outsider: TestUser;
let workspaceId: string;
const sockets: RealtimeClient[] = [];

interface ChannelItem {
  id: string;
  isMember: boolean;
  lastReadId: string | null;
  unreadCount: number;
  mentionCount: number;
}

beforeAll(async () => {
  // The cap test posts more than a hundred messages in a few seconds.
  server = await startTestServer({ apiRateLimitPerToken: 100_000 });
  [alice, bob, carol, outsider] = await Promise.all(
    ['Alice', 'Bob', 'Carol', 'Outsider'].map((name) => registerUser(server.url, name)),
  );
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, carol);
  await createWorkspace(outsider);
});
afterAll(async () => {
  sockets.forEach((socket) => socket.close());
  await server.close();
});

const connect = async (user: TestUser) => {
  const socket = await RealtimeClient.connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
};

async function channelState(user: TestUser, channelId: string): Promise<ChannelItem> {
  const list = await user.api.get(`/api/v1/workspaces/${workspaceId}/channels?limit=200`);
  expect(list.status).toBe(200);
  return (list.body.items as ChannelItem[]).find((item) => item.id === channelId) as ChannelItem;
}

const markRead = (user: TestUser, channelId: string, body: object) =>
  user.api.post(`/api/v1/channels/${channelId}/read`, body);

const readEvents = (socket: RealtimeClient) => socket.events.filter((frame) => frame.type === 'channel.read');

describe('read state', () => {
  it('counts unread channel messages and mentions after the marker, and moves it forward only', async () => {
    const channel = await createChannel(alice, workspaceId);
    expect(await markRead(bob, channel.id, {})).toMatchObject({ status: 400 });
    expect((await bob.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    expect(await channelState(bob, channel.id)).toMatchObject({
      isMember: true,
      lastReadId: null,
      unreadCount: 0,
      mentionCount: 0,
    });
    const [bobTab, bobPhone, aliceTab] = await Promise.all([connect(bob), connect(bob), connect(alice)]);

    const first = await postMessage(alice, channel.id, 'first');
    const second = await postMessage(alice, channel.id, `hey <@${bob.id}>`);
    const third = await postMessage(alice, channel.id, 'third');
    // A reply, even one mentioning Bob, is not a channel message; Bob's own message never counts.
    const reply = await postMessage(alice, channel.id, `in a thread <@${bob.id}>`, { threadId: first.id });
    await postMessage(bob, channel.id, 'mine');
    expect(await channelState(bob, channel.id)).toMatchObject({
      lastReadId: null,
      unreadCount: 3,
      mentionCount: 1,
    });
    // Someone in the channel who is not a member has no read state.
    expect(await channelState(carol, channel.id)).toMatchObject({
      isMember: false,
      lastReadId: null,
      unreadCount: 0,
      mentionCount: 0,
    });

    const read = await markRead(bob, channel.id, { messageId: second.id });
    expect(read.status).toBe(200);
    expect(read.body).toEqual({
      channelId: channel.id,
      lastReadId: second.id,
      unreadCount: 1,
      mentionCount: 0,
    });
    for (const tab of [bobTab, bobPhone]) {
      const event = await tab.next((frame) => frame.type === 'channel.read');
      expect(event.data).toEqual({ ...read.body, workspaceId, userId: bob.id });
    }

    // A stale tab reporting an older message changes nothing and tells nobody.
    const stale = await markRead(bob, channel.id, { messageId: first.id });
    expect(stale.body).toEqual(read.body);
    expect(await channelState(bob, channel.id)).toMatchObject({
      lastReadId: second.id,
      unreadCount: 1,
      mentionCount: 0,
    });

    // "Mark unread" from the mention: it and everything after it are unread again.
    const unread = await markRead(bob, channel.id, { messageId: second.id, markUnread: true });
    expect(unread.body).toEqual({
      channelId: channel.id,
      lastReadId: first.id,
      unreadCount: 2,
      mentionCount: 1,
    });
    await bobTab.until(() => readEvents(bobTab).length === 2);
    expect(readEvents(bobTab).map((frame) => frame.data.lastReadId)).toEqual([second.id, first.id]);
    const fromFirst = await markRead(bob, channel.id, { messageId: first.id, markUnread: true });
    expect(fromFirst.body).toMatchObject({ lastReadId: null, unreadCount: 3, mentionCount: 1 });

    const all = await markRead(bob, channel.id, { messageId: third.id });
    expect(all.body).toMatchObject({ lastReadId: third.id, unreadCount: 0, mentionCount: 0 });

    // Nobody else hears of Bob's reads: by the time Alice sees a later message, she saw none of them.
    const later = await postMessage(alice, channel.id, 'later');
    await aliceTab.next((frame: Frame) => frame.type === 'message.created' && frame.data.id === later.id);
    expect(readEvents(aliceTab)).toEqual([]);
    await bobPhone.until(() => readEvents(bobPhone).length === 4);
    expect(readEvents(bobPhone).map((frame) => frame.data.lastReadId)).toEqual([
      second.id,
      first.id,
      null,
      third.id,
    ]);

    // The marker stands on channel messages of this channel only.
    const onReply = await markRead(bob, channel.id, { messageId: reply.id });
    expect(onReply.status).toBe(400);
    expect(onReply.body.errors).toEqual([
      { path: 'messageId', message: 'is a thread reply, not a channel message' },
    ]);
    const elsewhere = await createChannel(alice, workspaceId);
    const foreign = await postMessage(alice, elsewhere.id, 'elsewhere');
    const wrongChannel = await markRead(bob, channel.id, { messageId: foreign.id });
    expect(wrongChannel.status).toBe(400);
    expect(wrongChannel.body.errors).toEqual([
      { path: 'messageId', message: 'is not a message in this channel' },
    ]);
    const invalid = await markRead(bob, channel.id, { messageId: 'nope', extra: 1 });
    expect(invalid.status).toBe(400);
    expect(invalid.body.errors.map((error: { path: string }) => error.path).sort()).toEqual([
      'extra',
      'messageId',
    ]);
  });

  it('counts a reply also sent to the channel once, its mention once, and lets the marker stand on it', async () => {
    const channel = await createChannel(alice, workspaceId);
    expect((await bob.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    const root = await postMessage(alice, channel.id, 'root');
    await postMessage(alice, channel.id, `thread only <@${bob.id}>`, { threadId: root.id });
    const broadcast = await postMessage(alice, channel.id, `to all <@${bob.id}>`, {
      threadId: root.id,
      alsoSentToChannel: true,
    });
    expect(await channelState(bob, channel.id)).toMatchObject({ unreadCount: 2, mentionCount: 1 });
    const read = await markRead(bob, channel.id, { messageId: broadcast.id });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ lastReadId: broadcast.id, unreadCount: 0, mentionCount: 0 });
    // Marked unread from it, the channel message before it is the marker again.
    const unread = await markRead(bob, channel.id, { messageId: broadcast.id, markUnread: true });
    expect(unread.body).toMatchObject({ lastReadId: root.id, unreadCount: 1, mentionCount: 1 });
  });

  it('lets only members move their marker, and starts new members with the history read', async () => {
    const channel = await createChannel(alice, workspaceId);
    const message = await postMessage(alice, channel.id, 'before Carol came');
    expect((await markRead(carol, channel.id, { messageId: message.id })).status).toBe(403);
    expect((await markRead(outsider, channel.id, { messageId: message.id })).status).toBe(404);
    const secret = await createChannel(alice, workspaceId, 'private');
    const hidden = await postMessage(alice, secret.id, 'hidden');
    expect((await markRead(carol, secret.id, { messageId: hidden.id })).status).toBe(404);

    expect((await carol.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    expect(await channelState(carol, channel.id)).toMatchObject({
      lastReadId: message.id,
      unreadCount: 0,
      mentionCount: 0,
    });
    // A new direct conversation starts unread.
    const dm = await alice.api.post(`/api/v1/workspaces/${workspaceId}/dms`, { userIds: [carol.id] });
    await postMessage(alice, dm.body.id, 'hello Carol');
    expect(await channelState(carol, dm.body.id)).toMatchObject({ lastReadId: null, unreadCount: 1 });
  });

  it('stops counting at 100 ("99+"), however many messages wait', async () => {
    const channel = await createChannel(alice, workspaceId);
    expect((await bob.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    for (let i = 0; i < 104; i++) await postMessage(alice, channel.id, `<@${bob.id}> number ${i}`);
    expect(await channelState(bob, channel.id)).toMatchObject({ unreadCount: 100, mentionCount: 100 });
  });
});

describe('read state cost', () => {
  it('moves a marker, or finds it already further on, in one statement', async () => {
    const channel = await createChannel(alice, workspaceId);
    const first = await postMessage(alice, channel.id, 'first');
    const second = await postMessage(alice, channel.id, 'second');
    // The channel is in the membership cache from here on, as on any server that has served it once.
    expect((await alice.api.get(`/api/v1/channels/${channel.id}`)).status).toBe(200);
    for (const messageId of [second.id, first.id]) {
      const statements = await statementsDuring(server, async () => {
        expect(await markRead(alice, channel.id, { messageId })).toMatchObject({ status: 200 });
      });
      // Background work (the event feed, the webhook worker) may run meanwhile: only the statements of this
      // request touch channel_members, and one statement does it all, the event included.
      const request = statements.filter((sql) => /channel_members|"channelMembers"/i.test(sql));
      expect(request).toHaveLength(1);
      expect(request[0]).toMatch(/INSERT INTO events/);
    }
  });
});

describe('@channel and @here', () => {
  it('mention every member of the channel, or those online, but never the author', async () => {
    const channel = await createChannel(alice, workspaceId);
    for (const user of [bob, carol]) {
      expect((await user.api.post(`/api/v1/channels/${channel.id}/join`)).status).toBe(200);
    }
    const bobOnline = await connect(bob); // Carol has no socket: she is offline.
    const everyone = await postMessage(alice, channel.id, '@channel the build is green');
    expect(new Set((everyone as { mentions?: string[] }).mentions)).toEqual(new Set([bob.id, carol.id]));
    const here = await postMessage(alice, channel.id, 'anyone <!here>?');
    expect((here as { mentions?: string[] }).mentions).toEqual([bob.id]);
    const event = await bobOnline.next(
      (frame) => frame.type === 'message.created' && frame.data.id === here.id,
    );
    expect(event.data.mentions).toEqual([bob.id]);
    const plain = await postMessage(alice, channel.id, 'mail ops@here.com about the @channels page');
    expect((plain as { mentions?: string[] }).mentions).toEqual([]);
    expect(await channelState(carol, channel.id)).toMatchObject({ unreadCount: 3, mentionCount: 1 });
    expect(await channelState(bob, channel.id)).toMatchObject({ unreadCount: 3, mentionCount: 2 });
  });
});
