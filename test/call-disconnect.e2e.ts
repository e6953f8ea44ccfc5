import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { CallReaper } from '../core/src/calls/call-reaper';
import { Clock } from '../core/src/common/clock';
import { PresenceService } from '../core/src/realtime/presence.service';
import { RealtimeClient } from '../fixtures/realtime-client';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/** A participant whose every socket drops leaves the call after the grace period, unless they come back. */
const GRACE_MS = 600;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let channelId: string;
const sockets: RealtimeClient[] = [];

beforeAll(async () => {
  server = await startTestServer({ callReconnectGraceMs: GRACE_MS });
  [alice, bob, carol] = await Promise.all(
    ['Alice', 'Bob', 'Carol'].map((name) => registerUser(server.url, name)),
  );
  const workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, carol);
  channelId = (await createChannel(alice, workspaceId)).id;
  for (const user of [bob, carol]) await user.api.post(`/api/v1/channels/${channelId}/join`);
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

async function participants(): Promise<string[]> {
  // Joining again is idempotent and answers the call as it stands.
  return (await alice.api.post(`/api/v1/channels/${channelId}/calls`)).body.call.participants as string[];
}

it('keeps a participant who reconnects within the grace period, and takes out one who does not', async () => {
  // The server's time stands still but for the test's moves, and the test runs the reaper's passes itself.
  let now = Date.now();
  const clock = jest.spyOn(server.app.get(Clock), 'now').mockImplementation(() => now);
  const reaper = server.app.get(CallReaper);
  const presence = server.app.get(PresenceService);
  try {
    const aliceSocket = await connect(alice);
    const bobSocket = await connect(bob);
    const callId = (await alice.api.post(`/api/v1/channels/${channelId}/calls`)).body.call.id as string;
    await bob.api.post(`/api/v1/channels/${channelId}/calls`);
    now += GRACE_MS; // both have been in the call a while

    // A dropped connection that comes back at once (a network blip, a reload) changes nothing.
    bobSocket.ws.terminate();
    await connect(bob);
    await reaper.sweep();
    now += GRACE_MS * 3;
    await reaper.sweep();
    expect(await participants()).toEqual([alice.id, bob.id]);

    // Gone for good: out once the grace period has passed, not before, and the others are told.
    sockets.filter((socket) => socket !== aliceSocket).forEach((socket) => socket.ws.terminate());
    await eventually(
      () => Promise.resolve(presence.statuses([bob.id])[0]?.status === 'offline' ? true : undefined),
      'Bob offline',
    );
    const left = aliceSocket.next(
      (frame) => frame.type === 'call.participant_left' && frame.data.userId === bob.id,
      10_000,
    );
    await reaper.sweep(); // notes him gone
    now += GRACE_MS - 1;
    await reaper.sweep();
    expect(await participants()).toEqual([alice.id, bob.id]);
    now += 1;
    await reaper.sweep();
    expect((await left).data).toMatchObject({ id: callId, participants: [alice.id] });
    expect(await participants()).toEqual([alice.id]);
  } finally {
    clock.mockRestore();
  }
});

it('ends the call when the last participant’s sockets are gone', async () => {
  const carolSocket = await connect(carol);
  const aliceSocket = await connect(alice);
  const callId = (await alice.api.post(`/api/v1/channels/${channelId}/calls`)).body.call.id as string;
  aliceSocket.ws.terminate();
  // Carol is in the channel but not in the call: she sees it end.
  const ended = await carolSocket.next(
    (frame) => frame.type === 'call.ended' && frame.data.id === callId,
    10_000,
  );
  expect(ended.data.participants).toEqual([]);
  const again = await carol.api.post(`/api/v1/channels/${channelId}/calls`);
  expect(again.body.call.id).not.toBe(callId);
  await carol.api.post(`/api/v1/calls/${again.body.call.id}/leave`);
});
