import type { App } from '@slack/bolt';
import { WebClient } from '@slack/web-api';
import { APP_CONFIG } from '../core/src/config/config';
import { Metrics } from '../core/src/metrics/metrics';
import { SlackSocketMode } from '../core/src/slack/socket-mode';
import type { AppConfig } from '../core/src/config/config';
import { createChannel, createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import {
  botPosted,
  deployThroughModal,
  installSocketApp,
  mentionIsAnsweredInThread,
  startSocketBolt,
} from '../fixtures/slack-bolt';
import type { SocketApp } from '../fixtures/slack-bolt';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * The same stock Bolt app in Socket Mode (`socketMode: true` and an app-level token, no HTTP server of its
 * own): events and slash commands come as envelopes over the WebSocket that apps.connections.open hands out,
 * acknowledged by the app; the server asks it to reconnect (refresh_requested) and it carries on.
 */
const REFRESH_SECONDS = 5;
let server: TestServer;
let owner: TestUser;
let workspaceId: string;
let channelId: string;
let appPath: string;
let botUserId: string;
let appToken: string;
let appTokenId: string;
let socketApp: SocketApp;
let bolt: App;
let connections = 0;

const slackApiUrl = () => `${server.url}/api/slack/`;
const openSockets = async () =>
  (await server.app.get(Metrics).registry.getSingleMetric('jokkaer_slack_socket_connections')!.get())
    .values[0]?.value;

beforeAll(async () => {
  server = await startTestServer({
    slackSocketRefreshSeconds: REFRESH_SECONDS,
    egressAllowNetworks: ['127.0.0.0/8'],
  });
  // response_url must point back at this server, whose port is known only now.
  server.app.get<AppConfig>(APP_CONFIG).publicUrl = server.url;
  owner = await registerUser(server.url, 'Ada Owner');
  workspaceId = (await createWorkspace(owner)).id;
  channelId = (await createChannel(owner, workspaceId)).id;
  socketApp = await installSocketApp(owner, workspaceId, channelId, slackApiUrl());
  ({ appPath, botUserId, appToken, appTokenId } = socketApp);
  bolt = await startSocketBolt(socketApp, slackApiUrl(), 'over the socket', () => (connections += 1));
  // Two servers' worth of setup (ours and the app's) on a busy machine.
}, 90_000);

afterAll(async () => {
  await bolt?.stop();
  await server.close();
});

describe('a stock Bolt app in Socket Mode', () => {
  it('app_mention arrives as an events_api envelope and the answer lands in the thread', async () => {
    const { replies, expected } = await mentionIsAnsweredInThread(owner, channelId, botUserId);
    expect(replies).toEqual([expect.objectContaining(expected)]);
  }, 60_000);

  it('message: app.message("hello") answers', async () => {
    await postMessage(owner, channelId, 'hello socket');
    await botPosted(owner, channelId, botUserId, 'Hello over the socket');
  });

  it('slash command arrives as a slash_commands envelope; ack() and respond() work', async () => {
    const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/deploy v2' });
    expect(answer.status).toBe(200);
    expect(answer.body).toEqual({ responseType: 'ephemeral', text: '' });
    await botPosted(owner, channelId, botUserId, 'Deployed v2 over the socket');
  });

  it('modals and actions come as interactive envelopes: errors on the field, then Approve is replaced', async () => {
    const flow = await deployThroughModal(owner, server.url, channelId, botUserId, 'over the socket');
    expect(flow.opened).toMatchObject({ callback_id: 'deploy' });
    expect(flow.refused.body).toEqual({ result: 'errors', errors: { target: 'Unknown target: nowhere' } });
    expect(flow.accepted.body).toEqual({ result: 'closed' });
    expect(flow.clicked.body).toEqual({ delivered: true });
    // The app's `<@U…>` is stored as a native mention, so the person is notified.
    expect(flow.replaced?.text).toBe(`Approved staging by <@${owner.id}> over the socket`);
  }, 60_000);

  it('asks the app to reconnect (refresh_requested); events keep coming over the new connection', async () => {
    const before = connections;
    await eventually(
      () => Promise.resolve(connections > before ? true : undefined),
      'a new connection',
      (REFRESH_SECONDS + 5) * 1000,
    );
    await postMessage(owner, channelId, 'hello again');
    await botPosted(owner, channelId, botUserId, 'Hello over the socket', 2);
  });

  it('a command typed while the app is between two sockets waits for the next one', async () => {
    await bolt.stop();
    await eventually(async () => ((await openSockets()) === 0 ? true : undefined), 'the old socket closed');
    const socketMode = server.app.get(SlackSocketMode);
    const connected = socketMode.connected.bind(socketMode);
    const decided = new Promise<boolean>((resolve) =>
      jest.spyOn(socketMode, 'connected').mockImplementationOnce((appId) => {
        const answer = connected(appId);
        resolve(answer);
        return answer;
      }),
    );
    const answer = owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/deploy v3' });
    // The server looked for the app's socket while it had none (and no URL to fall back on); the next opens now.
    expect(await decided).toBe(true);
    bolt = await startSocketBolt(socketApp, slackApiUrl(), 'over the socket', () => (connections += 1));
    expect((await answer).body).toEqual({ responseType: 'ephemeral', text: '' });
    await botPosted(owner, channelId, botUserId, 'Deployed v3 over the socket');
  });

  it('refuses apps.connections.open for a bot token, an unknown token and a revoked one', async () => {
    const open = (token: string) =>
      new WebClient(token, {
        slackApiUrl: slackApiUrl(),
        retryConfig: { retries: 0 },
      }).apps.connections.open();
    const code = async (token: string) =>
      ((await open(token).catch((error: { data?: { error?: string } }) => error.data)) as { error?: string })
        .error;
    expect(await code('xoxb-some-bot-token')).toBe('not_allowed_token_type');
    expect(await code('xapp-1-not-a-token')).toBe('invalid_auth');
    expect((await open(appToken)).url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/api\/slack\/socket\?ticket=/);

    expect((await owner.api.delete(`${appPath}/app-tokens/${appTokenId}`)).status).toBe(204);
    expect(await code(appToken)).toBe('invalid_auth');
    expect((await owner.api.delete(`${appPath}/app-tokens/${appTokenId}`)).status).toBe(404);
  });
});
