// Benchmark (not a test): end-to-end latency and delivery of the realtime WebSocket under a steady message
// rate. Messages are posted over HTTP (POST /api/v1/channels/:channelId/messages) at a fixed rate, round-robin
// over public channels, while every member socket of each channel must receive its `message.created` frame.
// Next to it, in the same run, a bare `ws` server fed by a plain node:http endpoint broadcasts frames of the
// same size to the same channel layout. Run with `npm run bench:realtime` (builds first). Loopback only,
// bounded in count and time, cleans up after itself.
//
// Layout: one workspace, BENCH_CHANNELS public channels, BENCH_CLIENTS sockets. The sockets belong to
// BENCH_USERS registered users (default: one per socket), each a member of exactly one channel (user u is in
// channel u mod BENCH_CHANNELS, socket i belongs to user i mod users), so every channel has the same number of
// sockets. Registration hashes with Argon2id, slow on a small machine: when registering takes longer than
// BENCH_REGISTER_BUDGET_SECONDS, the users registered so far (rounded down to a multiple of the channel count)
// are kept and each opens several sockets; the report says so. BENCH_POSTERS users (no socket) belong to every
// channel and take turns posting.
//
// The load generator (posters and sockets) runs in a worker thread, the server on the main thread. Each message
// carries a unique clientMsgId `<run>:<index>:<performance.now() at send>`; a receiver's latency is the frame's
// arrival time minus that send time (same worker, same clock): HTTP handling, commit, event feed and dispatch.
//
// Environment: BENCH_CLIENTS (default 1000), BENCH_CHANNELS (100), BENCH_USERS (= BENCH_CLIENTS),
// BENCH_RATE (messages/s, 200), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2, same rate, checked but not timed),
// BENCH_GRACE_MS (3000: wait after the last post before counting lost frames), BENCH_POSTERS (4),
// BENCH_REGISTER_CONCURRENCY (20), BENCH_REGISTER_BUDGET_SECONDS (60), BENCH_MAX_IN_FLIGHT (128 posts),
// BENCH_PROFILE=<file.cpuprofile> (CPU profile of the server thread during jokkaer's measured phase, with a
// summary), BENCH_REQUIRE_GOAL=1 (exit 1 when the goal is missed), DATABASE_URL (else an embedded PostgreSQL),
// LOG_LEVEL (server log level, default warn).
//
// Exit status: 1 on any lost, duplicated or misrouted frame (a correctness failure, either server), on more than
// 1% failed posts, or on a setup error; a missed latency goal only with BENCH_REQUIRE_GOAL=1.
import { Buffer } from 'node:buffer';
import { randomBytes, randomUUID } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import pg from 'pg';
import WebSocket, { WebSocketServer } from 'ws';
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
  messageCreatedPayload,
  parseFrame,
  pool,
  printCpuProfileSummary,
  provisionDatabase,
  registerUser,
  round,
  runBenchmark,
  serverLogger,
  settle,
  startCpuProfile,
  startServer,
  summariseCpuProfile,
  summariseValues,
} from '../support.mjs';

const GOAL_P99_MS = 50;
const GOAL_RATE = 200;
const MAX_POST_ERROR_RATE = 0.01;
const REALTIME_PATH = '/api/v1/realtime';
const DELAY_RESOLUTION_MS = 10;
const TEXT = 'Benchmark message: the quick brown fox jumps over the lazy dog, again and again. :tada:';

function latencySummary(values) {
  const { p50, p99, max, mean, count } = summariseValues(values, { digits: 2 });
  return { p50Ms: p50, p99Ms: p99, maxMs: max, meanMs: mean, count };
}

// ---------------------------------------------------------------------------------------------------------
// Load generator (worker thread): sockets, paced posts, delivery bookkeeping.
// ---------------------------------------------------------------------------------------------------------

async function loadWorker(config) {
  const {
    name,
    baseUrl,
    socketTokens,
    socketChannel,
    channelIds,
    posterTokens,
    rate,
    seconds,
    warmupSeconds,
    graceMs,
    maxInFlight,
    connectConcurrency,
  } = config;
  const base = new URL(baseUrl);
  const wsUrl = `ws://${base.host}${REALTIME_PATH}`;
  const channelCount = channelIds.length;
  const tag = randomBytes(4).toString('hex');
  const agent = new http.Agent({ keepAlive: true, maxSockets: maxInFlight, maxFreeSockets: maxInFlight });
  const post = (type, payload) => parentPort.postMessage({ type, ...payload });

  /** channel → socket indexes */
  const channelSockets = channelIds.map(() => []);
  socketChannel.forEach((channel, index) => channelSockets[channel].push(index));

  // Per socket.
  const sockets = socketTokens.map((token, index) => ({
    index,
    token,
    channel: socketChannel[index],
    ws: undefined,
    lastSeq: -1,
    seqs: new Set(),
    receivedMessages: new Set(),
    closeCode: undefined,
  }));
  // Per message (warm-up and measured share the index space).
  const messages = [];
  let phase = 'connect';
  let lastFrameAt = performance.now();
  const frameTypes = { connect: {}, warmup: {}, measure: {} };
  const latencies = [];
  let measuredDeliveries = 0;
  let measuredFrameBytes = 0;
  let lastDeliveryAt = 0;
  const counters = {
    duplicates: 0,
    duplicateMessages: 0,
    outOfOrder: 0,
    misrouted: 0,
    foreign: 0,
    malformed: 0,
  };
  const examples = { duplicates: [], outOfOrder: [], misrouted: [] };
  const note = (list, item) => list.length < 10 && list.push(item);

  function onFrame(socket, data) {
    const receivedAt = performance.now();
    lastFrameAt = receivedAt;
    const frame = parseFrame(data);
    if (frame === null || typeof frame !== 'object') {
      counters.malformed++;
      return;
    }
    const types = frameTypes[phase === 'grace' ? 'measure' : phase];
    types[frame.type] = (types[frame.type] ?? 0) + 1;
    if (typeof frame.seq === 'number' && frame.data !== undefined) {
      if (socket.seqs.has(frame.seq)) {
        counters.duplicates++;
        note(examples.duplicates, { socket: socket.index, seq: frame.seq, type: frame.type });
        return;
      }
      socket.seqs.add(frame.seq);
      if (frame.seq < socket.lastSeq) {
        counters.outOfOrder++;
        note(examples.outOfOrder, { socket: socket.index, seq: frame.seq, after: socket.lastSeq });
      } else socket.lastSeq = frame.seq;
    }
    if (frame.type !== 'message.created') return;
    const clientMsgId = frame.data?.clientMsgId;
    const parts = typeof clientMsgId === 'string' ? clientMsgId.split(':') : [];
    if (parts.length !== 3 || parts[0] !== tag) {
      counters.foreign++;
      return;
    }
    const index = Number(parts[1]);
    const sentAt = Number(parts[2]);
    const message = messages[index];
    if (!message) {
      counters.foreign++;
      return;
    }
    if (frame.data.channelId !== channelIds[socket.channel]) {
      counters.misrouted++;
      note(examples.misrouted, { socket: socket.index, message: index, channelId: frame.data.channelId });
      return;
    }
    if (socket.receivedMessages.has(index)) {
      counters.duplicateMessages++;
      return;
    }
    socket.receivedMessages.add(index);
    message.deliveries++;
    if (message.phase === 'measure') {
      latencies.push(receivedAt - sentAt);
      message.worstMs = Math.max(message.worstMs ?? 0, receivedAt - sentAt);
      measuredDeliveries++;
      measuredFrameBytes += data.length;
      lastDeliveryAt = receivedAt;
    }
  }

  function connect(socket) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(wsUrl, {
        headers: { authorization: `Bearer ${socket.token}` },
        perMessageDeflate: false,
      });
      socket.ws = ws;
      const timer = setTimeout(() => {
        ws.terminate();
        reject(new Error(`socket ${socket.index}: no hello within 30 s`));
      }, 30_000);
      ws.on('message', (data, isBinary) => {
        if (isBinary) {
          counters.malformed++;
          return;
        }
        if (socket.helloAt === undefined) {
          const hello = parseFrame(data);
          if (hello?.type !== 'hello') {
            clearTimeout(timer);
            reject(
              new Error(`socket ${socket.index}: first frame was not hello: ${String(data).slice(0, 200)}`),
            );
            return;
          }
          socket.helloAt = performance.now();
          lastFrameAt = socket.helloAt;
          const types = frameTypes.connect;
          types.hello = (types.hello ?? 0) + 1;
          clearTimeout(timer);
          resolve();
          return;
        }
        onFrame(socket, data);
      });
      ws.on('close', (code) => {
        socket.closeCode = code;
        socket.closedIn = phase;
      });
      ws.on('error', (error) => {
        clearTimeout(timer);
        reject(new Error(`socket ${socket.index}: ${error.message}`));
      });
      ws.on('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        reject(new Error(`socket ${socket.index}: upgrade refused with ${response.statusCode}`));
      });
    });
  }

  // Posting ---------------------------------------------------------------------------------------------

  let inFlight = 0;
  const httpLatencies = [];
  const newPostStats = () => ({ statusCodes: {}, errors: 0, timeouts: 0, firstError: undefined });
  const postStatsByPhase = { warmup: newPostStats(), measure: newPostStats() };
  let wakeSender;

  function send(index, phaseName) {
    const channel = index % channelCount;
    const poster = posterTokens[Math.floor(index / channelCount) % posterTokens.length];
    const sentAt = performance.now();
    const body = JSON.stringify({ text: TEXT, clientMsgId: `${tag}:${index}:${sentAt.toFixed(3)}` });
    const message = { phase: phaseName, channel, sentAt, status: 0, deliveries: 0, id: undefined, doneAt: 0 };
    const postStats = postStatsByPhase[phaseName];
    messages[index] = message;
    inFlight++;
    let settled = false;
    const finish = (status, error) => {
      if (settled) return;
      settled = true;
      inFlight--;
      message.status = status;
      message.doneAt = performance.now();
      if (phaseName === 'measure') httpLatencies.push(message.doneAt - sentAt);
      if (status) postStats.statusCodes[status] = (postStats.statusCodes[status] ?? 0) + 1;
      if (error && !postStats.firstError) postStats.firstError = error;
      wakeSender?.();
    };
    const request = http.request(
      {
        agent,
        host: base.hostname,
        port: base.port,
        method: 'POST',
        path: `/api/v1/channels/${channelIds[channel]}/messages`,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(body),
          authorization: `Bearer ${poster}`,
        },
        timeout: 10_000,
      },
      (response) => {
        const chunks = [];
        response.on('data', (chunk) => chunks.push(chunk));
        response.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          if (response.statusCode === 201) {
            try {
              message.id = JSON.parse(text).id;
            } catch {
              // the id is only for diagnosis
            }
            finish(201);
          } else finish(response.statusCode, `${response.statusCode} ${text.slice(0, 300)}`);
        });
        response.on('error', (error) => {
          postStats.errors++;
          finish(0, error.message);
        });
      },
    );
    request.on('timeout', () => {
      postStats.timeouts++;
      request.destroy(new Error('timed out after 10 s'));
    });
    request.on('error', (error) => {
      postStats.errors++;
      finish(0, error.message);
    });
    request.end(body);
  }

  /**
   * Open-loop pacing: message k of a phase is due at t0 + k/rate. Each wake-up sends whatever is due, so a late
   * timer catches up, but never more than `maxInFlight` posts are outstanding (the rest wait, and the achieved
   * rate shows it); sending stops `seconds + 10` s after t0 whatever is left.
   */
  async function runPhase(phaseName, durationSeconds, firstIndex) {
    const total = rate * durationSeconds;
    const t0 = performance.now();
    const deadline = t0 + (durationSeconds + 10) * 1000;
    let sent = 0;
    let maxLagMs = 0;
    let blockedByInFlight = 0;
    phase = phaseName;
    while (sent < total) {
      const now = performance.now();
      if (now > deadline) break;
      const due = Math.min(total, Math.floor(((now - t0) * rate) / 1000) + 1);
      while (sent < due && inFlight < maxInFlight) {
        const lag = performance.now() - (t0 + (sent * 1000) / rate);
        if (lag > maxLagMs) maxLagMs = lag;
        send(firstIndex + sent, phaseName);
        sent++;
      }
      if (sent >= total) break;
      let wait = t0 + (sent * 1000) / rate - performance.now();
      if (sent < due) {
        blockedByInFlight++;
        wait = 50; // or sooner, when a response frees a slot
      }
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, Math.max(0, wait));
        wakeSender = () => {
          if (inFlight < maxInFlight && sent < due) {
            clearTimeout(timer);
            resolve();
          }
        };
      });
      wakeSender = undefined;
    }
    const sendEnd = performance.now();
    // Responses: bounded by the request timeout.
    while (inFlight > 0 && performance.now() < sendEnd + 15_000) await sleep(5);
    const indexes = Array.from({ length: sent }, (_, k) => firstIndex + k);
    const lastResponseAt = indexes.reduce((latest, k) => Math.max(latest, messages[k].doneAt), t0);
    return { t0, sendEnd, lastResponseAt, total, sent, indexes, maxLagMs, blockedByInFlight };
  }

  function expectedFor(indexes) {
    let expected = 0;
    let delivered = 0;
    let ok = 0;
    for (const k of indexes) {
      const message = messages[k];
      if (message.status !== 201) continue;
      ok++;
      expected += channelSockets[message.channel].length;
      delivered += message.deliveries;
    }
    return { ok, expected, delivered };
  }

  /** Waits `graceMs` after the last response, or less when `untilComplete` and everything has arrived. */
  async function grace(run, untilComplete) {
    const end = run.lastResponseAt + graceMs;
    while (performance.now() < end) {
      if (untilComplete) {
        const { expected, delivered } = expectedFor(run.indexes);
        if (delivered >= expected) return;
      }
      await sleep(20);
    }
  }

  function lostExamples(indexes) {
    const found = [];
    let total = 0;
    const byMessage = new Map();
    for (const k of indexes) {
      const message = messages[k];
      if (message.status !== 201) continue;
      for (const socketIndex of channelSockets[message.channel]) {
        const socket = sockets[socketIndex];
        if (socket.receivedMessages.has(k)) continue;
        total++;
        byMessage.set(k, (byMessage.get(k) ?? 0) + 1);
        if (found.length < 10) {
          found.push({
            message: k,
            messageId: message.id,
            channel: message.channel,
            socket: socketIndex,
            postedAtMs: round(message.sentAt),
            socketClosed: socket.closeCode,
            socketGotLaterMessage: [...socket.receivedMessages].some((other) => other > k),
          });
        }
      }
    }
    return { total, messagesAffected: byMessage.size, examples: found };
  }

  // The run ---------------------------------------------------------------------------------------------

  const connectStart = performance.now();
  await pool(sockets, connectConcurrency, (socket) => connect(socket));
  const connectMs = performance.now() - connectStart;
  post('progress', { message: `${sockets.length} sockets open and greeted in ${Math.round(connectMs)} ms` });

  // Connecting makes the server announce presence to colleagues: wait for the stream to go quiet.
  phase = 'connect';
  const quietStart = performance.now();
  while (performance.now() - lastFrameAt < 1000 && performance.now() - quietStart < 120_000) await sleep(50);
  const quietMs = performance.now() - quietStart;

  let warmup;
  if (warmupSeconds > 0) {
    post('progress', { message: `warming up: ${rate} msg/s for ${warmupSeconds} s` });
    const run = await runPhase('warmup', warmupSeconds, 0);
    await grace(run, true);
    warmup = { run, lost: lostExamples(run.indexes) };
  }
  const firstMeasured = messages.length;
  post('phase', { phase: 'measure' });
  post('progress', { message: `measuring: ${rate} msg/s for ${seconds} s` });
  const run = await runPhase('measure', seconds, firstMeasured);
  post('phase', { phase: 'measured' });
  phase = 'grace';
  await grace(run, false);

  // Figures ---------------------------------------------------------------------------------------------

  const { ok, expected, delivered } = expectedFor(run.indexes);
  const postStats = postStatsByPhase.measure;
  // Frames of posts that failed or timed out (the server may have committed them all the same).
  const deliveriesOfFailedPosts = messages.reduce((n, m) => n + (m.status === 201 ? 0 : m.deliveries), 0);
  const failed = run.sent - ok;
  const windowSeconds = Math.max(seconds, (run.lastResponseAt - run.t0) / 1000);
  const deliveryWindowSeconds = Math.max(seconds, (lastDeliveryAt - run.t0) / 1000);
  const lost = lostExamples(run.indexes);
  const closedDuringRun = {};
  for (const socket of sockets) {
    if (socket.closeCode !== undefined) {
      const key = `${socket.closeCode}@${socket.closedIn}`;
      closedDuringRun[key] = (closedDuringRun[key] ?? 0) + 1;
    }
  }
  const warmupFigures = warmup && {
    ...expectedFor(warmup.run.indexes),
    sent: warmup.run.sent,
    lost: warmup.lost.total,
    statusCodes: postStatsByPhase.warmup.statusCodes,
    lostExamples: warmup.lost.examples,
  };
  // Per second of the measured phase (by send time): where the slow deliveries were.
  const timeline = [];
  for (let second = 0; second < seconds; second++) {
    const worst = [];
    const http = [];
    for (const k of run.indexes) {
      const message = messages[k];
      if (Math.floor((message.sentAt - run.t0) / 1000) !== second) continue;
      if (message.worstMs !== undefined) worst.push(message.worstMs);
      if (message.doneAt) http.push(message.doneAt - message.sentAt);
    }
    const w = latencySummary(worst);
    timeline.push({
      second,
      messages: w.count,
      worstDeliveryP50Ms: w.p50Ms,
      worstDeliveryMaxMs: w.maxMs,
      httpMaxMs: latencySummary(http).maxMs,
    });
  }
  const result = {
    name,
    clients: sockets.length,
    channels: channelCount,
    socketsPerChannel: channelSockets.map((list) => list.length).reduce((a, b) => Math.max(a, b), 0),
    connectMs: Math.round(connectMs),
    quietAfterConnectMs: Math.round(quietMs),
    posts: {
      scheduled: run.total,
      sent: run.sent,
      ok,
      failed,
      errorRate: run.sent ? failed / run.sent : 1,
      statusCodes: postStats.statusCodes,
      errors: postStats.errors,
      timeouts: postStats.timeouts,
      firstError: postStats.firstError,
      achievedPerSecond: round(ok / windowSeconds, 1),
      sendSeconds: round((run.sendEnd - run.t0) / 1000, 3),
      maxSendLagMs: round(run.maxLagMs),
      blockedByInFlight: run.blockedByInFlight,
      http: latencySummary(httpLatencies),
    },
    deliveries: {
      expected,
      delivered,
      lost: expected - delivered,
      messagesWithLoss: lost.messagesAffected,
      ...latencySummary(latencies),
      framesPerSecond: round(measuredDeliveries / deliveryWindowSeconds, 1),
      avgFrameBytes: measuredDeliveries ? Math.round(measuredFrameBytes / measuredDeliveries) : null,
    },
    ...counters,
    deliveriesOfFailedPosts,
    warmup: warmupFigures,
    timeline,
    framesByPhase: frameTypes,
    socketsClosed: closedDuringRun,
    examples: { lost: lost.examples, ...examples },
  };

  // Close every socket (bounded), so the server side sees them go before the next run.
  await closeSockets(sockets.map((socket) => socket.ws));
  agent.destroy();
  post('result', { result });
}

/** Runs the load generator against `baseUrl` in a worker; `onPhase` hears when the measured phase starts/ends. */
function runLoad(config, onPhase) {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'load', config } });
    let result;
    worker.on('message', (message) => {
      if (message.type === 'progress') log(`${config.name}: ${message.message}`);
      else if (message.type === 'phase') onPhase(message.phase);
      else if (message.type === 'result') {
        result = message.result;
        void worker.terminate();
      }
    });
    worker.on('error', reject);
    worker.on('exit', (code) =>
      result ? resolve(result) : reject(new Error(`${config.name}: load worker exited with ${code}`)),
    );
    runLoad.active.add(worker);
    worker.on('exit', () => runLoad.active.delete(worker));
  });
}
runLoad.active = new Set();

// ---------------------------------------------------------------------------------------------------------
// Main thread: database, servers, users, report.
// ---------------------------------------------------------------------------------------------------------

function socketLayout(clients, users, channels) {
  const socketUser = Array.from({ length: clients }, (_, i) => i % users);
  const socketChannel = socketUser.map((u) => u % channels);
  return { socketUser, socketChannel };
}

/** The real server, one workspace, the channels, the users (adaptively), memberships. */
async function setUpJokkaer(core, databaseUrl, dataDir, settings) {
  const { channels, wantedUsers, posters, registerConcurrency, registerBudgetSeconds, logLevel } = settings;
  const { app, config, base } = await startServer(core, serverLogger(logLevel), {
    logLevel,
    databaseUrl,
    dataDir,
  });
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    await app.close();
  };
  try {
    const suffix = randomBytes(4).toString('hex');
    const register = (label) => registerUser(base, suffix, label);
    const owner = await register('owner');
    const workspace = await createWorkspace(base, suffix, owner.token);
    const channelIds = [];
    for (let c = 0; c < channels; c++) {
      const channel = await createChannel(base, workspace.id, `bench-${c}`, owner.token);
      channelIds.push(channel.id);
    }

    // Posters first (they are needed whatever happens), then as many users as the time budget allows.
    const started = performance.now();
    const posterSessions = [];
    await pool(
      Array.from({ length: posters }, (_, p) => p),
      registerConcurrency,
      async (p) => {
        posterSessions[p] = await register(`poster${p}`);
      },
    );
    const userSessions = [];
    const budgetEnd = started + registerBudgetSeconds * 1000;
    let lastReport = performance.now();
    await pool(
      Array.from({ length: wantedUsers }, (_, u) => u),
      registerConcurrency,
      async (u) => {
        userSessions[u] = await register(`user${u}`);
        if (performance.now() - lastReport > 10_000) {
          lastReport = performance.now();
          log(`registered ${userSessions.filter(Boolean).length}/${wantedUsers} users`);
        }
      },
      () => performance.now() > budgetEnd,
    );
    const registerSeconds = (performance.now() - started) / 1000;
    // Keep a prefix of registered users, a multiple of the channel count, so every channel gets as many.
    let registered = 0;
    while (registered < wantedUsers && userSessions[registered]) registered++;
    const users = registered === wantedUsers ? wantedUsers : Math.floor(registered / channels) * channels;
    if (users < channels) {
      throw new Error(
        `only ${registered} users registered in ${registerBudgetSeconds} s, fewer than the ${channels} channels`,
      );
    }
    log(
      `registered ${posters} posters and ${registered} users in ${registerSeconds.toFixed(1)} s` +
        (users < wantedUsers ? ` (budget exceeded: using ${users} users with several sockets each)` : ''),
    );

    // Invites (at most 1000 uses each), then memberships.
    const members = [...posterSessions, ...userSessions.slice(0, users)];
    const codes = [];
    for (let left = members.length; left > 0; left -= 1000) {
      const invite = await expectStatus(
        'create invite',
        201,
        'POST',
        `${base}/api/v1/workspaces/${workspace.id}/invites`,
        { maxUses: Math.min(1000, left) },
        owner.token,
      );
      codes.push(invite.code);
    }
    const joins = [];
    members.forEach((session, i) => {
      joins.push({ kind: 'accept', token: session.token, code: codes[Math.floor(i / 1000)] });
    });
    const membershipStarted = performance.now();
    await pool(joins, registerConcurrency, ({ token, code }) =>
      expectStatus('accept invite', 200, 'POST', `${base}/api/v1/invites/${code}/accept`, {}, token),
    );
    const channelJoins = [];
    for (const session of posterSessions) {
      for (const channelId of channelIds) channelJoins.push({ token: session.token, channelId });
    }
    for (let u = 0; u < users; u++) {
      channelJoins.push({ token: userSessions[u].token, channelId: channelIds[u % channels] });
    }
    await pool(channelJoins, registerConcurrency, ({ token, channelId }) =>
      expectStatus('join channel', 200, 'POST', `${base}/api/v1/channels/${channelId}/join`, {}, token),
    );
    log(
      `${members.length} workspace members, ${channelJoins.length} channel joins in ` +
        `${((performance.now() - membershipStarted) / 1000).toFixed(1)} s`,
    );
    // One post by hand first, so a broken endpoint shows its problem+json instead of N failures.
    await expectStatus(
      'post message',
      201,
      'POST',
      `${base}/api/v1/channels/${channelIds[0]}/messages`,
      { text: TEXT },
      posterSessions[0].token,
    );
    return {
      app,
      base,
      close,
      config,
      channelIds,
      userTokens: userSessions.slice(0, users).map((s) => s.token),
      posterTokens: posterSessions.map((s) => s.token),
      users,
      registerSeconds,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/**
 * The baseline: a bare `ws` server and a plain node:http endpoint on one port. POST
 * /api/v1/channels/:channelId/messages checks the bearer token, parses and checks the body, builds a message
 * shaped like Jōkkær's, broadcasts `{seq, type: "message.created", data}` to the channel's sockets and answers
 * 201 with the message. No database.
 */
async function startBaseline(users, channels, posterCount) {
  const workspaceId = randomUUID();
  const channelIds = Array.from({ length: channels }, () => randomUUID());
  const channelIndex = new Map(channelIds.map((id, c) => [id, c]));
  const tokens = new Map();
  const userTokens = [];
  const userIds = [];
  for (let u = 0; u < users; u++) {
    const token = `blt_${randomBytes(16).toString('hex')}`;
    userIds.push(randomUUID());
    userTokens.push(token);
    tokens.set(token, { userId: userIds[u], channel: u % channels });
  }
  const posterTokens = [];
  for (let p = 0; p < posterCount; p++) {
    const token = `blt_${randomBytes(16).toString('hex')}`;
    posterTokens.push(token);
    tokens.set(token, { userId: randomUUID(), channel: -1 });
  }
  const channelSockets = channelIds.map(() => new Set());
  let seq = 0;
  const bearer = (header) => tokens.get(/^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1]);
  const problem = (response, status, detail) => {
    response.writeHead(status, { 'content-type': 'application/problem+json' });
    response.end(JSON.stringify({ type: 'about:blank', title: 'Error', status, detail }));
  };

  const server = http.createServer((request, response) => {
    const match = /^\/api\/v1\/channels\/([^/]+)\/messages$/.exec(request.url ?? '');
    if (request.method !== 'POST' || !match) return problem(response, 404, 'Not found');
    const caller = bearer(request.headers.authorization);
    if (!caller) return problem(response, 401, 'A valid bearer token is required');
    const channel = channelIndex.get(match[1]);
    if (channel === undefined) return problem(response, 404, 'Channel not found');
    const chunks = [];
    let size = 0;
    request.on('data', (chunk) => {
      size += chunk.length;
      if (size <= 1024 * 1024) chunks.push(chunk);
    });
    request.on('end', () => {
      let body;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        return problem(response, 400, 'Body is not JSON');
      }
      if (typeof body?.text !== 'string') return problem(response, 400, 'text is required');
      const message = messageCreatedPayload({
        id: randomUUID(),
        workspaceId,
        channelId: match[1],
        userId: caller.userId,
        text: body.text,
        clientMsgId: typeof body.clientMsgId === 'string' ? body.clientMsgId : null,
      });
      seq++;
      const frame = JSON.stringify({ seq, type: 'message.created', data: message });
      for (const ws of channelSockets[channel]) if (ws.readyState === WebSocket.OPEN) ws.send(frame);
      response.writeHead(201, { 'content-type': 'application/json' });
      response.end(JSON.stringify(message));
    });
  });
  server.keepAliveTimeout = 72_000;
  const wss = new WebSocketServer({ noServer: true, maxPayload: 16 * 1024 });
  server.on('upgrade', (request, socket, head) => {
    const caller =
      new URL(request.url ?? '/', 'http://localhost').pathname === REALTIME_PATH &&
      bearer(request.headers.authorization);
    if (!caller || caller.channel < 0) {
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    wss.handleUpgrade(request, socket, head, (ws) => {
      const own = channelSockets[caller.channel];
      own.add(ws);
      ws.on('close', () => own.delete(ws));
      ws.on('error', () => undefined);
      ws.send(JSON.stringify({ type: 'hello', seq, userId: caller.userId }));
    });
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  let closed = false;
  return {
    base: `http://127.0.0.1:${server.address().port}`,
    channelIds,
    userTokens,
    posterTokens,
    close: async () => {
      if (closed) return;
      closed = true;
      for (const ws of wss.clients) ws.terminate();
      wss.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Event-loop figures of the server thread (and optionally a CPU profile) while the load is measured. */
function serverMonitor(profilePath) {
  const delay = monitorEventLoopDelay({ resolution: DELAY_RESOLUTION_MS });
  let eluStart;
  let cpuStart;
  let ticksStart;
  let profiler;
  let profiling;
  let figures;
  return {
    onPhase(phaseName) {
      if (phaseName === 'measure') {
        delay.enable();
        eluStart = performance.eventLoopUtilization();
        cpuStart = process.cpuUsage();
        ticksStart = machineCpuTicks();
        if (profilePath) profiler = startCpuProfile();
      } else if (phaseName === 'measured' && eluStart) {
        delay.disable();
        const cpu = process.cpuUsage(cpuStart);
        const elu = performance.eventLoopUtilization(eluStart);
        const ticks = machineCpuTicks();
        const total =
          ticks &&
          ticksStart &&
          ticks.busy + ticks.idle + ticks.steal - ticksStart.busy - ticksStart.idle - ticksStart.steal;
        figures = {
          serverThreadUtilization: round(elu.utilization, 3),
          // The histogram records whole timer periods: what exceeds the resolution is the delay.
          eventLoopDelayP99Ms: round(Math.max(0, delay.percentile(99) / 1e6 - DELAY_RESOLUTION_MS)),
          eventLoopDelayMaxMs: round(Math.max(0, delay.max / 1e6 - DELAY_RESOLUTION_MS)),
          processCpuSeconds: round((cpu.user + cpu.system) / 1e6, 2),
          // All processes (this one, PostgreSQL, anything else running) and the hypervisor's steal.
          machineCpuBusy: total ? round((ticks.busy - ticksStart.busy) / total, 3) : null,
          machineCpuSteal: total ? round((ticks.steal - ticksStart.steal) / total, 3) : null,
          loadAverage: round(os.loadavg()[0], 2),
        };
        if (profiler) profiling = profiler.started.then(() => profiler.stop());
      }
    },
    async finish() {
      const profile = profiler ? await profiling : undefined;
      if (profile) await writeFile(profilePath, JSON.stringify(profile));
      return { figures, profile };
    },
  };
}

function resultsTable(rows) {
  const header = [
    'server',
    'p50 ms',
    'p99 ms',
    'max ms',
    'frames/s',
    'delivered',
    'expected',
    'lost',
    'dup',
    'ooo',
    'posts/s',
    'http p99',
  ];
  return formatTable(
    header,
    rows.map((r) => [
      r.name,
      r.deliveries.p50Ms,
      r.deliveries.p99Ms,
      r.deliveries.maxMs,
      r.deliveries.framesPerSecond,
      r.deliveries.delivered,
      r.deliveries.expected,
      r.deliveries.lost,
      r.duplicates + r.duplicateMessages,
      r.outOfOrder,
      r.posts.achievedPerSecond,
      r.posts.http.p99Ms,
    ]),
  );
}

/**
 * For lost messages (a few): their event's seq, the id of the transaction that wrote it (the row's xmin) and
 * the same for the events around it, so a skipped seq can be told from one that was never committed.
 */
async function describeLostEvents(databaseUrl, lost) {
  const ids = [...new Set(lost.map((l) => l.messageId).filter(Boolean))].slice(0, 3);
  if (ids.length === 0) return [];
  const client = new pg.Client({ connectionString: databaseUrl });
  client.on('error', () => undefined);
  await client.connect();
  try {
    const found = [];
    for (const id of ids) {
      const { rows } = await client.query(
        `SELECT seq::text, xmin::text AS xid, created_at FROM events
          WHERE type = 'message.created' AND data->>'id' = $1`,
        [id],
      );
      if (rows.length === 0) {
        found.push({ messageId: id, event: null });
        continue;
      }
      const { rows: around } = await client.query(
        `SELECT seq::text, xmin::text AS xid, to_char(created_at, 'HH24:MI:SS.US') AS at FROM events
          WHERE seq BETWEEN $1::bigint - 3 AND $1::bigint + 3 ORDER BY seq`,
        [rows[0].seq],
      );
      found.push({
        messageId: id,
        seq: rows[0].seq,
        xid: rows[0].xid,
        around: around.map((r) => `${r.seq}:xid${r.xid}@${r.at}`),
      });
    }
    return found;
  } finally {
    await client.end();
  }
}

/** Correctness problems of one run, as sentences (empty when none). */
function failures(r) {
  const found = [];
  const warmLost = r.warmup ? r.warmup.expected - r.warmup.delivered : 0;
  if (r.deliveries.lost > 0)
    found.push(`${r.name}: ${r.deliveries.lost} frames lost (${r.deliveries.messagesWithLoss} messages)`);
  if (warmLost > 0) found.push(`${r.name}: ${warmLost} frames lost during warm-up`);
  if (r.duplicates > 0)
    found.push(`${r.name}: ${r.duplicates} duplicate frames (same seq twice on a socket)`);
  if (r.duplicateMessages > 0)
    found.push(`${r.name}: ${r.duplicateMessages} messages delivered twice to a socket under different seqs`);
  if (r.misrouted > 0)
    found.push(`${r.name}: ${r.misrouted} frames delivered to a socket outside the channel`);
  if (r.posts.errorRate > MAX_POST_ERROR_RATE)
    found.push(
      `${r.name}: ${(r.posts.errorRate * 100).toFixed(2)}% of posts failed (first: ${r.posts.firstError})`,
    );
  return found;
}

async function main() {
  const clients = envInt('BENCH_CLIENTS', 1000, 1);
  const channels = envInt('BENCH_CHANNELS', 100, 1);
  const wantedUsers = envInt('BENCH_USERS', clients, 1);
  const rate = envInt('BENCH_RATE', GOAL_RATE, 1);
  const seconds = envInt('BENCH_SECONDS', 10, 1);
  const warmupSeconds = envInt('BENCH_WARMUP_SECONDS', 2, 0);
  const graceMs = envInt('BENCH_GRACE_MS', 3000, 0);
  const posters = envInt('BENCH_POSTERS', 4, 1);
  const registerConcurrency = envInt('BENCH_REGISTER_CONCURRENCY', 20, 1);
  const registerBudgetSeconds = envInt('BENCH_REGISTER_BUDGET_SECONDS', 60, 1);
  const maxInFlight = envInt('BENCH_MAX_IN_FLIGHT', 128, 1);
  const profilePath = process.env.BENCH_PROFILE ? path.resolve(process.env.BENCH_PROFILE) : undefined;
  const requireGoal = /^(1|true|yes)$/i.test(process.env.BENCH_REQUIRE_GOAL ?? '');
  const logLevel = process.env.LOG_LEVEL || 'warn';
  if (wantedUsers > clients) throw new Error('BENCH_USERS cannot exceed BENCH_CLIENTS');
  if (wantedUsers < channels) throw new Error('BENCH_USERS must be at least BENCH_CHANNELS');
  if (clients % channels !== 0 || wantedUsers % channels !== 0)
    log('BENCH_CLIENTS or BENCH_USERS is not a multiple of BENCH_CHANNELS: channels will differ in size');

  // Both ends of every socket live in this process, plus the posting agent, the pools and some slack.
  const fdsNeeded = 2 * clients + 2 * maxInFlight + 200;
  const limits = fileLimits();
  log(`open files: soft ${limits.soft}, hard ${limits.hard}; about ${fdsNeeded} needed`);
  if (limits.soft !== undefined && limits.soft < fdsNeeded) {
    throw new Error(
      `the open-file limit (${limits.soft}) is below the ~${fdsNeeded} this run needs: raise it ` +
        `(ulimit -n ${fdsNeeded}; the hard limit is ${limits.hard}) or lower BENCH_CLIENTS`,
    );
  }

  const core = {
    ...(await import('../../core/dist/app.js')),
    ...(await import('../../core/dist/config/config.js')),
    ...(await import('../../core/dist/database/embedded-postgres.js')),
  };

  await runBenchmark(async ({ tmp, cleanups }) => {
    cleanups.push(async () => {
      await Promise.all([...runLoad.active].map((worker) => worker.terminate()));
    });

    const { benchUrl, pgLabel } = await provisionDatabase({
      tmp,
      cleanups,
      startEmbeddedPostgres: core.startEmbeddedPostgres,
      logger: serverLogger(logLevel),
    });

    const jokkaer = await setUpJokkaer(core, benchUrl, path.join(tmp, 'data'), {
      channels,
      wantedUsers,
      posters,
      registerConcurrency,
      registerBudgetSeconds,
      logLevel,
    });
    cleanups.push(() => jokkaer.close());
    const users = jokkaer.users;
    const { socketUser, socketChannel } = socketLayout(clients, users, channels);
    const common = {
      rate,
      seconds,
      warmupSeconds,
      graceMs,
      maxInFlight,
      connectConcurrency: 50,
      socketChannel,
    };

    const monitor = serverMonitor(profilePath);
    const jokkaerRun = await runLoad(
      {
        ...common,
        name: 'jokkaer',
        baseUrl: jokkaer.base,
        socketTokens: socketUser.map((u) => jokkaer.userTokens[u]),
        channelIds: jokkaer.channelIds,
        posterTokens: jokkaer.posterTokens,
      },
      (phaseName) => monitor.onPhase(phaseName),
    );
    const { figures: jokkaerServer, profile } = await monitor.finish();
    jokkaerRun.server = jokkaerServer;
    jokkaerRun.lostEvents = await describeLostEvents(benchUrl, [
      ...jokkaerRun.examples.lost,
      ...(jokkaerRun.warmup?.lostExamples ?? []),
    ]);
    await settle(30_000);
    await jokkaer.close();

    const baseline = await startBaseline(users, channels, posters);
    cleanups.push(() => baseline.close());
    const baselineMonitor = serverMonitor(undefined);
    const baselineRun = await runLoad(
      {
        ...common,
        name: 'baseline',
        baseUrl: baseline.base,
        socketTokens: socketUser.map((u) => baseline.userTokens[u]),
        channelIds: baseline.channelIds,
        posterTokens: baseline.posterTokens,
      },
      (phaseName) => baselineMonitor.onPhase(phaseName),
    );
    baselineRun.server = (await baselineMonitor.finish()).figures;
    await baseline.close();

    const ratio = (a, b) => (a !== null && b ? round(a / b, 2) : null);
    const p99Ratio = ratio(jokkaerRun.deliveries.p99Ms, baselineRun.deliveries.p99Ms);
    const framesRatio = ratio(jokkaerRun.deliveries.framesPerSecond, baselineRun.deliveries.framesPerSecond);
    const problems = [...failures(jokkaerRun), ...failures(baselineRun)];
    const jokkaerLost =
      jokkaerRun.deliveries.lost +
      (jokkaerRun.warmup ? jokkaerRun.warmup.expected - jokkaerRun.warmup.delivered : 0);
    const rateHeld = jokkaerRun.posts.achievedPerSecond >= 0.95 * rate;
    const goalMet =
      jokkaerRun.deliveries.p99Ms !== null &&
      jokkaerRun.deliveries.p99Ms < GOAL_P99_MS &&
      jokkaerLost === 0 &&
      rateHeld;
    const summary = profile ? summariseCpuProfile(profile, { areas: 15, functions: 25 }) : undefined;

    console.log('');
    console.log(
      `Realtime fan-out — ${clients} sockets (${users} users${clients > users ? `, ${clients / users} sockets each` : ''}) ` +
        `in ${channels} channels, ${rate} msg/s for ${seconds} s (after ${warmupSeconds} s warm-up), ` +
        `${pgLabel} PostgreSQL, ${os.cpus().length} CPUs, registration ${jokkaer.registerSeconds.toFixed(1)} s`,
    );
    console.log('');
    console.log(resultsTable([jokkaerRun, baselineRun]));
    console.log('');
    for (const r of [jokkaerRun, baselineRun]) {
      console.log(
        `${r.name}: connect ${r.connectMs} ms (+${r.quietAfterConnectMs} ms until quiet), posts ${r.posts.ok}/${r.posts.scheduled} ok ` +
          `${JSON.stringify(r.posts.statusCodes)}, http p50 ${r.posts.http.p50Ms} ms, frame ${r.deliveries.avgFrameBytes} B, ` +
          `out-of-order ${r.outOfOrder}, misrouted ${r.misrouted}, frames while connecting ${JSON.stringify(r.framesByPhase.connect)}, ` +
          `while measuring ${JSON.stringify(r.framesByPhase.measure)}, server thread busy ${r.server?.serverThreadUtilization}, ` +
          `event-loop delay p99 ${r.server?.eventLoopDelayP99Ms} ms, machine CPU busy ${r.server?.machineCpuBusy} ` +
          `(steal ${r.server?.machineCpuSteal}, load ${r.server?.loadAverage})`,
      );
    }
    console.log(
      `jokkaer per second (slowest receiver of each message: p50/max ms, HTTP max ms): ` +
        jokkaerRun.timeline
          .map((t) => `${t.second}s ${t.worstDeliveryP50Ms}/${t.worstDeliveryMaxMs}/${t.httpMaxMs}`)
          .join(', '),
    );
    console.log('');
    console.log(`p99 ratio jokkaer/baseline: ${p99Ratio}`);
    console.log(`frames/s ratio jokkaer/baseline: ${framesRatio}`);
    if (summary) {
      console.log('');
      printCpuProfileSummary(
        `server-thread CPU profile of jokkaer's measured phase: ${profilePath}`,
        summary,
        15,
      );
    }
    console.log('');
    console.log(
      `goal: p99 under ${GOAL_P99_MS} ms at ${GOAL_RATE} messages/s on this ${os.cpus().length}-core machine, and no lost frame — ` +
        `${goalMet ? 'MET' : 'NOT MET'} (p99 ${jokkaerRun.deliveries.p99Ms} ms, lost ${jokkaerLost}, ` +
        `${jokkaerRun.posts.achievedPerSecond} posts/s achieved${rate !== GOAL_RATE ? `; note: this run used ${rate} msg/s` : ''})`,
    );
    for (const problem of problems) console.log(`FAIL: ${problem}`);
    for (const r of [jokkaerRun, baselineRun]) {
      if (r.examples.lost.length)
        console.log(`${r.name} lost examples: ${JSON.stringify(r.examples.lost.slice(0, 3))}`);
      for (const event of r.lostEvents ?? []) {
        console.log(
          event.seq
            ? `${r.name} lost message ${event.messageId}: event seq ${event.seq} written by xid ${event.xid}; ` +
                `events around it (seq:xid@transaction start): ${event.around.join(' ')}`
            : `${r.name} lost message ${event.messageId}: no event row`,
        );
      }
    }
    console.log(
      JSON.stringify({
        benchmark: 'realtime',
        date: new Date().toISOString(),
        postgres: pgLabel,
        clients,
        users,
        channels,
        posters,
        rate,
        seconds,
        warmupSeconds,
        graceMs,
        cpus: os.cpus().length,
        node: process.version,
        openFiles: limits,
        registerSeconds: round(jokkaer.registerSeconds, 1),
        jokkaer: jokkaerRun,
        baseline: baselineRun,
        p99Ratio,
        framesPerSecondRatio: framesRatio,
        goal: { p99Ms: GOAL_P99_MS, rate: GOAL_RATE, lost: 0 },
        goalMet,
        failures: problems,
        profile: summary,
      }),
    );
    if (problems.length > 0 || (requireGoal && !goalMet)) process.exitCode = 1;
  });
}

if (isMainThread) await main();
else if (workerData?.role === 'load') await loadWorker(workerData.config);
