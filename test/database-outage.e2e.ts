import { Database } from '../core/src/database/database';
import { createChannel, createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import { ApiClient, ApiResponse } from '../fixtures/api-client';
import { RealtimeClient } from '../fixtures/realtime-client';
import { createTestDatabase } from './support/database';
import { DatabaseProxy } from './support/database-proxy';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

let server: TestServer;
let proxy: DatabaseProxy;
let owner: TestUser;
let channelId: string;
let socket: RealtimeClient;
const crashes: unknown[] = [];
const recordCrash = (error: unknown) => crashes.push(error);

beforeAll(async () => {
  process.on('unhandledRejection', recordCrash);
  process.on('uncaughtException', recordCrash);
  // The server's pool (and its LISTEN connection) reach PostgreSQL only through the proxy.
  const databaseUrl = new URL(await createTestDatabase());
  proxy = new DatabaseProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) });
  await proxy.open();
  databaseUrl.hostname = '127.0.0.1';
  databaseUrl.port = String(proxy.port);
  server = await startTestServer({ databaseUrl: databaseUrl.toString() });
  owner = await registerUser(server.url, 'Owner');
  const workspace = await createWorkspace(owner);
  channelId = (await createChannel(owner, workspace.id)).id;
  await postMessage(owner, channelId, 'before the outage');
  socket = await RealtimeClient.connect(server.url, { token: owner.token });
});

afterAll(async () => {
  socket?.close();
  await proxy.restore();
  await server?.close();
  await proxy.close();
  process.off('unhandledRejection', recordCrash);
  process.off('uncaughtException', recordCrash);
});

/** The requests a client makes all the time: reading and posting. */
const requests: [string, (api: ApiClient) => Promise<ApiResponse>][] = [
  ['list messages', (api) => api.get(`/api/v1/channels/${channelId}/messages`)],
  ['post a message', (api) => api.post(`/api/v1/channels/${channelId}/messages`, { text: 'hello' })],
];

async function timed<T>(work: () => Promise<T>): Promise<{ result: T; ms: number }> {
  const started = performance.now();
  const result = await work();
  return { result, ms: performance.now() - started };
}

async function expectUnavailable(withinMs: number): Promise<void> {
  for (const [what, send] of requests) {
    const { result, ms } = await timed(() => send(owner.api));
    expect({ what, status: result.status, type: result.headers.get('content-type') }).toEqual({
      what,
      status: 503,
      type: 'application/problem+json; charset=utf-8',
    });
    expect(Number(result.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(JSON.stringify(result.body)).not.toMatch(/select|insert|ECONN|timeout|knex/i);
    expect(ms).toBeLessThan(withinMs);
  }
  const { result: health, ms } = await timed(() => owner.api.get('/health'));
  expect(health.status).toBe(503);
  expect(ms).toBeLessThan(withinMs);
  // Not ready for traffic, yet alive: an orchestrator stops routing to it rather than restarting it.
  expect(await owner.api.get('/health/ready')).toMatchObject({
    status: 503,
    body: { status: 'unavailable', reason: 'database unavailable' },
  });
  expect(await owner.api.get('/health/live')).toMatchObject({ status: 200, body: { status: 'ok' } });
  const opening = await timed(() =>
    RealtimeClient.connect(server.url, { token: owner.token }).then(
      (client) => client.close(),
      (error: Error) => error.message,
    ),
  );
  expect(opening.result).toBe('upgrade refused with 503');
  expect(opening.ms).toBeLessThan(withinMs);
}

/** Once the database answers again, the same requests succeed and events flow again, with no restart. */
async function expectRecovered(): Promise<void> {
  await eventually(
    async () => ((await owner.api.get('/health')).status === 200 ? true : undefined),
    'the health check to pass again',
    15_000,
  );
  expect(await owner.api.get('/health/ready')).toMatchObject({ status: 200, body: { status: 'ok' } });
  for (const [what, send] of requests) {
    const { status } = await send(owner.api);
    expect({ what, succeeded: status < 300 }).toEqual({ what, succeeded: true });
  }
  const text = `after the outage ${Math.random()}`;
  await postMessage(owner, channelId, text);
  await socket.next((frame) => frame.type === 'message.created' && frame.data.text === text);
}

describe('a database outage', () => {
  it('answers 503 with Retry-After at once while PostgreSQL refuses connections, and recovers', async () => {
    await proxy.refuse();
    await expectUnavailable(5_000);
    await proxy.restore();
    await expectRecovered();
  });

  it('answers 503 within seconds, not 30, while PostgreSQL accepts but never answers, and recovers', async () => {
    proxy.goSilent();
    // The first requests find the pool's connections gone silent; later ones cannot open new ones.
    await expectUnavailable(7_000);
    await expectUnavailable(7_000);
    await proxy.restore();
    await expectRecovered();
  });

  it('gives up on a transaction whose connection goes silent once, not again for its rollback', async () => {
    const db = server.app.get(Database);
    const { result, ms } = await timed(() =>
      db
        .transaction(async () => {
          await db.conn.raw('SELECT 1');
          proxy.goSilent();
          await db.conn.raw('SELECT 2');
        })
        .then(
          () => 'committed',
          (error: Error) => error.message,
        ),
    );
    expect(result).toMatch(/Connection terminated|Query read timeout/);
    expect(ms).toBeLessThan(7_000); // the statement timeout and its grace, once
    await proxy.restore();
    await expectRecovered();
  });

  it('keeps the process up: no unhandled rejection or exception during either outage', () => {
    expect(crashes).toEqual([]);
  });
});
