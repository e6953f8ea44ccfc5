import { RealtimeClient } from '../fixtures/realtime-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let carol: TestUser;
let outsider: TestUser;
let workspaceId: string;
let generalId: string;
const sockets: RealtimeClient[] = [];

async function connect(user: TestUser): Promise<RealtimeClient> {
  const socket = await RealtimeClient.connect(server.url, { token: user.token });
  sockets.push(socket);
  return socket;
}

beforeAll(async () => {
  server = await startTestServer({ resumeMaxEvents: 50 });
  [alice, bob, carol, outsider] = await Promise.all(
    ['Alice', 'Bob', 'Carol', 'Outsider'].map((name) => registerUser(server.url, name)),
  );
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  await addToWorkspace(alice, workspaceId, carol);
  await createWorkspace(outsider);
  generalId = (await createChannel(alice, workspaceId, 'public', 'general')).id;
  await bob.api.post(`/api/v1/channels/${generalId}/join`);
});
afterEach(() => {
  for (const socket of sockets.splice(0)) socket.close();
});
afterAll(() => server.close());

describe('realtime stream', () => {
  it('refuses to open without a valid token, and answers plain GETs with 426', async () => {
    await expect(RealtimeClient.connect(server.url, {})).rejects.toThrow('401');
    await expect(RealtimeClient.connect(server.url, { token: 'jks_nope' })).rejects.toThrow('401');
    expect((await alice.api.get('/api/v1/realtime')).status).toBe(426);
  });

  it('says hello with the current seq, then delivers events in order as {seq, type, data}', async () => {
    const socket = await connect(bob);
    expect(socket.hello).toMatchObject({ type: 'hello', seq: expect.any(Number), userId: bob.id });
    const posted = [];
    for (let i = 0; i < 5; i++) posted.push(await postMessage(alice, generalId, `ordered ${i}`));
    await socket.until(() => socket.events.length >= 5);
    expect(socket.events.map((e) => e.data.id)).toEqual(posted.map((m) => m.id));
    expect(socket.events[0]).toEqual({ seq: expect.any(Number), type: 'message.created', data: posted[0] });
    const seqs = socket.events.map((e) => e.seq as number);
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1])).toBe(true);
    expect(seqs[0]).toBeGreaterThan(socket.hello.seq as number);
  });

  it('delivers exactly what each user may see', async () => {
    const secret = await createChannel(alice, workspaceId, 'private');
    const [aliceSocket, bobSocket, carolSocket, outsiderSocket] = await Promise.all(
      [alice, bob, carol, outsider].map(connect),
    );
    await postMessage(alice, secret.id, 'private plans');
    await postMessage(alice, generalId, 'public news');
    const elsewhere = await createWorkspace(outsider);
    const theirs = await createChannel(outsider, elsewhere.id);
    await postMessage(outsider, theirs.id, 'other tenant');
    await postMessage(alice, generalId, 'marker');
    // Each socket gets events in order: once it has a later one, what came before was delivered or withheld.
    // A public channel is announced to the whole workspace, so it is that later event for everyone in it.
    const open = await createChannel(alice, workspaceId, 'public');
    const theirMarker = await postMessage(outsider, theirs.id, 'their marker');
    for (const socket of [aliceSocket, bobSocket, carolSocket]) {
      await socket.next((e) => e.type === 'channel.created' && e.data.id === open.id);
    }
    await outsiderSocket.until(() => outsiderSocket.events.some((e) => e.data.id === theirMarker.id));

    const texts = (socket: RealtimeClient) =>
      socket.events.filter((e) => e.type === 'message.created').map((e) => e.data.text);
    expect(texts(aliceSocket)).toEqual(['private plans', 'public news', 'marker']);
    expect(texts(bobSocket)).toEqual(['public news', 'marker']);
    expect(texts(carolSocket)).toEqual([]); // in the workspace, not in the channels
    expect(texts(outsiderSocket)).toEqual(['other tenant', 'their marker']);
    const all = JSON.stringify([...bobSocket.frames, ...carolSocket.frames]);
    expect(all).not.toContain('private plans');
    expect(all).not.toContain(secret.id);
    expect(JSON.stringify(outsiderSocket.frames)).not.toContain(workspaceId);
    // Public channels are announced to the workspace; private ones only to their members.
    const announced = (socket: RealtimeClient) =>
      socket.events.filter((e) => e.type === 'channel.created').map((e) => e.data.id);
    expect(announced(carolSocket)).toEqual([open.id]);
  });

  it('stops delivering at once when a member is removed from the channel or the workspace', async () => {
    const room = await createChannel(alice, workspaceId);
    await alice.api.post(`/api/v1/channels/${room.id}/members`, { userId: carol.id });
    const carolSocket = await connect(carol);
    await postMessage(alice, room.id, 'before removal');
    await carolSocket.next((e) => e.data?.text === 'before removal');

    await alice.api.delete(`/api/v1/channels/${room.id}/members/${carol.id}`);
    await carolSocket.next((e) => e.type === 'channel.member_left' && e.data.userId === carol.id);
    await postMessage(alice, room.id, 'after removal');
    const marker = await createChannel(alice, workspaceId); // public: announced to carol
    await carolSocket.next((e) => e.type === 'channel.created' && e.data.id === marker.id);
    expect(JSON.stringify(carolSocket.frames)).not.toContain('after removal');

    const dave = await registerUser(server.url, 'Dave');
    await addToWorkspace(alice, workspaceId, dave);
    await dave.api.post(`/api/v1/channels/${generalId}/join`);
    const daveSocket = await connect(dave);
    await alice.api.delete(`/api/v1/workspaces/${workspaceId}/members/${dave.id}`);
    await daveSocket.next((e) => e.type === 'workspace.member_left' && e.data.userId === dave.id);
    const after = await postMessage(alice, generalId, 'dave is gone');
    const bobSocket = await connect(bob);
    await postMessage(alice, generalId, 'bob sees this');
    await bobSocket.next((e) => e.data?.text === 'bob sees this');
    expect(JSON.stringify(daveSocket.frames)).not.toContain(after.id);
  });

  it('replays exactly the missed events on resume, then continues live without gaps or repeats', async () => {
    const first = await connect(bob);
    await postMessage(alice, generalId, 'seen 1');
    const seen = await first.next((e) => e.data?.text === 'seen 1');
    first.close();
    const missed = [];
    for (let i = 0; i < 3; i++) missed.push(await postMessage(alice, generalId, `missed ${i}`));
    const secret = await createChannel(alice, workspaceId, 'private');
    await postMessage(alice, secret.id, 'never for bob');

    const second = await connect(bob);
    second.send({ type: 'resume', afterSeq: seen.seq });
    const live = postMessage(alice, generalId, 'live after resume');
    await second.next((f) => f.type === 'resumed');
    await live;
    await second.until(() => second.events.some((e) => e.data?.text === 'live after resume'));
    const texts = second.events.filter((e) => e.type === 'message.created').map((e) => e.data.text);
    expect(texts).toEqual(['missed 0', 'missed 1', 'missed 2', 'live after resume']);
    const seqs = second.events.map((e) => e.seq as number);
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1])).toBe(true);

    // Resuming again on the same socket repeats nothing.
    const count = second.events.length;
    second.send({ type: 'resume', afterSeq: seen.seq });
    await second.until(() => second.frames.filter((f) => f.type === 'resumed').length === 2);
    expect(second.events.length).toBe(count);
  });

  it('answers resync_required past the retention', async () => {
    const socket = await connect(bob);
    const old = socket.hello.seq as number;
    for (let i = 0; i < 60; i++) await postMessage(alice, generalId, `flood ${i}`);
    const fresh = await connect(bob);
    fresh.send({ type: 'resume', afterSeq: old });
    const answer = await fresh.next((f) => f.type === 'resync_required');
    expect(answer.seq).toBeGreaterThanOrEqual(old + 60);
    // Nothing was replayed (a flood event still in flight may arrive live, after hello).
    expect(fresh.events.filter((e) => (e.seq as number) <= (fresh.hello.seq as number))).toEqual([]);
  });

  it('relays typing to the other channel members only, never stored', async () => {
    const [aliceSocket, bobSocket, carolSocket] = await Promise.all([alice, bob, carol].map(connect));
    aliceSocket.send({ type: 'typing', channelId: generalId });
    const typing = await bobSocket.next((f) => f.type === 'typing');
    expect(typing).toEqual({ type: 'typing', channelId: generalId, userId: alice.id });
    // Relayed in the same pass as Bob's: a pong after it on each other socket shows nothing came before.
    for (const socket of [carolSocket, aliceSocket]) {
      socket.send({ type: 'ping' });
      await socket.next((f) => f.type === 'pong');
    }
    expect(carolSocket.frames.some((f) => f.type === 'typing')).toBe(false);
    expect(aliceSocket.frames.some((f) => f.type === 'typing')).toBe(false);

    const secret = await createChannel(alice, workspaceId, 'private');
    bobSocket.send({ type: 'typing', channelId: secret.id });
    const refused = await bobSocket.next((f) => f.type === 'error');
    expect(refused.error.status).toBe(400);
  });

  it('answers ping with pong and names what is wrong with a bad frame', async () => {
    const socket = await connect(alice);
    socket.send({ type: 'ping' });
    await socket.next((f) => f.type === 'pong');
    socket.ws.send('not json');
    const notJson = await socket.next((f) => f.type === 'error');
    expect(notJson.error.detail).toContain('JSON');
    socket.send({ type: 'resume', afterSeq: 'yesterday' });
    await socket.until(() => socket.frames.filter((f) => f.type === 'error').length === 2);
  });

  it('shows presence: online while connected, away on request, offline when gone', async () => {
    // Someone who never had a socket, so coming online is a transition (an earlier test's sockets may still
    // be closing when this one opens new ones: a user with overlapping sockets never goes offline).
    const erin = await registerUser(server.url, 'Erin');
    await addToWorkspace(alice, workspaceId, erin);
    const watcher = await connect(alice);
    const carolSocket = await connect(erin);
    const presence =
      (status: string) => (f: { type: string; statuses?: { userId: string; status: string }[] }) =>
        f.type === 'presence' && (f.statuses ?? []).some((s) => s.userId === erin.id && s.status === status);
    await watcher.next(presence('online'));
    const listed = await alice.api.get(`/api/v1/workspaces/${workspaceId}/presence`);
    expect(listed.body.items).toEqual(expect.arrayContaining([{ userId: erin.id, status: 'online' }]));
    carolSocket.send({ type: 'presence', status: 'away' });
    await watcher.next(presence('away'));
    carolSocket.close();
    await watcher.next(presence('offline'));
    expect((await outsider.api.get(`/api/v1/workspaces/${workspaceId}/presence`)).status).toBe(404);
  });

  it('opens with a single-use ticket from a browser, and closes sockets of revoked tokens', async () => {
    const pat = await alice.api.post('/api/v1/me/tokens', { name: 'browser' });
    const patApi = alice.api.as(pat.body.token);
    const ticket = await patApi.post('/api/v1/realtime/tickets');
    expect(ticket.status).toBe(201);
    expect(ticket.body.ticket).toMatch(/^jkt_/);
    const socket = await RealtimeClient.connect(server.url, { ticket: ticket.body.ticket });
    sockets.push(socket);
    expect(socket.hello.userId).toBe(alice.id);
    await expect(RealtimeClient.connect(server.url, { ticket: ticket.body.ticket })).rejects.toThrow('401');

    await alice.api.delete(`/api/v1/me/tokens/${pat.body.id}`);
    expect(await socket.closed()).toBe(4001);
  });
});
