import { callChannel, IceServer, peer, sendOverDataChannel } from '../fixtures/call-peer';
import type { TestUser } from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { startTestServer, TestServer } from './support/server';

/**
 * Two real WebRTC peers in Node (@roamhq/wrtc, libwebrtc) join a call through the server, signal only
 * through its realtime socket, connect over loopback and exchange a data channel message; a third person,
 * not in the channel, can neither join nor see a single signal.
 */
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let channelId: string;
const closers: (() => void)[] = [];

beforeAll(async () => {
  server = await startTestServer();
  // Carol is in the workspace but not in the channel.
  const setup = await callChannel(server.url, ['Alice', 'Bob', 'Carol'], 2);
  [alice, bob, carol] = setup.users;
  channelId = setup.channelId;
});

afterAll(async () => {
  closers.forEach((close) => close());
  await server.close();
});

it('connects two peers through the server’s signaling and carries a data channel message', async () => {
  const [aliceSocket, bobSocket, carolSocket] = await Promise.all(
    [alice, bob, carol].map((user) => RealtimeClient.connect(server.url, { token: user.token })),
  );
  closers.push(...[aliceSocket, bobSocket, carolSocket].map((socket) => () => socket.ws.close()));
  const started = await alice.api.post(`/api/v1/channels/${channelId}/calls`);
  const joined = await bob.api.post(`/api/v1/channels/${channelId}/calls`);
  expect(joined.body.call.participants).toEqual([alice.id, bob.id]);
  expect((await carol.api.post(`/api/v1/channels/${channelId}/calls`)).status).toBe(404);
  const callId = started.body.call.id as string;

  const caller = peer(aliceSocket, callId, bob.id, started.body.iceServers as IceServer[]);
  const callee = peer(bobSocket, callId, alice.id, joined.body.iceServers as IceServer[]);
  closers.push(
    () => caller.connection.close(),
    () => callee.connection.close(),
  );

  await expect(sendOverDataChannel(caller, callee, 'hello over WebRTC')).resolves.toBe('hello over WebRTC');
  expect(['connected', 'completed']).toContain(callee.connection.iceConnectionState);
  expect(aliceSocket.frames.filter((frame) => frame.type === 'call.signal').length).toBeGreaterThan(0);
  expect(carolSocket.frames.filter((frame) => frame.type.startsWith('call.'))).toEqual([]);
}, 30_000);
