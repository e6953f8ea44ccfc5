// Benchmark (not a test): simulated users against the real server, in steps of more and more users, until the
// server is no longer healthy. Run with `npm run bench:load` (builds first). Loopback only, bounded in time and
// count, cleans up after itself (the database it creates is dropped).
//
// Each user has one realtime socket (bearer token, as a native client) and acts after an exponentially
// distributed think time with Mattermost's ceiling-test mix, SwitchChannel 6.52 : ScrollChannel 1.99 :
// CreatePost 1.0. SwitchChannel is what a client does when opening a channel: the channel and its first page of
// 30 messages (in parallel), then marks it read when the server has read state; ScrollChannel is the next page
// by cursor (the first again past the end); CreatePost posts in the current channel, 15% as a reply in a thread
// of that page. Every post carries its send time in its clientMsgId, so every member's socket measures the
// delivery latency and counts what it should receive: lost (a member never got it) and duplicated (twice).
// Layout: one workspace, BENCH_CHANNELS public channels each seeded with BENCH_SEED_MESSAGES messages, every
// user a member of BENCH_CHANNELS_PER_USER of them; all set up through the API, registration included. The
// server's per-client limits (registration, API rate) are raised through their environment variables: one
// load generator on one address stands for thousands of clients.
//
// The server runs in its own process (core/dist/main.js), so its CPU and memory are its own (those of its whole
// process tree: with SERVER_WORKERS > 1 that process supervises and its workers serve); the load generator
// is this process's main thread (keep-alive HTTP agent, one `ws` socket per user). PostgreSQL's CPU is that of
// the backends serving the benchmark's database (pg_stat_activity's pids, read in /proc). Everything shares the
// machine's cores: the generator's figures say how much of them it took.
//
// Health (Mattermost's, plus realtime): average request <= 100 ms, p99 <= 2 s, errors <= 0.025%, realtime
// delivery p99 <= 1 s, nothing lost or duplicated. The steps stop at the first unhealthy one.
//
// Environment: BENCH_STEPS (users per step, default 250,500,1000,2000), BENCH_STEP_SECONDS (measured time per
// step, default 60), BENCH_WARMUP_SECONDS (acting before each step is measured, default 5), BENCH_THINK_MS (mean
// think time, default 5000), BENCH_CHANNELS (50), BENCH_CHANNELS_PER_USER (8), BENCH_SEED_MESSAGES (40 per
// channel), BENCH_GRACE_MS (longest wait for deliveries after a step, default 5000), BENCH_SETUP_CONCURRENCY
// (16), BENCH_REQUEST_TIMEOUT_MS (10000: a slower request is an error), BENCH_REQUIRE_HEALTHY=<users> (exit 1
// unless that step was healthy), DATABASE_URL (else an embedded PostgreSQL), DB_POOL_MAX and any other server
// variable (passed to the server process), LOG_LEVEL (server log level, default warn), BENCH_IDLE_SOCKETS
// (default 2000; 0 skips it): before the steps, that many users' sockets are opened and left idle, and the
// server's RSS growth per socket is reported (issue 13's goal: <= 50 KB each).
import { Buffer } from 'node:buffer';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import WebSocket from 'ws';
import {
  closeSockets,
  createChannel,
  createWorkspace,
  envInt,
  expectStatus,
  fileLimits,
  formatTable,
  log,
  machineCpuTicks,
  parseFrame,
  pool,
  processCpuSeconds,
  processTreeCpuSeconds,
  processTreeRssMiB,
  provisionDatabase,
  registerUser,
  resultHeader,
  round,
  runBenchmark,
  serverLogger,
  startServerProcess,
  summariseValues,
  UNLIMITED_ENV,
} from '../support.mjs';

const HEALTH = { avgMs: 100, p99Ms: 2000, errorRate: 0.00025, realtimeP99Ms: 1000 };
/** Mattermost's ceiling-test action weights. */
const MIX = [
  ['switch', 6.52],
  ['scroll', 1.99],
  ['post', 1.0],
];
const MIX_TOTAL = MIX.reduce((sum, [, weight]) => sum + weight, 0);
const REPLY_SHARE = 0.15;
const PAGE = 30;
/** Request kinds, in table order. */
const KINDS = ['channel', 'messages', 'read', 'scroll', 'post', 'reply'];
const TEXT = 'Load test message: the quick brown fox jumps over the lazy dog, again and again. :tada:';

const steps = (process.env.BENCH_STEPS || '250,500,1000,2000').split(',').map((s) => {
  const users = Number(s.trim());
  if (!Number.isInteger(users) || users < 1) throw new Error('BENCH_STEPS must be positive integers');
  return users;
});
const stepSeconds = envInt('BENCH_STEP_SECONDS', 60, 1);
const warmupSeconds = envInt('BENCH_WARMUP_SECONDS', 5, 0);
const thinkMs = envInt('BENCH_THINK_MS', 5000, 1);
const channelCount = envInt('BENCH_CHANNELS', 50, 1);
const channelsPerUser = Math.min(channelCount, envInt('BENCH_CHANNELS_PER_USER', 8, 1));
const seedMessages = envInt('BENCH_SEED_MESSAGES', 40, 0);
const graceMs = envInt('BENCH_GRACE_MS', 5000, 0);
const setupConcurrency = envInt('BENCH_SETUP_CONCURRENCY', 16, 1);
const requestTimeoutMs = envInt('BENCH_REQUEST_TIMEOUT_MS', 10_000, 1);
const requireHealthy = envInt('BENCH_REQUIRE_HEALTHY', 0, 0);
const idleSockets = envInt('BENCH_IDLE_SOCKETS', 2000, 0);
/** Issue 13's goal for an idle socket's memory. */
const IDLE_SOCKET_GOAL_KIB = 50;
const logLevel = process.env.LOG_LEVEL || 'warn';

const thinkTime = () => -Math.log(1 - Math.random()) * thinkMs;
const pick = (list) => list[Math.floor(Math.random() * list.length)];

/** One step's figures as they are recorded; `measuring` is false during its warm-up. */
function newStepStats() {
  return {
    measuring: false,
    latencies: Object.fromEntries(KINDS.map((kind) => [kind, []])),
    errors: Object.fromEntries(KINDS.map((kind) => [kind, 0])),
    statusCodes: {},
    firstError: undefined,
    realtime: [],
    duplicated: 0,
  };
}

/** The simulated clients: HTTP over one keep-alive agent, a socket each, actions, delivery bookkeeping. */
function createLoad(base) {
  const origin = new URL(base);
  // No cap on connections: a request never queues here behind others (each client would have its own).
  const agent = new http.Agent({ keepAlive: true, maxFreeSockets: 4096 });
  const tag = randomBytes(4).toString('hex');
  const users = [];
  const posts = [];
  let stats = newStepStats();
  let running = false;
  let inFlightActions = 0;
  let lastFrameAt = performance.now();
  let readState = false;

  /** One request; resolves { status, body } (status 0 on a network error or timeout), never rejects. */
  function request(method, pathname, token, payload) {
    return new Promise((resolve) => {
      const body = payload === undefined ? undefined : JSON.stringify(payload);
      const headers = { authorization: `Bearer ${token}` };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
        headers['content-length'] = Buffer.byteLength(body);
      }
      const req = http.request(
        { agent, host: origin.hostname, port: origin.port, method, path: pathname, headers },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let parsed = text;
            try {
              parsed = JSON.parse(text);
            } catch {
              // not JSON: kept as text for the error message
            }
            resolve({ status: response.statusCode, body: parsed });
          });
          response.on('error', (error) => resolve({ status: 0, body: error.message }));
        },
      );
      req.setTimeout(requestTimeoutMs, () =>
        req.destroy(new Error(`no answer within ${requestTimeoutMs} ms`)),
      );
      req.on('error', (error) => resolve({ status: 0, body: error.message }));
      req.end(body);
    });
  }

  /** A request of `kind`, timed and counted in the current step's figures. */
  async function call(kind, method, pathname, token, payload) {
    // A request started in the measured time counts, however late it ends.
    const counted = stats;
    const measured = counted.measuring;
    const started = performance.now();
    const response = await request(method, pathname, token, payload);
    const ms = performance.now() - started;
    if (measured) {
      counted.latencies[kind].push(ms);
      counted.statusCodes[response.status] = (counted.statusCodes[response.status] ?? 0) + 1;
      if (response.status < 200 || response.status >= 300) {
        counted.errors[kind]++;
        counted.firstError ??= `${kind} ${method} ${pathname}: ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`;
      }
    }
    return response;
  }

  async function switchChannel(user) {
    const others = user.channels.filter((c) => c !== user.current);
    const channel = others.length ? pick(others) : user.current;
    const id = user.channelIds[channel];
    const [, page] = await Promise.all([
      call('channel', 'GET', `/api/v1/channels/${id}`, user.token),
      call('messages', 'GET', `/api/v1/channels/${id}/messages?limit=${PAGE}`, user.token),
    ]);
    user.current = channel;
    user.cursor = page.body?.nextCursor ?? undefined;
    const items = Array.isArray(page.body?.items) ? page.body.items : [];
    user.roots = items.filter((m) => !m.threadId).map((m) => m.id);
    if (readState && items.length)
      await call('read', 'POST', `/api/v1/channels/${id}/read`, user.token, { messageId: items[0].id });
  }

  async function scrollChannel(user) {
    const id = user.channelIds[user.current];
    const cursor = user.cursor ? `&cursor=${encodeURIComponent(user.cursor)}` : '';
    const page = await call(
      'scroll',
      'GET',
      `/api/v1/channels/${id}/messages?limit=${PAGE}${cursor}`,
      user.token,
    );
    user.cursor = page.body?.nextCursor ?? undefined;
  }

  async function createPost(user) {
    const channel = user.current;
    const threadId = user.roots.length && Math.random() < REPLY_SHARE ? pick(user.roots) : undefined;
    const index = posts.length;
    const sentAt = performance.now();
    const post = {
      channel,
      members: channelMembers(channel),
      received: new Uint8Array(users.length),
      stats,
      measured: stats.measuring,
      ok: false,
      doneAt: 0,
    };
    posts.push(post);
    const response = await call(
      threadId ? 'reply' : 'post',
      'POST',
      `/api/v1/channels/${user.channelIds[channel]}/messages`,
      user.token,
      { text: TEXT, clientMsgId: `${tag}:${index}:${sentAt.toFixed(3)}`, ...(threadId ? { threadId } : {}) },
    );
    post.ok = response.status === 201;
    post.doneAt = performance.now();
  }

  const actions = { switch: switchChannel, scroll: scrollChannel, post: createPost };

  function nextAction() {
    let r = Math.random() * MIX_TOTAL;
    for (const [name, weight] of MIX) {
      r -= weight;
      if (r < 0) return actions[name];
    }
    return actions[MIX[MIX.length - 1][0]];
  }

  function schedule(user) {
    user.timer = setTimeout(async () => {
      user.timer = undefined;
      if (!running) return;
      inFlightActions++;
      try {
        await nextAction()(user);
      } finally {
        inFlightActions--;
      }
      if (running) schedule(user);
    }, thinkTime());
  }

  /** Indexes of the users (sockets) that belong to `channel`. */
  function channelMembers(channel) {
    return users.filter((u) => u.channels.includes(channel)).map((u) => u.index);
  }

  function onFrame(user, data) {
    const receivedAt = performance.now();
    lastFrameAt = receivedAt;
    const frame = parseFrame(data);
    if (frame?.type !== 'message.created') return;
    const parts = typeof frame.data?.clientMsgId === 'string' ? frame.data.clientMsgId.split(':') : [];
    if (parts[0] !== tag) return;
    const post = posts[Number(parts[1])];
    if (!post) return;
    if (post.received[user.index]) {
      post.stats.duplicated++;
      return;
    }
    post.received[user.index] = 1;
    if (post.measured) post.stats.realtime.push(receivedAt - Number(parts[2]));
  }

  function connect(user) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${origin.host}/api/v1/realtime`, {
        headers: { authorization: `Bearer ${user.token}` },
        perMessageDeflate: false,
      });
      user.ws = ws;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`user ${user.index}: no hello within 30 s`));
      }, 30_000);
      ws.on('message', (data) => {
        if (user.greeted) return onFrame(user, data);
        clearTimeout(timer);
        if (parseFrame(data)?.type !== 'hello')
          return reject(
            new Error(`user ${user.index}: first frame was not hello: ${String(data).slice(0, 200)}`),
          );
        user.greeted = true;
        lastFrameAt = performance.now();
        resolve();
      });
      ws.on('close', (code) => (user.closeCode = code));
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`user ${user.index}: ${error.message}`));
      });
      ws.on('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`user ${user.index}: upgrade refused with ${response.statusCode}`));
      });
    });
  }

  return {
    request,
    users,
    enableReadState: () => (readState = true),
    /** Adds a user (already a member of `channels`) and opens their socket. */
    async add(token, channelIds, channels) {
      const user = {
        index: users.length,
        token,
        channelIds,
        channels,
        current: channels[0],
        cursor: undefined,
        roots: [],
        greeted: false,
      };
      users.push(user);
      await connect(user);
    },
    /** Waits (at most `maxMs`) until no frame arrived for a second: presence after connecting, late deliveries. */
    async quiet(maxMs) {
      const start = performance.now();
      while (performance.now() - lastFrameAt < 1000 && performance.now() - start < maxMs) await sleep(50);
    },
    /**
     * Runs one step: warm-up, measured time (`onStart` and `onEnd` awaited at its edges), then waits for the
     * answers and deliveries; its figures.
     */
    async runStep({ onStart, onEnd }) {
      const firstPost = posts.length;
      stats = newStepStats();
      running = true;
      for (const user of users) schedule(user);
      await sleep(warmupSeconds * 1000);
      await onStart();
      stats.measuring = true;
      const started = performance.now();
      await sleep(stepSeconds * 1000);
      stats.measuring = false;
      const measuredSeconds = (performance.now() - started) / 1000;
      await onEnd();
      running = false;
      for (const user of users) clearTimeout(user.timer);
      const stopAt = performance.now();
      while (inFlightActions > 0 && performance.now() - stopAt < requestTimeoutMs + 2000) await sleep(20);
      // Deliveries: until every member has every post, or `graceMs` after the last answer.
      const stepPosts = posts.slice(firstPost).filter((p) => p.ok);
      const missing = () => {
        let lost = 0;
        for (const post of stepPosts) for (const member of post.members) lost += 1 - post.received[member];
        return lost;
      };
      const lastAnswer = stepPosts.reduce((latest, p) => Math.max(latest, p.doneAt), stopAt);
      while (missing() > 0 && performance.now() < lastAnswer + graceMs) await sleep(20);
      const closed = users.filter((u) => u.closeCode !== undefined).length;
      return { stats, measuredSeconds, posts: stepPosts.length, lost: missing(), closed };
    },
    async close() {
      running = false;
      for (const user of users) clearTimeout(user.timer);
      await closeSockets(users.map((user) => user.ws));
      agent.destroy();
    },
  };
}

/** The workspace, channels and seed messages, through the API: { owner, workspaceId, channelIds }. */
async function setUpWorkspace(base, suffix) {
  const owner = await registerUser(base, suffix, 'owner');
  const workspace = await createWorkspace(base, suffix, owner.token);
  const channelIds = [];
  for (let c = 0; c < channelCount; c++)
    channelIds.push((await createChannel(base, workspace.id, `load-${c}`, owner.token)).id);
  const seeds = channelIds.flatMap((id) => Array.from({ length: seedMessages }, (_, k) => ({ id, k })));
  await pool(seeds, setupConcurrency, ({ id, k }) =>
    expectStatus(
      'seed message',
      201,
      'POST',
      `${base}/api/v1/channels/${id}/messages`,
      { text: `Seed message ${k}: ${TEXT}` },
      owner.token,
    ),
  );
  return { owner, workspaceId: workspace.id, channelIds };
}

/** Whether the server has read state (POST /channels/:id/read): answers 2xx rather than 404. */
async function probeReadState(load, owner, channelId) {
  const page = await load.request('GET', `/api/v1/channels/${channelId}/messages?limit=1`, owner.token);
  const messageId = page.body?.items?.[0]?.id;
  if (!messageId) return false;
  const { status } = await load.request('POST', `/api/v1/channels/${channelId}/read`, owner.token, {
    messageId,
  });
  return status >= 200 && status < 300;
}

/**
 * Registers users until there are `total` (each joining the workspace and their channels), in index order:
 * [{ token, channels }].
 */
async function registerUsers(base, setup, suffix, registered, total) {
  const indexes = Array.from(
    { length: Math.max(0, total - registered.length) },
    (_, k) => registered.length + k,
  );
  const invites = new Map();
  const inviteFor = async (index) => {
    const batch = Math.floor(index / 1000);
    if (!invites.has(batch)) {
      invites.set(
        batch,
        expectStatus(
          'create invite',
          201,
          'POST',
          `${base}/api/v1/workspaces/${setup.workspaceId}/invites`,
          { maxUses: 1000 },
          setup.owner.token,
        ),
      );
    }
    return (await invites.get(batch)).code;
  };
  await pool(indexes, setupConcurrency, async (index) => {
    const { token } = await registerUser(base, suffix, `user${index}`);
    await expectStatus(
      'accept invite',
      200,
      'POST',
      `${base}/api/v1/invites/${await inviteFor(index)}/accept`,
      {},
      token,
    );
    // User u is in channels u·k … u·k + k - 1 (mod the channel count): every channel gets as many members.
    const channels = Array.from(
      { length: channelsPerUser },
      (_, k) => (index * channelsPerUser + k) % channelCount,
    );
    for (const channel of channels) {
      await expectStatus(
        'join channel',
        200,
        'POST',
        `${base}/api/v1/channels/${setup.channelIds[channel]}/join`,
        {},
        token,
      );
    }
    registered[index] = { token, channels };
  });
  return registered;
}

/**
 * Registers users up to `total` (those not registered yet), then opens the new users' sockets: the server's
 * RSS just before and once the new sockets are open and quiet ({ before, after } MiB).
 */
async function growUsers(base, serverPid, setup, load, suffix, registered, total) {
  const started = performance.now();
  const first = load.users.length;
  await registerUsers(base, setup, suffix, registered, total);
  const registeredAt = performance.now();
  const before = processTreeRssMiB(serverPid);
  // Sockets in index order, so a user's index is its place in the load's list.
  for (let index = first; index < total; index += setupConcurrency) {
    await Promise.all(
      registered
        .slice(index, Math.min(total, index + setupConcurrency))
        .map((user) => load.add(user.token, setup.channelIds, user.channels)),
    );
  }
  await load.quiet(60_000);
  const after = processTreeRssMiB(serverPid);
  log(
    `${total} users: registered and joined in ${((registeredAt - started) / 1000).toFixed(1)} s, ` +
      `${total - first} sockets open in ${((performance.now() - registeredAt) / 1000).toFixed(1)} s; server RSS ${before} → ${after} MiB`,
  );
  return { before, after };
}

/** The server's RSS once it has been steady for a moment: the median of a few readings (garbage collection). */
async function steadyRssMiB(serverPid) {
  const readings = [];
  for (let i = 0; i < 5; i++) {
    await sleep(200);
    readings.push(processTreeRssMiB(serverPid));
  }
  return readings.sort((a, b) => a - b)[2];
}

/**
 * What an idle authenticated socket costs the server: `count` users' sockets opened (each a member of its
 * channels, as in the steps), left quiet, then closed. (server RSS with them − before) / count.
 */
async function measureIdleSockets(base, serverPid, registered, count) {
  const origin = new URL(base);
  let lastFrameAt = performance.now();
  const open = (token) =>
    new Promise((resolve, reject) => {
      const ws = new WebSocket(`ws://${origin.host}/api/v1/realtime`, {
        headers: { authorization: `Bearer ${token}` },
        perMessageDeflate: false,
      });
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error('idle socket: no hello within 30 s'));
      }, 30_000);
      ws.on('message', () => {
        clearTimeout(timer);
        lastFrameAt = performance.now();
        resolve(ws);
      });
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      ws.on('unexpected-response', (_request, response) =>
        reject(new Error(`idle socket: upgrade refused with ${response.statusCode}`)),
      );
    });
  const before = await steadyRssMiB(serverPid);
  const sockets = [];
  const started = performance.now();
  try {
    for (let i = 0; i < count; i += setupConcurrency) {
      sockets.push(
        ...(await Promise.all(
          registered.slice(i, Math.min(count, i + setupConcurrency)).map((user) => open(user.token)),
        )),
      );
    }
    // Quiet: presence frames about the new sockets have all arrived.
    while (performance.now() - lastFrameAt < 1000 && performance.now() - started < 120_000) await sleep(50);
    const after = await steadyRssMiB(serverPid);
    const kibPerSocket = round(((after - before) * 1024) / count, 1);
    log(`${count} idle sockets: server RSS ${before} → ${after} MiB, ${kibPerSocket} KiB per socket`);
    return { count, rssBeforeMiB: before, rssAfterMiB: after, kibPerSocket };
  } finally {
    await closeSockets(sockets);
  }
}

/** CPU seconds so far of the server's process tree, of each PostgreSQL backend serving `database`, of this process. */
async function cpuSnapshot(admin, database, serverPid) {
  const { rows } = await admin.query('SELECT pid FROM pg_stat_activity WHERE datname = $1', [database]);
  const generator = process.cpuUsage();
  return {
    at: performance.now(),
    elu: performance.eventLoopUtilization(),
    server: processTreeCpuSeconds(serverPid),
    postgres: new Map(rows.map((r) => [r.pid, processCpuSeconds(r.pid)]).filter(([, cpu]) => cpu !== null)),
    generator: (generator.user + generator.system) / 1e6,
    machine: machineCpuTicks(),
  };
}

/** Cores used between two snapshots: server, PostgreSQL backends, load generator (and its thread's busy share). */
function cpuBetween(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const cores = (a, b) => (a === null || b === null ? null : round((b - a) / seconds, 2));
  // A backend started meanwhile counts whole; one that ended meanwhile is missed (the pool keeps them open).
  let postgres = 0;
  for (const [pid, cpu] of after.postgres) postgres += cpu - (before.postgres.get(pid) ?? 0);
  const serverCores = cores(before.server, after.server);
  const generatorCores = cores(before.generator, after.generator);
  // Every process on the machine (USER_HZ ticks); what the three above leave is other work sharing the cores.
  const machineCores =
    before.machine && after.machine
      ? round((after.machine.busy - before.machine.busy) / 100 / seconds, 2)
      : null;
  return {
    serverCores,
    postgresCores: round(postgres / seconds, 2),
    generatorCores,
    machineCores,
    otherCores:
      machineCores === null
        ? null
        : round(Math.max(0, machineCores - serverCores - postgres / seconds - generatorCores), 2),
    generatorThreadBusy: round(performance.eventLoopUtilization(after.elu, before.elu).utilization, 2),
  };
}

/** The figures of one step, health included. */
function summariseStep(users, result, cpu, memory) {
  const { stats, measuredSeconds } = result;
  const all = KINDS.flatMap((kind) => stats.latencies[kind]);
  const total = summariseValues(all, { digits: 1 });
  const errors = KINDS.reduce((n, kind) => n + stats.errors[kind], 0);
  const realtime = summariseValues(stats.realtime, { digits: 1 });
  const kinds = KINDS.map((kind) => ({
    kind,
    ...summariseValues(stats.latencies[kind], { digits: 1 }),
    perSecond: round(stats.latencies[kind].length / measuredSeconds, 1),
    errors: stats.errors[kind],
  })).filter((k) => k.count > 0);
  const errorRate = total.count ? errors / total.count : 1;
  const checks = {
    avg: total.mean !== null && total.mean <= HEALTH.avgMs,
    p99: total.p99 !== null && total.p99 <= HEALTH.p99Ms,
    errors: errorRate <= HEALTH.errorRate,
    // No post in the step, nothing to deliver: what was posted and not delivered counts as lost.
    realtimeP99: realtime.count === 0 || realtime.p99 <= HEALTH.realtimeP99Ms,
    lost: result.lost === 0,
    duplicated: stats.duplicated === 0,
    socketsOpen: result.closed === 0,
  };
  return {
    users,
    requestsPerSecond: round(total.count / measuredSeconds, 1),
    requests: total,
    kinds,
    errors,
    errorRate,
    statusCodes: stats.statusCodes,
    firstError: stats.firstError,
    realtime,
    posts: result.posts,
    lost: result.lost,
    duplicated: stats.duplicated,
    socketsClosed: result.closed,
    ...cpu,
    ...memory,
    generatorRssMiB: round(process.memoryUsage().rss / 1024 / 1024, 1),
    loadAverage: round(os.loadavg()[0], 2),
    checks,
    healthy: Object.values(checks).every(Boolean),
  };
}

function kindsTable(step) {
  return formatTable(
    ['request', 'count', 'req/s', 'avg ms', 'p50 ms', 'p99 ms', 'max ms', 'errors'],
    [
      ...step.kinds.map((k) => [k.kind, k.count, k.perSecond, k.mean, k.p50, k.p99, k.max, k.errors]),
      [
        'all',
        step.requests.count,
        step.requestsPerSecond,
        step.requests.mean,
        step.requests.p50,
        step.requests.p99,
        step.requests.max,
        step.errors,
      ],
    ],
  );
}

function stepsTable(rows) {
  return formatTable(
    [
      'users',
      'req/s',
      'avg ms',
      'p50 ms',
      'p99 ms',
      'rt p50',
      'rt p99',
      'lost',
      'dup',
      'errors',
      'server CPU',
      'server RSS MiB',
      'idle RSS MiB',
      'ΔRSS KiB/socket',
      'PG CPU',
      'gen CPU',
      'other CPU',
      'healthy',
    ],
    rows.map((s) => [
      s.users,
      s.requestsPerSecond,
      s.requests.mean,
      s.requests.p50,
      s.requests.p99,
      s.realtime.p50,
      s.realtime.p99,
      s.lost,
      s.duplicated,
      `${s.errors} (${round(s.errorRate * 100, 3)}%)`,
      s.serverCores,
      s.serverRssMiB,
      s.idleServerRssMiB,
      s.idleKiBPerSocket,
      s.postgresCores,
      s.generatorCores,
      s.otherCores,
      s.healthy
        ? 'yes'
        : `no: ${Object.entries(s.checks)
            .filter(([, ok]) => !ok)
            .map(([name]) => name)
            .join(', ')}`,
    ]),
  );
}

async function main() {
  const largest = Math.max(...steps, idleSockets);
  // This process holds a socket per user and the HTTP connections (at most one per request in flight).
  const limits = fileLimits();
  const fdsNeeded = 3 * largest + 200;
  if (limits.soft !== undefined && limits.soft < fdsNeeded) {
    throw new Error(
      `the open-file limit (${limits.soft}) is below the ~${fdsNeeded} these steps need: raise it (ulimit -n) or lower BENCH_STEPS`,
    );
  }
  const { startEmbeddedPostgres } = await import('../../core/dist/database/embedded-postgres.js');

  await runBenchmark(async ({ tmp, cleanups }) => {
    const { benchUrl, pgLabel, database } = await provisionDatabase({
      tmp,
      cleanups,
      startEmbeddedPostgres,
      logger: serverLogger(logLevel),
    });
    const admin = new pg.Client({ connectionString: benchUrl });
    admin.on('error', () => undefined);
    await admin.connect();
    cleanups.push(() => admin.end());

    const server = await startServerProcess({
      databaseUrl: benchUrl,
      dataDir: path.join(tmp, 'data'),
      logLevel,
    });
    cleanups.push(() => server.stop());
    log(
      `server process ${server.pid} at ${server.base}; raised limits: ${Object.keys(UNLIMITED_ENV).join(', ')}`,
    );

    const suffix = randomBytes(4).toString('hex');
    const setupStarted = performance.now();
    const setup = await setUpWorkspace(server.base, suffix);
    log(
      `${channelCount} channels, ${channelCount * seedMessages} seed messages in ${((performance.now() - setupStarted) / 1000).toFixed(1)} s`,
    );
    const load = createLoad(server.base);
    cleanups.push(() => load.close());
    const readState = await probeReadState(load, setup.owner, setup.channelIds[0]);
    if (readState) load.enableReadState();
    log(
      `read state: ${readState ? 'on (SwitchChannel marks the channel read)' : 'absent (SwitchChannel does not mark read)'}`,
    );

    const registered = [];
    let idle = null;
    if (idleSockets > 0) {
      await registerUsers(server.base, setup, suffix, registered, idleSockets);
      idle = await measureIdleSockets(server.base, server.pid, registered, idleSockets);
    }

    const results = [];
    for (const users of [...new Set(steps)].sort((a, b) => a - b)) {
      const added = users - load.users.length;
      const rss = await growUsers(server.base, server.pid, setup, load, suffix, registered, users);
      // The server's RSS with every socket open and quiet, and how much opening the new ones added to it.
      const idleServerRssMiB = rss.after;
      const idleKiBPerSocket = round(((rss.after - rss.before) * 1024) / added, 1);
      log(`step ${users} users: ${warmupSeconds} s warm-up, ${stepSeconds} s measured`);
      let before;
      let cpu;
      let serverRssMiB;
      const result = await load.runStep({
        onStart: async () => {
          before = await cpuSnapshot(admin, database, server.pid);
        },
        onEnd: async () => {
          cpu = cpuBetween(before, await cpuSnapshot(admin, database, server.pid));
          serverRssMiB = processTreeRssMiB(server.pid);
        },
      });
      const step = summariseStep(users, result, cpu, { serverRssMiB, idleServerRssMiB, idleKiBPerSocket });
      results.push(step);
      console.log('');
      console.log(`step: ${users} users, ${stepSeconds} s — ${step.healthy ? 'healthy' : 'NOT healthy'}`);
      console.log(kindsTable(step));
      console.log(
        `realtime: p50 ${step.realtime.p50} ms, p99 ${step.realtime.p99} ms, max ${step.realtime.max} ms over ${step.realtime.count} deliveries ` +
          `of ${step.posts} posts; lost ${step.lost}, duplicated ${step.duplicated}, sockets closed ${step.socketsClosed}; ` +
          `server ${step.serverCores} cores, ${step.serverRssMiB} MiB (${step.idleServerRssMiB} MiB idle before the step, ` +
          `${step.idleKiBPerSocket} KiB more per socket opened before it); PostgreSQL ${step.postgresCores} cores; ` +
          `load generator ${step.generatorCores} cores (thread busy ${step.generatorThreadBusy}), ${step.generatorRssMiB} MiB; ` +
          `machine ${step.machineCores} cores busy, ${step.otherCores} by other work; load average ${step.loadAverage}`,
      );
      if (step.firstError) console.log(`first error: ${step.firstError}`);
      if (!step.healthy) break;
      await load.quiet(10_000);
    }

    const healthy = results.filter((s) => s.healthy).map((s) => s.users);
    const largestHealthy = healthy.length ? Math.max(...healthy) : null;
    console.log('');
    console.log(
      `Load test — think time ${thinkMs} ms (exponential), mix SwitchChannel 6.52 : ScrollChannel 1.99 : CreatePost 1.0 ` +
        `(${REPLY_SHARE * 100}% replies), ${channelCount} channels × ${seedMessages} seed messages, ${channelsPerUser} channels per user, ` +
        `${stepSeconds} s per step after ${warmupSeconds} s warm-up, ${pgLabel} PostgreSQL, ${os.cpus().length} CPUs, ` +
        `read state ${readState ? 'on' : 'absent'}; per-client limits raised (${Object.keys(UNLIMITED_ENV).join(', ')})`,
    );
    console.log(
      `health: avg <= ${HEALTH.avgMs} ms, p99 <= ${HEALTH.p99Ms} ms, errors <= ${HEALTH.errorRate * 100}%, ` +
        `realtime p99 <= ${HEALTH.realtimeP99Ms} ms, nothing lost or duplicated (CPU in cores; rt = realtime delivery ms; ` +
        `idle RSS: the server's with every socket open before the step, ΔRSS KiB/socket its change while the step's new sockets opened, per socket: garbage collection makes it ` +
        `noisy, even negative; ` +
        `other CPU: the machine's busy cores minus server, PostgreSQL backends and generator)`,
    );
    console.log('');
    console.log(stepsTable(results));
    console.log('');
    console.log(`largest healthy step: ${largestHealthy === null ? 'none' : `${largestHealthy} users`}`);
    if (idle) {
      console.log(
        `idle sockets: ${idle.count} authenticated sockets opened on a quiet server took its RSS from ` +
          `${idle.rssBeforeMiB} to ${idle.rssAfterMiB} MiB: ${idle.kibPerSocket} KiB per socket ` +
          `(goal <= ${IDLE_SOCKET_GOAL_KIB} KiB: ${idle.kibPerSocket <= IDLE_SOCKET_GOAL_KIB ? 'met' : 'NOT met'})`,
      );
    }
    console.log(
      JSON.stringify({
        ...resultHeader('load', pgLabel, round(os.loadavg()[0], 2)),
        thinkMs,
        stepSeconds,
        warmupSeconds,
        channels: channelCount,
        channelsPerUser,
        seedMessages,
        readState,
        health: HEALTH,
        steps: results,
        largestHealthy,
        idleSockets: idle,
      }),
    );
    if (requireHealthy && !healthy.includes(requireHealthy)) process.exitCode = 1;
  });
}

await main();
