import { IncomingWebhook } from '@slack/webhook';
import { WebClient, WebClientEvent } from '@slack/web-api';
import { CHANNEL_KINDS, nativeId, slackId } from '../core/src/slack/slack-ids';
import type { ApiClient } from '../fixtures/api-client';
import { RealtimeClient } from '../fixtures/realtime-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/** Slack's own clients, unchanged, against the Slack-compatible surface: Web API and incoming webhooks. */
let server: TestServer;
let owner: TestUser;
let member: TestUser;
let workspaceId: string;
let channelId: string;

/** A stock WebClient pointed at this server; no retries unless a test wants WebClient's own. */
const webClient = (token?: string, retries = 0) =>
  new WebClient(token, { slackApiUrl: `${server.url}/api/slack/`, retryConfig: { retries } });

async function installApp(scopes: string[]) {
  const created = await owner.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
    name: 'Deploy bot',
    redirectUris: ['https://deploy.example.test/oauth/callback'],
    scopes,
  });
  expect(created.status).toBe(201);
  const install = await owner.api.post(
    `/api/v1/workspaces/${workspaceId}/apps/${created.body.id}/install`,
    {},
  );
  expect(install.status).toBe(201);
  return { token: install.body.token as string, botUserId: install.body.botUserId as string };
}

async function slackError(call: Promise<unknown>) {
  const error = (await call.then(
    () => undefined,
    (thrown: unknown) => thrown,
  )) as { code?: string; data?: Record<string, unknown> } | undefined;
  expect(error?.code).toBe('slack_webapi_platform_error');
  return error!.data!;
}

const latest = async (api: ApiClient, channel: string) =>
  (await api.get(`/api/v1/channels/${channel}/messages?limit=1`)).body.items[0];

beforeAll(async () => {
  server = await startTestServer({
    publicUrl: 'https://chat.example.test',
    // Tier 2 (users.list, conversations.list) tight enough to reach; tiers 3 and 4 out of the way.
    slackRateLimitWindowSeconds: 2,
    slackRateLimitTiers: { 2: 3, 3: 1000, 4: 1000 },
  });
  owner = await registerUser(server.url, 'Ada Owner');
  member = await registerUser(server.url, 'Bob Member');
  workspaceId = (await createWorkspace(owner)).id;
  await addToWorkspace(owner, workspaceId, member);
  channelId = (await createChannel(owner, workspaceId)).id;
});

afterAll(async () => {
  await server.close();
});

describe('Slack Web API', () => {
  it('answers auth.test for a bot token and a personal token with Slack-shaped ids', async () => {
    const { token, botUserId } = await installApp(['chat:write', 'channels:read']);
    const bot = await webClient(token).auth.test();
    expect(bot).toMatchObject({
      ok: true,
      url: 'https://chat.example.test/',
      team_id: expect.stringMatching(/^T[0-9A-V]{26}$/),
      user_id: expect.stringMatching(/^U[0-9A-V]{26}$/),
      bot_id: expect.stringMatching(/^B[0-9A-V]{26}$/),
    });
    const person = await webClient(owner.token).auth.test();
    expect(person).toMatchObject({ ok: true, team_id: bot.team_id, user: 'ada.owner' });
    expect(person.bot_id).toBeUndefined();
    // The same ids name the same objects through every method.
    const info = await webClient(owner.token).users.info({ user: bot.user_id! });
    expect(info.user).toMatchObject({ id: bot.user_id, is_bot: true });
    expect(bot.user_id).not.toBe(person.user_id);
    expect(botUserId).toBeTruthy();
  });

  it('posts with blocks and into a thread named by its ts, also seen by the native API with the same ts', async () => {
    const client = webClient(owner.token);
    const channel = (await client.conversations.list()).channels!.find((c) => c.name && c.is_member)!;
    expect(channel.id).toMatch(/^C/);
    const blocks = [
      { type: 'header', text: { type: 'plain_text', text: 'Release 1.2' } },
      {
        type: 'actions',
        elements: [{ type: 'button', text: { type: 'plain_text', text: 'Approve' }, action_id: 'approve' }],
      },
    ];
    const root = await client.chat.postMessage({ channel: channel.id!, blocks, text: '' });
    expect(root).toMatchObject({
      ok: true,
      channel: channel.id,
      ts: expect.stringMatching(/^\d{10}\.\d{6}$/),
    });
    expect(root.message).toMatchObject({ text: 'Release 1.2', blocks });

    const native = await latest(owner.api, channelId);
    expect(native).toMatchObject({ ts: root.ts, text: 'Release 1.2', blocks, attachments: null });

    const reply = await client.chat.postMessage({
      channel: channel.id!,
      text: 'shipped',
      thread_ts: root.ts!,
    });
    expect(reply.message).toMatchObject({ thread_ts: root.ts, text: 'shipped' });
    expect(reply.ts).not.toBe(root.ts);
    const thread = await client.conversations.replies({ channel: channel.id!, ts: root.ts! });
    expect(thread.messages!.map((m) => [m.ts, m.thread_ts])).toEqual([
      [root.ts, root.ts],
      [reply.ts, root.ts],
    ]);

    const invalid = await slackError(
      client.chat.postMessage({
        channel: channel.id!,
        blocks: [{ type: 'rich_text', elements: [] } as never],
      }),
    );
    expect(invalid).toMatchObject({ ok: false, error: 'invalid_blocks' });
    expect((invalid.response_metadata as { messages: string[] }).messages[0]).toContain('blocks/0/type');
    expect(
      await slackError(client.chat.postMessage({ channel: channel.id!, text: 'x', thread_ts: '1.000001' })),
    ).toMatchObject({ error: 'thread_not_found' });

    const updated = await client.chat.update({
      channel: channel.id!,
      ts: reply.ts!,
      text: 'shipped to prod',
    });
    expect(updated).toMatchObject({ ok: true, ts: reply.ts, text: 'shipped to prod' });
    await client.reactions.add({ channel: channel.id!, timestamp: reply.ts!, name: 'tada' });
    const reacted = await client.reactions.get({ channel: channel.id!, timestamp: reply.ts! });
    expect(reacted.message!.reactions).toEqual([{ name: 'tada', count: 1, users: [root.message!.user] }]);
    const link = await client.chat.getPermalink({ channel: channel.id!, message_ts: root.ts! });
    expect(link.permalink).toMatch(
      new RegExp(`^https://chat\\.example\\.test/w/${workspaceId}/c/${channelId}/m/`),
    );
    await client.chat.delete({ channel: channel.id!, ts: reply.ts! });
    expect(
      await slackError(client.reactions.get({ channel: channel.id!, timestamp: reply.ts! })),
    ).toMatchObject({ error: 'message_not_found' });
  });

  it('pages conversations.history with cursors, newest first', async () => {
    // Retries on: conversations.create is tier 2, which this file keeps tight.
    const client = webClient(owner.token, 3);
    const created = await client.conversations.create({ name: `paged-${Date.now()}` });
    const id = created.channel!.id!;
    const posted: string[] = [];
    for (let n = 1; n <= 5; n++)
      posted.push((await client.chat.postMessage({ channel: id, text: `m${n}` })).ts!);
    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await client.conversations.history({
        channel: id,
        limit: 2,
        ...(cursor ? { cursor } : {}),
      });
      seen.push(...page.messages!.map((m) => m.ts!));
      cursor = page.response_metadata?.next_cursor || undefined;
      expect(page.has_more).toBe(cursor !== undefined);
      pages++;
    } while (cursor);
    expect(pages).toBe(3);
    expect(seen).toEqual([...posted].reverse());
  });

  it('bounds conversations.history by latest and oldest, inclusive or not, paged with cursors', async () => {
    // Retries on: conversations.create is tier 2, which this file keeps tight.
    const client = webClient(owner.token, 3);
    const id = (await client.conversations.create({ name: `bounded-${Date.now()}` })).channel!.id!;
    const ts: string[] = [];
    for (let n = 1; n <= 5; n++) ts.push((await client.chat.postMessage({ channel: id, text: `m${n}` })).ts!);
    const history = async (args: Record<string, unknown>) => {
      const page = await client.conversations.history({ channel: id, ...args });
      return { ts: page.messages!.map((m) => m.ts), hasMore: page.has_more };
    };
    // Exclusive bounds by default, newest first.
    expect(await history({ latest: ts[3], oldest: ts[0] })).toEqual({ ts: [ts[2], ts[1]], hasMore: false });
    expect(await history({ latest: ts[3], oldest: ts[0], inclusive: true })).toEqual({
      ts: [ts[3], ts[2], ts[1], ts[0]],
      hasMore: false,
    });
    expect(await history({ oldest: ts[2] })).toEqual({ ts: [ts[4], ts[3]], hasMore: false });
    expect(await history({ latest: ts[1] })).toEqual({ ts: [ts[0]], hasMore: false });
    // Bounds in whole seconds, as apps often write them.
    expect(await history({ oldest: '0' })).toEqual({ ts: [...ts].reverse(), hasMore: false });
    expect(await history({ latest: '1' })).toEqual({ ts: [], hasMore: false });

    // Cursors keep the bounds: pages of two within [ts[0], ts[3]].
    const first = await client.conversations.history({
      channel: id,
      latest: ts[3],
      oldest: ts[0],
      inclusive: true,
      limit: 2,
    });
    expect(first.messages!.map((m) => m.ts)).toEqual([ts[3], ts[2]]);
    expect(first.has_more).toBe(true);
    const second = await client.conversations.history({
      channel: id,
      latest: ts[3],
      oldest: ts[0],
      inclusive: true,
      limit: 2,
      cursor: first.response_metadata!.next_cursor!,
    });
    expect(second.messages!.map((m) => m.ts)).toEqual([ts[1], ts[0]]);
    expect(second.has_more).toBe(false);
    expect(second.response_metadata?.next_cursor ?? '').toBe('');

    const invalid = await slackError(client.conversations.history({ channel: id, latest: 'yesterday' }));
    expect(invalid).toMatchObject({ ok: false, error: 'invalid_arguments' });
  });

  it('sends a reply also to the channel with reply_broadcast: a thread_broadcast in history and in its thread', async () => {
    // Retries on: conversations.create is tier 2, which this file keeps tight.
    const client = webClient(owner.token, 3);
    const id = (await client.conversations.create({ name: `broadcast-${Date.now()}` })).channel!.id!;
    const root = await client.chat.postMessage({ channel: id, text: 'Release plan' });
    const quiet = await client.chat.postMessage({ channel: id, text: 'thread only', thread_ts: root.ts! });
    const loud = await client.chat.postMessage({
      channel: id,
      text: 'shipping now',
      thread_ts: root.ts!,
      reply_broadcast: true,
    });
    expect(loud.message).toMatchObject({
      subtype: 'thread_broadcast',
      thread_ts: root.ts,
      text: 'shipping now',
    });
    expect(quiet.message!.subtype).toBeUndefined();

    const history = await client.conversations.history({ channel: id });
    expect(history.messages!.map((m) => [m.ts, m.subtype, m.thread_ts])).toEqual([
      [loud.ts, 'thread_broadcast', root.ts],
      [root.ts, undefined, root.ts],
    ]);
    expect(history.messages![0].root).toMatchObject({
      ts: root.ts,
      text: 'Release plan',
      thread_ts: root.ts,
      reply_count: 2,
      user: root.message!.user,
    });
    const thread = await client.conversations.replies({ channel: id, ts: root.ts! });
    // WebClient's type for replies has no `subtype`; Slack sends it all the same.
    const subtypeOf = (m: object) => (m as { subtype?: string }).subtype;
    expect(thread.messages!.map((m) => [m.ts, subtypeOf(m)])).toEqual([
      [root.ts, undefined],
      [quiet.ts, undefined],
      [loud.ts, 'thread_broadcast'],
    ]);
    // The native API shows the same message once in the channel, flagged.
    const native = await owner.api.get(`/api/v1/channels/${nativeId(id, CHANNEL_KINDS)}/messages`);
    expect(native.body.items.map((m: { ts: string }) => m.ts)).toEqual([loud.ts, root.ts]);
    expect(native.body.items[0]).toMatchObject({
      alsoSentToChannel: true,
      threadId: native.body.items[1].id,
    });
  });

  it('finds people by email, and gives emails only to tokens granted users:read.email', async () => {
    const found = await webClient(owner.token).users.lookupByEmail({ email: member.email.toUpperCase() });
    expect(found.user).toMatchObject({ real_name: 'Bob Member', profile: { email: member.email } });
    expect(
      await slackError(webClient(owner.token).users.lookupByEmail({ email: 'nobody@example.test' })),
    ).toMatchObject({ error: 'users_not_found' });
    const { token } = await installApp(['users:read']);
    const listed = await webClient(token).users.info({ user: found.user!.id! });
    expect(listed.user!.profile!.email).toBeUndefined();
  });

  it('answers Slack’s error shapes', async () => {
    const { token } = await installApp(['channels:read']);
    const missing = await slackError(webClient(token).chat.postMessage({ channel: 'C1', text: 'hi' }));
    expect(missing).toMatchObject({
      ok: false,
      error: 'missing_scope',
      needed: 'chat:write',
      provided: 'channels:read',
    });
    expect(await slackError(webClient('jkp_not-a-token').auth.test())).toMatchObject({
      error: 'invalid_auth',
    });
    expect(await slackError(webClient().auth.test())).toMatchObject({ error: 'not_authed' });
    expect(
      await slackError(webClient(owner.token).conversations.info({ channel: `C${'0'.repeat(26)}` })),
    ).toMatchObject({ error: 'channel_not_found' });
    const invalid = await slackError(
      webClient(owner.token).conversations.history({ channel: 'C1', limit: 'x' as never }),
    );
    expect(invalid).toMatchObject({
      error: 'invalid_arguments',
      response_metadata: { messages: [expect.stringMatching(/^\[ERROR\] limit: /)] },
    });

    // A private channel the bot's owner made: a member who is not in it cannot read it, as on Slack.
    const outsider = webClient(member.token);
    const secret = await webClient(owner.token, 3).conversations.create({
      name: `secret-${Date.now()}`,
      is_private: true,
    });
    expect(secret.channel!.id).toMatch(/^G/);
    expect(await slackError(outsider.conversations.history({ channel: secret.channel!.id! }))).toMatchObject({
      error: 'channel_not_found',
    });
    // A public channel they have not joined: readable, but posting needs membership.
    const open = (await webClient(owner.token, 3).conversations.create({ name: `open-${Date.now()}` }))
      .channel!.id!;
    expect(await slackError(outsider.chat.postMessage({ channel: open, text: 'hi' }))).toMatchObject({
      error: 'not_in_channel',
    });
    await outsider.conversations.join({ channel: open });
    expect((await outsider.chat.postMessage({ channel: open, text: 'hi' })).ok).toBe(true);

    for (const method of ['chat.nothing', 'constructor', '__proto__']) {
      const unknown = await fetch(`${server.url}/api/slack/${method}`, { method: 'POST' });
      expect(await unknown.json()).toEqual({ ok: false, error: 'unknown_method', req_method: method });
    }
    expect(await webClient().apiCall('api.test', { foo: 'bar' })).toMatchObject({
      ok: true,
      args: { foo: 'bar' },
    });

    // The token as a form field, without the header (older Slack clients send it so).
    const form = await fetch(`${server.url}/api/slack/auth.test`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: `token=${encodeURIComponent(member.token)}`,
    });
    expect(await form.json()).toMatchObject({ ok: true, user: 'bob.member' });
  });

  it('answers team.info, bots.info, conversations.open/invite/members/archive, users.conversations, reactions.remove', async () => {
    // Retries on: conversations.create and .archive are tier 2, which this file keeps tight.
    const client = webClient(owner.token, 3);
    const team = await client.team.info();
    expect(team.team).toMatchObject({ id: slackId('T', workspaceId) });
    const { token, botUserId } = await installApp(['users:read', 'channels:read', 'chat:write']);
    const botClient = webClient(token);
    const bot = await botClient.bots.info({ bot: slackId('B', botUserId) });
    expect(bot.bot).toMatchObject({ id: slackId('B', botUserId), user_id: slackId('U', botUserId) });

    const dm = await client.conversations.open({ users: slackId('U', member.id) });
    expect(dm.channel!.id).toMatch(/^D/);
    expect(await client.conversations.open({ users: slackId('U', member.id) })).toMatchObject({
      already_open: true,
      channel: { id: dm.channel!.id },
    });

    const room = (await client.conversations.create({ name: `team-${Date.now()}` })).channel!.id!;
    await client.conversations.invite({ channel: room, users: slackId('U', member.id) });
    expect((await client.conversations.members({ channel: room })).members!.sort()).toEqual(
      [slackId('U', owner.id), slackId('U', member.id)].sort(),
    );
    const mine = await webClient(member.token).users.conversations({ types: 'public_channel,im' });
    expect(mine.channels!.map((channel) => channel.id)).toEqual(
      expect.arrayContaining([room, dm.channel!.id]),
    );

    await client.conversations.invite({ channel: room, users: slackId('U', botUserId) });
    const iconUrl = 'https://deploy.example.test/icon.png';
    await botClient.chat.postMessage({
      channel: room,
      text: 'deployed',
      username: 'Deployer',
      icon_url: iconUrl,
    });
    expect(await latest(owner.api, nativeId(room, CHANNEL_KINDS)!)).toMatchObject({
      text: 'deployed',
      botProfile: { username: 'Deployer', iconUrl },
    });
    const posted = await client.chat.postMessage({ channel: room, text: 'vote' });
    await client.reactions.add({ channel: room, timestamp: posted.ts!, name: 'thumbsup' });
    await client.reactions.remove({ channel: room, timestamp: posted.ts!, name: 'thumbsup' });
    expect(
      (await client.reactions.get({ channel: room, timestamp: posted.ts! })).message!.reactions,
    ).toBeUndefined();

    await client.conversations.archive({ channel: room });
    expect((await client.conversations.info({ channel: room })).channel).toMatchObject({ is_archived: true });
    expect(await slackError(webClient(owner.token).conversations.archive({ channel: room }))).toMatchObject({
      error: 'already_archived',
    });
  });

  it('uploads with filesUploadV2 and shares the file in the channel with its comment', async () => {
    const client = webClient(owner.token);
    const channel = slackId('C', channelId);
    const content = Buffer.from('release notes, line 1\n');
    const result = await client.filesUploadV2({
      channel_id: channel,
      file: content,
      filename: 'notes.txt',
      initial_comment: 'the notes',
    });
    const uploaded = (result.files as { files: { id: string; name: string; size: number }[] }[])[0].files[0];
    expect(uploaded).toMatchObject({
      id: expect.stringMatching(/^F/),
      name: 'notes.txt',
      size: content.length,
    });

    const message = await latest(owner.api, channelId);
    expect(message).toMatchObject({
      text: 'the notes',
      files: [expect.objectContaining({ name: 'notes.txt' })],
    });
    const bytes = await owner.api.get(`/api/v1/files/${message.files[0].id}/content`);
    expect(bytes.body).toBe(content.toString());
    // The upload URL takes its bytes once, and only from the token that asked for it.
    const again = await client.files.getUploadURLExternal({ filename: 'x.txt', length: 1 });
    const stranger = await fetch(again.upload_url!, {
      method: 'POST',
      headers: { authorization: `Bearer ${member.token}` },
      body: (() => {
        const form = new FormData();
        form.append('body', new Blob(['x']), 'x.txt');
        return form;
      })(),
    });
    expect(stranger.status).toBe(404);
  });

  it('shows chat.postEphemeral to its one member of the channel only, on their sockets', async () => {
    const client = webClient(owner.token);
    const quietId = (await createChannel(owner, workspaceId)).id;
    const channel = slackId('C', quietId);
    const user = slackId('U', member.id);
    expect(await slackError(client.chat.postEphemeral({ channel, user, text: 'psst' }))).toMatchObject({
      error: 'user_not_in_channel',
    });
    expect((await member.api.post(`/api/v1/channels/${quietId}/join`)).status).toBe(200);
    const theirs = await RealtimeClient.connect(server.url, { token: member.token });
    const mine = await RealtimeClient.connect(server.url, { token: owner.token });
    try {
      const answer = await client.chat.postEphemeral({ channel, user, text: 'psst, only you' });
      expect(answer).toMatchObject({ ok: true, message_ts: expect.stringMatching(/^\d+\.\d{6}$/) });
      const frame = await theirs.next((candidate) => candidate.type === 'command.response');
      expect(frame).toEqual({
        type: 'command.response',
        channelId: quietId,
        threadId: null,
        userId: owner.id,
        text: 'psst, only you',
      });
      const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: 'A *card*, only for you' } }];
      await client.chat.postEphemeral({ channel, user, blocks, text: 'a card' });
      const card = await theirs.next(
        (candidate) => candidate.type === 'command.response' && candidate.text === 'a card',
      );
      expect(card.blocks).toEqual(blocks);
      // Never stored, never to anyone else: the sender's socket sees the next post and nothing before it.
      const later = await client.chat.postMessage({ channel, text: 'for everyone' });
      await mine.next((candidate) => candidate.type === 'message.created' && candidate.data.ts === later.ts);
      expect(mine.frames.some((candidate) => candidate.type === 'command.response')).toBe(false);
      expect((await latest(owner.api, quietId)).text).toBe('for everyone');
      expect(
        await slackError(
          webClient(member.token).chat.postEphemeral({
            channel: slackId('C', channelId),
            user: slackId('U', owner.id),
            text: 'x',
          }),
        ),
      ).toMatchObject({ error: 'not_in_channel' });
    } finally {
      theirs.ws.close();
      mine.ws.close();
    }
  });

  it('answers 429 with Retry-After past a method’s tier, which WebClient waits out and retries by itself', async () => {
    const client = webClient(owner.token, 3);
    const waits: number[] = [];
    client.on(WebClientEvent.RATE_LIMITED, (seconds: number) => waits.push(seconds));
    const calls = await Promise.all(Array.from({ length: 5 }, () => client.users.list({})));
    expect(calls.every((call) => call.ok)).toBe(true);
    expect(waits.length).toBeGreaterThan(0);
    expect(waits[0]).toBeGreaterThanOrEqual(1);
  });
});

describe('Slack incoming webhooks through @slack/webhook', () => {
  let hook: IncomingWebhook;
  let hookUrl: string;
  let hookChannel: string;

  beforeAll(async () => {
    hookChannel = (await createChannel(owner, workspaceId)).id;
    const created = await owner.api.post(`/api/v1/channels/${hookChannel}/incoming-webhooks`, { name: 'CI' });
    expect(created.status).toBe(201);
    hookUrl = `${server.url}${new URL(created.body.url as string).pathname}`;
    hook = new IncomingWebhook(hookUrl);
  });

  it('posts blocks only, with the text falling back to theirs', async () => {
    const blocks = [{ type: 'section', text: { type: 'mrkdwn', text: '*Build* passed' } }];
    expect(await hook.send({ blocks })).toMatchObject({ text: 'ok' });
    expect(await latest(owner.api, hookChannel)).toMatchObject({ text: '*Build* passed', blocks });
  });

  it('posts attachments only, with their fallback as the text', async () => {
    const attachments = [
      { color: 'danger', title: 'Deploy failed', text: 'step 3', fallback: 'Deploy failed' },
    ];
    await hook.send({ attachments });
    expect(await latest(owner.api, hookChannel)).toMatchObject({ text: 'Deploy failed', attachments });
  });

  it('replies in a thread named by a Slack ts, and refuses an unknown block with its path', async () => {
    await hook.send({ text: 'root' });
    const root = await latest(owner.api, hookChannel);
    // Slack's payload has thread_ts; @slack/webhook's type leaves it out but sends every field it is given.
    const threaded = { text: 'in thread', thread_ts: root.ts as string };
    await hook.send(threaded);
    const replies = await owner.api.get(`/api/v1/messages/${root.id}/replies`);
    expect(replies.body.items).toEqual([expect.objectContaining({ text: 'in thread', threadId: root.id })]);

    await expect(hook.send({ blocks: [{ type: 'carousel' }] as never })).rejects.toThrow('400');
    const refused = await fetch(hookUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ blocks: [{ type: 'carousel' }] }),
    });
    expect(refused.status).toBe(400);
    expect(await refused.json()).toMatchObject({
      errors: [expect.objectContaining({ path: 'blocks/0/type' })],
    });
  });
});
