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
  });

  it('gives every message a ts of its own within the channel, also under concurrent posts', async () => {
    const posted = await Promise.all(
      Array.from({ length: 12 }, (_, n) =>
        (n % 2 ? alice : bob).api.post(`/api/v1/channels/${channelId}/messages`, { text: `burst ${n}` }),
      ),
    );
    expect(posted.map((response) => response.status)).toEqual(Array(12).fill(201));
    expect(new Set(posted.map((response) => response.body.ts)).size).toBe(12);
    // The history shows each with the ts it was posted with.
    const page = await alice.api.get(`/api/v1/channels/${channelId}/messages?limit=12`);
    expect(new Set(page.body.items.map((message: { ts: string }) => message.ts))).toEqual(
      new Set(posted.map((response) => response.body.ts)),
    );
  });

  it('is idempotent by clientMsgId, also under concurrent retries', async () => {
    const body = { text: 'exactly once', clientMsgId: 'device-1:42' };
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => bob.api.post(`/api/v1/channels/${channelId}/messages`, body)),
    );
    const ids = new Set(responses.map((r) => r.body.id));
    expect(responses.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
    expect(ids.size).toBe(1);
    const list = await bob.api.get(`/api/v1/channels/${channelId}/messages?limit=200`);
    expect(list.body.items.filter((m: { text: string }) => m.text === 'exactly once')).toHaveLength(1);
    // The same clientMsgId from another author is another message.
    const other = await alice.api.post(`/api/v1/channels/${channelId}/messages`, body);
    expect(other.body.id).not.toBe([...ids][0]);
  });

  it('pages newest first with a cursor, without gaps or repeats', async () => {
    const channel = await createChannel(alice, workspaceId);
    const posted = [];
    for (let i = 0; i < 7; i++) posted.push((await postMessage(alice, channel.id, `m${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const query: string = cursor ? `&cursor=${cursor}` : '';
      const page = await alice.api.get(`/api/v1/channels/${channel.id}/messages?limit=3${query}`);
      expect(page.status).toBe(200);
      seen.push(...page.body.items.map((m: { id: string }) => m.id));
      cursor = page.body.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...posted].reverse());
  });

  it('threads replies under their root with a reply count', async () => {
    const root = await postMessage(alice, channelId, 'Thread root');
    const reply1 = await postMessage(bob, channelId, 'first reply', { threadId: root.id });
    // Replying to a reply still lands in the root's thread.
    const reply2 = await postMessage(alice, channelId, 'second reply', { threadId: reply1.id });
    expect(reply2.threadId).toBe(root.id);

    const thread = await bob.api.get(`/api/v1/messages/${root.id}/replies`);
    expect(thread.body.items.map((m: { text: string }) => m.text)).toEqual(['first reply', 'second reply']);
    expect((await bob.api.get(`/api/v1/messages/${root.id}`)).body.replyCount).toBe(2);
    const timeline = await bob.api.get(`/api/v1/channels/${channelId}/messages`);
    expect(timeline.body.items.map((m: { id: string }) => m.id)).not.toContain(reply1.id);
    expect(timeline.body.items.find((m: { id: string }) => m.id === root.id).replyCount).toBe(2);

    expect((await bob.api.delete(`/api/v1/messages/${reply1.id}`)).status).toBe(204);
    expect((await bob.api.get(`/api/v1/messages/${root.id}`)).body.replyCount).toBe(1);

    const elsewhere = await createChannel(alice, workspaceId);
    const wrong = await alice.api.post(`/api/v1/channels/${elsewhere.id}/messages`, {
      text: 'x',
      threadId: root.id,
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.errors[0].path).toBe('threadId');

    // A deleted message takes no replies (with or without a clientMsgId), and the refused one leaves no trace.
    for (const clientMsgId of [undefined, 'reply-to-deleted']) {
      const gone = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {
        text: 'too late',
        threadId: reply1.id,
        clientMsgId,
      });
      expect(gone.status).toBe(400);
      expect(gone.headers.get('content-type')).toContain('application/problem+json');
      expect(gone.body.errors).toEqual([{ path: 'threadId', message: 'is not a message in this channel' }]);
    }
    const after = await bob.api.get(`/api/v1/messages/${root.id}/replies`);
    expect(after.body.items.map((m: { text: string }) => m.text)).toEqual(['second reply']);
    expect((await bob.api.get(`/api/v1/messages/${root.id}`)).body.replyCount).toBe(1);
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

  it('lets only the author edit, and the author or an admin delete', async () => {
    const message = await postMessage(alice, channelId, 'original');
    expect((await bob.api.patch(`/api/v1/messages/${message.id}`, { text: 'hacked' })).status).toBe(403);
    expect((await admin.api.patch(`/api/v1/messages/${message.id}`, { text: 'hacked' })).status).toBe(403);
    const edited = await alice.api.patch(`/api/v1/messages/${message.id}`, { text: 'edited' });
    expect(edited.status).toBe(200);
    expect(edited.body.text).toBe('edited');
    expect(edited.body.editedAt).toEqual(expect.any(String));

    expect((await bob.api.delete(`/api/v1/messages/${message.id}`)).status).toBe(403);
    expect((await admin.api.delete(`/api/v1/messages/${message.id}`)).status).toBe(204);
    expect((await alice.api.get(`/api/v1/messages/${message.id}`)).status).toBe(404);
    expect((await alice.api.patch(`/api/v1/messages/${message.id}`, { text: 'again' })).status).toBe(404);

    const own = await postMessage(bob, channelId, 'mine');
    expect((await bob.api.delete(`/api/v1/messages/${own.id}`)).status).toBe(204);
  });

  it('aggregates reactions per emoji, idempotently', async () => {
    const message = await postMessage(alice, channelId, 'react to me');
    for (const user of [alice, bob, bob]) {
      expect((await user.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: '👍' })).status).toBe(
        204,
      );
    }
    await alice.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: 'tada' });
    const view = await alice.api.get(`/api/v1/messages/${message.id}`);
    expect(view.body.reactions).toEqual([
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
    expect(
      (await bob.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: 'two words' })).status,
    ).toBe(400);
  });

  it('takes a shortcode or exactly one emoji as a reaction, naming the field otherwise', async () => {
    const message = await postMessage(alice, channelId, 'pick an emoji');
    for (const emoji of [':tada:', '+1', '👩🏽‍💻', '🇫🇷', '❤']) {
      expect((await alice.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji })).status).toBe(204);
    }
    for (const emoji of ['👍👍', 'Hello', 'é', '#', ':tada', 'a'.repeat(65)]) {
      const refused = await alice.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji });
      expect(refused.status).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
      expect(refused.body.errors).toEqual([expect.objectContaining({ path: 'emoji' })]);
    }
  });

  it('caps the distinct emoji of a message, even under concurrent adds (MESSAGE_MAX_DISTINCT_REACTIONS)', async () => {
    const config = server.app.get<AppConfig>(APP_CONFIG);
    expect(config.messageMaxDistinctReactions).toBe(50); // the default, as Mattermost's
    config.messageMaxDistinctReactions = 5;
    try {
      const message = await postMessage(alice, channelId, 'a popular message');
      const users = [alice, bob, admin];
      // 15 different emoji at once: the cap of 5 must hold however the adds interleave.
      const answers = await Promise.all(
        Array.from({ length: 15 }, (_, index) =>
          users[index % users.length].api.post(`/api/v1/messages/${message.id}/reactions`, {
            emoji: `emoji_${index}`,
          }),
        ),
      );
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 204)).toHaveLength(5);
      expect(statuses.filter((status) => status === 409)).toHaveLength(10);
      const full = answers.find((answer) => answer.status === 409);
      expect(full?.headers.get('content-type')).toContain('application/problem+json');
      expect(full?.body.errors).toEqual([expect.objectContaining({ path: 'emoji' })]);
      const view = await alice.api.get(`/api/v1/messages/${message.id}`);
      expect(view.body.reactions).toHaveLength(5);
      // On a full message, anyone may still join an emoji it already carries.
      const carried = view.body.reactions[0].emoji as string;
      const joiner = view.body.reactions[0].userIds.includes(bob.id) ? alice : bob;
      expect(
        (await joiner.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: carried })).status,
      ).toBe(204);
      expect(
        (await joiner.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: 'tada' })).status,
      ).toBe(409);
    } finally {
      config.messageMaxDistinctReactions = 50;
    }
  });

  it('parses and stores mentions of workspace members only', async () => {
    const outsider = await registerUser(server.url);
    const message = await postMessage(
      alice,
      channelId,
      `hey <@${bob.id}> and <@${outsider.id}>, <@${bob.id}>`,
    );
    expect((message as any).mentions).toEqual([bob.id]);
    const edited = await alice.api.patch(`/api/v1/messages/${message.id}`, { text: `now <@${admin.id}>` });
    expect(edited.body.mentions).toEqual([admin.id]);
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

  it('searches only what the caller may see', async () => {
    const secret = await createChannel(alice, workspaceId, 'private');
    await postMessage(alice, secret.id, 'the zanzibar launch code');
    await postMessage(alice, channelId, 'zanzibar is public knowledge');
    const bobs = await bob.api.get(`/api/v1/workspaces/${workspaceId}/search?q=zanzibar`);
    expect(bobs.body.items.map((m: { text: string }) => m.text)).toEqual(['zanzibar is public knowledge']);
    const alices = await alice.api.get(`/api/v1/workspaces/${workspaceId}/search?q=zanzibar`);
    expect(alices.body.items).toHaveLength(2);
    const phrase = await alice.api.get(
      `/api/v1/workspaces/${workspaceId}/search?q=${encodeURIComponent('"launch code"')}`,
    );
    expect(phrase.body.items.map((m: { text: string }) => m.text)).toEqual(['the zanzibar launch code']);
    expect((await alice.api.get(`/api/v1/workspaces/${workspaceId}/search`)).status).toBe(400);

    const outsider = await registerUser(server.url);
    expect((await outsider.api.get(`/api/v1/workspaces/${workspaceId}/search?q=zanzibar`)).status).toBe(404);
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
  });

  it('requires channel membership to post, and 404s for private channels', async () => {
    const open = await createChannel(alice, workspaceId);
    expect((await bob.api.post(`/api/v1/channels/${open.id}/messages`, { text: 'hi' })).status).toBe(403);
    expect((await bob.api.get(`/api/v1/channels/${open.id}/messages`)).status).toBe(200);
    const secret = await createChannel(alice, workspaceId, 'private');
    const message = await postMessage(alice, secret.id, 'hidden');
    expect((await bob.api.post(`/api/v1/channels/${secret.id}/messages`, { text: 'hi' })).status).toBe(404);
    expect((await bob.api.get(`/api/v1/messages/${message.id}`)).status).toBe(404);
    expect((await bob.api.get(`/api/v1/messages/${message.id}/replies`)).status).toBe(404);
    expect((await bob.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: 'x' })).status).toBe(404);
    expect((await admin.api.delete(`/api/v1/messages/${message.id}`)).status).toBe(404);
  });
});
