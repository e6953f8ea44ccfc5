import { createServer, IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { App, ExpressReceiver, LogLevel, SlashCommand } from '@slack/bolt';
import { APP_CONFIG } from '../core/src/config/config';
import type { AppConfig } from '../core/src/config/config';
import { slackId } from '../core/src/slack/slack-ids';
import { ApiClient } from '../fixtures/api-client';
import { createChannel, createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Slash commands to an app built with Slack's own framework, @slack/bolt, with its standard request
 * signature verification on: Jōkkær must sign exactly as Slack does, and Bolt's answers — immediate and
 * through response_url — must land where Slack would put them.
 */
let server: TestServer;
let owner: TestUser;
let workspaceId: string;
let channelId: string;
let appServer: Server;
let appUrl: string;
let handle: (request: IncomingMessage, response: ServerResponse) => void = (_request, response) =>
  response.writeHead(503).end();
const seen: SlashCommand[] = [];
const responseUrls: string[] = [];

async function registerApp(
  name: string,
  scopes: string[],
  commands: { command: string; description: string }[],
) {
  const created = await owner.api.post(`/api/v1/workspaces/${workspaceId}/apps`, {
    name,
    redirectUris: ['https://bolt.example.test/oauth'],
    scopes,
    commands: commands.map((command) => ({ ...command, url: `${appUrl}/slack/events` })),
  });
  expect(created.status).toBe(201);
  const install = await owner.api.post(
    `/api/v1/workspaces/${workspaceId}/apps/${created.body.id}/install`,
    {},
  );
  expect(install.status).toBe(201);
  return { signingSecret: created.body.signingSecret as string, botUserId: install.body.botUserId as string };
}

beforeAll(async () => {
  server = await startTestServer({ egressAllowNetworks: ['127.0.0.0/8'] });
  // response_url must point back at this server, whose port is known only now.
  server.app.get<AppConfig>(APP_CONFIG).publicUrl = server.url;
  owner = await registerUser(server.url, 'Owner');
  workspaceId = (await createWorkspace(owner)).id;
  channelId = (await createChannel(owner, workspaceId)).id;
  appServer = createServer((request, response) => handle(request, response));
  await new Promise<void>((resolve) => appServer.listen(0, '127.0.0.1', resolve));
  appUrl = `http://127.0.0.1:${(appServer.address() as AddressInfo).port}`;

  const { signingSecret } = await registerApp(
    'Standup',
    ['commands', 'chat:write'],
    [
      { command: '/standup', description: 'Start a standup' },
      { command: '/whisper', description: 'Answer only me' },
      { command: '/garbled', description: 'Answer with text that cannot be stored' },
      { command: '/card', description: 'Answer with blocks' },
    ],
  );
  const receiver = new ExpressReceiver({ signingSecret, logLevel: LogLevel.ERROR });
  const bolt = new App({
    receiver,
    // Bolt would ask slack.com who its bot is (auth.test); this machine has no Slack, so it is told.
    token: 'xoxb-not-used',
    botId: 'B0JOKKAER',
    botUserId: 'U0JOKKAER',
    tokenVerificationEnabled: false,
  });
  bolt.command('/standup', async ({ command, ack, respond }) => {
    seen.push(command);
    await ack({
      response_type: 'in_channel',
      text: `Standup started by <@${command.user_id}>: ${command.text}`,
    });
    await respond({ response_type: 'in_channel', text: 'Later: everyone has answered' });
  });
  bolt.command('/whisper', async ({ command, ack, respond }) => {
    responseUrls.push(command.response_url);
    await ack({ response_type: 'ephemeral', text: 'Only you can see this' });
    await respond({ response_type: 'ephemeral', text: 'And this, later' });
  });
  bolt.command('/card', async ({ command, ack, respond }) => {
    const card = (words: string) => [
      { type: 'section', text: { type: 'mrkdwn', text: `*${words}*` } },
      {
        type: 'actions',
        elements: [{ type: 'button', action_id: 'open', text: { type: 'plain_text', text: 'Open' } }],
      },
    ];
    if (command.text === 'public') {
      await ack({ response_type: 'in_channel', blocks: card('For everyone') });
      return;
    }
    await ack({ response_type: 'ephemeral', blocks: card('Just for you') });
    await respond({ response_type: 'ephemeral', blocks: card('Later, just for you') });
  });
  bolt.command('/garbled', async ({ ack }) => {
    await ack({ response_type: 'in_channel', text: 'half an answer\u0000' });
  });
  handle = receiver.app;
});

afterAll(async () => {
  appServer.closeAllConnections();
  await new Promise((resolve) => appServer.close(resolve));
  await server.close();
});

async function texts(path: string): Promise<{ text: string; userId: string }[]> {
  return (await owner.api.get(path)).body.items;
}

describe('slash commands to apps', () => {
  it('sends Slack’s signed form to a Bolt app and shows its immediate and later answers in the channel', async () => {
    const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, {
      text: '/standup today please',
    });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      responseType: 'in_channel',
      text: `Standup started by <@${owner.id}>: today please`,
    });

    // Slack's ids, as a stock app expects them; its `<@U…>` mention comes back as a native one.
    const command = seen[seen.length - 1];
    expect(command).toMatchObject({
      team_id: slackId('T', workspaceId),
      channel_id: slackId('C', channelId),
      user_id: slackId('U', owner.id),
      user_name: 'Owner',
      command: '/standup',
      text: 'today please',
      api_app_id: expect.stringMatching(/^A[0-9A-V]{26}$/),
      trigger_id: expect.any(String),
    });
    expect(command.response_url).toMatch(new RegExp(`^${server.url}/hooks/commands/jkr_`));

    const posted = await eventually(async () => {
      const items = await texts(`/api/v1/channels/${channelId}/messages`);
      return items.length >= 2 ? items : undefined;
    }, 'both answers');
    expect(posted.map((message) => message.text).sort()).toEqual([
      'Later: everyone has answered',
      `Standup started by <@${owner.id}>: today please`,
    ]);
    expect(new Set(posted.map((message) => message.userId)).size).toBe(1); // the app's bot
    expect(posted[0].userId).not.toBe(owner.id);
  });

  it('answers a command typed in a thread in that thread', async () => {
    const root = await postMessage(owner, channelId, 'daily thread');
    const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, {
      text: '/standup in thread',
      threadId: root.id,
    });
    expect(answer.status).toBe(200);
    expect(seen[seen.length - 1].thread_ts).toBe(root.ts);
    const replies = await eventually(async () => {
      const items = await texts(`/api/v1/messages/${root.id}/replies`);
      return items.length >= 2 ? items : undefined; // both answers
    }, 'the answers in the thread');
    expect(replies.map((message) => message.text)).toEqual(
      expect.arrayContaining([
        `Standup started by <@${owner.id}>: in thread`,
        'Later: everyone has answered',
      ]),
    );
  });

  it('keeps ephemeral answers to the person who asked, and limits response_url to five answers', async () => {
    const mine = await RealtimeClient.connect(server.url, { token: owner.token });
    try {
      const before = (await texts(`/api/v1/channels/${channelId}/messages`)).length;
      const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/whisper' });
      expect(answer.body).toEqual({ responseType: 'ephemeral', text: 'Only you can see this' });
      const later = await mine.next((frame) => frame.type === 'command.response');
      expect(later).toMatchObject({ channelId, text: 'And this, later' });
      expect((await texts(`/api/v1/channels/${channelId}/messages`)).length).toBe(before);

      const path = new URL(responseUrls[0]).pathname;
      const anonymous = new ApiClient(server.url);
      for (let use = 2; use <= 5; use += 1) {
        expect((await anonymous.post(path, { text: `answer ${use}` })).status).toBe(200);
      }
      expect((await anonymous.post(path, { text: 'one too many' })).status).toBe(410);
      expect((await anonymous.post('/hooks/commands/jkr_unknown', { text: 'x' })).status).toBe(404);
    } finally {
      mine.ws.close();
    }
  });

  it('carries an app’s blocks in its answers: to the person who asked, and posted in the channel', async () => {
    const mine = await RealtimeClient.connect(server.url, { token: owner.token });
    try {
      const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/card' });
      // The text is the blocks' fallback, as Slack makes it for a notification.
      expect(answer.body).toEqual({
        responseType: 'ephemeral',
        text: '*Just for you*',
        blocks: [expect.objectContaining({ type: 'section' }), expect.objectContaining({ type: 'actions' })],
      });
      const later = await mine.next((frame) => frame.type === 'command.response');
      expect(later).toMatchObject({
        channelId,
        text: '*Later, just for you*',
        blocks: [
          { type: 'section', text: { type: 'mrkdwn', text: '*Later, just for you*' } },
          expect.anything(),
        ],
      });
    } finally {
      mine.ws.close();
    }
    const posted = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/card public' });
    expect(posted.body).toMatchObject({ responseType: 'in_channel', text: '*For everyone*' });
    const message = await eventually(async () => {
      const items = (await owner.api.get(`/api/v1/channels/${channelId}/messages`)).body.items as {
        text: string;
        blocks: unknown[] | null;
      }[];
      return items.find((item) => item.text === '*For everyone*');
    }, 'the posted card');
    expect(message.blocks).toEqual([
      { type: 'section', text: { type: 'mrkdwn', text: '*For everyone*' } },
      expect.objectContaining({ type: 'actions' }),
    ]);
  });

  it('reports an app whose answer cannot be posted instead of failing the command', async () => {
    const before = await texts(`/api/v1/channels/${channelId}/messages`);
    const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/garbled' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({
      responseType: 'ephemeral',
      text: "/garbled failed (the app's answer is invalid).",
    });
    expect(await texts(`/api/v1/channels/${channelId}/messages`)).toEqual(before);
  });

  it('reports an app whose signature check fails, and hides commands of installs without the commands scope', async () => {
    // Bolt verifies with the first app's secret: a second app's signed requests are refused with 401.
    await registerApp(
      'Impostor',
      ['commands'],
      [{ command: '/impostor', description: 'Signed with another secret' }],
    );
    const refused = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/impostor' });
    expect(refused.body).toEqual({
      responseType: 'ephemeral',
      text: '/impostor failed (the app answered 401).',
    });

    await registerApp('No commands', ['chat:write'], [{ command: '/silent', description: 'Not granted' }]);
    expect((await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/silent' })).status).toBe(
      404,
    );
    const help = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/help' });
    expect(help.body.text).toContain('/standup — Start a standup');
    expect(help.body.text).not.toContain('/silent');
  });
});
