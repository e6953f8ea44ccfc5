import { RTCPeerConnection } from '@roamhq/wrtc';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
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
  [alice, bob, carol] = await Promise.all(
    ['Alice', 'Bob', 'Carol'].map((name) => registerUser(server.url, name)),
  );
  const workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, carol);
  channelId = (await createChannel(alice, workspaceId, 'private')).id;
  await alice.api.post(`/api/v1/channels/${channelId}/members`, { userId: bob.id });
});

afterAll(async () => {
  closers.forEach((close) => close());
  await server.close();
});

interface IceServer {
  urls: string[];
  username?: string;
  credential?: string;
}

interface Signal {
  type: 'offer' | 'answer' | 'candidate';
  sdp?: string;
  candidate?: unknown;
}

/** A peer whose every signal goes through the server's socket. */
function peer(socket: RealtimeClient, callId: string, remoteUserId: string, iceServers: IceServer[]) {
  const connection = new RTCPeerConnection({ iceServers });
  closers.push(() => connection.close());
  const send = (signal: Signal) => socket.send({ type: 'call.signal', callId, to: remoteUserId, signal });
  connection.onicecandidate = (event: { candidate: { toJSON(): unknown } | null }) => {
    if (event.candidate) send({ type: 'candidate', candidate: event.candidate.toJSON() });
  };
  // Signals are applied in the order they came; candidates wait until the remote description is set.
  let applied: Promise<void> = Promise.resolve();
  const early: unknown[] = [];
  socket.ws.on('message', (data: Buffer) => {
    const frame = JSON.parse(data.toString('utf8')) as { type: string; from?: string; signal?: Signal };
    if (frame.type !== 'call.signal' || frame.from !== remoteUserId || !frame.signal) return;
    const signal = frame.signal;
    applied = applied.then(async () => {
      if (signal.type === 'offer') {
        await connection.setRemoteDescription({ type: 'offer', sdp: signal.sdp });
        const answer = await connection.createAnswer();
        await connection.setLocalDescription(answer);
        send({ type: 'answer', sdp: answer.sdp });
      } else if (signal.type === 'answer') {
        await connection.setRemoteDescription({ type: 'answer', sdp: signal.sdp });
      } else if (!connection.remoteDescription) {
        early.push(signal.candidate);
        return;
      } else {
        await connection.addIceCandidate(signal.candidate);
        return;
      }
      for (const candidate of early.splice(0)) await connection.addIceCandidate(candidate);
    });
  });
  return {
    connection,
    async offer() {
      const offer = await connection.createOffer();
      await connection.setLocalDescription(offer);
      send({ type: 'offer', sdp: offer.sdp });
    },
  };
}

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
  const received = new Promise<string>((resolve) => {
    callee.connection.ondatachannel = (event: {
      channel: { onmessage: (message: { data: unknown }) => void };
    }) => {
      event.channel.onmessage = (message) => resolve(String(message.data));
    };
  });
  const channel = caller.connection.createDataChannel('chat');
  channel.onopen = () => channel.send('hello over WebRTC');
  await caller.offer();

  await expect(
    Promise.race([
      received,
      new Promise((_, reject) => setTimeout(() => reject(new Error('no message')), 15_000)),
    ]),
  ).resolves.toBe('hello over WebRTC');
  expect(['connected', 'completed']).toContain(callee.connection.iceConnectionState);
  expect(aliceSocket.frames.filter((frame) => frame.type === 'call.signal').length).toBeGreaterThan(0);
  expect(carolSocket.frames.filter((frame) => frame.type.startsWith('call.'))).toEqual([]);
}, 30_000);
