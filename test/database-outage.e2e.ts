import { once } from 'node:events';
import { createServer, Server, Socket } from 'node:net';
import { Client } from 'pg';
import type { AppConfig } from '../core/src/config/config';
import { Database } from '../core/src/database/database';
import { createChannel, createWorkspace, postMessage, registerUser, TestUser } from '../fixtures/factories';
import { ApiClient, ApiResponse } from '../fixtures/api-client';
import { RealtimeClient } from '../fixtures/realtime-client';
import { WebhookReceiver } from '../fixtures/webhook-receiver';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';
import { startTestServer, TestServer } from './support/server';

/**
 * A TCP proxy between the server and PostgreSQL that can refuse connections (nothing listens) or go silent
 * (connections are accepted, and every byte either way is held back until it is restored, as in a network
 * partition that heals).
 */
class DatabaseProxy {
  private listener?: Server;
  private readonly links = new Set<{ client: Socket; upstream: Socket; held: [Socket, Buffer][] }>();
  private silent = false;
  port = 0;

  constructor(private readonly target: { host: string; port: number }) {}

  async open(): Promise<void> {
    this.listener = createServer((client) => this.link(client));
    this.listener.listen(this.port, '127.0.0.1');
    await once(this.listener, 'listening');
    this.port = (this.listener.address() as { port: number }).port;
  }

  /** Nothing listens any more and every connection is cut: connecting is refused. */
  async refuse(): Promise<void> {
    const closed = new Promise((resolve) => this.listener!.close(resolve));
    for (const { client, upstream } of this.links) {
      client.destroy();
      upstream.destroy();
    }
    this.links.clear();
    await closed;
  }

  /** Connections are accepted, and nothing goes through either way. */
  goSilent(): void {
    this.silent = true;
  }

  /** Accepts and forwards again; what a silence held back is delivered. */
  async restore(): Promise<void> {
    this.silent = false;
    for (const link of this.links) {
      for (const [to, data] of link.held.splice(0)) to.write(data);
    }
    if (!this.listener?.listening) await this.open();
  }

  async close(): Promise<void> {
    await this.refuse().catch(() => undefined);
  }

  private link(client: Socket): void {
    const upstream = new Socket();
    const link = { client, upstream, held: [] as [Socket, Buffer][] };
    this.links.add(link);
    const forward = (to: Socket) => (data: Buffer) => {
      if (this.silent || link.held.length > 0) link.held.push([to, data]);
      else to.write(data);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const cut = () => {
      this.links.delete(link);
      client.destroy();
      upstream.destroy();
    };
    for (const socket of [client, upstream]) {
      socket.on('error', cut);
      socket.on('close', cut);
    }
    upstream.connect(this.target.port, this.target.host);
  }
}

let server: TestServer;
let proxy: DatabaseProxy;
let owner: TestUser;
let channelId: string;
let socket: RealtimeClient;
const crashes: unknown[] = [];
const recordCrash = (error: unknown) => crashes.push(error);

/** A server whose pool (and LISTEN connection) reach a fresh test database only through a proxy. */
async function startBehindProxy(
  overrides: Partial<AppConfig> = {},
): Promise<{ server: TestServer; proxy: DatabaseProxy; directUrl: string }> {
  const directUrl = await createTestDatabase();
  const databaseUrl = new URL(directUrl);
  const proxy = new DatabaseProxy({ host: databaseUrl.hostname, port: Number(databaseUrl.port || 5432) });
  await proxy.open();
  databaseUrl.hostname = '127.0.0.1';
  databaseUrl.port = String(proxy.port);
  const server = await startTestServer({ ...overrides, databaseUrl: databaseUrl.toString() });
  return { server, proxy, directUrl };
}

beforeAll(async () => {
  process.on('unhandledRejection', recordCrash);
  process.on('uncaughtException', recordCrash);
  ({ server, proxy } = await startBehindProxy());
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

  it('shuts down cleanly while PostgreSQL refuses connections, with webhook deliveries still leased', async () => {
    const sink = await WebhookReceiver.start();
    sink.respondAlways(() => undefined); // every delivery hangs: one in flight, the others queued in its lane
    const stopping = await startBehindProxy({
      egressAllowNetworks: ['127.0.0.0/8'],
      webhookEndpointConcurrency: 1,
    });
    const direct = new Client({ connectionString: stopping.directUrl });
    await direct.connect();
    try {
      const user = await registerUser(stopping.server.url, 'Leaving');
      const workspace = await createWorkspace(user);
      const channel = await createChannel(user, workspace.id);
      const hook = await user.api.post(`/api/v1/workspaces/${workspace.id}/webhooks`, {
        url: sink.url,
        events: ['message.created'],
      });
      expect(hook.status).toBe(201);
      for (const text of ['one', 'two', 'three']) await postMessage(user, channel.id, text);
      await eventually(async () => {
        const { rows } = await direct.query<{ leased: number }>(
          'SELECT count(*)::int AS leased FROM webhook_deliveries WHERE locked_by IS NOT NULL',
        );
        return rows[0].leased === 3 ? true : undefined;
      }, 'the worker to lease all three deliveries');

      await stopping.proxy.refuse();
      // Releasing the queued deliveries' leases fails; they run out on their own, and shutdown goes on.
      const { result, ms } = await timed(() =>
        stopping.server.close().then(
          () => 'closed',
          (error: Error) => error.message,
        ),
      );
      expect(result).toBe('closed');
      expect(ms).toBeLessThan(10_000);
    } finally {
      await direct.end();
      await sink.close();
      await stopping.proxy.close();
    }
  }, 30_000);

  it('keeps the process up: no unhandled rejection or exception during either outage', () => {
    expect(crashes).toEqual([]);
  });
});
