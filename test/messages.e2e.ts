import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { APP_CONFIG } from '../core/src/config/config';
import type { AppConfig } from '../core/src/config/config';
import { RealtimeClient } from '../fixtures/realtime-client';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let admin: TestUser;
let workspaceId: string;
let channelId: string;

beforeAll(async () => {
  server = await startTestServer();
  alice = await registerUser(server.url, 'Alice');
  bob = await registerUser(server.url, 'Bob');
  admin = await registerUser(server.url, 'Admin');
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, admin, 'admin');
  channelId = (await createChannel(alice, workspaceId, 'public', 'general')).id;
  await bob.api.post(`/api/v1/channels/${channelId}/join`);
  await admin.api.post(`/api/v1/channels/${channelId}/join`);
});
afterAll(() => server.close());

describe('messages', () => {
  it('posts a message with the documented shape', async () => {
    const response = await alice.api.post(`/api/v1/channels/${channelId}/messages`, { text: 'Hello, world' });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.any(String),
      workspaceId,
      channelId,
      userId: alice.id,
      text: 'Hello, world',
      threadId: null,
      replyCount: 0,
      reactions: [],
      files: [],
      mentions: [],
      clientMsgId: null,
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      editedAt: null,
      // Slack's ts: the creation instant to the microsecond, unique within the channel.
      ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
      blocks: null,
      attachments: null,
    });
    const seconds = Number(response.body.ts.split('.')[0]);
    expect(Math.abs(seconds - Date.parse(response.body.createdAt) / 1000)).toBeLessThan(5);
    // A retry (same clientMsgId) is answered as the first post was: 201 and the same message.
    const body = { text: 'exactly once', clientMsgId: 'device-1:42' };
    const first = await bob.api.post(`/api/v1/channels/${channelId}/messages`, body);
    const retried = await bob.api.post(`/api/v1/channels/${channelId}/messages`, body);
    expect([first.status, retried.status]).toEqual([201, 201]);
    expect(retried.body).toEqual(first.body);
  });

  it('sends a reply also to the channel: one message, in its thread and once in the timeline', async () => {
    const socket = await RealtimeClient.connect(server.url, { token: alice.token });
    try {
      const root = await postMessage(alice, channelId, 'Broadcast root');
      const reply = await postMessage(bob, channelId, 'for everyone', {
        threadId: root.id,
        alsoSentToChannel: true,
      });
      expect(reply).toMatchObject({ threadId: root.id, alsoSentToChannel: true });
      const quiet = await postMessage(bob, channelId, 'thread only', { threadId: root.id });
      expect(quiet).not.toHaveProperty('alsoSentToChannel');
      const created = await socket.next(
        (frame) => frame.type === 'message.created' && (frame.data as { id: string }).id === reply.id,
      );
      expect(created.data).toEqual(reply);

      const timeline = (await bob.api.get(`/api/v1/channels/${channelId}/messages?limit=3`)).body.items;
      expect(timeline.map((m: { id: string }) => m.id)).toEqual([reply.id, root.id, expect.any(String)]);
      expect(timeline[0]).toEqual(reply);
      expect(timeline[1].replyCount).toBe(2);
      const thread = await bob.api.get(`/api/v1/messages/${root.id}/replies`);
      expect(thread.body.items).toEqual([reply, quiet]);
      // A jump to it centres on the reply itself, in the timeline; to a thread-only reply, on its root.
      const around = async (id: string) =>
        (await bob.api.get(`/api/v1/channels/${channelId}/messages?around=${id}&limit=3`)).body.items.map(
          (m: { id: string }) => m.id,
        );
      expect(await around(reply.id)).toEqual([reply.id, root.id]);
      expect(await around(quiet.id)).toEqual([reply.id, root.id, timeline[2].id]);

      const lonely = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {
        text: 'no thread',
        alsoSentToChannel: true,
      });
      expect(lonely.status).toBe(400);
      expect(lonely.body.errors).toEqual([
        { path: 'threadId', message: 'is required with alsoSentToChannel' },
      ]);
    } finally {
      socket.close();
    }
  });

  it('shows a message the same wherever it is read: post, retry, single, thread, page, search', async () => {
    const channel = await createChannel(alice, workspaceId);
    await bob.api.post(`/api/v1/channels/${channel.id}/join`);
    const form = new FormData();
    form.append('file', new Blob(['minutes'], { type: 'text/plain' }), 'minutes.txt');
    const file = (await alice.api.post(`/api/v1/workspaces/${workspaceId}/files`, form)).body;
    const root = await postMessage(alice, channel.id, 'agenda');
    for (const [user, emoji] of [
      [bob, 'tada'],
      [alice, 'eyes'],
      [alice, 'tada'],
    ] as const)
      expect((await user.api.post(`/api/v1/messages/${root.id}/reactions`, { emoji })).status).toBe(204);
    const body = {
      text: `okapi notes for <@${bob.id}>`,
      threadId: root.id,
      fileIds: [file.id],
      clientMsgId: 'shape-1',
    };
    const posted = await alice.api.post(`/api/v1/channels/${channel.id}/messages`, body);
    expect(posted.status).toBe(201);
    expect(posted.body).toEqual({
      id: expect.any(String),
      workspaceId,
      channelId: channel.id,
      userId: alice.id,
      text: body.text,
      threadId: root.id,
      replyCount: 0,
      reactions: [],
      files: [file],
      mentions: [bob.id],
      clientMsgId: 'shape-1',
      createdAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      editedAt: null,
      ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
      blocks: null,
      attachments: null,
    });
    const reply = posted.body;
    expect((await alice.api.post(`/api/v1/channels/${channel.id}/messages`, body)).body).toEqual(reply);
    expect((await bob.api.get(`/api/v1/messages/${reply.id}`)).body).toEqual(reply);
    expect((await bob.api.get(`/api/v1/messages/${root.id}/replies`)).body.items).toEqual([reply]);
    const search = await bob.api.get(`/api/v1/workspaces/${workspaceId}/search?q=okapi`);
    expect(search.body.items).toEqual([reply]);
    const page = await bob.api.get(`/api/v1/channels/${channel.id}/messages`);
    expect(page.body.items).toEqual([
      {
        ...root,
        replyCount: 1,
        reactions: [
          { emoji: 'tada', count: 2, userIds: [bob.id, alice.id] },
          { emoji: 'eyes', count: 1, userIds: [alice.id] },
        ],
      },
    ]);
  });

  it('edits with PATCH (200, the message) and deletes with DELETE (204), then answers 404; refusals as problem+json', async () => {
    const message = await postMessage(alice, channelId, 'original');
    const refused = await bob.api.patch(`/api/v1/messages/${message.id}`, { text: 'hacked' });
    expect(refused.status).toBe(403);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    const edited = await alice.api.patch(`/api/v1/messages/${message.id}`, { text: 'edited' });
    expect(edited.status).toBe(200);
    expect(edited.body).toEqual({ ...message, text: 'edited', editedAt: expect.any(String) });
    expect((await bob.api.get(`/api/v1/messages/${message.id}`)).body).toEqual(edited.body);

    expect((await bob.api.delete(`/api/v1/messages/${message.id}`)).status).toBe(403);
    expect((await admin.api.delete(`/api/v1/messages/${message.id}`)).status).toBe(204);
    const gone = await alice.api.get(`/api/v1/messages/${message.id}`);
    expect(gone.status).toBe(404);
    expect(gone.headers.get('content-type')).toContain('application/problem+json');
    expect((await alice.api.patch(`/api/v1/messages/${message.id}`, { text: 'again' })).status).toBe(404);
  });

  it('adds reactions with POST and removes them with DELETE (the emoji in the path); a bad emoji is a 400, a full message a 409, as problem+json naming emoji', async () => {
    const message = await postMessage(alice, channelId, 'react to me');
    const react = (user: TestUser, emoji: string) =>
      user.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji });
    // Adding again is idempotent: 204 each time.
    for (const user of [alice, bob, bob]) expect((await react(user, '👍')).status).toBe(204);
    expect((await react(alice, 'tada')).status).toBe(204);
    expect((await alice.api.get(`/api/v1/messages/${message.id}`)).body.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: [alice.id, bob.id] },
      { emoji: 'tada', count: 1, userIds: [alice.id] },
    ]);
    expect(
      (await bob.api.delete(`/api/v1/messages/${message.id}/reactions/${encodeURIComponent('👍')}`)).status,
    ).toBe(204);
    expect((await alice.api.get(`/api/v1/messages/${message.id}`)).body.reactions[0]).toEqual({
      emoji: '👍',
      count: 1,
      userIds: [alice.id],
    });

    const bad = await react(bob, 'two words');
    expect(bad.status).toBe(400);
    expect(bad.headers.get('content-type')).toContain('application/problem+json');
    expect(bad.body.errors).toEqual([expect.objectContaining({ path: 'emoji' })]);

    const config = server.app.get<AppConfig>(APP_CONFIG);
    expect(config.messageMaxDistinctReactions).toBe(50); // the default, as Mattermost's
    config.messageMaxDistinctReactions = 2;
    try {
      const full = await react(bob, 'eyes');
      expect(full.status).toBe(409);
      expect(full.headers.get('content-type')).toContain('application/problem+json');
      expect(full.body.errors).toEqual([expect.objectContaining({ path: 'emoji' })]);
      expect((await react(bob, 'tada')).status).toBe(204);
    } finally {
      config.messageMaxDistinctReactions = 50;
    }
  });

  it('pages and searches through the query string: limit and cursor, a quoted phrase', async () => {
    const channel = await createChannel(alice, workspaceId);
    const posted = [];
    for (const text of ['the quokka census', 'quokka sightings', 'census of the quokka']) {
      posted.push((await postMessage(alice, channel.id, text)).id);
    }
    const first = await alice.api.get(`/api/v1/channels/${channel.id}/messages?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((m: { id: string }) => m.id)).toEqual([posted[2], posted[1]]);
    const next = await alice.api.get(
      `/api/v1/channels/${channel.id}/messages?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ items: [{ id: posted[0] }], nextCursor: null });

    const phrase = await bob.api.get(
      `/api/v1/workspaces/${workspaceId}/search?q=${encodeURIComponent('"quokka census"')}`,
    );
    expect(phrase.status).toBe(200);
    expect(phrase.body).toEqual({ items: [expect.objectContaining({ id: posted[0] })], nextCursor: null });
  });

  it('rejects bad messages with the failing fields named', async () => {
    const tooLong = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {
      text: 'x'.repeat(40_001),
    });
    expect(tooLong.status).toBe(400);
    expect(tooLong.body.errors).toEqual([expect.objectContaining({ path: 'text' })]);
    expect(
      (await alice.api.post(`/api/v1/channels/${channelId}/messages`, { text: 'x'.repeat(40_000) })).status,
    ).toBe(201);

    const wrongTypes = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {
      text: 5,
      threadId: 'nope',
      fileIds: 'x',
      colour: 'red',
    });
    expect(wrongTypes.status).toBe(400);
    expect(new Set(wrongTypes.body.errors.map((e: { path: string }) => e.path))).toEqual(
      new Set(['text', 'threadId', 'fileIds', 'colour']),
    );
    const missing = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {});
    expect(missing.body.errors).toEqual([{ path: 'text', message: 'is required' }]);
    const blank = await alice.api.post(`/api/v1/channels/${channelId}/messages`, { text: '   ' });
    expect(blank.status).toBe(400);
    const noBody = await alice.api.post(`/api/v1/channels/${channelId}/messages`);
    expect(noBody.status).toBe(400);
    expect((await alice.api.post('/api/v1/channels/not-a-uuid/messages', { text: 'x' })).status).toBe(404);

    // A refusal of the service names its field the same way.
    const elsewhere = await createChannel(alice, workspaceId);
    const foreignRoot = await postMessage(alice, elsewhere.id, 'root elsewhere');
    const wrongThread = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {
      text: 'x',
      threadId: foreignRoot.id,
    });
    expect(wrongThread.status).toBe(400);
    expect(wrongThread.headers.get('content-type')).toContain('application/problem+json');
    expect(wrongThread.body.errors).toEqual([
      { path: 'threadId', message: 'is not a message in this channel' },
    ]);
    expect((await alice.api.get(`/api/v1/workspaces/${workspaceId}/search`)).status).toBe(400);
  });
});
