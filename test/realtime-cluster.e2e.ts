import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { itIf, NATS_TESTS } from '../fixtures/optional-tests';
import { RealtimeClient } from '../fixtures/realtime-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  postMessage,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { EventsRepository } from '../core/src/events/events.repository';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * Several instances on one PostgreSQL: an event committed through one reaches sockets on the others, woken
 * by LISTEN/NOTIFY or NATS, and the table remains the truth when a wake-up is missed or commits race.
 */
const sockets: RealtimeClient[] = [];
afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

async function cluster(overrides: object) {
  const databaseUrl = await createTestDatabase();
  const a = await startTestServer({ databaseUrl, ...overrides });
  const b = await startTestServer({ databaseUrl, ...overrides });
  const alice = await registerUser(a.url, 'Alice');
  const workspace = await createWorkspace(alice);
  const channel = await createChannel(alice, workspace.id);
  return { a, b, alice, channelId: channel.id, databaseUrl };
}

async function crossInstanceDelivery(a: TestServer, b: TestServer, alice: TestUser, channelId: string) {
  const onB = await RealtimeClient.connect(b.url, { token: alice.token });
  const onA = await RealtimeClient.connect(a.url, { token: alice.token });
  sockets.push(onA, onB);
  const posted = [];
  for (let i = 0; i < 10; i++) posted.push(await postMessage(alice, channelId, `through A ${i}`));
  for (const socket of [onA, onB]) {
    await socket.until(() => socket.events.filter((e) => e.type === 'message.created').length === 10);
    expect(socket.events.filter((e) => e.type === 'message.created').map((e) => e.data.id)).toEqual(
      posted.map((m) => m.id),
    );
  }
  // Same seqs, once each, in order. Only the posted messages are compared: events committed just before the
  // sockets opened (the channel's creation) may still be on their way to one instance's feed and not the other's.
  const seqs = (socket: RealtimeClient) =>
    socket.events.filter((e) => e.type === 'message.created').map((e) => e.seq);
  expect(seqs(onB)).toEqual(seqs(onA));
}

describe('two instances with LISTEN/NOTIFY', () => {
  let setup: Awaited<ReturnType<typeof cluster>>;
  beforeAll(async () => {
    setup = await cluster({ eventPollIntervalMs: 60_000 }); // only NOTIFY can wake B in time
  });
  afterAll(async () => {
    await setup.a.close();
    await setup.b.close();
  });

  it('delivers a message posted through A to a socket on B, once and in order', async () => {
    await crossInstanceDelivery(setup.a, setup.b, setup.alice, setup.channelId);
  });

  it('relays call signals from A to B in order, one bigger than a NOTIFY payload among them', async () => {
    const { a, b, alice, channelId } = setup;
    const bob = await registerUser(a.url, 'Bob');
    const workspaceId = (await alice.api.get(`/api/v1/channels/${channelId}`)).body.workspaceId as string;
    await addToWorkspace(alice, workspaceId, bob);
    await bob.api.post(`/api/v1/channels/${channelId}/join`);
    const onA = await RealtimeClient.connect(a.url, { token: alice.token });
    const onB = await RealtimeClient.connect(b.url, { token: bob.token });
    sockets.push(onA, onB);
    const callId = (await alice.api.post(`/api/v1/channels/${channelId}/calls`)).body.call.id as string;
    await bob.api.post(`/api/v1/channels/${channelId}/calls`);

    // PostgreSQL refuses NOTIFY payloads of 8000 bytes; an offer with many candidates and codecs exceeds it.
    const sdp = `v=0\r\n${'a=rtpmap:96 VP8/90000 ø\r\n'.repeat(450)}`;
    const signals = Array.from({ length: 60 }, (_, index) =>
      index === 30 ? { type: 'offer', sdp } : { type: 'candidate', candidate: { candidate: `c${index}` } },
    );
    for (const signal of signals) onA.send({ type: 'call.signal', callId, to: bob.id, signal });
    await onB.until(
      () => onB.frames.filter((frame) => frame.type === 'call.signal').length === signals.length,
    );
    expect(onB.frames.filter((frame) => frame.type === 'call.signal').map((frame) => frame.signal)).toEqual(
      signals,
    );
  });
});

const natsIt = itIf(NATS_TESTS);

describe('two instances with NATS', () => {
  natsIt('delivers a message posted through A to a socket on B, once and in order', async () => {
    const setup = await cluster({
      // In CI without NATS_URL this address is tried, and the test fails if nothing answers there.
      natsUrl: process.env.NATS_URL ?? 'nats://127.0.0.1:4222',
      natsSubjectPrefix: `jokkaer-test-${randomBytes(4).toString('hex')}`,
      eventPollIntervalMs: 60_000,
    });
    try {
      await crossInstanceDelivery(setup.a, setup.b, setup.alice, setup.channelId);
    } finally {
      await setup.a.close();
      await setup.b.close();
    }
  });
});

describe('the table is the truth', () => {
  let server: TestServer;
  let db: Client;
  let alice: TestUser;
  let channelId: string;
  let workspaceId: string;

  beforeAll(async () => {
    server = await startTestServer({ eventPollIntervalMs: 100 });
    db = new Client({ connectionString: server.databaseUrl });
    await db.connect();
    alice = await registerUser(server.url, 'Alice');
    workspaceId = (await createWorkspace(alice)).id;
    channelId = (await createChannel(alice, workspaceId)).id;
  });
  afterAll(async () => {
    await db.end();
    await server.close();
  });

  /**
   * Waits until the feed has read the event carrying `text` and held it back (a whole read that saw it has
   * finished: the next one began), then for a pong on `socket`: anything the feed delivered before it would
   * have arrived first. No sleep: these are the later markers.
   */
  async function heldBack(socket: RealtimeClient, text: string, run: () => Promise<unknown>): Promise<void> {
    const repository = server.app.get(EventsRepository);
    const readAfter = repository.readAfter.bind(repository);
    let reads = 0;
    const spy = jest.spyOn(repository, 'readAfter').mockImplementation(async (after, limit) => {
      const batch = await readAfter(after, limit);
      if (batch.some((event) => (event.data as { text?: string }).text === text)) reads++;
      return batch;
    });
    try {
      await run();
      await eventually(() => Promise.resolve(reads >= 2 || undefined), `the feed to hold back "${text}"`);
    } finally {
      spy.mockRestore();
    }
    const pongs = socket.frames.filter((frame) => frame.type === 'pong').length;
    socket.send({ type: 'ping' });
    await socket.until(() => socket.frames.filter((frame) => frame.type === 'pong').length > pongs);
  }

  const insertEvent = (client: Client, text: string) =>
    client.query(
      `INSERT INTO events (id, type, workspace_id, channel_id, data) VALUES (gen_random_uuid(), 'message.created', $1, $2, $3)`,
      [workspaceId, channelId, JSON.stringify({ id: text, workspaceId, channelId, text })],
    );

  it('catches up on an event committed without any wake-up (a crash between commit and publish)', async () => {
    const socket = await RealtimeClient.connect(server.url, { token: alice.token });
    sockets.push(socket);
    await insertEvent(db, 'silent commit');
    const event = await socket.next((e) => e.data?.text === 'silent commit', 3000);
    expect(event.seq).toBeGreaterThan(socket.hello.seq as number);
  });

  it('holds a later seq back until an earlier, slower transaction commits, then delivers both in order', async () => {
    const socket = await RealtimeClient.connect(server.url, { token: alice.token });
    sockets.push(socket);
    const slow = new Client({ connectionString: server.databaseUrl });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await insertEvent(slow, 'slow transaction'); // takes the lower seq, not yet visible
      await heldBack(socket, 'fast transaction', () => postMessage(alice, channelId, 'fast transaction'));
      expect(socket.events.map((e) => e.data.text)).toEqual([]);
      await slow.query('COMMIT');
      await socket.until(() => socket.events.length === 2);
      expect(socket.events.map((e) => e.data.text)).toEqual(['slow transaction', 'fast transaction']);
    } finally {
      await slow.end();
    }
  });

  it('waits for an older, still-running transaction that drew the lower seq with a newer id', async () => {
    const socket = await RealtimeClient.connect(server.url, { token: alice.token });
    sockets.push(socket);
    const [first, second] = [
      new Client({ connectionString: server.databaseUrl }),
      new Client({ connectionString: server.databaseUrl }),
    ];
    await Promise.all([first.connect(), second.connect()]);
    try {
      // `second` takes its transaction id first, `first` a newer one; then `first` draws the lower seq.
      await second.query('BEGIN');
      await second.query('SELECT pg_current_xact_id()');
      await first.query('BEGIN');
      await first.query('SELECT pg_current_xact_id()');
      await insertEvent(first, 'lower seq, newer transaction');
      await insertEvent(second, 'higher seq, older transaction');
      await heldBack(socket, 'higher seq, older transaction', () => second.query('COMMIT'));
      expect(socket.events).toEqual([]);
      await first.query('COMMIT');
      await socket.until(() => socket.events.length === 2);
      expect(socket.events.map((e) => e.data.text)).toEqual([
        'lower seq, newer transaction',
        'higher seq, older transaction',
      ]);
    } finally {
      await Promise.all([first.end(), second.end()]);
    }
  });

  it('moves past a seq whose transaction rolled back', async () => {
    const socket = await RealtimeClient.connect(server.url, { token: alice.token });
    sockets.push(socket);
    const slow = new Client({ connectionString: server.databaseUrl });
    await slow.connect();
    try {
      await slow.query('BEGIN');
      await insertEvent(slow, 'rolled back');
      await heldBack(socket, 'after the hole', () => postMessage(alice, channelId, 'after the hole'));
      expect(socket.events).toEqual([]);
      await slow.query('ROLLBACK');
      await socket.next((e) => e.data?.text === 'after the hole');
      expect(socket.events.map((e) => e.data.text)).toEqual(['after the hole']);
    } finally {
      await slow.end();
    }
  });
});
