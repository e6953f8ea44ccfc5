import { Clock } from '../core/src/common/clock';
import { FrameRateLimiter } from '../core/src/realtime/frame-rate-limiter';
import { RealtimeClient } from '../fixtures/realtime-client';
import { eventually } from './support/eventually';
import { createChannel, createWorkspace, registerUser } from '../fixtures/factories';
import { startTestServer, TestServer } from './support/server';

/**
 * A client that stops reading must not slow the others or grow the server's memory: past a small backlog its
 * socket is closed with 4008, and it resumes from the last seq it got, losing nothing.
 */
let server: TestServer;
beforeAll(async () => {
  server = await startTestServer({ maxBufferedBytes: 256 * 1024, ephemeralDropBytes: 16 * 1024 });
});
afterAll(() => server.close());

it('closes a stalled socket with 4008 while others keep up, and the stalled client resumes without loss', async () => {
  const alice = await registerUser(server.url, 'Alice');
  const workspace = await createWorkspace(alice);
  const channel = await createChannel(alice, workspace.id);
  const fast = await RealtimeClient.connect(server.url, { token: alice.token });
  const slow = await RealtimeClient.connect(server.url, { token: alice.token });
  const slowSocket = (slow.ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  slowSocket.pause(); // stops reading: the kernel buffers fill, then the server's backlog grows

  // ~16 MB of events: more than loopback's socket buffers can hide.
  const text = 'x'.repeat(40_000);
  const total = 400;
  const ids: string[] = [];
  const queue = Array.from({ length: total }, (_, i) => i);
  await Promise.all(
    Array.from({ length: 8 }, async () => {
      for (let i = queue.shift(); i !== undefined; i = queue.shift()) {
        const response = await alice.api.post(`/api/v1/channels/${channel.id}/messages`, {
          text,
          clientMsgId: `m${i}`,
        });
        expect(response.status).toBe(201);
        ids.push(response.body.id as string);
      }
    }),
  );
  const created = (socket: RealtimeClient) => socket.events.filter((e) => e.type === 'message.created');
  await fast.until(() => created(fast).length === total, 15_000);
  fast.close();

  slowSocket.resume();
  expect(await slow.closed(15_000)).toBe(4008);
  const got = created(slow);
  expect(got.length).toBeLessThan(total);
  const lastSeq = got.length ? (got[got.length - 1].seq as number) : (slow.hello.seq as number);

  const again = await RealtimeClient.connect(server.url, { token: alice.token });
  again.send({ type: 'resume', afterSeq: lastSeq });
  await again.next((frame) => frame.type === 'resumed', 15_000);
  again.close();
  const all = [...got, ...created(again)].map((e) => e.data.id as string);
  expect(all.length).toBe(total);
  expect(new Set(all)).toEqual(new Set(ids));
  const seqs = [...got, ...created(again)].map((e) => e.seq as number);
  expect(seqs.every((seq, i) => i === 0 || seq > seqs[i - 1])).toBe(true);
}, 60_000);

it('drops frames past the per-socket limit, says so once, and lets the client go on after a pause', async () => {
  const alice = await registerUser(server.url, 'Flooder');
  // The limiter refills on the Clock: held still, only the burst goes through, whatever the machine's pace.
  let now = Date.now();
  const clock = jest.spyOn(server.app.get(Clock), 'now').mockImplementation(() => now);
  const admit = jest.spyOn(server.app.get(FrameRateLimiter), 'admit');
  const socket = await RealtimeClient.connect(server.url, { token: alice.token });
  try {
    // Defaults: 50 frames a second in bursts of 200.
    for (let index = 0; index < 300; index++) socket.send({ type: 'ping' });
    await eventually(() => Promise.resolve(admit.mock.calls.length >= 300 || undefined), 'all 300 frames');
    // The notice follows the burst's pongs on the socket.
    await socket.until(() => socket.frames.some((frame) => frame.type === 'error'));
    const pongs = socket.frames.filter((frame) => frame.type === 'pong').length;
    const errors = socket.frames.filter((frame) => frame.type === 'error');
    expect(pongs).toBe(200);
    expect(errors).toHaveLength(1);
    expect(errors[0].error.detail).toBe(
      'Too many frames: at most 50 a second (bursts of 200); frames were dropped',
    );

    now += 400; // refills 20 tokens
    socket.send({ type: 'ping' });
    await socket.until(() => socket.frames.filter((frame) => frame.type === 'pong').length === pongs + 1);
  } finally {
    socket.close();
    admit.mockRestore();
    clock.mockRestore();
  }
});
