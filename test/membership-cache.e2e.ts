import { EventsRepository } from '../core/src/events/events.repository';
import { ApiClient } from '../fixtures/api-client';
import { RealtimeClient } from '../fixtures/realtime-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';
import { statementsDuring } from './support/statements';

/**
 * Channel access and realtime audiences come from each instance's membership cache (MembershipCache): a
 * cached channel costs no query, and a member removed through one instance is refused there at once, and on
 * another as soon as the removal's event reaches its feed, which applies it before delivering anything after it.
 */
let a: TestServer;
let b: TestServer;
let alice: TestUser;
let bob: TestUser;
let workspaceId: string;
/** A public channel alice and bob stay in: a message there, received, proves bob's socket is up to date. */
let lobbyId: string;
const sockets: RealtimeClient[] = [];

beforeAll(async () => {
  const databaseUrl = await createTestDatabase();
  // Only NOTIFY wakes the feeds in time, and no cached entry times out during a test: the events must do it.
  const config = { databaseUrl, eventPollIntervalMs: 60_000, membershipCacheTtlSeconds: 3600 };
  a = await startTestServer(config);
  b = await startTestServer(config);
  alice = await registerUser(a.url, 'Alice');
  bob = await registerUser(a.url, 'Bob');
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  lobbyId = (await createChannel(alice, workspaceId)).id;
  expect((await bob.api.post(`/api/v1/channels/${lobbyId}/join`)).status).toBe(200);
});
afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));
afterAll(async () => {
  await a.close();
  await b.close();
});

/** Reads of a channel, its members or a workspace's members (not presence's lookup of who is where). */
const membershipReads = (statements: string[]) =>
  statements.filter((sql) =>
    /from "(channels|channel_members)"|from "workspace_members" where "workspace_id"/i.test(sql),
  );

async function socketOn(server: TestServer, user: TestUser): Promise<RealtimeClient> {
  const socket = await RealtimeClient.connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

/** A private channel of alice's with bob in it, whom a socket on B and a request on B both know as a member. */
async function roomWithBobKnownOnB() {
  const room = await createChannel(alice, workspaceId, 'private');
  expect((await alice.api.post(`/api/v1/channels/${room.id}/members`, { userId: bob.id })).status).toBe(204);
  const bobOnB = new ApiClient(b.url, bob.token);
  const bobSocket = await socketOn(b, bob);
  await eventually(
    async () => ((await bobOnB.get(`/api/v1/channels/${room.id}`)).status === 200 ? true : undefined),
    'instance B to let bob into the room',
  );
  await postMessage(alice, room.id, 'warm-up');
  await bobSocket.next((frame) => frame.data?.text === 'warm-up');
  // B's feed is past every earlier event now: what this loads, if anything is still missing, stays cached.
  expect((await bobOnB.get(`/api/v1/channels/${room.id}`)).status).toBe(200);
  return { roomId: room.id, bobOnB, bobSocket };
}

/** Answered with a pong on the same socket: every frame the server sent it before has arrived by then. */
async function flushed(socket: RealtimeClient) {
  const pongs = () => socket.frames.filter((frame) => frame.type === 'pong').length;
  const before = pongs();
  socket.send({ type: 'ping' });
  await socket.until(() => pongs() > before);
}

/** Waits for a message in the lobby on bob's socket: anything sent to it before has arrived by then. */
async function caughtUp(bobSocket: RealtimeClient) {
  const marker = await postMessage(alice, lobbyId, 'marker');
  await bobSocket.next((frame) => frame.data?.id === marker.id);
}

describe('the membership cache', () => {
  it('checks channel access and finds a message’s audience without querying memberships', async () => {
    const { roomId, bobOnB, bobSocket } = await roomWithBobKnownOnB();
    const reads = await statementsDuring(b, async () => {
      for (let i = 0; i < 3; i++) expect((await bobOnB.get(`/api/v1/channels/${roomId}`)).status).toBe(200);
      for (let i = 0; i < 3; i++) {
        const posted = await postMessage(alice, roomId, `hello ${i}`);
        await bobSocket.next((frame) => frame.data?.id === posted.id);
      }
    });
    expect(membershipReads(reads)).toEqual([]);
  });

  it('refuses a member removed on A at once on A, and on B once the removal reaches it', async () => {
    const { roomId, bobOnB, bobSocket } = await roomWithBobKnownOnB();

    expect((await alice.api.delete(`/api/v1/channels/${roomId}/members/${bob.id}`)).status).toBe(204);
    expect((await bob.api.get(`/api/v1/channels/${roomId}`)).status).toBe(404);
    await eventually(
      async () => ((await bobOnB.get(`/api/v1/channels/${roomId}`)).status === 404 ? true : undefined),
      'instance B to refuse bob',
    );
    expect((await bobOnB.post(`/api/v1/channels/${roomId}/messages`, { text: 'still here?' })).status).toBe(
      404,
    );
    await bobSocket.next((frame) => frame.type === 'channel.member_left' && frame.data.userId === bob.id);
    const after = await postMessage(alice, roomId, 'after removal');
    await caughtUp(bobSocket);
    expect(JSON.stringify(bobSocket.frames)).not.toContain(after.id);
  });

  it('applies a removal before delivering the later events of the same batch', async () => {
    const { roomId, bobOnB, bobSocket } = await roomWithBobKnownOnB();
    // B's feed is held while the removal and the next message commit on A, then reads both at once.
    const events = b.app.get(EventsRepository);
    const readAfter = events.readAfter.bind(events);
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const held = jest.spyOn(events, 'readAfter').mockImplementation(async (afterSeq, limit) => {
      await released;
      return readAfter(afterSeq, limit);
    });
    let after: { id: string };
    try {
      expect((await alice.api.delete(`/api/v1/channels/${roomId}/members/${bob.id}`)).status).toBe(204);
      after = await postMessage(alice, roomId, 'in the same batch');
    } finally {
      release();
      held.mockRestore();
    }
    await bobSocket.next((frame) => frame.type === 'channel.member_left' && frame.data.userId === bob.id);
    await caughtUp(bobSocket);
    expect(JSON.stringify(bobSocket.frames)).not.toContain(after.id);
    expect((await bobOnB.get(`/api/v1/channels/${roomId}`)).status).toBe(404);
  });

  it('applies a role change made on A on B: a member made guest loses the public channels they are not in', async () => {
    const dave = await registerUser(a.url, 'Dave');
    await addToWorkspace(alice, workspaceId, dave);
    const daveOnB = new ApiClient(b.url, dave.token);
    await eventually(
      async () => ((await daveOnB.get(`/api/v1/channels/${lobbyId}`)).status === 200 ? true : undefined),
      'instance B to let dave read the lobby',
    );
    const demoted = await alice.api.patch(`/api/v1/workspaces/${workspaceId}/members/${dave.id}`, {
      role: 'guest',
    });
    expect(demoted.status).toBe(200);
    expect((await dave.api.get(`/api/v1/channels/${lobbyId}`)).status).toBe(404);
    await eventually(
      async () => ((await daveOnB.get(`/api/v1/channels/${lobbyId}`)).status === 404 ? true : undefined),
      'instance B to hide the lobby from dave',
    );
  });

  it('stops a member removed from the workspace on A on B as well', async () => {
    const carol = await registerUser(a.url, 'Carol');
    await addToWorkspace(alice, workspaceId, carol);
    expect((await carol.api.post(`/api/v1/channels/${lobbyId}/join`)).status).toBe(200);
    const carolOnB = new ApiClient(b.url, carol.token);
    const carolSocket = await socketOn(b, carol);
    const bobSocket = await socketOn(b, bob);
    await eventually(
      async () => ((await carolOnB.get(`/api/v1/channels/${lobbyId}`)).status === 200 ? true : undefined),
      'instance B to let carol into the lobby',
    );

    expect((await alice.api.delete(`/api/v1/workspaces/${workspaceId}/members/${carol.id}`)).status).toBe(
      204,
    );
    expect((await carol.api.get(`/api/v1/channels/${lobbyId}`)).status).toBe(404);
    await eventually(
      async () => ((await carolOnB.get(`/api/v1/channels/${lobbyId}`)).status === 404 ? true : undefined),
      'instance B to refuse carol',
    );
    await carolSocket.next(
      (frame) => frame.type === 'workspace.member_left' && frame.data.userId === carol.id,
    );
    const after = await postMessage(alice, lobbyId, 'carol is gone');
    // Had B sent it to carol, it would have done so before bob had it, and before answering her ping.
    await bobSocket.next((frame) => frame.data?.id === after.id);
    await flushed(carolSocket);
    expect(JSON.stringify(carolSocket.frames)).not.toContain(after.id);
  });
});
