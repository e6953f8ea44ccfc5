import { WebClient } from '@slack/web-api';
import { Clock } from '../core/src/common/clock';
import { slackId } from '../core/src/slack/slack-ids';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Scheduled messages on two server instances sharing one database, both ticking fast: whichever claims a due
 * message posts it, and it must appear exactly once. Both clocks are moved forward instead of waiting.
 */
let a: TestServer;
let b: TestServer;
let owner: TestUser;
let member: TestUser;
let guest: TestUser;
let workspaceId: string;
let clockOffset = 0;

const now = () => Date.now() + clockOffset;
const inMinutes = (minutes: number) => new Date(now() + minutes * 60_000).toISOString();
/** Moves both instances' clocks past every message scheduled so far (up to a day ahead). */
const advanceADay = () => (clockOffset += 86_400_000);

const webClient = (token: string) =>
  new WebClient(token, { slackApiUrl: `${a.url}/api/slack/`, retryConfig: { retries: 0 } });

async function slackError(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { data?: Record<string, unknown> } | undefined;
  return error?.data;
}

async function schedule(user: TestUser, channelId: string, body: object) {
  return user.api.post(`/api/v1/channels/${channelId}/scheduled-messages`, body);
}

const history = async (user: TestUser, channelId: string) =>
  (await user.api.get(`/api/v1/channels/${channelId}/messages?limit=200`)).body.items as {
    id: string;
    text: string;
    userId: string;
    threadId: string | null;
    mentions: string[];
  }[];

const scheduledOf = async (user: TestUser, id: string) =>
  (await user.api.get(`/api/v1/scheduled-messages/${id}`)).body as {
    status: string;
    messageId: string | null;
    failure: string | null;
  };

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  a = await startTestServer({ databaseUrl, scheduledMessagesTickMs: 30 });
  b = await startTestServer({ databaseUrl, scheduledMessagesTickMs: 30 });
  for (const server of [a, b]) jest.spyOn(server.app.get(Clock), 'now').mockImplementation(now);
  owner = await registerUser(a.url, 'Ada Owner');
  member = await registerUser(a.url, 'Bob Member');
  guest = await registerUser(a.url, 'Gil Guest');
  workspaceId = (await createWorkspace(owner)).id;
  await addToWorkspace(owner, workspaceId, member);
  await addToWorkspace(owner, workspaceId, guest, 'guest');
});

afterAll(async () => {
  await a.close();
  await b.close();
});

describe('scheduled messages (REST)', () => {
  it('keeps each person’s own: listed by workspace and channel with cursors, edited, cancelled; others get 404', async () => {
    const channelId = (await createChannel(owner, workspaceId)).id;
    const created = [];
    for (const minutes of [30, 10, 20]) {
      const response = await schedule(owner, channelId, {
        text: `in ${minutes}`,
        postAt: inMinutes(minutes),
      });
      expect(response.status).toBe(201);
      created.push(response.body);
    }
    expect(created[0]).toMatchObject({ status: 'pending', channelId, userId: owner.id, messageId: null });

    const first = await owner.api.get(`/api/v1/workspaces/${workspaceId}/scheduled-messages?limit=2`);
    expect(first.status).toBe(200);
    expect(first.body.items.map((item: { text: string }) => item.text)).toEqual(['in 10', 'in 20']);
    const rest = await owner.api.get(
      `/api/v1/workspaces/${workspaceId}/scheduled-messages?limit=2&cursor=${first.body.nextCursor}`,
    );
    expect(rest.body).toMatchObject({ items: [{ text: 'in 30' }], nextCursor: null });
    const inChannel = await owner.api.get(`/api/v1/channels/${channelId}/scheduled-messages`);
    expect(inChannel.body.items).toHaveLength(3);
    // Someone else's list holds none of them; by id they do not exist for anyone else.
    const theirs = await member.api.get(`/api/v1/workspaces/${workspaceId}/scheduled-messages`);
    expect(theirs.body.items).toEqual([]);
    const id = created[0].id as string;
    expect((await member.api.get(`/api/v1/scheduled-messages/${id}`)).status).toBe(404);
    expect((await member.api.patch(`/api/v1/scheduled-messages/${id}`, { text: 'mine now' })).status).toBe(
      404,
    );
    expect((await member.api.delete(`/api/v1/scheduled-messages/${id}`)).status).toBe(404);
    expect((await owner.api.get('/api/v1/scheduled-messages/not-an-id')).status).toBe(404);

    const edited = await owner.api.patch(`/api/v1/scheduled-messages/${id}`, {
      text: 'edited',
      postAt: inMinutes(5),
    });
    expect(edited.status).toBe(200);
    expect(edited.body).toMatchObject({ text: 'edited', status: 'pending' });
    for (const item of created) {
      expect((await owner.api.delete(`/api/v1/scheduled-messages/${item.id}`)).status).toBe(204);
    }
    expect((await owner.api.get(`/api/v1/channels/${channelId}/scheduled-messages`)).body.items).toEqual([]);
    // Cancelled ones never post: one scheduled after them all is the channel's only message once it is sent.
    const last = await schedule(owner, channelId, { text: 'the last', postAt: inMinutes(40) });
    advanceADay();
    await eventually(
      async () => ((await scheduledOf(owner, last.body.id)).status === 'sent' ? true : undefined),
      'the last one sent',
    );
    expect((await history(owner, channelId)).map((message) => message.text)).toEqual(['the last']);
  });

  it('refuses bad input, naming the field', async () => {
    const channelId = (await createChannel(owner, workspaceId)).id;
    const otherChannel = (await createChannel(owner, workspaceId)).id;
    const elsewhere = await postMessage(owner, otherChannel, 'a root elsewhere');
    const refusals: [object, string][] = [
      [{ text: 'late', postAt: inMinutes(-1) }, 'postAt'],
      [{ text: 'far', postAt: inMinutes(121 * 24 * 60) }, 'postAt'],
      [{ text: 'when?' }, 'postAt'],
      [{ text: 'when?', postAt: 'tomorrow' }, 'postAt'],
      [{ text: '   ', postAt: inMinutes(5) }, 'text'],
      [{ text: 'x', postAt: inMinutes(5), threadId: elsewhere.id }, 'threadId'],
      [{ text: 'x', postAt: inMinutes(5), colour: 'red' }, 'colour'],
    ];
    for (const [body, field] of refusals) {
      const response = await schedule(owner, channelId, body);
      expect(response.status).toBe(400);
      expect(response.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(JSON.stringify(response.body.errors)).toContain(field);
    }
    const badCursor = await owner.api.get(`/api/v1/workspaces/${workspaceId}/scheduled-messages?cursor=abc`);
    expect(badCursor.status).toBe(400);
    expect(badCursor.body.errors).toEqual([expect.objectContaining({ path: 'query/cursor' })]);
    const created = await schedule(owner, channelId, { text: 'soon', postAt: inMinutes(5) });
    const noChange = await owner.api.patch(`/api/v1/scheduled-messages/${created.body.id}`, {});
    expect(noChange.status).toBe(400);
    const late = await owner.api.patch(`/api/v1/scheduled-messages/${created.body.id}`, {
      postAt: inMinutes(-5),
    });
    expect(late.status).toBe(400);
    expect(late.body.errors).toEqual([expect.objectContaining({ path: 'postAt' })]);
    expect((await owner.api.delete(`/api/v1/scheduled-messages/${created.body.id}`)).status).toBe(204);
  });

  it('holds guests and non-members to the posting rules', async () => {
    const publicChannel = (await createChannel(owner, workspaceId)).id;
    const privateChannel = (await createChannel(owner, workspaceId, 'private')).id;
    const body = { text: 'sneaky', postAt: inMinutes(5) };
    // As posting: a guest sees no channel they were not added to; a member must join a public one first.
    expect((await schedule(guest, publicChannel, body)).status).toBe(
      (await guest.api.post(`/api/v1/channels/${publicChannel}/messages`, { text: 'x' })).status,
    );
    expect((await schedule(guest, publicChannel, body)).status).toBe(404);
    expect((await schedule(member, publicChannel, body)).status).toBe(403);
    expect((await schedule(member, privateChannel, body)).status).toBe(404);
    expect((await guest.api.get(`/api/v1/channels/${privateChannel}/scheduled-messages`)).status).toBe(404);
    const outsider = await registerUser(a.url, 'Oz Outsider');
    expect((await outsider.api.get(`/api/v1/workspaces/${workspaceId}/scheduled-messages`)).status).toBe(404);

    await owner.api.post(`/api/v1/channels/${privateChannel}/members`, { userId: guest.id });
    const allowed = await schedule(guest, privateChannel, body);
    expect(allowed.status).toBe(201);
    expect((await guest.api.delete(`/api/v1/scheduled-messages/${allowed.body.id}`)).status).toBe(204);
  });
});

describe('the scheduler', () => {
  it('posts each due message exactly once across two instances, through the normal post path', async () => {
    const channelId = (await createChannel(owner, workspaceId)).id;
    expect((await member.api.post(`/api/v1/channels/${channelId}/join`)).status).toBe(200);
    const root = await postMessage(owner, channelId, 'the root');
    const socket = await RealtimeClient.connect(b.url, { token: member.token });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 20; i++) {
        const response = await schedule(owner, channelId, {
          text: i === 0 ? `hello <@${member.id}>` : `scheduled ${i}`,
          postAt: inMinutes(60 + (i % 3)),
          ...(i === 1 ? { threadId: root.id } : {}),
        });
        expect(response.status).toBe(201);
        ids.push(response.body.id);
      }
      expect(await history(owner, channelId)).toHaveLength(1);
      advanceADay();
      const started = Date.now();
      await eventually(
        async () => {
          const pending = await owner.api.get(
            `/api/v1/channels/${channelId}/scheduled-messages?status=pending`,
          );
          return pending.body.items.length === 0 ? true : undefined;
        },
        'every scheduled message sent',
        20_000,
      );
      console.info(`20 scheduled messages posted by two instances in ${Date.now() - started} ms`);
      const sent = (await owner.api.get(`/api/v1/channels/${channelId}/scheduled-messages?status=sent`)).body
        .items as { messageId: string }[];
      expect(sent).toHaveLength(20);

      const messages = [...(await history(owner, channelId))];
      const reply = (await owner.api.get(`/api/v1/messages/${root.id}/replies`)).body.items;
      const posted = [...messages, ...reply].filter((message) => message.id !== root.id);
      expect(posted).toHaveLength(20);
      expect(new Set(posted.map((message) => message.text)).size).toBe(20);
      expect(posted.every((message) => message.userId === owner.id)).toBe(true);
      expect(new Set(sent.map((state) => state.messageId))).toEqual(new Set(posted.map((m) => m.id)));
      expect(reply).toEqual([expect.objectContaining({ text: 'scheduled 1', threadId: root.id })]);
      expect(posted.find((message) => message.text.startsWith('hello'))?.mentions).toEqual([member.id]);
      // Events went out as for any post: the member's socket on the other instance saw each once.
      await socket.until(
        () => socket.events.filter((frame) => frame.type === 'message.created').length >= 20,
      );
      const created = socket.events.filter((frame) => frame.type === 'message.created');
      expect(new Set(created.map((frame) => frame.data.id)).size).toBe(created.length);
    } finally {
      socket.ws.close();
    }
  });

  it('marks a message failed, with the reason, when its author left the channel', async () => {
    const channelId = (await createChannel(owner, workspaceId)).id;
    expect((await member.api.post(`/api/v1/channels/${channelId}/join`)).status).toBe(200);
    const created = await schedule(member, channelId, { text: 'from the past', postAt: inMinutes(30) });
    expect(created.status).toBe(201);
    expect((await member.api.post(`/api/v1/channels/${channelId}/leave`)).status).toBeLessThan(300);
    advanceADay();
    const state = await eventually(async () => {
      const current = await scheduledOf(member, created.body.id);
      return current.status === 'pending' ? undefined : current;
    }, 'the scheduled message handled');
    expect(state).toMatchObject({
      status: 'failed',
      messageId: null,
      failure: 'The author is no longer a member of the channel',
    });
    expect(await history(owner, channelId)).toEqual([]);
    // A failed one cannot be edited, only forgotten.
    expect(
      (await member.api.patch(`/api/v1/scheduled-messages/${created.body.id}`, { text: 'x' })).status,
    ).toBe(409);
    expect((await member.api.delete(`/api/v1/scheduled-messages/${created.body.id}`)).status).toBe(204);
  });
});

describe('Slack chat.scheduleMessage through @slack/web-api', () => {
  it('schedules, lists with cursors and deletes; refuses past and far times as Slack does', async () => {
    const client = webClient(owner.token);
    const channelId = (await createChannel(owner, workspaceId)).id;
    const channel = slackId('C', channelId);
    const postAt = Math.floor(now() / 1000) + 3600;
    const scheduled = await client.chat.scheduleMessage({ channel, text: 'standup in 5', post_at: postAt });
    expect(scheduled).toMatchObject({
      ok: true,
      channel,
      post_at: postAt,
      scheduled_message_id: expect.stringMatching(/^Q[0-9A-V]{26}$/),
      message: { type: 'delayed_message', text: 'standup in 5', user: slackId('U', owner.id) },
    });
    await client.chat.scheduleMessage({ channel, text: 'second', post_at: postAt + 60 });

    expect(
      await slackError(client.chat.scheduleMessage({ channel, text: 'x', post_at: postAt - 7200 })),
    ).toMatchObject({ ok: false, error: 'time_in_past' });
    expect(
      await slackError(client.chat.scheduleMessage({ channel, text: 'x', post_at: postAt + 121 * 86_400 })),
    ).toMatchObject({ ok: false, error: 'time_too_far' });

    const firstPage = await client.chat.scheduledMessages.list({ channel, limit: 1 });
    expect(firstPage.scheduled_messages).toEqual([
      {
        id: scheduled.scheduled_message_id,
        channel_id: channel,
        post_at: postAt,
        date_created: expect.any(Number),
        text: 'standup in 5',
      },
    ]);
    const cursor = firstPage.response_metadata!.next_cursor!;
    expect(cursor).not.toBe('');
    const secondPage = await client.chat.scheduledMessages.list({ channel, limit: 1, cursor });
    expect(secondPage.scheduled_messages!.map((item) => item.text)).toEqual(['second']);
    expect(secondPage.response_metadata!.next_cursor).toBe('');

    const id = scheduled.scheduled_message_id!;
    // Only its author deletes it, and only in its channel.
    expect(
      await slackError(
        webClient(member.token).chat.deleteScheduledMessage({ channel, scheduled_message_id: id }),
      ),
    ).toMatchObject({ error: 'invalid_scheduled_message_id' });
    expect(await client.chat.deleteScheduledMessage({ channel, scheduled_message_id: id })).toMatchObject({
      ok: true,
    });
    expect(
      await slackError(client.chat.deleteScheduledMessage({ channel, scheduled_message_id: id })),
    ).toMatchObject({ error: 'invalid_scheduled_message_id' });
    const left = await client.chat.scheduledMessages.list({});
    expect(left.scheduled_messages!.map((item) => item.text)).toContain('second');
    expect(left.scheduled_messages!.map((item) => item.text)).not.toContain('standup in 5');

    // The one left is posted when its time comes, into the thread it names.
    const root = await postMessage(owner, channelId, 'thread root');
    const rootTs = (await owner.api.get(`/api/v1/messages/${root.id}`)).body.ts as string;
    await client.chat.scheduleMessage({ channel, text: 'in the thread', post_at: postAt, thread_ts: rootTs });
    advanceADay();
    await eventually(async () => {
      const texts = (await history(owner, channelId)).map((message) => message.text);
      return texts.includes('second') ? texts : undefined;
    }, 'the scheduled Slack message posted');
    const replies = await eventually(async () => {
      const items = (await owner.api.get(`/api/v1/messages/${root.id}/replies`)).body.items;
      return items.length > 0 ? items : undefined;
    }, 'the threaded one posted');
    expect(replies).toEqual([expect.objectContaining({ text: 'in the thread' })]);
    expect((await client.chat.scheduledMessages.list({ channel })).scheduled_messages).toEqual([]);
  });
});
