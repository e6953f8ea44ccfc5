// Benchmark (not a test): the cost of running plugins. Run with `npm run bench:plugins` (builds first). Loopback
// only, bounded in count and time, cleans up after itself. Three parts, one run:
//
// 1. Dispatch, no server: a trivial plugin (built with buildPlugin) whose `message.created` handler does nothing,
//    called BENCH_CALLS times (or for BENCH_CALL_SECONDS) one at a time and BENCH_CALL_CONCURRENCY in flight,
//    through a PluginSandbox in this process, through the supervised runner process (PluginRunner: IPC plus
//    the sandbox), and as a plain in-process function (the baseline). Calls/s and per-call latency.
// 2. Event delivery on the real server: the plugin installed with `message.created`, BENCH_EVENTS messages
//    posted in a burst while it is subscribed (live), then BENCH_EVENTS more while its delivery is held
//    (this script keeps its install row locked, as another instance delivering to it would) and released at
//    once (backlog drain: delivery alone). Events/s until every one is in the invocation log.
// 3. `messageWillBePosted` latency: BENCH_HOOK_POSTS posts with the hook plugin disabled and as many with it
//    enabled (it answers {action:'allow'}), over keep-alive connections, by one client (each post waits for the
//    previous: the hook's own latency) and by BENCH_HOOK_CLIENTS (some queueing on the server), in
//    BENCH_HOOK_ROUNDS rounds alternating the order (each after BENCH_HOOK_WARMUP discarded posts), so that
//    drift of the machine or the database hits both alike. Added p50/p99 = hook minus no hook.
//
// Posts come from a worker thread (keep-alive agent); the server runs on the main thread. Where time goes is
// shown as the server thread's busy share, and CPU time of the runner process and of PostgreSQL (from /proc).
//
// Environment: BENCH_CALLS (20000), BENCH_CALL_SECONDS (10), BENCH_CALL_CONCURRENCY (16), BENCH_EVENTS (2000),
// BENCH_BURST_CLIENTS (16), BENCH_HOOK_POSTS (2000 per configuration), BENCH_HOOK_CLIENTS (4),
// BENCH_HOOK_ROUNDS (4), BENCH_HOOK_WARMUP (50), BENCH_TIMEOUT_SECONDS (120: bound on each posting or delivery
// phase), BENCH_REQUIRE_GOAL=1 (exit 1 when a goal is missed), DATABASE_URL (else an embedded PostgreSQL),
// LOG_LEVEL (server log level, default warn).
//
// Exit status: 1 when more than 1% of calls, posts, hook runs or event deliveries fail, when events are not
// all delivered in time, or on a setup error; a missed goal only with BENCH_REQUIRE_GOAL=1.
import { Buffer } from 'node:buffer';
import { spawn } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import {
  cpuUsageBetween,
  cpuUsageSnapshot,
  createUserWorkspace,
  envInt,
  expectStatus,
  formatTable,
  goalsTable,
  httpJson,
  log,
  messageCreatedPayload,
  provisionDatabase,
  resultHeader,
  round,
  runBenchmark,
  serverLogger,
  startServer,
  summariseValues,
} from '../support.mjs';

const GOAL_ADDED_P99_MS = 2;
const GOAL_EVENTS_PER_SECOND = 5000;
const MAX_ERROR_RATE = 0.01;
const TEXT = 'Benchmark message: the quick brown fox jumps over the lazy dog, again and again. :tada:';

// One bundle, two manifests: each install is granted only the handler it is measured with.
const PLUGIN_SOURCE = `import { definePlugin } from '@jokkaer/sdk-plugin';

export default definePlugin({
  on: { 'message.created': () => {} },
  hooks: { messageWillBePosted: () => ({ action: 'allow' }) },
});
`;
const MANIFESTS = {
  events: {
    id: 'bench-events',
    name: 'Bench events',
    version: '1.0.0',
    sdkVersion: '^0.1.0',
    permissions: { events: ['message.created'] },
  },
  hook: {
    id: 'bench-hook',
    name: 'Bench hook',
    version: '1.0.0',
    sdkVersion: '^0.1.0',
    permissions: { hooks: ['messageWillBePosted'] },
  },
};

/** p50/p99/max/mean of `values` (milliseconds), multiplied by `scale` (1000 for microseconds). */
const summarise = (values, scale = 1) => summariseValues(values, { scale, digits: scale === 1 ? 3 : 1 });

// ---------------------------------------------------------------------------------------------------------
// Poster (worker thread): POSTs messages over a keep-alive agent, N at a time, and times each.
// ---------------------------------------------------------------------------------------------------------

function posterWorker({ baseUrl, token, channelId }) {
  const base = new URL(baseUrl);
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 64 });
  const tag = randomBytes(4).toString('hex');
  let sequence = 0;

  function postOnce() {
    return new Promise((resolve) => {
      const body = JSON.stringify({ text: `${TEXT} ${tag}#${sequence++}` });
      const request = http.request(
        {
          agent,
          host: base.hostname,
          port: base.port,
          method: 'POST',
          path: `/api/v1/channels/${channelId}/messages`,
          headers: {
            'content-type': 'application/json',
            'content-length': Buffer.byteLength(body),
            authorization: `Bearer ${token}`,
          },
          timeout: 10_000,
        },
        (response) => {
          const chunks = [];
          response.on('data', (chunk) => chunks.push(chunk));
          response.on('end', () =>
            resolve(
              response.statusCode === 201
                ? { status: 201 }
                : {
                    status: response.statusCode,
                    error: `${response.statusCode} ${Buffer.concat(chunks).toString('utf8').slice(0, 300)}`,
                  },
            ),
          );
          response.on('error', (error) => resolve({ status: 0, error: error.message }));
        },
      );
      request.on('timeout', () => request.destroy(new Error('timed out after 10 s')));
      request.on('error', (error) => resolve({ status: 0, error: error.message }));
      request.end(body);
    });
  }

  parentPort.on('message', async (job) => {
    if (job.type === 'stop') {
      agent.destroy();
      parentPort.close();
      return;
    }
    const latencies = new Float64Array(job.count);
    const statusCodes = {};
    let next = 0;
    let failed = 0;
    let firstError;
    const t0 = performance.now();
    const deadline = t0 + job.maxSeconds * 1000;
    await Promise.all(
      Array.from({ length: Math.min(job.concurrency, job.count) }, async () => {
        while (next < job.count && performance.now() < deadline) {
          const index = next++;
          const started = performance.now();
          const { status, error } = await postOnce();
          latencies[index] = performance.now() - started;
          statusCodes[status] = (statusCodes[status] ?? 0) + 1;
          if (status !== 201) {
            failed++;
            firstError ??= error;
          }
        }
      }),
    );
    const elapsedMs = performance.now() - t0;
    const sent = next;
    parentPort.postMessage({
      type: 'done',
      id: job.id,
      latencies: latencies.slice(0, sent),
      sent,
      failed,
      statusCodes,
      firstError,
      elapsedMs,
    });
  });
}

/** The main thread's handle on the poster worker: `run` resolves with the job's figures. */
function startPoster(config) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'poster', config } });
  const pending = new Map();
  let nextId = 1;
  worker.on('message', (message) => {
    pending.get(message.id)?.resolve(message);
    pending.delete(message.id);
  });
  const fail = (error) => {
    for (const call of pending.values()) call.reject(error);
    pending.clear();
  };
  worker.on('error', fail);
  worker.on('exit', (code) => fail(new Error(`the poster worker exited with ${code}`)));
  return {
    run: (count, concurrency, maxSeconds) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ type: 'run', id, count, concurrency, maxSeconds });
      }),
    close: async () => {
      worker.postMessage({ type: 'stop' });
      await Promise.race([new Promise((resolve) => worker.once('exit', resolve)), sleep(2000)]);
      await worker.terminate();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Main thread: plugin build, dispatch measurements, database, server, report.
// ---------------------------------------------------------------------------------------------------------

/** Writes the trivial plugin's source and both manifests, builds them; the built folders and the bundle. */
async function buildBenchPlugins(buildPlugin, tmp) {
  const src = path.join(tmp, 'plugin-src');
  await mkdir(src, { recursive: true });
  await writeFile(path.join(src, 'index.ts'), PLUGIN_SOURCE);
  const built = {};
  for (const [key, manifest] of Object.entries(MANIFESTS)) {
    const manifestPath = path.join(src, `${key}.plugin.json`);
    await writeFile(manifestPath, JSON.stringify(manifest, null, 2));
    const outDir = path.join(tmp, 'plugins', manifest.id);
    const result = await buildPlugin({ entry: path.join(src, 'index.ts'), manifestPath, outDir });
    built[key] = { dir: outDir, code: readFileSync(result.scriptPath, 'utf8'), bytes: result.bytes };
  }
  return built;
}

/** A `message.created` payload of the shape the server delivers. */
function samplePayload(workspaceId) {
  return messageCreatedPayload({
    id: randomUUID(),
    workspaceId,
    channelId: randomUUID(),
    userId: randomUUID(),
    text: TEXT,
  });
}

/**
 * Calls `call()` (resolving to true when the call succeeded) `calls` times or for `seconds`, whichever ends
 * first, with `concurrency` in flight; per-call latency in microseconds and calls per second.
 */
async function measureCalls(name, call, { calls, seconds, concurrency, warmup, afterWarmup }) {
  for (let i = 0; i < warmup; i++) await call();
  afterWarmup?.();
  const latencies = new Float64Array(calls);
  let next = 0;
  let errors = 0;
  const t0 = performance.now();
  const deadline = t0 + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < calls && performance.now() < deadline) {
        const index = next++;
        const started = performance.now();
        const ok = await call();
        latencies[index] = performance.now() - started;
        if (!ok) errors++;
      }
    }),
  );
  const elapsedMs = performance.now() - t0;
  const done = next;
  const us = summarise(latencies.subarray(0, done), 1000);
  return {
    name,
    concurrency,
    calls: done,
    errors,
    errorRate: done ? errors / done : 1,
    seconds: round(elapsedMs / 1000, 3),
    callsPerSecond: round(done / (elapsedMs / 1000), 0),
    p50Us: us.p50,
    p99Us: us.p99,
    maxUs: us.max,
    meanUs: us.mean,
  };
}

/** Part 1: the trivial handler as a plain function, in a sandbox in this process, and through the runner. */
async function measureDispatch({ code, PluginSandbox, PluginRunner, logger, options, cleanups }) {
  const workspaceId = randomUUID();
  const payload = samplePayload(workspaceId);
  const runs = [];
  const levels = [1, options.concurrency];

  // Baseline: the handler the plugin defines, called directly; and with the JSON copies the boundary makes.
  const handler = () => {};
  const ctx = Object.freeze({ workspaceId, settings: Object.freeze({}) });
  const plain = async () => {
    await handler(payload, ctx);
    return true;
  };
  const plainJson = async () => {
    const result = await handler(JSON.parse(JSON.stringify(payload)), ctx);
    JSON.parse(JSON.stringify({ value: result === undefined ? null : result }));
    return true;
  };
  for (const concurrency of levels) {
    runs.push(await measureCalls('plain function', plain, { ...options, concurrency, warmup: 2000 }));
    runs.push(await measureCalls('plain + JSON copy', plainJson, { ...options, concurrency, warmup: 2000 }));
  }

  log('dispatch: PluginSandbox in this process');
  const sandbox = new PluginSandbox({ code, settings: {}, workspaceId, host: () => Promise.resolve(null) });
  cleanups.push(() => sandbox.dispose());
  await sandbox.start();
  const inSandbox = async () => {
    const result = await sandbox.invoke('event', 'message.created', payload, 1000);
    return result.ok;
  };
  for (const concurrency of levels) {
    runs.push(
      await measureCalls('sandbox (in process)', inSandbox, { ...options, concurrency, warmup: 2000 }),
    );
  }
  sandbox.dispose();

  log('dispatch: PluginRunner (runner process, IPC)');
  const runner = new PluginRunner(() => Promise.resolve(null), logger);
  cleanups.push(() => runner.stop());
  const spec = { installId: randomUUID(), code, settings: {}, workspaceId, memoryLimitMb: 64 };
  const sandboxDurations = [];
  const viaRunner = async () => {
    const result = await runner.invoke(spec, 'event', 'message.created', payload, 1000);
    if (result.ok) sandboxDurations.push(result.durationMs);
    return result.ok;
  };
  for (const concurrency of levels) {
    const run = await measureCalls('runner process (IPC)', viaRunner, {
      ...options,
      concurrency,
      warmup: 2000,
      afterWarmup: () => (sandboxDurations.length = 0),
    });
    // The sandbox's own timing of each call inside the runner: what is left of the latency is IPC and queueing.
    const inner = summarise(sandboxDurations, 1000);
    run.insideRunnerP50Us = inner.p50;
    run.insideRunnerMeanUs = inner.mean;
    runs.push(run);
  }
  runner.stop();

  const find = (name, concurrency) => runs.find((r) => r.name === name && r.concurrency === concurrency);
  for (const run of runs) {
    const base = find('plain function', run.concurrency);
    run.vsPlain = base && run.callsPerSecond ? round(base.callsPerSecond / run.callsPerSecond, 1) : null;
    run.usPerCall = run.callsPerSecond ? round(1e6 / run.callsPerSecond, 2) : null;
  }
  return {
    runs,
    sandboxInProcess: find('sandbox (in process)', options.concurrency),
    runner: find('runner process (IPC)', options.concurrency),
    runnerSequential: find('runner process (IPC)', 1),
    sandboxSequential: find('sandbox (in process)', 1),
    plainSequential: find('plain function', 1),
  };
}

/** Where time went between two snapshots: server-thread busy share, runner and PostgreSQL CPU (in cores). */
function cpuBetween(before, after) {
  const usage = cpuUsageBetween(before, after);
  return {
    serverThreadBusy: usage.threadBusy,
    runnerCores: usage.pidCores,
    postgresCores: usage.postgresCores,
  };
}

/** Polls `read()` every 10 ms until it returns at least `target`, or `timeoutMs` passes; the last value. */
async function waitForCount(read, target, timeoutMs) {
  const deadline = performance.now() + timeoutMs;
  let value = await read();
  while (value < target && performance.now() < deadline) {
    await sleep(10);
    value = await read();
  }
  return { value, at: performance.now() };
}

async function startJokkaer(core, databaseUrl, dataDir, pluginDirs, logLevel) {
  const { app, base } = await startServer(core, serverLogger(logLevel), {
    logLevel,
    databaseUrl,
    dataDir,
    pluginDirs,
  });
  try {
    const { token, workspace, channel } = await createUserWorkspace(base);
    const postUrl = `${base}/api/v1/channels/${channel.id}/messages`;
    // One request by hand first, so a broken endpoint shows its problem+json instead of N failures.
    await expectStatus('post message', 201, 'POST', postUrl, { text: TEXT }, token);
    const installUrl = (pluginId) => `${base}/api/v1/workspaces/${workspace.id}/plugins/${pluginId}`;
    const setPlugin = (pluginId, enabled) =>
      expectStatus(`install ${pluginId}`, 200, 'PUT', installUrl(pluginId), { enabled }, token);
    const host = app.get(core.PluginHost, { strict: false });
    return {
      base,
      token,
      workspaceId: workspace.id,
      channelId: channel.id,
      postUrl,
      setPlugin,
      runnerPid: () => host.runner.pid,
      close: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/**
 * Part 3: POST latency without and with the hook plugin, for each number of clients in `levels`: rounds that
 * alternate the order of the two configurations, each after discarded warm-up posts.
 */
async function measureHook({ jokkaer, poster, db, options }) {
  const { posts, levels, rounds, warmup, timeoutSeconds } = options;
  await jokkaer.setPlugin(MANIFESTS.hook.id, false);
  const installId = (
    await db.query('SELECT id FROM plugin_installs WHERE plugin_id = $1', [MANIFESTS.hook.id])
  ).rows[0].id;
  const empty = () => ({
    latencies: [],
    sent: 0,
    failed: 0,
    statusCodes: {},
    firstError: undefined,
    cpu: [],
  });
  const byLevel = levels.map((clients) => ({ clients, none: empty(), hook: empty() }));
  let hookPosts = 0;
  const perRound = Math.ceil(posts / rounds);
  for (let r = 0; r < rounds; r++) {
    for (const level of byLevel) {
      for (const mode of r % 2 === 0 ? ['none', 'hook'] : ['hook', 'none']) {
        const m = level[mode];
        const count = Math.min(perRound, posts - m.sent);
        if (count <= 0) continue;
        await jokkaer.setPlugin(MANIFESTS.hook.id, mode === 'hook');
        const warm = await poster.run(warmup, level.clients, timeoutSeconds);
        const before = cpuUsageSnapshot(jokkaer.runnerPid());
        const run = await poster.run(count, level.clients, timeoutSeconds);
        const after = cpuUsageSnapshot(jokkaer.runnerPid());
        if (mode === 'hook') hookPosts += warm.sent + run.sent - warm.failed - run.failed;
        for (const value of run.latencies) m.latencies.push(value);
        m.sent += run.sent;
        m.failed += run.failed + warm.failed;
        m.firstError ??= run.firstError ?? warm.firstError;
        for (const [code, n] of Object.entries(run.statusCodes))
          m.statusCodes[code] = (m.statusCodes[code] ?? 0) + n;
        m.cpu.push({ ...cpuBetween(before, after), seconds: run.elapsedMs / 1000, posts: run.sent });
        log(
          `hook latency: round ${r + 1}/${rounds}, ${level.clients} client(s), ${mode}: ${run.sent} posts, ` +
            `p50 ${summarise(run.latencies).p50} ms, p99 ${summarise(run.latencies).p99} ms` +
            `${run.failed ? `, ${run.failed} failed` : ''}`,
        );
      }
    }
  }
  await jokkaer.setPlugin(MANIFESTS.hook.id, false);
  const invocations = await db.query(
    `SELECT duration_ms, outcome FROM plugin_invocations WHERE install_id = $1 AND kind = 'hook'`,
    [installId],
  );
  const hookFailures = invocations.rows.filter((row) => row.outcome !== 'ok').length;
  // Time-weighted over the rounds.
  const weighted = (cpu, key) => {
    const seconds = cpu.reduce((sum, c) => sum + c.seconds, 0);
    const values = cpu.filter((c) => c[key] !== null);
    return values.length && seconds > 0
      ? round(values.reduce((sum, c) => sum + c[key] * c.seconds, 0) / seconds, 2)
      : null;
  };
  const figures = (m, name) => {
    const ms = summarise(m.latencies);
    const seconds = m.cpu.reduce((sum, c) => sum + c.seconds, 0);
    const busy = weighted(m.cpu, 'serverThreadBusy');
    return {
      name,
      posts: m.sent,
      failed: m.failed,
      errorRate: m.sent ? m.failed / m.sent : 1,
      statusCodes: m.statusCodes,
      firstError: m.firstError,
      p50Ms: ms.p50,
      p99Ms: ms.p99,
      maxMs: ms.max,
      meanMs: ms.mean,
      postsPerSecond: seconds > 0 ? round(m.sent / seconds, 0) : null,
      serverThreadBusy: busy,
      serverMsPerPost: busy !== null && m.sent ? round((busy * seconds * 1000) / m.sent, 2) : null,
      runnerCores: weighted(m.cpu, 'runnerCores'),
      postgresCores: weighted(m.cpu, 'postgresCores'),
    };
  };
  const inside = summarise(invocations.rows.map((row) => row.duration_ms));
  return {
    rounds,
    levels: byLevel.map((level) => {
      const none = figures(level.none, `no hook plugin, ${level.clients} client(s)`);
      const hook = figures(level.hook, `messageWillBePosted, ${level.clients} client(s)`);
      return {
        clients: level.clients,
        none,
        hook,
        addedP50Ms: round(hook.p50Ms - none.p50Ms, 3),
        addedP99Ms: round(hook.p99Ms - none.p99Ms, 3),
        addedMeanMs: round(hook.meanMs - none.meanMs, 3),
      };
    }),
    hookRuns: invocations.rows.length,
    hookPostsExpected: hookPosts,
    hookFailures,
    hookFailureRate: invocations.rows.length ? hookFailures / invocations.rows.length : 1,
    insideSandboxP50Ms: inside.p50,
    insideSandboxP99Ms: inside.p99,
  };
}

/** Part 2: events delivered per second to the installed plugin, live and from a held-back backlog. */
async function measureDelivery({ jokkaer, poster, db, lockClient, options }) {
  const { events, burstClients, timeoutSeconds } = options;
  await jokkaer.setPlugin(MANIFESTS.events.id, true);
  const installId = (
    await db.query('SELECT id FROM plugin_installs WHERE plugin_id = $1', [MANIFESTS.events.id])
  ).rows[0].id;
  const counts = async () =>
    (
      await db.query(
        `SELECT count(*)::int AS n, count(*) FILTER (WHERE outcome <> 'ok')::int AS failed,
                coalesce(avg(duration_ms), 0)::float8 AS mean_ms
           FROM plugin_invocations WHERE install_id = $1 AND kind = 'event'`,
        [installId],
      )
    ).rows[0];
  const delivered = async () => (await counts()).n;
  // Server-thread time per event: its busy share over the window, spread over the events delivered.
  const perEvent = (cpu, windowMs, count) =>
    cpu.serverThreadBusy !== null && count > 0 ? round((cpu.serverThreadBusy * windowMs) / count, 2) : null;
  const timeoutMs = timeoutSeconds * 1000;

  // Warm-up: the runner loads the plugin on its first event.
  const warm = await poster.run(50, 4, timeoutSeconds);
  await waitForCount(delivered, 50 - warm.failed, timeoutMs);

  // Live: a burst of posts while the plugin is subscribed; until the last one is in the invocation log.
  log(`delivery: live burst of ${events} posts, ${burstClients} at a time`);
  const liveStart = await delivered();
  const liveBefore = cpuUsageSnapshot(jokkaer.runnerPid());
  const t0 = performance.now();
  const livePosts = await poster.run(events, burstClients, timeoutSeconds);
  const liveTarget = liveStart + livePosts.sent - livePosts.failed;
  const liveDone = await waitForCount(delivered, liveTarget, timeoutMs);
  const liveCpu = cpuBetween(liveBefore, cpuUsageSnapshot(jokkaer.runnerPid()));
  const live = {
    name: 'live burst',
    events: liveDone.value - liveStart,
    expected: liveTarget - liveStart,
    seconds: round((liveDone.at - t0) / 1000, 3),
    eventsPerSecond: round((liveDone.value - liveStart) / ((liveDone.at - t0) / 1000), 0),
    postsPerSecond: round(livePosts.sent / (livePosts.elapsedMs / 1000), 0),
    postsFailed: livePosts.failed,
    postsSent: livePosts.sent,
    firstPostError: livePosts.firstError,
    ...liveCpu,
    serverMsPerEvent: perEvent(liveCpu, liveDone.at - t0, liveDone.value - liveStart),
  };

  // Backlog: hold delivery (this connection locks the install row, as an instance delivering to it would),
  // post, release, and time delivery alone. One more post after the release wakes the delivery at once.
  log(`delivery: backlog of ${events} events, held back, then released`);
  await lockClient.query('BEGIN');
  await lockClient.query('SELECT id FROM plugin_installs WHERE id = $1 FOR UPDATE', [installId]);
  let released = false;
  let backlogPosts;
  let heldStart;
  let heldEnd;
  try {
    heldStart = await delivered();
    backlogPosts = await poster.run(events, burstClients, timeoutSeconds);
    heldEnd = await delivered();
  } finally {
    await lockClient.query('COMMIT');
    released = true;
  }
  const before = cpuUsageSnapshot(jokkaer.runnerPid());
  const releasedAt = performance.now();
  const trigger = await httpJson('POST', jokkaer.postUrl, { text: TEXT }, jokkaer.token);
  const backlogTarget =
    heldStart + backlogPosts.sent - backlogPosts.failed + (trigger.status === 201 ? 1 : 0);
  const backlogDone = await waitForCount(delivered, backlogTarget, timeoutMs);
  const backlogCpu = cpuBetween(before, cpuUsageSnapshot(jokkaer.runnerPid()));
  const drained = backlogDone.value - heldEnd;
  const backlog = {
    name: 'backlog drain',
    events: backlogDone.value - heldStart,
    expected: backlogTarget - heldStart,
    deliveredWhileHeld: heldEnd - heldStart,
    seconds: round((backlogDone.at - releasedAt) / 1000, 3),
    eventsPerSecond: round(drained / ((backlogDone.at - releasedAt) / 1000), 0),
    postsPerSecond: round(backlogPosts.sent / (backlogPosts.elapsedMs / 1000), 0),
    postsFailed: backlogPosts.failed + (trigger.status === 201 ? 0 : 1),
    postsSent: backlogPosts.sent + 1,
    firstPostError: backlogPosts.firstError ?? (trigger.status === 201 ? undefined : trigger.status),
    released,
    ...backlogCpu,
    serverMsPerEvent: perEvent(backlogCpu, backlogDone.at - releasedAt, drained),
  };
  const final = await counts();
  await jokkaer.setPlugin(MANIFESTS.events.id, false);
  return {
    live,
    backlog,
    invocations: final.n,
    failedInvocations: final.failed,
    failureRate: final.n ? final.failed / final.n : 1,
    insideSandboxMeanMs: round(final.mean_ms, 4),
  };
}

/** Each goal of the issue against the figure that answers it. */
function goalsOf(dispatch, delivery, hook, options) {
  const eventsGoal = (goal, measured) => ({ goal, measured, met: measured >= GOAL_EVENTS_PER_SECOND });
  return [
    eventsGoal(
      `events/s to a warm trivial handler >= ${GOAL_EVENTS_PER_SECOND}: runner process, ${options.callConcurrency} in flight`,
      dispatch.runner.callsPerSecond,
    ),
    eventsGoal(
      `events/s delivered by the server >= ${GOAL_EVENTS_PER_SECOND}: backlog drain`,
      delivery.backlog.eventsPerSecond,
    ),
    eventsGoal(
      `events/s delivered by the server >= ${GOAL_EVENTS_PER_SECOND}: live burst`,
      delivery.live.eventsPerSecond,
    ),
    ...hook.levels.map((level) => ({
      goal: `added p99 of a post with a trivial messageWillBePosted < ${GOAL_ADDED_P99_MS} ms: ${level.clients} client(s)`,
      measured: `${level.addedP99Ms} ms`,
      met: level.addedP99Ms !== null && level.addedP99Ms < GOAL_ADDED_P99_MS,
    })),
  ];
}

/** What makes the run broken rather than slow, as sentences (empty when none). */
function problemsOf(dispatch, delivery, hook, options) {
  const problems = [];
  for (const run of dispatch.runs) {
    if (run.errorRate > MAX_ERROR_RATE)
      problems.push(`${run.name} x${run.concurrency}: ${(run.errorRate * 100).toFixed(2)}% calls failed`);
  }
  for (const r of hook.levels.flatMap((level) => [level.none, level.hook])) {
    if (r.errorRate > MAX_ERROR_RATE)
      problems.push(`${r.name}: ${(r.errorRate * 100).toFixed(2)}% posts failed (first: ${r.firstError})`);
  }
  if (hook.hookRuns < hook.hookPostsExpected)
    problems.push(`the hook ran ${hook.hookRuns} times for ${hook.hookPostsExpected} posts`);
  if (hook.hookFailureRate > MAX_ERROR_RATE)
    problems.push(`${hook.hookFailures} of ${hook.hookRuns} hook runs failed (the posts went through)`);
  for (const r of [delivery.live, delivery.backlog]) {
    if (r.events < r.expected)
      problems.push(
        `${r.name}: ${r.events} of ${r.expected} events delivered within ${options.timeoutSeconds} s`,
      );
    if (r.postsSent && r.postsFailed / r.postsSent > MAX_ERROR_RATE)
      problems.push(
        `${r.name}: ${r.postsFailed} of ${r.postsSent} posts failed (first: ${r.firstPostError})`,
      );
  }
  if (delivery.failureRate > MAX_ERROR_RATE)
    problems.push(`${delivery.failedInvocations} of ${delivery.invocations} event invocations failed`);
  return problems;
}

function printReport({
  plugins,
  pgLabel,
  options,
  dispatch,
  delivery,
  hook,
  goals,
  problems,
  loadBefore,
  loadAfter,
}) {
  console.log('');
  console.log(
    `Plugins — trivial plugin (${plugins.events.bytes} B bundle), ${pgLabel} PostgreSQL, ` +
      `${os.cpus().length} CPUs, Node ${process.version}, load average ${loadBefore} before, ${loadAfter} after`,
  );
  console.log('');
  console.log(
    `1. Dispatch of message.created to a warm trivial handler (${options.calls} calls or ${options.callSeconds} s each)`,
  );
  console.log(
    formatTable(
      ['path', 'in flight', 'calls', 'calls/s', 'µs/call', 'x plain', 'p50 µs', 'p99 µs', 'max µs', 'errors'],
      dispatch.runs.map((r) => [
        r.name,
        r.concurrency,
        r.calls,
        r.callsPerSecond,
        r.usPerCall,
        r.vsPlain,
        r.p50Us,
        r.p99Us,
        r.maxUs,
        r.errors,
      ]),
    ),
  );
  const seq = dispatch.runnerSequential;
  console.log(
    `runner, one at a time: the sandbox's own time p50 ${seq.insideRunnerP50Us} µs of ${seq.p50Us} µs ` +
      `(IPC and the runner process: ~${round(seq.p50Us - seq.insideRunnerP50Us, 1)} µs); ` +
      `in-process sandbox p50 ${dispatch.sandboxSequential.p50Us} µs, plain function ${dispatch.plainSequential.p50Us} µs`,
  );
  console.log('');
  console.log(`2. Events delivered by the server to the installed plugin (${options.events} per run)`);
  console.log(
    formatTable(
      [
        'run',
        'events',
        'seconds',
        'events/s',
        'posts/s',
        'server thread busy',
        'server ms/event',
        'runner cores',
        'postgres cores',
      ],
      [delivery.live, delivery.backlog].map((r) => [
        r.name,
        `${r.events}/${r.expected}`,
        r.seconds,
        r.eventsPerSecond,
        r.postsPerSecond,
        r.serverThreadBusy,
        r.serverMsPerEvent,
        r.runnerCores,
        r.postgresCores,
      ]),
    ),
  );
  console.log(
    `server ms/event: the server thread's busy time in the window per event (live: handling the posts too); ` +
      `mean time inside the sandbox per event: ${delivery.insideSandboxMeanMs} ms; ` +
      `delivered while held back: ${delivery.backlog.deliveredWhileHeld}; failed invocations: ${delivery.failedInvocations}`,
  );
  console.log('');
  console.log(
    `3. POST /api/v1/channels/:channelId/messages — keep-alive, ${hook.rounds} alternating rounds per client count`,
  );
  const rows = [];
  for (const level of hook.levels) {
    for (const r of [level.none, level.hook]) {
      rows.push([
        r.name,
        r.posts,
        r.failed,
        r.postsPerSecond,
        r.p50Ms,
        r.p99Ms,
        r.maxMs,
        r.meanMs,
        r.serverThreadBusy,
        r.serverMsPerPost,
        r.runnerCores,
        r.postgresCores,
      ]);
    }
    rows.push([
      `added by the hook, ${level.clients} client(s)`,
      null,
      null,
      null,
      level.addedP50Ms,
      level.addedP99Ms,
      null,
      level.addedMeanMs,
      null,
      round(level.hook.serverMsPerPost - level.none.serverMsPerPost, 2),
      null,
      null,
    ]);
  }
  console.log(
    formatTable(
      [
        'configuration',
        'posts',
        'failed',
        'posts/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'mean ms',
        'server thread busy',
        'server ms/post',
        'runner cores',
        'postgres cores',
      ],
      rows,
    ),
  );
  console.log(
    `hook runs ${hook.hookRuns} (failed ${hook.hookFailures}); time inside the sandbox per hook: ` +
      `p50 ${hook.insideSandboxP50Ms} ms, p99 ${hook.insideSandboxP99Ms} ms`,
  );
  console.log('');
  console.log(goalsTable(goals));
  for (const problem of problems) console.log(`FAIL: ${problem}`);
}

async function main() {
  const options = {
    calls: envInt('BENCH_CALLS', 20_000, 1),
    callSeconds: envInt('BENCH_CALL_SECONDS', 10, 1),
    callConcurrency: envInt('BENCH_CALL_CONCURRENCY', 16, 1),
    events: envInt('BENCH_EVENTS', 2000, 1),
    burstClients: envInt('BENCH_BURST_CLIENTS', 16, 1),
    hookPosts: envInt('BENCH_HOOK_POSTS', 2000, 1),
    hookClients: envInt('BENCH_HOOK_CLIENTS', 4, 1),
    hookRounds: envInt('BENCH_HOOK_ROUNDS', 4, 1),
    hookWarmup: envInt('BENCH_HOOK_WARMUP', 50, 0),
    timeoutSeconds: envInt('BENCH_TIMEOUT_SECONDS', 120, 1),
  };
  const requireGoal = /^(1|true|yes)$/i.test(process.env.BENCH_REQUIRE_GOAL ?? '');
  // The 1-minute load average: a busy machine (another benchmark, a build) shows here.
  const loadBefore = round(os.loadavg()[0], 2);
  const logLevel = process.env.LOG_LEVEL || 'warn';

  const core = {
    ...(await import('../../core/dist/app.js')),
    ...(await import('../../core/dist/config/config.js')),
    ...(await import('../../core/dist/database/embedded-postgres.js')),
    ...(await import('../../core/dist/plugins/plugin-host.js')),
    ...(await import('../../core/dist/plugins/plugin-runner.js')),
  };
  const { buildPlugin } = await import('../../sdk-plugin/dist/build.js');
  const { PluginSandbox } = await import('../../sdk-plugin/dist/sandbox.js');

  await runBenchmark(async ({ tmp, cleanups }) => {
    const plugins = await buildBenchPlugins(buildPlugin, tmp);
    log(`built the trivial plugin: ${plugins.events.bytes} bytes`);

    // Part 1, before any server or database exists, so nothing else competes for the CPU.
    const dispatch = await measureDispatch({
      code: plugins.events.code,
      PluginSandbox,
      PluginRunner: core.PluginRunner,
      logger: serverLogger(logLevel),
      options: { calls: options.calls, seconds: options.callSeconds, concurrency: options.callConcurrency },
      cleanups,
    });

    const { benchUrl, pgLabel } = await provisionDatabase({
      tmp,
      cleanups,
      startEmbeddedPostgres: core.startEmbeddedPostgres,
      logger: serverLogger(logLevel),
    });

    const jokkaer = await startJokkaer(
      core,
      benchUrl,
      path.join(tmp, 'data'),
      [plugins.events.dir, plugins.hook.dir],
      logLevel,
    );
    cleanups.push(() => jokkaer.close());
    // Both connections may be ended by the final DROP DATABASE ... WITH (FORCE): never crash on that.
    const db = new pg.Client({ connectionString: benchUrl });
    db.on('error', (error) => log(`monitor connection: ${error.message}`));
    await db.connect();
    cleanups.push(() => db.end());
    const lockClient = new pg.Client({ connectionString: benchUrl });
    lockClient.on('error', (error) => log(`lock connection: ${error.message}`));
    await lockClient.connect();
    cleanups.push(() => lockClient.end());
    const poster = startPoster({ baseUrl: jokkaer.base, token: jokkaer.token, channelId: jokkaer.channelId });
    cleanups.push(() => poster.close());

    // Part 3 first, with no plugin subscribed to events, so that nothing runs in the background.
    const levels = [...new Set([1, options.hookClients])];
    log(
      `hook latency: ${options.hookPosts} posts per configuration and client count (${levels.join(', ')}), ` +
        `${options.hookRounds} alternating rounds`,
    );
    const hook = await measureHook({
      jokkaer,
      poster,
      db,
      options: {
        posts: options.hookPosts,
        levels,
        rounds: options.hookRounds,
        warmup: options.hookWarmup,
        timeoutSeconds: options.timeoutSeconds,
      },
    });
    const delivery = await measureDelivery({ jokkaer, poster, db, lockClient, options });
    const loadAfter = round(os.loadavg()[0], 2);

    const goals = goalsOf(dispatch, delivery, hook, options);
    const problems = problemsOf(dispatch, delivery, hook, options);
    const goalsMet = goals.every((g) => g.met);
    printReport({
      plugins,
      pgLabel,
      options,
      dispatch,
      delivery,
      hook,
      goals,
      problems,
      loadBefore,
      loadAfter,
    });
    console.log(
      JSON.stringify({
        ...resultHeader('plugins', pgLabel, { before: loadBefore, after: loadAfter }),
        options,
        bundleBytes: plugins.events.bytes,
        dispatch: dispatch.runs,
        delivery,
        hook,
        goals,
        goalsMet,
        failures: problems,
      }),
    );
    if (problems.length > 0 || (requireGoal && !goalsMet)) process.exitCode = 1;
  });
}

/**
 * isolated-vm needs `--no-node-snapshot` on Node 20 and later: without it, this script runs itself again with
 * the flag (the sandbox part runs in this process) and exits as that run does.
 */
async function relaunchWithFlag() {
  const child = spawn(
    process.execPath,
    ['--no-node-snapshot', ...process.execArgv, fileURLToPath(import.meta.url), ...process.argv.slice(2)],
    { stdio: 'inherit' },
  );
  // Ctrl-C reaches the child too (same process group): let it clean up, and wait for it. A SIGTERM sent to this
  // process alone is passed on, so the child never outlives it.
  process.on('SIGINT', () => undefined);
  process.on('SIGTERM', () => child.kill('SIGTERM'));
  const code = await new Promise((resolve) =>
    child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0))),
  );
  process.exitCode = code;
}

const hasFlag =
  process.execArgv.includes('--no-node-snapshot') ||
  /--no-node-snapshot/.test(process.env.NODE_OPTIONS ?? '');
if (!isMainThread && workerData?.role === 'poster') posterWorker(workerData.config);
else if (isMainThread && !hasFlag) await relaunchWithFlag();
else if (isMainThread) await main();
