import type { App } from '@slack/bolt';
import { APP_CONFIG } from '../core/src/config/config';
import type { AppConfig } from '../core/src/config/config';
import { ApiClient } from '../fixtures/api-client';
import { createChannel, createWorkspace, registerUser, TestUser } from '../fixtures/factories';
import {
  botPosted,
  installSocketApp,
  mentionIsAnsweredInThread,
  SocketApp,
  startSocketBolt,
} from '../fixtures/slack-bolt';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Socket Mode on two instances sharing one PostgreSQL: the app's socket is on B, while the command is typed
 * through A, so A relays the envelope to B and B relays the app's acknowledgement back.
 */
let a: TestServer;
let b: TestServer;
let owner: TestUser;
let channelId: string;
let app: SocketApp;
let bolt: App;

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  a = await startTestServer({ databaseUrl, egressAllowNetworks: ['127.0.0.0/8'] });
  b = await startTestServer({ databaseUrl, egressAllowNetworks: ['127.0.0.0/8'] });
  // response_url must point back at A, whose port is known only now.
  a.app.get<AppConfig>(APP_CONFIG).publicUrl = a.url;
  owner = await registerUser(a.url, 'Ada Owner');
  const workspaceId = (await createWorkspace(owner)).id;
  channelId = (await createChannel(owner, workspaceId)).id;
  app = await installSocketApp(owner, workspaceId, channelId, `${b.url}/api/slack/`);
  bolt = await startSocketBolt(app, `${b.url}/api/slack/`, 'from B');
}, 120_000);

afterAll(async () => {
  await bolt?.stop();
  await a.close();
  await b.close();
});

it('runs a slash command typed through A on the app connected to B; its respond() lands in the channel', async () => {
  // A hears of B's socket within moments of the connection; until then it would try the command's URL.
  await eventually(async () => {
    const answer = await owner.api.post(`/api/v1/channels/${channelId}/commands`, { text: '/deploy v3' });
    expect(answer.status).toBe(200);
    return answer.body.text === '' ? answer : undefined;
  }, 'an acknowledgement relayed from B');
  await botPosted(owner, channelId, app.botUserId, 'Deployed v3 from B');
});

it('delivers events from either instance to the app connected to B', async () => {
  const { replies, expected } = await mentionIsAnsweredInThread(owner, channelId, app.botUserId);
  expect(replies).toEqual([expect.objectContaining(expected)]);
  // Posted through B this time: the answer arrives all the same.
  const throughB = new ApiClient(b.url, owner.token);
  expect((await throughB.post(`/api/v1/channels/${channelId}/messages`, { text: 'hello B' })).status).toBe(
    201,
  );
  await botPosted(owner, channelId, app.botUserId, 'Hello from B');
}, 60_000);
