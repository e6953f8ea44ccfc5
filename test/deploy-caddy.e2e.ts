import { ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApiClient } from '../fixtures/api-client';
import {
  addToWorkspace,
  createChannel,
  createWorkspace,
  registerUser,
  TestUser,
} from '../fixtures/factories';
import { CADDY, CADDY_TESTS, itIf } from '../fixtures/optional-tests';
import { RealtimeClient } from '../fixtures/realtime-client';
import { startS3Server, S3TestServer } from '../fixtures/s3-server';
import { createTestDatabase } from './support/database';
import { eventually } from './support/eventually';
import { freePort } from './support/global-setup';
import { killGroup, spawnLogged, waitHealthy } from './support/processes';

/**
 * deploy/: Debian's caddy with deploy/Caddyfile in front of two server processes sharing PostgreSQL, the
 * cluster feed (NATS when NATS_URL is set, else PostgreSQL's NOTIFY) and an S3 server, as compose.yaml and the
 * systemd units run them. Caddy serves plain HTTP on loopback here (JOKKAER_SITE=http://…): a certificate
 * needs a public domain that an ACME CA can reach, and TLS termination is Caddy's own business; what the
 * deployment adds, and what is tested, is what lies behind it.
 */
const METRICS_TOKEN = randomBytes(16).toString('hex');
const itBehindCaddy = itIf(CADDY_TESTS);

interface Instance {
  port: number;
  child: ChildProcess;
  direct: ApiClient;
}

let s3: S3TestServer;
let instances: Instance[] = [];
let caddy: ChildProcess | undefined;
let proxy: string;
let alice: TestUser;
let bob: TestUser;
let workspaceId: string;
let channelId: string;
const sockets: RealtimeClient[] = [];

async function startInstance(databaseUrl: string): Promise<Instance> {
  const port = await freePort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOST: '127.0.0.1',
    DATABASE_URL: databaseUrl,
    DATA_DIR: await mkdtemp(path.join(tmpdir(), 'jokkaer-instance-')),
    LOG_LEVEL: 'warn',
    FILE_STORAGE: 's3',
    S3_ENDPOINT: s3.settings.endpoint,
    S3_BUCKET: s3.settings.bucket,
    S3_REGION: s3.settings.region,
    S3_FORCE_PATH_STYLE: 'true',
    S3_ACCESS_KEY_ID: s3.settings.credentials!.accessKeyId,
    S3_SECRET_ACCESS_KEY: s3.settings.credentials!.secretAccessKey,
    TRUST_PROXY: '127.0.0.1',
    METRICS_TOKEN,
  };
  if (process.env.NATS_URL) env.NATS_SUBJECT_PREFIX = `jokkaer-test-${randomBytes(4).toString('hex')}`;
  delete env.NODE_OPTIONS; // jest's
  // As jokkaer@.service runs it.
  const { child, logs } = spawnLogged(process.execPath, ['--no-node-snapshot', 'core/dist/main.js'], env);
  return { port, child, direct: await waitHealthy(child, logs, port) };
}

/** The instance's own Prometheus exposition, read directly (not through Caddy). */
async function scrape(instance: Instance): Promise<string> {
  const response = await instance.direct.request('GET', '/metrics', undefined, {
    authorization: `Bearer ${METRICS_TOKEN}`,
  });
  expect(response.status).toBe(200);
  return response.body as string;
}

/** One series' value in an exposition (0 when absent). */
function sample(exposition: string, series: string): number {
  const line = exposition.split('\n').find((candidate) => candidate.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

const openSockets = async (instance: Instance) =>
  sample(await scrape(instance), 'jokkaer_realtime_open_sockets');

/** The sockets open on each instance, once they add up to `total`. */
function socketsPerInstance(total: number): Promise<number[]> {
  return eventually(
    async () => {
      const counts = await Promise.all(instances.map(openSockets));
      return counts.reduce((sum, count) => sum + count, 0) === total ? counts : undefined;
    },
    `${total} open sockets`,
    15_000,
  );
}

async function connect(user: TestUser): Promise<RealtimeClient> {
  const socket = await RealtimeClient.connect(proxy, { token: user.token });
  sockets.push(socket);
  return socket;
}

const messagesIn = (socket: RealtimeClient) =>
  socket.events.filter((event) => event.type === 'message.created' && event.data.channelId === channelId);

beforeAll(async () => {
  if (CADDY_TESTS.missing()) return;
  s3 = await startS3Server();
  const databaseUrl = await createTestDatabase();
  instances = [await startInstance(databaseUrl), await startInstance(databaseUrl)];
  const proxyPort = await freePort();
  proxy = `http://127.0.0.1:${proxyPort}`;
  const caddyHome = await mkdtemp(path.join(tmpdir(), 'jokkaer-caddy-'));
  const started = spawnLogged(CADDY, ['run', '--config', 'deploy/Caddyfile', '--adapter', 'caddyfile'], {
    ...process.env,
    JOKKAER_SITE: proxy,
    JOKKAER_UPSTREAMS: instances.map((instance) => `127.0.0.1:${instance.port}`).join(' '),
    JOKKAER_CADDY_ADMIN: 'off',
    // Caddy keeps its certificates and last configuration there: the run's folder, not the user's.
    HOME: caddyHome,
    XDG_DATA_HOME: caddyHome,
    XDG_CONFIG_HOME: caddyHome,
  });
  caddy = started.child;
  await eventually(
    async () => {
      if (started.child.exitCode !== null) throw new Error(`caddy exited: ${JSON.stringify(started.logs)}`);
      const ready = await fetch(`${proxy}/health/ready`).catch(() => undefined);
      return ready?.status === 200 ? true : undefined;
    },
    'caddy to answer /health/ready',
    30_000,
  );

  alice = await registerUser(proxy, 'Alice');
  bob = await registerUser(proxy, 'Bob');
  workspaceId = (await createWorkspace(alice)).id;
  await addToWorkspace(alice, workspaceId, bob);
  channelId = (await createChannel(alice, workspaceId)).id;
  expect((await bob.api.post(`/api/v1/channels/${channelId}/join`)).status).toBeLessThan(300);
}, 120_000);

afterEach(() => sockets.splice(0).forEach((socket) => socket.close()));

afterAll(async () => {
  if (caddy) killGroup(caddy);
  await Promise.all(
    instances.map(async ({ child }) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      await once(child, 'exit');
    }),
  );
  await s3?.close();
}, 30_000);

describe(`two instances behind Caddy (deploy/Caddyfile), woken by ${process.env.NATS_URL ? 'NATS' : 'NOTIFY'}`, () => {
  itBehindCaddy(
    'sends the realtime sockets round robin, and a message posted through one reaches the other',
    async () => {
      const pair = [await connect(alice), await connect(alice)];
      // One socket on each instance: whichever took the post, the other socket is on the other instance.
      expect(await socketsPerInstance(2)).toEqual([1, 1]);
      const posted = await bob.api.post(`/api/v1/channels/${channelId}/messages`, { text: 'across' });
      expect(posted.status).toBe(201);
      for (const socket of pair) {
        await socket.until(() => messagesIn(socket).length === 1);
        expect(messagesIn(socket).map((event) => event.data.id)).toEqual([posted.body.id]);
      }
    },
  );

  itBehindCaddy('downloads through one instance a file uploaded through the other', async () => {
    const content = randomBytes(300 * 1024);
    const form = new FormData();
    form.append('file', new Blob([content], { type: 'application/octet-stream' }), 'shared.bin');
    const uploaded = await alice.api.post(`/api/v1/workspaces/${workspaceId}/files`, form);
    expect(uploaded.status).toBe(201);
    // Round robin: two downloads in a row are served by both instances, so one is not the uploader's.
    for (let i = 0; i < 2; i++) {
      const response = await fetch(`${proxy}/api/v1/files/${uploaded.body.id}/content`, {
        headers: { authorization: `Bearer ${alice.token}` },
      });
      expect(response.status).toBe(200);
      expect(Buffer.from(await response.arrayBuffer()).equals(content)).toBe(true);
    }
    const expositions = await Promise.all(instances.map(scrape));
    const count = (route: string, method: string, status: number) =>
      expositions.map((exposition) =>
        sample(
          exposition,
          `jokkaer_http_request_duration_seconds_count{method="${method}",route="${route}",status="${status}"}`,
        ),
      );
    expect(count('/api/v1/workspaces/:workspaceId/files', 'POST', 201).sort()).toEqual([0, 1]);
    expect(count('/api/v1/files/:fileId/content', 'GET', 200)).toEqual([1, 1]);
  });

  itBehindCaddy(
    'when the instance holding a socket is killed, the client reconnects through Caddy to the other and resumes with no gap and no repeat',
    async () => {
      // As the web client's outbox does: a post that fails is sent again with the same clientMsgId, which
      // the server stores once. Debian's Caddy (2.6) cannot resend a request body to the next instance after
      // a refused connection (caddyserver/caddy#5454), so a post sent to the dead instance before Caddy's
      // health check (every second) has marked it down is answered 502.
      let resent = 0;
      const post = async (text: string) => {
        const clientMsgId = randomUUID();
        for (let attempt = 1; ; attempt++) {
          const response = await bob.api.post(`/api/v1/channels/${channelId}/messages`, {
            text,
            clientMsgId,
          });
          if (response.status === 201) return response.body.id as string;
          expect({ text, status: response.status }).toEqual({ text, status: 502 });
          expect(attempt).toBeLessThan(5);
          resent++;
        }
      };
      const before = await connect(alice);
      const holding = instances[(await socketsPerInstance(1)).indexOf(1)];
      const survivor = instances.find((instance) => instance !== holding)!;

      const beforeKill: string[] = [];
      for (let i = 0; i < 5; i++) beforeKill.push(await post(`before ${i}`));
      await before.until(() => messagesIn(before).length === beforeKill.length);
      const lastSeq = Math.max(...before.events.map((event) => event.seq!));

      holding.child.kill('SIGKILL');
      await once(holding.child, 'exit');
      await before.closed(); // Caddy ends the tunnel when its upstream goes

      // Bob keeps talking while Alice's client reconnects and resumes: some of these are committed before the
      // new socket's hello (they come in the replay), some after (live), some while the replay runs.
      const whileAway: string[] = [];
      const talking = (async () => {
        for (let i = 0; i < 10; i++) whileAway.push(await post(`while away ${i}`));
      })();
      const after = await connect(alice);
      after.send({ type: 'resume', afterSeq: lastSeq });
      await after.next((frame) => frame.type === 'resumed', 10_000);
      await talking;
      const afterResume = [await post('after resume')];

      const expected = [...whileAway, ...afterResume];
      await after.until(() => messagesIn(after).length >= expected.length, 10_000);
      expect(messagesIn(before).map((event) => event.data.id)).toEqual(beforeKill);
      expect(messagesIn(after).map((event) => event.data.id)).toEqual(expected);
      const seqs = [...before.events, ...after.events].map((event) => event.seq!);
      expect(seqs).toEqual([...new Set(seqs)].sort((a, b) => a - b));
      // The new socket is on the survivor, the only instance left.
      expect(await openSockets(survivor)).toBe(1);
      process.stdout.write(
        `posts sent again after a 502 while Caddy had not yet marked the dead instance: ${resent}\n`,
      );
    },
    60_000,
  );
});
