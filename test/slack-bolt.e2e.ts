import { createServer, RequestListener, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, HTTPModuleFunctions, HTTPReceiver, LogLevel, verifySlackRequest } from '@slack/bolt';
import { Client } from 'pg';
import { WebClient, type View } from '@slack/web-api';
import { APP_CONFIG } from '../core/src/config/config';
import type { AppConfig } from '../core/src/config/config';
import { slackId } from '../core/src/slack/slack-ids';
import { createChannel, createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import {
  botPosted,
  deployerListeners,
  deployThroughModal,
  mentionIsAnsweredInThread,
  seenTriggers,
  viewActions,
} from '../fixtures/slack-bolt';
import { RealtimeClient } from '../fixtures/realtime-client';
import { WebhookReceiver } from '../fixtures/webhook-receiver';
import { Clock } from '../core/src/common/clock';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * A stock @slack/bolt app, unchanged but for its URLs, on Jōkkær: Events API (url_verification, signed
 * event_callback envelopes, Slack's retries) and slash commands over HTTP, with Bolt's signature verification on.
 */
let server: TestServer;
let owner: TestUser;
let workspaceId: string;
let channelId: string;
let appPath: string;
let botUserId: string;
let botToken: string;
let signingSecret: string;
/** Where the Bolt app listens: known before the app is registered, served by Bolt's own request listener. */
let boltHost: BoltHost;
/** What Bolt's listeners saw, for the assertions. */
const retries: { reaction: string; retryNum?: number; retryReason?: string }[] = [];
const teamJoins: string[] = [];
const refused: string[] = [];
/** Channel and message lifecycle events as Bolt received them: `type` or `message/subtype`, and the event. */
const lifecycle: { kind: string; event: Record<string, unknown> }[] = [];
/** The Slack event types the app subscribes to. */
const SUBSCRIBED = [
  'app_mention',
  'message.channels',
  'reaction_added',
  'reaction_removed',
  'team_join',
  'channel_created',
  'channel_archive',
  'channel_unarchive',
  'channel_rename',
  'member_joined_channel',
  'member_left_channel',
];
/** The subscribed channel and membership events, each kept in `lifecycle`. */
const LIFECYCLE_TYPES = [
  'channel_created',
  'member_joined_channel',
  'member_left_channel',
  'channel_archive',
  'channel_unarchive',
  'channel_rename',
];
const NO_RETRY = 'this event cannot be processed: no retry';
let failNextReaction = true;

const slackApiUrl = () => `${server.url}/api/slack/`;

interface BoltHost {
  url: string;
  server: Server;
  serve(receiver: HTTPReceiver): void;
}

async function hostBolt(): Promise<BoltHost> {
  let listener: RequestListener = (_request, response) => void response.writeHead(503).end();
  const httpServer = createServer((request, response) => listener(request, response));
  await new Promise<void>((resolve) => httpServer.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(httpServer.address() as AddressInfo).port}/slack/events`,
    server: httpServer,
    serve: (receiver) => (listener = receiver.requestListener),
  };
}

const closeHost = async (host: BoltHost) => {
  host.server.closeAllConnections();
  await new Promise((resolve) => host.server.close(resolve));
};

/** A stock Bolt App with its HTTPReceiver (signature verification on), talking to this server's Web API. */
function boltApp(host: BoltHost, secret: string, token: string): App {
  const receiver = new HTTPReceiver({
    signingSecret: secret,
    // Listeners run before the answer, so a listener's error becomes the 500 that Slack retries after.
    processBeforeResponse: true,
    // An app may refuse the retries of what it cannot process: Slack's X-Slack-No-Retry.
    processEventErrorHandler: (args) => {
      const { original } = args.error as { original?: Error };
      if (original?.message === NO_RETRY) args.response.setHeader('X-Slack-No-Retry', '1');
      return HTTPModuleFunctions.defaultProcessEventErrorHandler(args);
    },
    logLevel: LogLevel.ERROR,
  });
  const app = new App({
    token,
    receiver,
    clientOptions: { slackApiUrl: slackApiUrl() },
    logLevel: LogLevel.ERROR,
  });
  host.serve(receiver);
  return app;
}

beforeAll(async () => {
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  // response_url must point back at this server, whose port is known only now.
  server.app.get<AppConfig>(APP_CONFIG).publicUrl = server.url;
  owner = await registerUser(server.url, 'Ada Owner');
  workspaceId = (await createWorkspace(owner)).id;
  channelId = (await createChannel(owner, workspaceId)).id;
  boltHost = await hostBolt();

  // The app is registered first (its signing secret configures Bolt), its events request URL set once Bolt runs.
  const created = await owner.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
    name: 'Deployer',
    redirectUris: ['https://deployer.example.test/oauth'],
    scopes: ['chat:write', 'channels:history', 'channels:read', 'channels:join', 'commands', 'users:read'],
    commands: [{ command: '/deploy', url: boltHost.url, description: 'Deploy' }],
    interactivityUrl: boltHost.url,
  });
  expect(created.status).toBe(201);
  appPath = `/api/v1/workspaces/${workspaceId}/apps/${created.body.id}`;
  const install = await owner.api.post(`${appPath}/install`, {});
  expect(install.status).toBe(201);
  botToken = install.body.token as string;
  botUserId = install.body.botUserId as string;
  await new WebClient(botToken, { slackApiUrl: slackApiUrl() }).conversations.join({
    channel: slackId('C', channelId),
  });

  signingSecret = created.body.signingSecret as string;
  const bolt = boltApp(boltHost, signingSecret, botToken);
  deployerListeners(bolt, 'over HTTP');
  bolt.event('reaction_added', ({ event, context }) => {
    retries.push({ reaction: event.reaction, retryNum: context.retryNum, retryReason: context.retryReason });
    if (!failNextReaction) return Promise.resolve();
    failNextReaction = false;
    return Promise.reject(new Error('a failure the first time, so that the event is retried'));
  });
  bolt.event('reaction_removed', ({ event }) => {
    refused.push(event.reaction);
    return Promise.reject(new Error(NO_RETRY));
  });
  for (const type of LIFECYCLE_TYPES) {
    bolt.event(type, ({ event }) => {
      lifecycle.push({ kind: type, event: event as unknown as Record<string, unknown> });
      return Promise.resolve();
    });
  }
  bolt.event('message', ({ event }) => {
    if (['message_changed', 'message_deleted', 'thread_broadcast'].includes(event.subtype ?? '')) {
      lifecycle.push({
        kind: `message/${event.subtype}`,
        event: event as unknown as Record<string, unknown>,
      });
    }
    return Promise.resolve();
  });
  bolt.event('team_join', ({ event }) => {
    teamJoins.push(event.user.id);
    return Promise.resolve();
  });
  // Two servers' worth of setup (ours and the app's) on a busy machine.
}, 90_000);

afterAll(async () => {
  await closeHost(boltHost);
  await server.close();
});

describe('a stock Bolt app over HTTP', () => {
  it('passes url_verification with the signing secret, and the request URL is refused otherwise', async () => {
    const other = await hostBolt();
    try {
      boltApp(other, 'not-the-signing-secret', botToken);
      const refused = await owner.api.put(`${appPath}/slack-events`, {
        url: other.url,
        events: ['app_mention'],
      });
      expect(refused.status).toBe(400);
      expect(refused.body.errors).toEqual([
        { path: 'slackEventsUrl', message: 'answered 401 to the url_verification challenge' },
      ]);
    } finally {
      await closeHost(other);
    }

    const set = await owner.api.put(`${appPath}/slack-events`, {
      url: boltHost.url,
      events: SUBSCRIBED,
    });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      slackEventsUrl: boltHost.url,
      slackEvents: SUBSCRIBED,
    });
  });

  it('app_mention: the app answers in the thread with say({ thread_ts })', async () => {
    const { replies, expected } = await mentionIsAnsweredInThread(owner, channelId, botUserId);
    expect(replies).toEqual([expect.objectContaining(expected)]);
  }, 60_000);

  it('message: app.message("hello") answers in the channel, and not to its own messages', async () => {
    await postMessage(owner, channelId, 'hello everyone');
    await botPosted(owner, channelId, botUserId, 'Hello over HTTP');
  });

  it('reaction_added: an answer of 500 is retried at once with X-Slack-Retry-Num and the reason', async () => {
    const message = await postMessage(owner, channelId, 'ship it');
    const reacted = await owner.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: 'rocket' });
    expect(reacted.status).toBeLessThan(300);
    await eventually(() => Promise.resolve(retries.length >= 2 ? true : undefined), 'the retry');
    expect(retries).toEqual([
      { reaction: 'rocket', retryNum: undefined, retryReason: undefined },
      { reaction: 'rocket', retryNum: 1, retryReason: 'http_error' },
    ]);
  });

  it('reaction_removed: an answer with X-Slack-No-Retry: 1 is not retried', async () => {
    const message = await postMessage(owner, channelId, 'roll back');
    await owner.api.post(`/api/v1/messages/${message.id}/reactions`, { emoji: 'warning' });
    const removed = await owner.api.delete(`/api/v1/messages/${message.id}/reactions/warning`);
    expect(removed.status).toBeLessThan(300);
    const db = new Client(server.databaseUrl);
    await db.connect();
    try {
      const delivery = await eventually(async () => {
        const { rows } = await db.query<{ status: string; attempts: number; last_error: string }>(
          "SELECT status, attempts, last_error FROM webhook_deliveries WHERE event_type = 'reaction.removed'",
        );
        return rows[0]?.status === 'aborted' ? rows[0] : undefined;
      }, 'the delivery given up');
      expect(delivery).toEqual({
        status: 'aborted',
        attempts: 1,
        last_error: 'the receiver asked not to retry (X-Slack-No-Retry)',
      });
      expect(refused).toEqual(['warning']);
    } finally {
      await db.end();
    }
  });

  it('message_changed, message_deleted, channel_created, member_joined/left_channel, channel_archive/unarchive/rename', async () => {
    const message = await postMessage(owner, channelId, 'first draft');
    expect((await owner.api.patch(`/api/v1/messages/${message.id}`, { text: 'second draft' })).status).toBe(
      200,
    );
    expect((await owner.api.delete(`/api/v1/messages/${message.id}`)).status).toBeLessThan(300);
    const other = await createChannel(owner, workspaceId);
    const bot = new WebClient(botToken, { slackApiUrl: slackApiUrl() });
    await bot.conversations.join({ channel: slackId('C', other.id) });
    await bot.conversations.leave({ channel: slackId('C', other.id) });
    for (const patch of [{ archived: true }, { archived: false }, { name: `${other.name}-renamed` }]) {
      expect((await owner.api.patch(`/api/v1/channels/${other.id}`, patch)).status).toBe(200);
    }
    // A topic is neither a rename nor an unarchive: it sends neither.
    expect((await owner.api.patch(`/api/v1/channels/${other.id}`, { topic: 'news' })).status).toBe(200);
    await owner.api.patch(`/api/v1/channels/${other.id}`, { archived: true });

    const kinds = ['message/message_changed', 'message/message_deleted', ...LIFECYCLE_TYPES];
    await eventually(
      () =>
        Promise.resolve(
          (kinds.every((kind) => lifecycle.some((seen) => seen.kind === kind)) &&
            lifecycle.some(
              (seen) => seen.kind === 'member_left_channel' && seen.event.user === slackId('U', botUserId),
            )) ||
            undefined,
        ),
      'every lifecycle event',
    );
    // The bot's own joining and leaving (its channel's other members' too, when it is in it).
    const find = (kind: string) =>
      lifecycle.find(
        (seen) =>
          seen.kind === kind && (!kind.startsWith('member_') || seen.event.user === slackId('U', botUserId)),
      )!.event;
    const messageChannel = slackId('C', channelId);
    const channel = slackId('C', other.id);
    expect(find('message/message_changed')).toMatchObject({
      channel: messageChannel,
      message: { text: 'second draft', user: slackId('U', owner.id) },
    });
    expect(find('message/message_deleted')).toMatchObject({
      channel: messageChannel,
      deleted_ts: expect.any(String),
    });
    expect(find('channel_created')).toMatchObject({ channel: { id: channel, name: other.name } });
    expect(find('member_joined_channel')).toMatchObject({
      channel,
      user: slackId('U', botUserId),
      channel_type: 'C',
    });
    expect(find('member_left_channel')).toMatchObject({ channel, user: slackId('U', botUserId) });
    expect(find('channel_archive')).toMatchObject({ channel });
    expect(find('channel_unarchive')).toMatchObject({ channel });
    expect(find('channel_rename')).toMatchObject({ channel: { id: channel, name: `${other.name}-renamed` } });
    // Events of one channel arrive in order: the second archive came after the topic, so no more will.
    await eventually(
      () =>
        Promise.resolve(
          lifecycle.filter((seen) => seen.kind === 'channel_archive').length === 2 || undefined,
        ),
      'the second channel_archive',
    );
    expect(
      lifecycle.filter((seen) => ['channel_rename', 'channel_unarchive'].includes(seen.kind)),
    ).toHaveLength(2);
  });

  it('thread_broadcast: a reply also sent to the channel, with its thread_ts', async () => {
    const root = await postMessage(owner, channelId, 'release train');
    const reply = await owner.api.post(`/api/v1/channels/${channelId}/messages`, {
      text: 'boarding now',
      threadId: root.id,
      alsoSentToChannel: true,
    });
    expect(reply.status).toBe(201);
    const seen = await eventually(
      () =>
        Promise.resolve(
          lifecycle.find(
            (event) => event.kind === 'message/thread_broadcast' && event.event.ts === reply.body.ts,
          ),
        ),
      'the thread_broadcast message event',
    );
    expect(seen.event).toMatchObject({
      type: 'message',
      subtype: 'thread_broadcast',
      channel: slackId('C', channelId),
      channel_type: 'channel',
      user: slackId('U', owner.id),
      text: 'boarding now',
      thread_ts: root.ts,
    });
  });

  it('team_join: a new member of the workspace', async () => {
    const newcomer = await registerUser(server.url, 'Nina Newcomer');
    const invite = await owner.api.post(`/api/v1/workspaces/${workspaceId}/invites`, { role: 'member' });
    await newcomer.api.post(`/api/v1/invites/${invite.body.code}/accept`);
    await eventually(
      () => Promise.resolve(teamJoins.includes(slackId('U', newcomer.id)) ? true : undefined),
      'team_join',
    );
  });

  it('slash command: Bolt acks and respond() posts in the channel through response_url', async () => {
    const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/deploy v1.2' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ responseType: 'ephemeral', text: '' }); // acknowledged; the answer follows
    await botPosted(owner, channelId, botUserId, 'Deployed v1.2 over HTTP');
  });
});

describe('interactivity and modals with a stock Bolt app over HTTP', () => {
  const web = () => new WebClient(botToken, { slackApiUrl: slackApiUrl(), retryConfig: { retries: 0 } });
  const otherModal: View = {
    type: 'modal',
    callback_id: 'other',
    title: { type: 'plain_text', text: 'Other' },
    blocks: [{ type: 'divider' }],
  };

  /** The native id of the channel's message with this ts. */
  async function messageIdOf(ts: string): Promise<string> {
    const items = (await owner.api.get(`/api/v1/channels/${channelId}/messages?limit=5`)).body.items as {
      id: string;
      ts: string;
    }[];
    return items.find((item) => item.ts === ts)!.id;
  }

  /** Runs /deploy with `text` and answers the trigger_id the app received. */
  async function triggerOf(text: string): Promise<string> {
    const before = seenTriggers.length;
    await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: `/deploy ${text}` });
    return await eventually(() => Promise.resolve(seenTriggers[before]), 'the command’s trigger_id');
  }

  it('/deploy opens a modal; errors on the field, then a message whose Approve button reaches app.action', async () => {
    const flow = await deployThroughModal(owner, server.url, channelId, botUserId, 'over HTTP');
    expect(flow.opened).toMatchObject({ callback_id: 'deploy', title: { text: 'Deploy' } });
    expect(flow.refused.status).toBe(200);
    expect(flow.refused.body).toEqual({ result: 'errors', errors: { target: 'Unknown target: nowhere' } });
    expect(flow.accepted.body).toEqual({ result: 'closed' });
    expect(flow.clicked.body).toEqual({ delivered: true });
    // The app's `<@U…>` is stored as a native mention, so the person is notified.
    expect(flow.replaced?.text).toBe(`Approved staging by <@${owner.id}> over HTTP`);
    expect(flow.replaced?.blocks ?? null).toBeNull();
  }, 60_000);

  it('a button inside a modal reaches app.action with the view, and the app updates the view', async () => {
    const realtime = await RealtimeClient.connect(server.url, { token: owner.token });
    try {
      await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/deploy pick' });
      const shown = (await realtime.next((frame) => frame.type === 'view.opened')).view;
      const before = viewActions.length;
      const clicked = await owner.api.post(`/api/v1/views/${shown.id}/actions`, {
        blockId: 'shortcuts',
        actionId: 'pick_target',
        values: { target: { target_input: 'prod' } },
      });
      expect(clicked.body).toEqual({ delivered: true });
      const payload = viewActions[before];
      expect(payload).toMatchObject({
        type: 'block_actions',
        container: { type: 'view', view_id: slackId('V', shown.id) },
        view: {
          callback_id: 'deploy',
          state: { values: { target: { target_input: { type: 'plain_text_input', value: 'prod' } } } },
        },
        actions: [{ action_id: 'pick_target', block_id: 'shortcuts', value: 'staging', type: 'button' }],
        trigger_id: expect.any(String),
      });
      expect(payload.view!.id).toBe(slackId('V', shown.id));
      const updated = (
        await realtime.next((frame) => frame.type === 'view.opened' && frame.view.hash !== shown.hash)
      ).view;
      expect(updated.id).toBe(shown.id);
      expect(updated.blocks[0].element.initial_value).toBe('staging');
      await owner.api.post(`/api/v1/views/${shown.id}/close`);
    } finally {
      realtime.close();
    }
  });

  it('a trigger_id opens one modal only, and only within 3 s', async () => {
    const trigger = await triggerOf('later');
    await expect(web().views.open({ trigger_id: trigger, view: otherModal })).resolves.toMatchObject({
      ok: true,
      view: { callback_id: 'other', root_view_id: expect.stringMatching(/^V/) },
    });
    await expect(web().views.open({ trigger_id: trigger, view: otherModal })).rejects.toMatchObject({
      data: { error: 'invalid_trigger_id' },
    });

    const late = await triggerOf('later');
    const clock = server.app.get(Clock);
    const now = clock.now();
    const spy = jest.spyOn(clock, 'now').mockImplementation(() => now + 3001);
    try {
      await expect(web().views.open({ trigger_id: late, view: otherModal })).rejects.toMatchObject({
        data: { error: 'expired_trigger_id' },
      });
    } finally {
      spy.mockRestore();
    }
  });

  it('views.open refuses a view outside the Block Kit subset, naming the path', async () => {
    const trigger = await triggerOf('later');
    // An input block without its element.
    const view = {
      ...otherModal,
      blocks: [{ type: 'input', label: { type: 'plain_text', text: 'X' } }],
    } as View;
    await expect(web().views.open({ trigger_id: trigger, view })).rejects.toMatchObject({
      data: {
        error: 'invalid_arguments',
        response_metadata: { messages: [expect.stringContaining('view/blocks/0')] },
      },
    });
  });

  it('actions: 404 on a message the person cannot see, problem+json naming an unknown action', async () => {
    const posted = await web().chat.postMessage({
      channel: slackId('C', channelId),
      text: 'Pick one',
      blocks: [
        {
          type: 'actions',
          block_id: 'pick',
          elements: [{ type: 'button', action_id: 'approve', text: { type: 'plain_text', text: 'Approve' } }],
        },
      ],
    });
    const messageId = await messageIdOf(posted.ts!);

    const unknown = await owner.api.post(`/api/v1/messages/${messageId}/actions`, {
      blockId: 'pick',
      actionId: 'nothing',
    });
    expect(unknown.status).toBe(400);
    expect(unknown.headers.get('content-type')).toContain('application/problem+json');
    expect(unknown.body.errors).toEqual([expect.objectContaining({ path: 'actionId' })]);

    const stranger = await registerUser(server.url, 'Sam Stranger');
    const hidden = await stranger.api.post(`/api/v1/messages/${messageId}/actions`, {
      blockId: 'pick',
      actionId: 'approve',
    });
    expect(hidden.status).toBe(404);
  });

  it('block_actions are signed with the app’s signing secret (X-Slack-Signature v0)', async () => {
    const receiver = await WebhookReceiver.start();
    try {
      const created = await owner.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
        name: 'Recorder',
        redirectUris: ['https://recorder.example.test/oauth'],
        scopes: ['chat:write', 'channels:join'],
        interactivityUrl: receiver.url,
      });
      const install = await owner.api.post(
        `/api/v1/workspaces/${workspaceId}/apps/${created.body.id}/install`,
        {},
      );
      const recorder = new WebClient(install.body.token as string, { slackApiUrl: slackApiUrl() });
      await recorder.conversations.join({ channel: slackId('C', channelId) });
      const posted = await recorder.chat.postMessage({
        channel: slackId('C', channelId),
        text: 'Choose',
        blocks: [
          {
            type: 'actions',
            block_id: 'choice',
            elements: [
              {
                type: 'static_select',
                action_id: 'size',
                options: ['S', 'M'].map((size) => ({
                  text: { type: 'plain_text', text: size },
                  value: size,
                })),
              },
            ],
          },
        ],
      });
      const messageId = await messageIdOf(posted.ts!);
      const notOffered = await owner.api.post(`/api/v1/messages/${messageId}/actions`, {
        blockId: 'choice',
        actionId: 'size',
        selectedOption: 'XL',
      });
      expect(notOffered.status).toBe(400);
      expect(notOffered.body.errors).toEqual([expect.objectContaining({ path: 'selectedOption' })]);
      const chosen = await owner.api.post(`/api/v1/messages/${messageId}/actions`, {
        blockId: 'choice',
        actionId: 'size',
        selectedOption: 'M',
      });
      expect(chosen.status).toBe(200);
      const [request] = receiver.received;
      const verify = (secret: string) =>
        verifySlackRequest({
          signingSecret: secret,
          body: request.body,
          headers: {
            'x-slack-signature': request.headers['x-slack-signature'],
            'x-slack-request-timestamp': Number(request.headers['x-slack-request-timestamp']),
          },
        });
      expect(() => verify(created.body.signingSecret as string)).not.toThrow();
      expect(() => verify(signingSecret)).toThrow();
      const payload = JSON.parse(new URLSearchParams(request.body).get('payload')!);
      expect(payload).toMatchObject({
        type: 'block_actions',
        user: { id: slackId('U', owner.id) },
        container: { type: 'message', message_ts: posted.ts },
        actions: [{ action_id: 'size', block_id: 'choice', selected_option: { value: 'M' } }],
        response_url: expect.stringMatching(/\/hooks\/commands\//),
        trigger_id: expect.any(String),
      });
    } finally {
      await receiver.close();
    }
  });
});
