import { RealtimeClient } from '../fixtures/realtime-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';
import { statementsDuring } from './support/statements';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let channelId: string;
let socket: RealtimeClient;

beforeAll(async () => {
  // No poll within a test: any read of the events table would be the feed's own.
  server = await startTestServer({ eventPollIntervalMs: 600_000 });
  [alice, bob] = await Promise.all(['Alice', 'Bob'].map((name) => registerUser(server.url, name)));
  const workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  channelId = (await createChannel(alice, workspaceId)).id;
  await bob.api.post(`/api/v1/channels/${channelId}/join`);
  socket = await RealtimeClient.connect(server.url, { token: bob.token });
});
afterAll(async () => {
  socket.close();
  await server.close();
});

describe('the event feed on the instance that commits', () => {
  it('delivers its own events without reading them back, and a post with a clientMsgId without a lookup first', async () => {
    const clientMsgId = `device:${Date.now()}`;
    let messageId = '';
    const statements = await statementsDuring(server, async () => {
      const posted = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {
        text: 'one statement',
        clientMsgId,
      });
      expect(posted.status).toBe(201);
      messageId = (posted.body as { id: string }).id;
      await socket.next(
        (frame) => frame.type === 'message.created' && (frame.data as { id?: string }).id === messageId,
      );
    });
    expect(statements.filter((sql) => /from "events"/i.test(sql))).toEqual([]);
    expect(
      statements.filter((sql) => /client_msg_id|"clientMsgId"/i.test(sql) && !/INSERT/i.test(sql)),
    ).toEqual([]);

    // A retry still gets the first message, found through the insert's conflict.
    const retried = await alice.api.post(`/api/v1/channels/${channelId}/messages`, {
      text: 'one statement',
      clientMsgId,
    });
    expect(retried.status).toBe(201);
    expect((retried.body as { id: string }).id).toBe(messageId);
  });
});
