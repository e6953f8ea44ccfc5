import { ChildProcess, spawn } from 'node:child_process';
import { createHmac, randomBytes } from 'node:crypto';
import { createSocket } from 'node:dgram';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { RTCPeerConnection } from '@roamhq/wrtc';
import {
  callChannel,
  IceServer,
  peer,
  selectedCandidatePair,
  sendOverDataChannel,
  within,
} from '../fixtures/call-peer';
import type { TestUser } from '../fixtures/factories';
import { itIf, TURN_TESTS, TURNSERVER } from '../fixtures/optional-tests';
import { RealtimeClient } from '../fixtures/realtime-client';
import { freePort } from './support/global-setup';
import { startTestServer, TestServer } from './support/server';

/**
 * A call relayed through a real TURN server: the test runs its own coturn (Debian's, on loopback, with the
 * TURN REST shared secret the server signs credentials with), both peers use `iceTransportPolicy: 'relay'`
 * and only the ICE servers the server issued, and the data channel has to go through coturn. coturn
 * refuses credentials signed with another secret, or whose expiry has passed. CI installs coturn (.ci/run);
 * elsewhere the test needs it too, and says so rather than passing.
 */
const needsTurn = itIf(TURN_TESTS);
const secret = randomBytes(24).toString('hex');

let coturn: { process: ChildProcess; dir: string; port: number; output: string[] } | undefined;
let server: TestServer;
let alice: TestUser;
let bob: TestUser;
let channelId: string;
const closers: (() => void)[] = [];

/** Starts coturn on 127.0.0.1 with the TURN REST secret and resolves once it answers STUN. */
async function startCoturn(): Promise<NonNullable<typeof coturn>> {
  const port = await freePort();
  const minPort = 40_000 + Math.floor(Math.random() * 200) * 100;
  const dir = await mkdtemp(path.join(tmpdir(), 'jokkaer-coturn-'));
  const args = [
    '-n', // no configuration file: only these options
    '--listening-ip=127.0.0.1',
    '--relay-ip=127.0.0.1',
    `--listening-port=${port}`,
    `--min-port=${minPort}`,
    `--max-port=${minPort + 99}`,
    '--use-auth-secret',
    `--static-auth-secret=${secret}`,
    '--realm=jokkaer.test',
    '--allow-loopback-peers', // the peers' relayed addresses are on 127.0.0.1 too
    '--no-cli',
    '--no-tls',
    '--no-dtls',
    '--fingerprint',
    '--log-file=stdout',
    '--simple-log',
    `--userdb=${path.join(dir, 'turndb')}`,
    `--pidfile=${path.join(dir, 'turnserver.pid')}`,
  ];
  const child = spawn(TURNSERVER, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const output: string[] = [];
  child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString('utf8')));
  child.on('error', (error) => output.push(String(error)));
  const started = { process: child, dir, port, output };
  for (const deadline = Date.now() + 10_000; Date.now() < deadline;) {
    if (child.exitCode !== null || child.signalCode !== null) break;
    if (await answersStun(port)) return started;
  }
  await stopCoturn(started);
  throw new Error(`coturn did not start on 127.0.0.1:${port}:\n${output.join('')}`);
}

/** Whether a STUN binding request to 127.0.0.1:port gets a binding success response within 200 ms. */
function answersStun(port: number): Promise<boolean> {
  const request = Buffer.alloc(20);
  request.writeUInt16BE(0x0001, 0); // binding request, no attributes
  request.writeUInt32BE(0x2112a442, 4); // magic cookie
  randomBytes(12).copy(request, 8);
  const socket = createSocket('udp4');
  return new Promise<boolean>((resolve) => {
    const done = (answered: boolean) => {
      clearTimeout(timer);
      socket.close();
      resolve(answered);
    };
    const timer = setTimeout(() => done(false), 200);
    socket.on('error', () => done(false));
    socket.on('message', (message) => done(message.readUInt16BE(0) === 0x0101));
    socket.send(request, port, '127.0.0.1');
  });
}

async function stopCoturn(started: NonNullable<typeof coturn>): Promise<void> {
  if (started.process.exitCode === null) {
    const exited = new Promise((resolve) => started.process.once('exit', resolve));
    started.process.kill('SIGTERM');
    await within(exited, 5_000, 'coturn did not stop').catch(() => started.process.kill('SIGKILL'));
  }
  await rm(started.dir, { recursive: true, force: true });
}

beforeAll(async () => {
  if (existsSync(TURNSERVER)) coturn = await startCoturn();
  server = await startTestServer({
    stunUrls: [],
    turnUrls: coturn ? [`turn:127.0.0.1:${coturn.port}?transport=udp`] : [],
    turnSecret: secret,
    turnTtlSeconds: 600,
  });
  const setup = await callChannel(server.url, ['Alice', 'Bob']);
  [alice, bob] = setup.users;
  channelId = setup.channelId;
}, 30_000);

afterAll(async () => {
  closers.forEach((close) => close());
  await server.close();
  if (coturn) await stopCoturn(coturn);
});

function requireCoturn(): NonNullable<typeof coturn> {
  if (!coturn) throw new Error(`${TURNSERVER} is missing: install Debian's coturn to run this test`);
  return coturn;
}

/**
 * The candidates a relay-only connection gathers with these ICE servers within `ms` (or until gathering
 * completes), and the TURN error codes it met.
 */
async function gather(iceServers: IceServer[], ms = 5_000): Promise<{ types: string[]; errors: number[] }> {
  const connection = new RTCPeerConnection({ iceServers, iceTransportPolicy: 'relay' });
  closers.push(() => connection.close());
  const types: string[] = [];
  const errors: number[] = [];
  const complete = new Promise<void>((resolve) => {
    connection.onicecandidate = (event: { candidate: { candidate: string } | null }) => {
      if (!event.candidate) resolve();
      else types.push(/ typ (\w+)/.exec(event.candidate.candidate)?.[1] ?? 'unknown');
    };
    connection.onicecandidateerror = (event: { errorCode: number }) => errors.push(event.errorCode);
  });
  connection.createDataChannel('probe');
  await connection.setLocalDescription(await connection.createOffer());
  await within(complete, ms, 'gathering went on').catch(() => undefined);
  connection.close();
  return { types, errors };
}

/** A TURN REST credential for alice, as the server would sign it but with this secret and expiry. */
function credential(signedWith: string, expiry: number): IceServer {
  const username = `${expiry}:${alice.id}`;
  return {
    urls: [`turn:127.0.0.1:${requireCoturn().port}?transport=udp`],
    username,
    credential: createHmac('sha1', signedWith).update(username).digest('base64'),
  };
}

needsTurn(
  'relays a call through coturn with the TURN credentials the server issued',
  async () => {
    requireCoturn();
    const [aliceSocket, bobSocket] = await Promise.all(
      [alice, bob].map((user) => RealtimeClient.connect(server.url, { token: user.token })),
    );
    closers.push(...[aliceSocket, bobSocket].map((socket) => () => socket.ws.close()));
    const started = await alice.api.post(`/api/v1/channels/${channelId}/calls`);
    const joined = await bob.api.post(`/api/v1/channels/${channelId}/calls`);
    const callId = started.body.call.id as string;
    const issued = [started.body.iceServers, joined.body.iceServers] as IceServer[][];
    // Only TURN, with a credential each: nothing else could connect a relay-only peer.
    for (const iceServers of issued) {
      expect(iceServers).toEqual([
        {
          urls: [`turn:127.0.0.1:${coturn!.port}?transport=udp`],
          username: expect.any(String),
          credential: expect.any(String),
        },
      ]);
    }

    const relay = { iceTransportPolicy: 'relay' } as const;
    const caller = peer(aliceSocket, callId, bob.id, issued[0], relay);
    const callee = peer(bobSocket, callId, alice.id, issued[1], relay);
    closers.push(
      () => caller.connection.close(),
      () => callee.connection.close(),
    );
    await expect(sendOverDataChannel(caller, callee, 'hello through TURN')).resolves.toBe(
      'hello through TURN',
    );

    for (const { connection } of [caller, callee]) {
      const pair = await selectedCandidatePair(connection);
      expect(pair?.local).toMatchObject({ candidateType: 'relay', address: '127.0.0.1' });
      expect(pair?.remote).toMatchObject({ candidateType: 'relay', address: '127.0.0.1' });
    }
  },
  30_000,
);

needsTurn(
  'gets no relay from coturn with a credential signed with another secret, or an expired one',
  async () => {
    requireCoturn();
    const now = Math.floor(Date.now() / 1000);
    const [genuine, forged, expired] = await Promise.all([
      gather([credential(secret, now + 600)]),
      gather([credential(randomBytes(24).toString('hex'), now + 600)]),
      gather([credential(secret, now - 60)]),
    ]);
    // The same request with the right secret and a future expiry does get a relay: coturn is there.
    expect(genuine.types).toContain('relay');
    expect(forged.types).toEqual([]);
    expect(forged.errors).toContain(401);
    expect(expired.types).toEqual([]);
    expect(expired.errors).toContain(401);
  },
  30_000,
);
