import { createHmac } from 'node:crypto';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { RealtimeClient } from '../fixtures/realtime-client';
import { startTestServer, TestServer } from './support/server';

/** Call state and signaling over the realtime socket, between participants only. */
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let workspaceId: string;
const sockets: RealtimeClient[] = [];

beforeAll(async () => {
  server = await startTestServer({
    callMaxParticipants: 3,
    stunUrls: ['stun:127.0.0.1:3478'],
    turnUrls: ['turn:127.0.0.1:3478?transport=udp'],
    turnSecret: 'coturn-shared-secret',
    turnTtlSeconds: 3600,
  });
  [alice, bob, carol] = await Promise.all(
    ['Alice', 'Bob', 'Carol'].map((name) => registerUser(server.url, name)),
  );
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, carol);
});

afterEach(() => sockets.splice(0).forEach((socket) => socket.ws.close()));
afterAll(async () => {
  await server.close();
});

async function connect(user: TestUser): Promise<RealtimeClient> {
  const socket = await RealtimeClient.connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

describe('calls', () => {
  it('starts and joins the channel’s one call, with time-limited TURN credentials coturn accepts', async () => {
    const channel = await createChannel(alice, workspaceId, 'private');
    await alice.api.post(`/api/v1/channels/${channel.id}/members`, { userId: bob.id });
    const bobSocket = await connect(bob);

    const started = await alice.api.post(`/api/v1/channels/${channel.id}/calls`);
    expect(started.status).toBe(200);
    expect(started.body.call).toEqual({
      id: expect.any(String),
      channelId: channel.id,
      participants: [alice.id],
    });
    const [stun, turn] = started.body.iceServers as {
      urls: string[];
      username?: string;
      credential?: string;
    }[];
    expect(stun).toEqual({ urls: ['stun:127.0.0.1:3478'] });
    const [expiry, userId] = turn.username!.split(':');
    expect(userId).toBe(alice.id);
    expect(Number(expiry) - Date.now() / 1000).toBeGreaterThan(3500);
    expect(turn.credential).toBe(
      createHmac('sha1', 'coturn-shared-secret').update(turn.username!).digest('base64'),
    );
    // Bob is rung: the call's start reaches the channel's members.
    await bobSocket.next((frame) => frame.type === 'call.started' && frame.data.id === started.body.call.id);

    const joined = await bob.api.post(`/api/v1/channels/${channel.id}/calls`);
    expect(joined.body.call).toMatchObject({ id: started.body.call.id, participants: [alice.id, bob.id] });
    // Carol is not in the private channel: no call for her, and nothing of it on her socket.
    expect((await carol.api.post(`/api/v1/channels/${channel.id}/calls`)).status).toBe(404);

    expect((await alice.api.post(`/api/v1/calls/${started.body.call.id}/leave`)).status).toBe(204);
    expect((await bob.api.post(`/api/v1/calls/${started.body.call.id}/leave`)).status).toBe(204);
    const ended = await bobSocket.next((frame) => frame.type === 'call.ended');
    expect(ended.data).toMatchObject({ id: started.body.call.id, participants: [] });
    expect((await bob.api.post(`/api/v1/calls/${started.body.call.id}/leave`)).status).toBe(404);
    // The next call in the channel is a new one.
    const again = await bob.api.post(`/api/v1/channels/${channel.id}/calls`);
    expect(again.body.call.id).not.toBe(started.body.call.id);
  });

  it('relays signals only between participants of the same call', async () => {
    const channel = await createChannel(alice, workspaceId);
    for (const user of [bob, carol]) await user.api.post(`/api/v1/channels/${channel.id}/join`);
    const [aliceSocket, bobSocket, carolSocket] = await Promise.all([
      connect(alice),
      connect(bob),
      connect(carol),
    ]);
    const call = (await alice.api.post(`/api/v1/channels/${channel.id}/calls`)).body.call as { id: string };
    await bob.api.post(`/api/v1/channels/${channel.id}/calls`);

    const offer = { type: 'offer', sdp: 'v=0 fake offer' };
    aliceSocket.send({ type: 'call.signal', callId: call.id, to: bob.id, signal: offer });
    const received = await bobSocket.next((frame) => frame.type === 'call.signal');
    expect(received).toEqual({ type: 'call.signal', callId: call.id, from: alice.id, signal: offer });

    // Carol is in the channel but not in the call: she can neither send nor be sent signals.
    carolSocket.send({ type: 'call.signal', callId: call.id, to: bob.id, signal: offer });
    expect((await carolSocket.next((frame) => frame.type === 'error')).error.detail).toBe('Call not found');
    aliceSocket.send({ type: 'call.signal', callId: call.id, to: carol.id, signal: offer });
    expect((await aliceSocket.next((frame) => frame.type === 'error')).error.detail).toBe('Call not found');
    aliceSocket.send({ type: 'call.signal', callId: call.id, to: bob.id });
    await aliceSocket.until(() => aliceSocket.frames.filter((frame) => frame.type === 'error').length === 2);
    // Alice's frames are handled in order: once a later signal reaches Bob, the refused ones went nowhere.
    const marker = {
      type: 'candidate',
      candidate: { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host' },
    };
    aliceSocket.send({ type: 'call.signal', callId: call.id, to: bob.id, signal: marker });
    await bobSocket.next((frame) => frame.type === 'call.signal' && frame.signal.type === 'candidate');
    expect(carolSocket.frames.some((frame) => frame.type === 'call.signal')).toBe(false);
    expect(bobSocket.frames.filter((frame) => frame.type === 'call.signal')).toHaveLength(2);
  });

  it('refuses a join beyond the participant limit with a clear error', async () => {
    const dave = await registerUser(server.url, 'Dave');
    await addToWorkspace(alice, workspaceId, dave);
    const channel = await createChannel(alice, workspaceId);
    for (const user of [bob, carol, dave]) await user.api.post(`/api/v1/channels/${channel.id}/join`);
    for (const user of [alice, bob, carol]) {
      expect((await user.api.post(`/api/v1/channels/${channel.id}/calls`)).status).toBe(200);
    }
    const full = await dave.api.post(`/api/v1/channels/${channel.id}/calls`);
    expect(full.status).toBe(409);
    expect(full.body.detail).toBe('The call is full: calls take at most 3 participants');
    // Joining twice is not joining again.
    expect(
      (await alice.api.post(`/api/v1/channels/${channel.id}/calls`)).body.call.participants,
    ).toHaveLength(3);
  });
});

describe('leaving the channel or the workspace during a call', () => {
  const ways: [string, (removed: TestUser, channelId: string) => Promise<{ status: number }>][] = [
    [
      'removed from the channel',
      (removed, channelId) => alice.api.delete(`/api/v1/channels/${channelId}/members/${removed.id}`),
    ],
    ['leaving the channel', (removed, channelId) => removed.api.post(`/api/v1/channels/${channelId}/leave`)],
    [
      'removed from the workspace',
      (removed) => alice.api.delete(`/api/v1/workspaces/${workspaceId}/members/${removed.id}`),
    ],
  ];

  it.each(ways)('takes a member %s out of the running call at once', async (_way, remove) => {
    const erin = await registerUser(server.url, 'Erin');
    await addToWorkspace(alice, workspaceId, erin);
    const channel = await createChannel(alice, workspaceId);
    for (const user of [bob, erin]) await user.api.post(`/api/v1/channels/${channel.id}/join`);
    const [aliceSocket, bobSocket, erinSocket] = await Promise.all([
      connect(alice),
      connect(bob),
      connect(erin),
    ]);
    let callId = '';
    for (const user of [alice, bob, erin]) {
      callId = (await user.api.post(`/api/v1/channels/${channel.id}/calls`)).body.call.id as string;
    }
    // Signals pass while Erin is in the call.
    erinSocket.send({ type: 'call.signal', callId, to: bob.id, signal: { n: 1 } });
    await bobSocket.next((frame) => frame.type === 'call.signal' && frame.from === erin.id);

    expect((await remove(erin, channel.id)).status).toBe(204);
    const left = await bobSocket.next(
      (frame) => frame.type === 'call.participant_left' && frame.data.userId === erin.id,
    );
    expect(left.data).toMatchObject({ id: callId, participants: [alice.id, bob.id] });

    // Her next signal is refused and reaches no one: Alice's later marker arrives without it before.
    erinSocket.send({ type: 'call.signal', callId, to: bob.id, signal: { n: 2 } });
    expect((await erinSocket.next((frame) => frame.type === 'error')).error.detail).toBe('Call not found');
    aliceSocket.send({ type: 'call.signal', callId, to: bob.id, signal: { marker: true } });
    await bobSocket.next((frame) => frame.type === 'call.signal' && frame.from === alice.id);
    expect(
      bobSocket.frames.filter((frame) => frame.type === 'call.signal' && frame.from === erin.id),
    ).toHaveLength(1);
    // Nor can she be signalled.
    aliceSocket.send({ type: 'call.signal', callId, to: erin.id, signal: { n: 3 } });
    expect((await aliceSocket.next((frame) => frame.type === 'error')).error.detail).toBe('Call not found');
  });

  it('never leaves in the call a member whose removal raced their joining it', async () => {
    const erin = await registerUser(server.url, 'Erin');
    await addToWorkspace(alice, workspaceId, erin);
    const channel = await createChannel(alice, workspaceId);
    await bob.api.post(`/api/v1/channels/${channel.id}/join`);
    await bob.api.post(`/api/v1/channels/${channel.id}/calls`);
    for (let round = 0; round < 40; round++) {
      await erin.api.post(`/api/v1/channels/${channel.id}/join`);
      const [joined, removed] = await Promise.all([
        erin.api.post(`/api/v1/channels/${channel.id}/calls`),
        alice.api.delete(`/api/v1/channels/${channel.id}/members/${erin.id}`),
      ]);
      expect([200, 403]).toContain(joined.status);
      expect(removed.status).toBe(204);
      const roster = (await bob.api.post(`/api/v1/channels/${channel.id}/calls`)).body.call.participants;
      expect({ round, roster }).toEqual({ round, roster: [bob.id] });
    }
  });

  it('ends the call when the member removed was the last one in it', async () => {
    const channel = await createChannel(alice, workspaceId);
    await bob.api.post(`/api/v1/channels/${channel.id}/join`);
    const aliceSocket = await connect(alice);
    const call = (await bob.api.post(`/api/v1/channels/${channel.id}/calls`)).body.call as { id: string };
    expect((await alice.api.delete(`/api/v1/channels/${channel.id}/members/${bob.id}`)).status).toBe(204);
    const ended = await aliceSocket.next((frame) => frame.type === 'call.ended' && frame.data.id === call.id);
    expect(ended.data.participants).toEqual([]);
  });
});
