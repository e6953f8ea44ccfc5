// Benchmark (not a test): outgoing webhooks — how many signed deliveries per second the real server sends, and
// how long an event takes to reach a receiver, next to a baseline that sends the same signed requests with the
// same HTTP client straight from memory. Run with `npm run bench:webhooks` (builds first). Loopback only, bounded
// in count and time, cleans up after itself.
//
// Setup: one user, one workspace, one public channel, and BENCH_WEBHOOKS webhooks subscribed to message.created,
// all on one receiver (paths /hook/0, /hook/1, …). The receiver is a node:http server in a worker thread (the
// server runs on the main thread): it verifies every request with the official `standardwebhooks` package
// (`new Webhook(secret).verify(body, headers)`, the secret chosen by the path), answers 204 (400 when the check
// fails), counts requests whose webhook-id it saw before, and reports each delivery's receipt time (Date.now()),
// the payload's `timestamp` and `data.id` to the main thread in batches every 20 ms. The main thread checks that
// every event reached every webhook exactly once, and computes latency = receipt time − payload timestamp.
//
// Events are appended straight to the server's outbox, as the services do (EventsRepository.append inside
// Database.transaction, with a message.created payload of the real workspace, channel and user): posting messages
// over HTTP would measure the message path (bench:messages), not delivery. The payload's `timestamp` is the
// event's created_at, PostgreSQL's now(), which is the start of its transaction: latency includes the rest of that
// transaction, the commit, the event feed, the fan-out into delivery rows, claiming, the lane and the request.
//
// Phases, in this order (each bounded by BENCH_TIMEOUT_SECONDS; steady by BENCH_SECONDS plus that):
//   warm-up     BENCH_WARMUP events through the server, then as many baseline requests per webhook; not reported.
//   baseline    BENCH_EVENTS × BENCH_WEBHOOKS signed POSTs of the same shape and size to the same receiver paths,
//               sent with the app's own EgressClient (the client its webhook worker uses: egress check, Node's
//               global keep-alive agent) and signed per request with node:crypto HMAC-SHA256 as the server does,
//               min(WEBHOOK_ENDPOINT_CONCURRENCY × webhooks, WEBHOOK_MAX_IN_FLIGHT) in flight: the server's own
//               total concurrency. Timed from the first request to the last verified receipt.
//   1. burst    BENCH_EVENTS events appended as fast as possible, BENCH_BATCH per transaction (deliveries = events
//               × webhooks). Timed from the first append to the last verified receipt; latency p50/p99 includes
//               the queueing of the burst. Receipts per second show how evenly they flowed.
//   1b. backlog BENCH_EVENTS events appended while the script holds the fan-out cursor row (as another instance
//               fanning out would), then released: the delivery pipeline alone, from the release to the last
//               receipt, without the script's appends on the same thread (the burst is bound by them).
//   baseline    again, after the burst and the backlog.
//   2. steady   BENCH_RATE events/s for BENCH_SECONDS, open loop (each event has a due time; every tick appends
//               the events that are due in one transaction, mostly one): latency p50/p99/max at a load the
//               server is meant to keep up with.
// The baseline runs before and after the burst and the ratio uses the mean of both, so that drift of the machine
// (another process, PostgreSQL's background work, JIT) weighs on both sides alike. The baseline leaves out what the
// server adds around each request — fan-out of events into delivery rows, claiming with leases, lanes, recording
// attempts — which is exactly what the ratio prices. Between phases the script waits until the server has
// recorded every attempt (no pending delivery left).
//
// Where time goes, per phase: the main thread's busy share (event loop utilisation: the server, but also this
// script's appends and the baseline's requests, which run there as the server's own work would), the receiver
// thread's busy share, this process's CPU and local PostgreSQL's (cores, from /proc); and, from the server's own
// delivery log, event → delivery row (fan-out), delivery row → attempt (queue) and the request's duration.
// BENCH_PROFILE=<file.cpuprofile> adds a CPU profile of the main thread during the burst, with a summary.
//
// Environment: BENCH_WEBHOOKS (4), BENCH_EVENTS (2500), BENCH_BATCH (100 events per transaction in the burst),
// BENCH_RATE (100 events/s), BENCH_SECONDS (10), BENCH_WARMUP (100 events), BENCH_TIMEOUT_SECONDS (120, per
// phase), BENCH_PROFILE, BENCH_REQUIRE_GOAL=1 (exit 1 when a goal is missed), DATABASE_URL (else an embedded
// PostgreSQL), LOG_LEVEL (server log level, default warn). The server reads WEBHOOK_ENDPOINT_CONCURRENCY (8),
// WEBHOOK_MAX_IN_FLIGHT (256), WEBHOOK_TIMEOUT_MS and DB_POOL_MAX as usual; WEBHOOK_ENDPOINT_RATE defaults to
// 1000000 here, since the server's default (50 deliveries/s per endpoint) would be the only thing measured.
//
// Exit status: 1 when a delivery fails verification, when deliveries are missing at a phase's deadline, when a
// delivery nobody expected arrives, when a baseline request fails, or on a setup error; a missed goal only with
// BENCH_REQUIRE_GOAL=1. Duplicates (at least once allows them) are reported, not failed.
import { Buffer } from 'node:buffer';
import { randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearInterval, setInterval } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import { Webhook } from 'standardwebhooks';
import {
  cpuUsageBetween,
  cpuUsageSnapshot,
  createUserWorkspace,
  envInt,
  expectStatus,
  formatTable,
  goalsTable,
  importCore,
  log,
  messageCreatedPayload,
  printCpuProfileSummary,
  provisionDatabase,
  resultHeader,
  round,
  runBenchmark,
  serverLogger,
  startCpuProfile,
  startServer,
  summariseCpuProfile,
  summariseValues,
} from '../support.mjs';

const GOAL_DELIVERIES_PER_SECOND = 1000;
const GOAL_RATIO = 0.5;
const TEXT = 'Benchmark message: the quick brown fox jumps over the lazy dog, again and again. :tada:';
const EVENT_TYPE = 'message.created';
const REPORT_INTERVAL_MS = 20;
const SETTLE_TIMEOUT_MS = 10_000;

/** p50/p99/max/mean of `values` (milliseconds). */
const summarise = (values) => summariseValues(values, { digits: 1 });

// ---------------------------------------------------------------------------------------------------------
// Receiver (worker thread): verifies every delivery, reports receipts in batches.
// ---------------------------------------------------------------------------------------------------------

function receiverWorker() {
  let verifiers = [];
  const seen = new Set();
  const counters = { requests: 0, verified: 0, failed: 0, resent: 0, firstFailure: undefined };
  const emptyBatch = () => ({ hooks: [], dataIds: [], timestamps: [], receivedAt: [], resent: [] });
  let batch = emptyBatch();

  const server = http.createServer((request, response) => {
    const chunks = [];
    request.on('data', (chunk) => chunks.push(chunk));
    request.on('end', () => {
      const receivedAt = Date.now();
      counters.requests++;
      const match = /^\/hook\/(\d+)$/.exec(request.url ?? '');
      const hook = match ? Number(match[1]) : -1;
      let payload;
      try {
        const verifier = verifiers[hook];
        if (!verifier) throw new Error('no webhook at this path');
        payload = verifier.verify(Buffer.concat(chunks).toString('utf8'), request.headers);
      } catch (error) {
        counters.failed++;
        counters.firstFailure ??= `${request.method} ${request.url}: ${error.message}`;
        response.writeHead(400).end();
        return;
      }
      counters.verified++;
      const messageId = request.headers['webhook-id'];
      const resent = seen.has(messageId);
      if (resent) counters.resent++;
      else seen.add(messageId);
      batch.hooks.push(hook);
      batch.dataIds.push(String(payload?.data?.id));
      batch.timestamps.push(Date.parse(payload?.timestamp));
      batch.receivedAt.push(receivedAt);
      batch.resent.push(resent);
      response.writeHead(204).end();
    });
    request.on('error', () => response.destroy());
  });
  // Longer than any pause between phases: connections the client keeps are not cut under it.
  server.keepAliveTimeout = 60_000;

  const report = () => {
    if (batch.hooks.length === 0) return;
    parentPort.postMessage({ type: 'batch', ...batch, counters: { ...counters } });
    batch = emptyBatch();
  };
  const reporter = setInterval(report, REPORT_INTERVAL_MS);

  parentPort.on('message', (message) => {
    if (message.type === 'secrets') {
      verifiers = message.secrets.map((secret) => new Webhook(secret));
      parentPort.postMessage({ type: 'ready' });
    } else if (message.type === 'stop') {
      clearInterval(reporter);
      report();
      server.close();
      server.closeAllConnections();
      parentPort.close();
    }
  });
  server.listen(0, '127.0.0.1', () =>
    parentPort.postMessage({ type: 'listening', port: server.address().port }),
  );
}

/** The main thread's handle on the receiver worker; `onBatch` gets each batch of receipts. */
async function startReceiver(onBatch, onFailure) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'receiver' } });
  let ready;
  let stopped = false;
  worker.on('message', (message) => {
    if (message.type === 'batch') onBatch(message);
    else if (message.type === 'ready') ready?.();
  });
  const port = await new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.on('message', (message) => {
      if (message.type === 'listening') resolve(message.port);
    });
  });
  worker.on('error', (error) => onFailure(`receiver worker: ${error.message}`));
  worker.on('exit', (code) => {
    if (!stopped) onFailure(`the receiver worker exited with ${code}`);
  });
  return {
    base: `http://127.0.0.1:${port}`,
    setSecrets: (secrets) =>
      new Promise((resolve) => {
        ready = resolve;
        worker.postMessage({ type: 'secrets', secrets });
      }),
    elu: (since) => worker.performance.eventLoopUtilization(since),
    close: async () => {
      stopped = true;
      worker.postMessage({ type: 'stop' });
      await Promise.race([new Promise((resolve) => worker.once('exit', resolve)), sleep(2000)]);
      await worker.terminate();
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Ledger (main thread): which event belongs to which phase, and what arrived of it.
// ---------------------------------------------------------------------------------------------------------

function createLedger(webhooks) {
  return {
    webhooks,
    byId: new Map(),
    unexpected: 0,
    counters: { requests: 0, verified: 0, failed: 0, resent: 0, firstFailure: undefined },
    failure: undefined,
  };
}

function newPhase(name) {
  return {
    name,
    ids: [],
    expected: 0,
    unique: 0,
    duplicated: 0,
    resent: 0,
    latencies: [],
    receipts: [],
    firstAt: null,
    lastAt: null,
  };
}

/** A new event of `phase`: its id, expected once at each webhook. */
function register(ledger, phase) {
  const id = randomUUID();
  ledger.byId.set(id, { phase, got: new Uint8Array(ledger.webhooks) });
  phase.ids.push(id);
  return id;
}

function recordBatch(ledger, batch) {
  ledger.counters = batch.counters;
  for (let i = 0; i < batch.hooks.length; i++) {
    const entry = ledger.byId.get(batch.dataIds[i]);
    const hook = batch.hooks[i];
    if (!entry || hook < 0 || hook >= ledger.webhooks) {
      ledger.unexpected++;
      continue;
    }
    const { phase } = entry;
    if (batch.resent[i]) {
      phase.resent++; // the same webhook-id again: a retry of a delivery already received
      continue;
    }
    if (entry.got[hook]++ > 0) {
      phase.duplicated++; // the same event at the same webhook under another webhook-id
      continue;
    }
    const at = batch.receivedAt[i];
    phase.unique++;
    phase.latencies.push(at - batch.timestamps[i]);
    phase.receipts.push(at);
    phase.firstAt = phase.firstAt === null ? at : Math.min(phase.firstAt, at);
    phase.lastAt = phase.lastAt === null ? at : Math.max(phase.lastAt, at);
  }
}

/** Until `phase` has every delivery it expects, the deadline (performance.now()) passes, or the receiver fails. */
async function waitForPhase(ledger, phase, deadline) {
  while (phase.unique < phase.expected && performance.now() < deadline && !ledger.failure) await sleep(10);
  // The last batch may still be on its way: one more report interval.
  if (phase.unique < phase.expected) await sleep(REPORT_INTERVAL_MS * 2);
}

// ---------------------------------------------------------------------------------------------------------
// Where time goes: thread busy shares, CPU of this process and of local PostgreSQL.
// ---------------------------------------------------------------------------------------------------------

function usageSnapshot(receiver) {
  return { ...cpuUsageSnapshot(), receiverElu: receiver.elu() };
}

function usageSince(before, receiver) {
  const usage = cpuUsageBetween(before, usageSnapshot(receiver));
  return {
    serverThreadBusy: usage.threadBusy,
    receiverThreadBusy: round(receiver.elu(before.receiverElu).utilization, 2),
    processCores: usage.processCores,
    postgresCores: usage.postgresCores,
  };
}

// ---------------------------------------------------------------------------------------------------------
// The server, events, the baseline.
// ---------------------------------------------------------------------------------------------------------

/** The real server with one user, workspace, public channel and `webhooks` webhooks on the receiver. */
async function startJokkaer(core, { databaseUrl, dataDir, logLevel, endpointRate, receiver, webhooks }) {
  const { app, config, base } = await startServer(core, serverLogger(logLevel), {
    logLevel,
    databaseUrl,
    dataDir,
    // Loopback receivers are refused otherwise.
    egressAllowNetworks: ['127.0.0.0/8'],
    webhookEndpointRate: endpointRate,
  });
  try {
    const { user, token, workspace, channel } = await createUserWorkspace(base);
    const hooks = [];
    for (let i = 0; i < webhooks; i++) {
      const created = await expectStatus(
        'create webhook',
        201,
        'POST',
        `${base}/api/v1/workspaces/${workspace.id}/webhooks`,
        { url: `${receiver.base}/hook/${i}`, events: [EVENT_TYPE] },
        token,
      );
      hooks.push({ id: created.id, secret: created.secret, url: `${receiver.base}/hook/${i}` });
    }
    return {
      config,
      workspaceId: workspace.id,
      channelId: channel.id,
      userId: user.id,
      hooks,
      db: app.get(core.Database, { strict: false }),
      events: app.get(core.EventsRepository, { strict: false }),
      egress: app.get(core.EgressClient, { strict: false }),
      // The worker's own request builder, so the baseline signs and sends exactly what a delivery does.
      signedDelivery: core.signedDelivery,
      close: () => app.close(),
    };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** A message.created payload of the shape the messages service appends. */
function messagePayload(jokkaer, id, text) {
  const { workspaceId, channelId, userId } = jokkaer;
  return messageCreatedPayload({ id, workspaceId, channelId, userId, text });
}

/** Appends `count` new events of `phase` in one transaction, through the server's outbox. */
async function appendEvents(jokkaer, ledger, phase, count) {
  const ids = Array.from({ length: count }, () => register(ledger, phase));
  phase.expected += count * ledger.webhooks;
  await jokkaer.db.transaction(async () => {
    for (const id of ids) {
      await jokkaer.events.append(
        EVENT_TYPE,
        messagePayload(jokkaer, id, `${TEXT} [${phase.name} ${phase.ids.length}]`),
      );
    }
  });
}

/** Until the server has no pending delivery left (every attempt recorded), at most SETTLE_TIMEOUT_MS. */
async function settle(monitor) {
  const deadline = performance.now() + SETTLE_TIMEOUT_MS;
  let pending;
  do {
    pending = (
      await monitor.query(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status = 'pending'`)
    ).rows[0].n;
    if (pending > 0) await sleep(20);
  } while (pending > 0 && performance.now() < deadline);
  return pending;
}

/** The server's own delivery log for the events of `phase`: where time went, attempts and their answers. */
async function deliveryLog(monitor, phase) {
  const { rows } = await monitor.query(
    `SELECT count(DISTINCT d.id)::int AS deliveries, count(a.value)::int AS attempts,
            count(a.value) FILTER (WHERE (a.value->>'statusCode')::int BETWEEN 200 AND 299)::int AS ok,
            count(DISTINCT d.id) FILTER (WHERE d.status <> 'succeeded')::int AS unfinished,
            percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP
              (ORDER BY extract(epoch FROM d.created_at - e.created_at) * 1000) AS fanout,
            percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP
              (ORDER BY extract(epoch FROM (a.value->>'attemptedAt')::timestamptz - d.created_at) * 1000) AS queued,
            percentile_cont(ARRAY[0.5, 0.99]) WITHIN GROUP (ORDER BY (a.value->>'durationMs')::int) AS request
       FROM events e
       JOIN webhook_deliveries d ON d.event_seq = e.seq
       LEFT JOIN LATERAL jsonb_array_elements(d.attempt_log) a ON true
      WHERE e.data->>'id' = ANY($1::text[])`,
    [phase.ids],
  );
  const row = rows[0];
  const pair = (values) => ({ p50: round(values?.[0], 1), p99: round(values?.[1], 1) });
  return {
    deliveries: row.deliveries,
    attempts: row.attempts,
    okAttempts: row.ok,
    unfinished: row.unfinished,
    fanoutMs: pair(row.fanout),
    queuedMs: pair(row.queued),
    requestMs: pair(row.request),
  };
}

/** Figures of a timed phase: deliveries, seconds from `startedAt` (Date.now()) to the last receipt, latency. */
function throughputOf(phase, startedAt, usage) {
  const seconds = phase.lastAt === null ? null : (phase.lastAt - startedAt) / 1000;
  const latency = summarise(phase.latencies);
  return {
    name: phase.name,
    delivered: phase.unique,
    expected: phase.expected,
    seconds: round(seconds, 3),
    deliveriesPerSecond: seconds ? round(phase.unique / seconds, 0) : null,
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    duplicated: phase.duplicated,
    resent: phase.resent,
    ...usage,
  };
}

/** Receipts in each second since `startedAt` (Date.now()): how evenly deliveries flowed. */
function perSecond(receipts, startedAt) {
  const counts = [];
  for (const at of receipts) {
    const second = Math.max(0, Math.floor((at - startedAt) / 1000));
    while (counts.length <= second) counts.push(0);
    counts[second]++;
  }
  return counts;
}

/**
 * The baseline: `events` × webhooks signed POSTs of message.created bodies to the receiver, with the app's
 * EgressClient, `concurrency` in flight. The payload timestamp is the send time: latency is one request's.
 */
async function runBaseline({ name, jokkaer, ledger, receiver, events, concurrency, timeoutSeconds }) {
  const phase = newPhase(name);
  const jobs = [];
  for (let i = 0; i < events; i++) {
    const id = register(ledger, phase);
    for (let hook = 0; hook < ledger.webhooks; hook++) jobs.push({ id, hook });
  }
  log(`${name}: ${jobs.length} signed requests, ${concurrency} in flight`);
  const before = usageSnapshot(receiver);
  const startedAt = Date.now();
  const deadline = performance.now() + timeoutSeconds * 1000;
  let next = 0;
  let failed = 0;
  let firstError;
  await Promise.all(
    Array.from({ length: Math.min(concurrency, jobs.length) }, async () => {
      while (next < jobs.length && performance.now() < deadline && !ledger.failure) {
        const { id, hook } = jobs[next++];
        phase.expected++;
        const { secret, url } = jokkaer.hooks[hook];
        const body = JSON.stringify({
          type: EVENT_TYPE,
          timestamp: new Date().toISOString(),
          data: messagePayload(jokkaer, id, `${TEXT} [${name} ${next}]`),
        });
        const messageId = `msg_${randomUUID()}`;
        const timestamp = Math.floor(Date.now() / 1000);
        try {
          const response = await jokkaer.egress.fetch(
            url,
            jokkaer.signedDelivery([secret], messageId, timestamp, body),
            { timeoutMs: jokkaer.config.webhookTimeoutMs, maxResponseBytes: 2048, truncateResponse: true },
          );
          if (response.status < 200 || response.status >= 300) {
            failed++;
            firstError ??= `the receiver answered ${response.status}`;
          }
        } catch (error) {
          failed++;
          firstError ??= error instanceof Error ? error.message : String(error);
        }
      }
    }),
  );
  await waitForPhase(ledger, phase, deadline);
  return { ...throughputOf(phase, startedAt, usageSince(before, receiver)), failed, firstError };
}

/** Stops `profiler` (if any) and writes its profile to `profilePath`: the profile's summary. */
async function saveProfile(profiler, profilePath) {
  if (!profiler) return undefined;
  const profile = await profiler.stop();
  await writeFile(profilePath, JSON.stringify(profile));
  return summariseCpuProfile(profile, { areas: 12, functions: 15 });
}

/** Phase 1: `events` appended as fast as possible, `batch` per transaction; until the last receipt. */
async function runBurst({ jokkaer, ledger, receiver, events, batch, timeoutSeconds, profilePath }) {
  const phase = newPhase('jokkaer burst');
  log(`burst: ${events} events × ${ledger.webhooks} webhooks, ${batch} events per transaction`);
  const profiler = profilePath ? startCpuProfile() : undefined;
  await profiler?.started;
  const before = usageSnapshot(receiver);
  const startedAt = Date.now();
  const t0 = performance.now();
  const deadline = t0 + timeoutSeconds * 1000;
  let transactions = 0;
  while (phase.ids.length < events && performance.now() < deadline && !ledger.failure) {
    await appendEvents(jokkaer, ledger, phase, Math.min(batch, events - phase.ids.length));
    transactions++;
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  const appendedAt = Date.now();
  await waitForPhase(ledger, phase, deadline);
  const usage = usageSince(before, receiver);
  const profile = await saveProfile(profiler, profilePath);
  return {
    ...throughputOf(phase, startedAt, usage),
    phase,
    events: phase.ids.length,
    transactions,
    appendSeconds: round(appendSeconds, 3),
    eventsAppendedPerSecond: round(phase.ids.length / appendSeconds, 0),
    drainSeconds: phase.lastAt === null ? null : round((phase.lastAt - appendedAt) / 1000, 3),
    perSecond: perSecond(phase.receipts, startedAt),
    profile,
  };
}

/**
 * Phase 1b: `events` appended while this script holds the fan-out cursor (as another instance fanning out
 * would), then released: what the server's delivery pipeline alone sustains (fan-out, claims, lanes, requests,
 * recording), without this script's appends competing for the same thread. Timed from the release to the last
 * verified receipt. One more event is appended after the release: like any new event, it wakes the fan-out.
 */
async function runDrain({ jokkaer, ledger, receiver, monitor, events, batch, timeoutSeconds, profilePath }) {
  const phase = newPhase('jokkaer backlog');
  log(`backlog: ${events} events × ${ledger.webhooks} webhooks queued behind a held fan-out, then released`);
  await monitor.query('BEGIN');
  try {
    await monitor.query('SELECT 1 FROM webhook_fanout WHERE id = 1 FOR UPDATE');
    while (phase.ids.length < events - 1 && !ledger.failure) {
      await appendEvents(jokkaer, ledger, phase, Math.min(batch, events - 1 - phase.ids.length));
    }
    await sleep(500); // every instance's event feed has seen them
  } catch (error) {
    await monitor.query('ROLLBACK');
    throw error;
  }
  const profiler = profilePath ? startCpuProfile() : undefined;
  await profiler?.started;
  const before = usageSnapshot(receiver);
  const startedAt = Date.now();
  const deadline = performance.now() + timeoutSeconds * 1000;
  await monitor.query('COMMIT');
  await appendEvents(jokkaer, ledger, phase, 1);
  await waitForPhase(ledger, phase, deadline);
  const usage = usageSince(before, receiver);
  const profile = await saveProfile(profiler, profilePath);
  return {
    ...throughputOf(phase, startedAt, usage),
    phase,
    profile,
  };
}

/** Phase 2: `rate` events/s for `seconds`, open loop: every tick appends the events due by then. */
async function runSteady({ jokkaer, ledger, receiver, rate, seconds, timeoutSeconds }) {
  const phase = newPhase('jokkaer steady');
  const total = rate * seconds;
  log(`steady: ${rate} events/s × ${ledger.webhooks} webhooks for ${seconds} s`);
  const before = usageSnapshot(receiver);
  const t0 = performance.now();
  const deadline = t0 + (seconds + timeoutSeconds) * 1000;
  let transactions = 0;
  let maxLagMs = 0;
  while (phase.ids.length < total && performance.now() < deadline && !ledger.failure) {
    const elapsed = performance.now() - t0;
    const due = Math.min(total, Math.floor((elapsed * rate) / 1000) + 1);
    if (due > phase.ids.length) {
      // How late the oldest due event is: the appends keeping up, or not.
      maxLagMs = Math.max(maxLagMs, elapsed - (phase.ids.length / rate) * 1000);
      await appendEvents(jokkaer, ledger, phase, due - phase.ids.length);
      transactions++;
    } else {
      await sleep(Math.max(1, (phase.ids.length / rate) * 1000 - elapsed));
    }
  }
  const appendSeconds = (performance.now() - t0) / 1000;
  await waitForPhase(ledger, phase, deadline);
  const usage = usageSince(before, receiver);
  const latency = summarise(phase.latencies);
  return {
    name: phase.name,
    phase,
    events: phase.ids.length,
    delivered: phase.unique,
    expected: phase.expected,
    eventsPerSecond: round(phase.ids.length / appendSeconds, 1),
    deliveriesPerSecond: round((phase.ids.length * ledger.webhooks) / appendSeconds, 0),
    transactions,
    maxScheduleLagMs: round(maxLagMs, 1),
    p50Ms: latency.p50,
    p99Ms: latency.p99,
    maxMs: latency.max,
    meanMs: latency.mean,
    duplicated: phase.duplicated,
    resent: phase.resent,
    ...usage,
  };
}

// ---------------------------------------------------------------------------------------------------------
// Report.
// ---------------------------------------------------------------------------------------------------------

const logLine = (name, entry) =>
  `${name}: ${entry.deliveries} deliveries, ${entry.attempts} attempts (${entry.okAttempts} answered 2xx, ` +
  `${entry.unfinished} not succeeded); event → delivery row p50 ${entry.fanoutMs.p50} / p99 ${entry.fanoutMs.p99} ms, ` +
  `delivery row → attempt p50 ${entry.queuedMs.p50} / p99 ${entry.queuedMs.p99} ms, ` +
  `request p50 ${entry.requestMs.p50} / p99 ${entry.requestMs.p99} ms`;

function printReport(r) {
  const { options, jokkaer, baselines, burst, backlog, steady, ledger, goals, problems, warnings } = r;
  const cfg = jokkaer.config;
  console.log('');
  console.log(
    `Webhooks — ${options.webhooks} webhooks on one receiver (worker thread, standardwebhooks verify), ` +
      `${r.pgLabel} PostgreSQL, ${os.cpus().length} CPUs, Node ${process.version}, ` +
      `load average ${r.loadBefore} before, ${r.loadAfter} after`,
  );
  console.log(
    `server: endpoint concurrency ${cfg.webhookEndpointConcurrency}, max in flight ${cfg.webhookMaxInFlight}, ` +
      `endpoint rate ${cfg.webhookEndpointRate}/s, DB pool ${cfg.dbPoolMax}; baseline: EgressClient, ` +
      `${r.baselineConcurrency} in flight`,
  );
  console.log('');
  console.log(
    `1. Throughput: ${options.events} events × ${options.webhooks} webhooks = ` +
      `${options.events * options.webhooks} deliveries, from the first append (request) to the last verified receipt`,
  );
  const rows = [baselines[0], burst, backlog, baselines[1]].map((p) => [
    p.name,
    `${p.delivered}/${p.expected}`,
    p.seconds,
    p.deliveriesPerSecond,
    p.p50Ms,
    p.p99Ms,
    p.maxMs,
    p.serverThreadBusy,
    p.receiverThreadBusy,
    p.processCores,
    p.postgresCores,
  ]);
  console.log(
    formatTable(
      [
        'run',
        'delivered',
        'seconds',
        'deliveries/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'main thread busy',
        'receiver busy',
        'process cores',
        'postgres cores',
      ],
      rows,
    ),
  );
  console.log(
    `latency: jokkaer event → receipt (includes queueing; the backlog's events waited behind the held fan-out); ` +
      `baseline send → receipt (one request). Backlog: timed from the release of the fan-out.`,
  );
  console.log(
    `burst: ${burst.events} events appended in ${burst.appendSeconds} s (${burst.eventsAppendedPerSecond} events/s, ` +
      `${burst.transactions} transactions); last receipt ${burst.drainSeconds} s after the last append`,
  );
  console.log(`burst receipts in each second from the first append: ${burst.perSecond.join(' ')}`);
  for (const [name, phase] of [
    ['burst', burst],
    ['backlog', backlog],
  ]) {
    if (phase.profile) printCpuProfileSummary(`main-thread CPU profile of the ${name}:`, phase.profile);
  }
  console.log(
    `baseline mean ${r.baselineMean} deliveries/s; jokkaer ÷ baseline = ${r.ratio} ` +
      `(baseline failed requests: ${baselines[0].failed + baselines[1].failed})`,
  );
  console.log(logLine('server delivery log, burst', r.burstLog));
  console.log('');
  console.log(
    `2. Latency at a steady ${options.rate} events/s × ${options.webhooks} webhooks = ` +
      `${options.rate * options.webhooks} deliveries/s for ${options.seconds} s, event → receipt`,
  );
  console.log(
    formatTable(
      [
        'run',
        'delivered',
        'events/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'mean ms',
        'main thread busy',
        'receiver busy',
        'process cores',
        'postgres cores',
      ],
      [
        [
          steady.name,
          `${steady.delivered}/${steady.expected}`,
          steady.eventsPerSecond,
          steady.p50Ms,
          steady.p99Ms,
          steady.maxMs,
          steady.meanMs,
          steady.serverThreadBusy,
          steady.receiverThreadBusy,
          steady.processCores,
          steady.postgresCores,
        ],
      ],
    ),
  );
  console.log(
    `${steady.transactions} transactions; the appends were at most ${steady.maxScheduleLagMs} ms behind schedule`,
  );
  console.log(logLine('server delivery log, steady', r.steadyLog));
  console.log('');
  const c = ledger.counters;
  console.log(
    `receiver: ${c.requests} requests, ${c.verified} verified, ${c.failed} failed verification, ` +
      `${c.resent} with a webhook-id seen before; deliveries of one event to one webhook more than once: ` +
      `${r.duplicated}; unexpected deliveries: ${ledger.unexpected}`,
  );
  console.log('');
  console.log(goalsTable(goals));
  for (const warning of warnings) console.log(`WARN: ${warning}`);
  for (const problem of problems) console.log(`FAIL: ${problem}`);
}

async function main() {
  const options = {
    webhooks: envInt('BENCH_WEBHOOKS', 4, 1),
    events: envInt('BENCH_EVENTS', 2500, 1),
    batch: envInt('BENCH_BATCH', 100, 1),
    rate: envInt('BENCH_RATE', 100, 1),
    seconds: envInt('BENCH_SECONDS', 10, 1),
    warmup: envInt('BENCH_WARMUP', 100, 0),
    timeoutSeconds: envInt('BENCH_TIMEOUT_SECONDS', 120, 1),
    endpointRate: envInt('WEBHOOK_ENDPOINT_RATE', 1_000_000, 1),
    profilePath: process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined,
  };
  const requireGoal = /^(1|true|yes)$/i.test(process.env.BENCH_REQUIRE_GOAL ?? '');
  const logLevel = process.env.LOG_LEVEL || 'warn';
  // The 1-minute load average: a busy machine (another benchmark, a build) shows here.
  const loadBefore = round(os.loadavg()[0], 2);

  const core = await importCore(
    'database/database.js',
    'events/events.repository.js',
    'egress/egress.client.js',
    'webhooks/webhook-signature.js',
  );

  await runBenchmark(async ({ tmp, cleanups }) => {
    const { benchUrl, pgLabel } = await provisionDatabase({
      tmp,
      cleanups,
      startEmbeddedPostgres: core.startEmbeddedPostgres,
      logger: serverLogger(logLevel),
    });

    const ledger = createLedger(options.webhooks);
    const receiver = await startReceiver(
      (batch) => recordBatch(ledger, batch),
      (failure) => {
        ledger.failure ??= failure;
        log(failure);
      },
    );
    cleanups.push(() => receiver.close());
    log(`receiver listening on ${receiver.base}`);

    const jokkaer = await startJokkaer(core, {
      databaseUrl: benchUrl,
      dataDir: path.join(tmp, 'data'),
      logLevel,
      endpointRate: options.endpointRate,
      receiver,
      webhooks: options.webhooks,
    });
    cleanups.push(() => jokkaer.close());
    await receiver.setSecrets(jokkaer.hooks.map((hook) => hook.secret));
    log(`server up, ${options.webhooks} webhooks registered`);

    // A connection of our own for the delivery log, off the server's pool. DROP ... WITH (FORCE) may end it.
    const monitor = new pg.Client({ connectionString: benchUrl });
    monitor.on('error', (error) => log(`monitor connection: ${error.message}`));
    await monitor.connect();
    cleanups.push(() => monitor.end());

    const cfg = jokkaer.config;
    const baselineConcurrency = Math.min(
      cfg.webhookEndpointConcurrency * options.webhooks,
      cfg.webhookMaxInFlight,
    );
    const problems = [];
    const warnings = [];
    const settled = async (after) => {
      const pending = await settle(monitor);
      if (pending > 0) warnings.push(`${pending} deliveries still pending on the server after ${after}`);
    };

    if (options.warmup > 0) {
      log(`warm-up: ${options.warmup} events, then ${options.warmup} baseline requests per webhook`);
      const warm = newPhase('warm-up');
      const deadline = performance.now() + options.timeoutSeconds * 1000;
      await appendEvents(jokkaer, ledger, warm, options.warmup);
      await waitForPhase(ledger, warm, deadline);
      if (warm.unique < warm.expected)
        problems.push(
          `warm-up: ${warm.unique} of ${warm.expected} deliveries within ${options.timeoutSeconds} s`,
        );
      await settled('the warm-up');
      const warmBaseline = await runBaseline({
        name: 'baseline warm-up',
        jokkaer,
        ledger,
        receiver,
        events: options.warmup,
        concurrency: baselineConcurrency,
        timeoutSeconds: options.timeoutSeconds,
      });
      if (warmBaseline.failed > 0)
        problems.push(
          `baseline warm-up: ${warmBaseline.failed} requests failed (${warmBaseline.firstError})`,
        );
    }

    const baselineArgs = {
      jokkaer,
      ledger,
      receiver,
      events: options.events,
      concurrency: baselineConcurrency,
      timeoutSeconds: options.timeoutSeconds,
    };
    const baselineBefore = await runBaseline({ name: 'baseline (before)', ...baselineArgs });
    const burst = await runBurst({
      jokkaer,
      ledger,
      receiver,
      events: options.events,
      batch: options.batch,
      timeoutSeconds: options.timeoutSeconds,
      profilePath: options.profilePath,
    });
    await settled('the burst');
    const burstLog = await deliveryLog(monitor, burst.phase);
    const backlog = await runDrain({
      jokkaer,
      ledger,
      receiver,
      monitor,
      events: options.events,
      batch: options.batch,
      timeoutSeconds: options.timeoutSeconds,
      profilePath:
        options.profilePath && options.profilePath.replace(/(\.cpuprofile)?$/, '-backlog.cpuprofile'),
    });
    await settled('the backlog');
    const baselineAfter = await runBaseline({ name: 'baseline (after)', ...baselineArgs });
    const steady = await runSteady({
      jokkaer,
      ledger,
      receiver,
      rate: options.rate,
      seconds: options.seconds,
      timeoutSeconds: options.timeoutSeconds,
    });
    await settled('the steady phase');
    const steadyLog = await deliveryLog(monitor, steady.phase);
    const loadAfter = round(os.loadavg()[0], 2);

    const baselines = [baselineBefore, baselineAfter];
    const baselineMean = baselines.every((b) => b.deliveriesPerSecond)
      ? round((baselineBefore.deliveriesPerSecond + baselineAfter.deliveriesPerSecond) / 2, 0)
      : null;
    const ratio =
      baselineMean && burst.deliveriesPerSecond ? round(burst.deliveriesPerSecond / baselineMean, 2) : null;
    const backlogRatio =
      baselineMean && backlog.deliveriesPerSecond
        ? round(backlog.deliveriesPerSecond / baselineMean, 2)
        : null;
    const goals = [
      {
        goal: `deliveries/s in the burst >= ${GOAL_DELIVERIES_PER_SECOND}`,
        measured: burst.deliveriesPerSecond,
        met: (burst.deliveriesPerSecond ?? 0) >= GOAL_DELIVERIES_PER_SECOND,
      },
      {
        goal: `jokkaer burst ÷ baseline (mean of before and after) >= ${GOAL_RATIO}`,
        measured: ratio,
        met: (ratio ?? 0) >= GOAL_RATIO,
      },
      {
        goal: `jokkaer backlog ÷ baseline >= ${GOAL_RATIO}`,
        measured: backlogRatio,
        met: (backlogRatio ?? 0) >= GOAL_RATIO,
      },
    ];
    const goalsMet = goals.every((g) => g.met);

    for (const p of [...baselines, burst, backlog, steady]) {
      if (p.delivered < p.expected)
        problems.push(
          `${p.name}: ${p.expected - p.delivered} of ${p.expected} deliveries missing at the deadline`,
        );
      if (p.duplicated > 0 || p.resent > 0)
        warnings.push(
          `${p.name}: ${p.duplicated} events delivered twice to a webhook, ${p.resent} requests re-sent`,
        );
    }
    for (const b of baselines)
      if (b.failed > 0) problems.push(`${b.name}: ${b.failed} requests failed (first: ${b.firstError})`);
    if (ledger.counters.failed > 0)
      problems.push(
        `${ledger.counters.failed} deliveries failed verification (first: ${ledger.counters.firstFailure})`,
      );
    if (ledger.unexpected > 0) problems.push(`${ledger.unexpected} deliveries of events nobody appended`);
    if (ledger.failure) problems.push(ledger.failure);
    for (const [name, entry] of [
      ['burst', burstLog],
      ['steady', steadyLog],
    ]) {
      if (entry.attempts > entry.okAttempts)
        warnings.push(
          `server delivery log, ${name}: ${entry.attempts - entry.okAttempts} attempts not answered 2xx`,
        );
    }
    const duplicated = [...baselines, burst, backlog, steady].reduce((sum, p) => sum + p.duplicated, 0);

    // The per-event bookkeeping stays out of the JSON line.
    const strip = (figures) => Object.fromEntries(Object.entries(figures).filter(([key]) => key !== 'phase'));
    printReport({
      options,
      jokkaer,
      baselines,
      burst,
      backlog,
      steady,
      ledger,
      goals,
      problems,
      warnings,
      pgLabel,
      loadBefore,
      loadAfter,
      baselineConcurrency,
      baselineMean,
      ratio,
      burstLog,
      steadyLog,
      duplicated,
    });
    console.log(
      JSON.stringify({
        ...resultHeader('webhooks', pgLabel, { before: loadBefore, after: loadAfter }),
        options,
        server: {
          endpointConcurrency: cfg.webhookEndpointConcurrency,
          maxInFlight: cfg.webhookMaxInFlight,
          endpointRate: cfg.webhookEndpointRate,
          dbPoolMax: cfg.dbPoolMax,
        },
        baselineConcurrency,
        baselines,
        burst: strip(burst),
        backlog: strip(backlog),
        steady: strip(steady),
        baselineMean,
        ratio,
        deliveryLog: { burst: burstLog, steady: steadyLog },
        receiver: { ...ledger.counters, unexpected: ledger.unexpected, duplicated },
        goals,
        goalsMet,
        warnings,
        failures: problems,
      }),
    );
    if (problems.length > 0 || (requireGoal && !goalsMet)) process.exitCode = 1;
  });
}

if (!isMainThread && workerData?.role === 'receiver') receiverWorker();
else if (isMainThread) await main();
