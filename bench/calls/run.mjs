// Benchmark (not a test): WebRTC signaling relayed over the realtime WebSocket. A `call.signal` frame
// `{type, callId, to, signal}` from one participant of a running call reaches the other participant's sockets as
// `{type: "call.signal", callId, from, signal}`; the server checks the schema and, in the database, that both are
// in the running call, for every frame. Next to it, in the same run and process, a bare `ws` relay on 127.0.0.1
// forwards the same frames by their `to` field, with no check. Run with `npm run bench:calls` (builds first).
// Loopback only, bounded in count and time, cleans up after itself.
//
// Layout: one workspace, max(BENCH_CALLS) public channels, two registered users in each (they join the channel
// through the REST API, open their socket, then start or join the channel's call), one socket per user. The
// baseline relay gets as many made-up users and calls. Both servers run on the main thread; the sockets, the senders and the bookkeeping run in a worker thread:
// each frame's signal carries its id and performance.now() at send, latency is the receipt time minus that (same
// worker, same clock). Signals are shaped like the real thing: one in BENCH_SDP_EVERY is an SDP offer or answer
// (about 3 KB of SDP), the others ICE candidates (about 200 B).
//
//   1. latency  BENCH_SIGNALS frames (after BENCH_SIGNALS / 10 warm-up frames) from A to B of one call, one at a
//               time (the next leaves when the previous arrived): the relay's own latency, p50/p99/max.
//   2. calls    for each K of BENCH_CALLS, K calls at once, each participant sending to the other BENCH_RATE
//               frames/s in bursts of BENCH_BURST (ICE trickle), the participants' bursts spread evenly, open loop,
//               for BENCH_WARMUP_SECONDS (not timed) then BENCH_SECONDS. Frames/s delivered, latency, lost frames.
//               A frame that arrives more than BENCH_GRACE_MS after the last send is late; the run then waits
//               for the server's backlog (until nothing arrives for 3 s, at most 60 s): what never comes is lost.
//               A step is sustained when no frame is late, lost, misrouted or doubled, no error frame came back,
//               the p99 is under BENCH_P99_MS and the delivered rate is at least 95% of the offered one.
// Each measurement runs against Jōkkær, then at once against the baseline, so drift of the machine weighs on both.
//
// Server settings: the per-socket limit on client frames (REALTIME_CLIENT_FRAMES_PER_SECOND, 50 by default) is
// raised out of the way, since the latency phase sends the next frame as soon as the last arrives; otherwise the
// server runs with its configuration from the environment as usual (DB_POOL_MAX, REALTIME_EPHEMERAL_DROP_BYTES:
// signals are ephemeral frames, dropped for a socket with more unsent than that).
//
// Environment: BENCH_SIGNALS (2000), BENCH_CALLS (comma-separated steps, "25,100,400"), BENCH_RATE (20 frames/s
// per participant), BENCH_BURST (5), BENCH_SECONDS (10), BENCH_WARMUP_SECONDS (2), BENCH_GRACE_MS (3000: after the
// last send, frames still missing are late), BENCH_P99_MS (100), BENCH_SDP_EVERY (10),
// BENCH_REGISTER_CONCURRENCY (8), DATABASE_URL (else an embedded PostgreSQL), LOG_LEVEL (server, default warn).
//
// Exit status: 1 on a lost, misrouted or duplicated frame or an error frame from either server, or on a setup
// error; a step that is not sustained only shows in the report.
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { clearTimeout, setTimeout } from 'node:timers';
import { setTimeout as sleep } from 'node:timers/promises';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import WebSocket, { WebSocketServer } from 'ws';
import {
  cpuUsageBetween,
  cpuUsageSnapshot,
  createChannel,
  createWorkspace,
  envInt,
  expectStatus,
  formatTable,
  importCore,
  log,
  parseFrame,
  pool,
  registerUser,
  resultHeader,
  round,
  runWithDatabase,
  serverLogger,
  settle,
  startServer,
  summariseValues,
} from '../support.mjs';

const REALTIME_PATH = '/api/v1/realtime';
/** The per-socket client frame limit the bench server runs with: far above anything a phase sends. */
const FRAME_LIMIT = 1_000_000;
const PING_PONG_TIMEOUT_MS = 2000;
const QUIET_MS = 500;
const DRAIN_IDLE_MS = 3000;
const DRAIN_MAX_MS = 60_000;

// ---------------------------------------------------------------------------------------------------------
// Signals: an SDP description now and then, ICE candidates mostly.
// ---------------------------------------------------------------------------------------------------------

/** An SDP offer of a browser's audio + video call, about 3 KB. */
function sampleSdp() {
  const hex = randomBytes(32).toString('hex').toUpperCase();
  const fingerprint = hex.match(/../g).join(':');
  const lines = [
    'v=0',
    `o=- ${BigInt(`0x${hex.slice(0, 15)}`)} 2 IN IP4 127.0.0.1`,
    's=-',
    't=0 0',
    'a=group:BUNDLE 0 1',
    'a=extmap-allow-mixed',
    'a=msid-semantic: WMS bench-stream',
    'm=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126',
    'c=IN IP4 0.0.0.0',
    'a=rtcp:9 IN IP4 0.0.0.0',
    'a=ice-ufrag:Xk3b',
    `a=ice-pwd:${hex.slice(0, 24).toLowerCase()}`,
    'a=ice-options:trickle',
    `a=fingerprint:sha-256 ${fingerprint}`,
    'a=setup:actpass',
    'a=mid:0',
    'a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level',
    'a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
    'a=sendrecv',
    'a=msid:bench-stream bench-audio',
    'a=rtcp-mux',
    'a=rtpmap:111 opus/48000/2',
    'a=rtcp-fb:111 transport-cc',
    'a=fmtp:111 minptime=10;useinbandfec=1',
    'a=ssrc:1001 cname:bench',
    'm=video 9 UDP/TLS/RTP/SAVPF 96 97 98 99 100 101 102',
    'c=IN IP4 0.0.0.0',
    'a=mid:1',
    'a=sendrecv',
    'a=rtcp-mux',
    'a=rtcp-rsize',
  ];
  for (let pt = 96; lines.join('\r\n').length < 3000; pt++) {
    lines.push(
      `a=rtpmap:${pt} ${pt % 2 ? 'rtx' : 'VP8'}/90000`,
      `a=rtcp-fb:${pt} goog-remb`,
      `a=rtcp-fb:${pt} transport-cc`,
      `a=rtcp-fb:${pt} ccm fir`,
      `a=rtcp-fb:${pt} nack`,
      `a=rtcp-fb:${pt} nack pli`,
    );
  }
  return `${lines.join('\r\n')}\r\n`;
}

/** Signal `id` of a run: an SDP description for one in `sdpEvery`, else an ICE candidate as RTCIceCandidate.toJSON(). */
function signalFor(id, sdpEvery, sdp) {
  if (id % sdpEvery === 0) return { type: id % (2 * sdpEvery) === 0 ? 'offer' : 'answer', sdp };
  const port = 50_000 + (id % 10_000);
  return {
    candidate:
      `candidate:${1_000_000_000 + (id % 997)} 1 udp 2122260223 192.168.${id % 250}.${(id * 7) % 250} ${port} ` +
      `typ host generation 0 ufrag Xk3b network-id 1 network-cost 10`,
    sdpMid: String(id % 2),
    sdpMLineIndex: id % 2,
    usernameFragment: 'Xk3b',
  };
}

// ---------------------------------------------------------------------------------------------------------
// Load generator (worker thread): sockets of both servers, senders, bookkeeping.
// ---------------------------------------------------------------------------------------------------------

function loadWorker() {
  const sdp = sampleSdp();
  /** name → { sockets: [{ userId, ws }], calls: [callId] } (call c: sockets 2c and 2c + 1) */
  const servers = new Map();
  let run; // the measurement in progress
  let lastFrameAt = performance.now();
  let nextTag = 1;

  function newRun(name, capacity, sdpEvery) {
    return {
      name,
      tag: nextTag++,
      sdpEvery,
      sent: 0,
      delivered: 0,
      sentBytes: 0,
      sentAt: new Float64Array(capacity),
      receivedAt: new Float64Array(capacity),
      recipient: new Int32Array(capacity),
      measured: new Uint8Array(capacity),
      duplicates: 0,
      misrouted: 0,
      errors: 0,
      firstError: undefined,
      stray: 0,
      waiting: undefined,
    };
  }

  function onFrame(server, index, data) {
    const receivedAt = performance.now();
    lastFrameAt = receivedAt;
    const frame = parseFrame(data);
    if (!run || run.name !== server.name) return;
    if (frame?.type === 'error') {
      run.errors++;
      run.firstError ??= JSON.stringify(frame.error ?? frame).slice(0, 300);
      return;
    }
    if (frame?.type !== 'call.signal') return;
    const id = frame.signal?.benchId;
    if (frame.signal?.benchRun !== run.tag || !(id >= 0 && id < run.sent)) {
      run.stray++;
      return;
    }
    const to = run.recipient[id];
    const from = to ^ 1; // the other participant of the same call
    if (
      to !== index ||
      frame.from !== server.sockets[from].userId ||
      frame.callId !== server.calls[to >> 1]
    ) {
      run.misrouted++;
      return;
    }
    if (run.receivedAt[id] > 0) {
      run.duplicates++;
      return;
    }
    run.receivedAt[id] = receivedAt;
    run.delivered++;
    if (run.waiting?.id === id) run.waiting.resolve();
  }

  /** Sends frame `run.sent` from socket `from` to the other participant of its call. */
  function send(server, from, measured) {
    const id = run.sent++;
    const to = from ^ 1;
    const signal = { ...signalFor(id, run.sdpEvery, sdp), benchRun: run.tag, benchId: id };
    const text = JSON.stringify({
      type: 'call.signal',
      callId: server.calls[from >> 1],
      to: server.sockets[to].userId,
      signal,
    });
    run.recipient[id] = to;
    run.measured[id] = measured ? 1 : 0;
    run.sentBytes += text.length;
    run.sentAt[id] = performance.now();
    server.sockets[from].ws.send(text);
    return id;
  }

  function open(url, participant) {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, {
        headers: { authorization: `Bearer ${participant.token}` },
        perMessageDeflate: false,
      });
      const timer = setTimeout(() => reject(new Error(`${url}: no hello within 30 s`)), 30_000);
      ws.once('message', (data) => {
        clearTimeout(timer);
        if (parseFrame(data)?.type === 'hello') resolve(ws);
        else reject(new Error(`first frame was not hello: ${String(data).slice(0, 200)}`));
      });
      ws.once('error', reject);
      ws.once('unexpected-response', (_request, response) =>
        reject(new Error(`upgrade refused with ${response.statusCode}`)),
      );
    });
  }

  const commands = {
    /** Opens one socket per participant of server `name`. */
    async connect({ name, base, participants }) {
      const url = `${base.replace(/^http/, 'ws')}${REALTIME_PATH}`;
      const server = {
        name,
        calls: [],
        sockets: participants.map((p) => ({ userId: p.userId, ws: undefined })),
      };
      const started = performance.now();
      await pool(participants, 25, async (participant, index) => {
        const ws = await open(url, participant);
        server.sockets[index].ws = ws;
        ws.on('message', (data) => onFrame(server, index, data));
      });
      servers.set(name, server);
      return { connectMs: Math.round(performance.now() - started) };
    },

    /** The running calls of server `name`: call c is between participants 2c and 2c + 1. */
    async calls({ name, calls }) {
      servers.get(name).calls = calls;
    },

    /** Until no frame has come for QUIET_MS (presence announcements, call events), at most 15 s. */
    async quiet() {
      const started = performance.now();
      while (performance.now() - lastFrameAt < QUIET_MS && performance.now() - started < 15_000)
        await sleep(50);
      return { quietMs: Math.round(performance.now() - started) };
    },

    /** One frame at a time from participant 0 to participant 1: `warmup` untimed, then `count` timed. */
    async latency({ name, count, warmup, sdpEvery }) {
      const server = servers.get(name);
      run = newRun(name, count + warmup, sdpEvery);
      let timeouts = 0;
      for (let i = 0; i < count + warmup; i++) {
        if (i === warmup) parentPort.postMessage({ event: 'measure', on: true });
        await new Promise((resolve) => {
          const timer = setTimeout(() => {
            timeouts++;
            resolve();
          }, PING_PONG_TIMEOUT_MS);
          run.waiting = {
            id: send(server, 0, i >= warmup),
            resolve: () => {
              clearTimeout(timer);
              resolve();
            },
          };
        });
      }
      parentPort.postMessage({ event: 'measure', on: false });
      run.waiting = undefined;
      return { ...(await drain(run)), ...figures(run, 0, 0), timeouts };
    },

    /** `calls` calls at once, each participant sending `rate` frames/s in bursts of `burst`, open loop. */
    async load({ name, calls, rate, burst, seconds, warmupSeconds, graceMs, sdpEvery }) {
      const server = servers.get(name);
      const participants = 2 * calls;
      const intervalMs = (burst * 1000) / rate;
      const bursts = Math.round(((warmupSeconds + seconds) * rate) / burst);
      run = newRun(name, participants * bursts * burst, sdpEvery);
      const t0 = performance.now() + 20;
      const measureFrom = t0 + warmupSeconds * 1000;
      const offset = Array.from({ length: participants }, (_, p) => (p / participants) * intervalMs);
      const done = new Int32Array(participants);
      let maxLagMs = 0;
      let measuring = false;
      for (;;) {
        const now = performance.now();
        if (!measuring && now >= measureFrom) {
          measuring = true;
          parentPort.postMessage({ event: 'measure', on: true });
        }
        let nextDue = Infinity;
        for (let p = 0; p < participants; p++) {
          let due = t0 + offset[p] + done[p] * intervalMs;
          while (done[p] < bursts && due <= now) {
            maxLagMs = Math.max(maxLagMs, now - due);
            for (let f = 0; f < burst; f++) send(server, p, due >= measureFrom);
            done[p]++;
            due = t0 + offset[p] + done[p] * intervalMs;
          }
          if (done[p] < bursts) nextDue = Math.min(nextDue, due);
        }
        if (nextDue === Infinity) break;
        await sleep(Math.max(0, nextDue - performance.now()));
      }
      const sendEnd = performance.now();
      while (run.delivered < run.sent && performance.now() - sendEnd < graceMs) await sleep(10);
      parentPort.postMessage({ event: 'measure', on: false });
      return {
        ...(await drain(run)),
        ...figures(run, measureFrom, seconds),
        offeredPerSecond: participants * rate,
        maxSendLagMs: round(maxLagMs, 1),
      };
    },
  };

  /**
   * After the grace period: what has not arrived yet is late, not lost, while the server still works through a
   * backlog. Waits until every frame arrived, nothing arrived for DRAIN_IDLE_MS, or DRAIN_MAX_MS passed.
   */
  async function drain(r) {
    const inTime = r.delivered;
    const started = performance.now();
    let seen = r.delivered;
    let progressAt = started;
    while (r.delivered < r.sent && performance.now() - progressAt < DRAIN_IDLE_MS) {
      if (performance.now() - started > DRAIN_MAX_MS) break;
      await sleep(50);
      if (r.delivered !== seen) {
        seen = r.delivered;
        progressAt = performance.now();
      }
    }
    return { late: r.delivered - inTime, drainMs: Math.round(performance.now() - started) };
  }

  /** Latency of the measured frames; delivered frames/s from `measureFrom` to their last receipt. */
  function figures(r, measureFrom, seconds) {
    const latencies = [];
    let lastReceipt = measureFrom;
    for (let id = 0; id < r.sent; id++) {
      if (!r.measured[id] || r.receivedAt[id] === 0) continue;
      latencies.push(r.receivedAt[id] - r.sentAt[id]);
      lastReceipt = Math.max(lastReceipt, r.receivedAt[id]);
    }
    const window = Math.max(seconds, (lastReceipt - measureFrom) / 1000);
    const latency = summariseValues(latencies, { digits: 2 });
    return {
      sent: r.sent,
      delivered: r.delivered,
      lost: r.sent - r.delivered,
      measured: latency.count,
      deliveredPerSecond: seconds ? round(latency.count / window, 1) : null,
      p50Ms: latency.p50,
      p99Ms: latency.p99,
      maxMs: latency.max,
      meanMs: latency.mean,
      avgFrameBytes: r.sent ? Math.round(r.sentBytes / r.sent) : null,
      duplicates: r.duplicates,
      misrouted: r.misrouted,
      errors: r.errors,
      firstError: r.firstError,
      stray: r.stray,
    };
  }

  parentPort.on('message', (request) => {
    commands[request.cmd](request).then(
      (result) => parentPort.postMessage({ id: request.id, result }),
      (error) => parentPort.postMessage({ id: request.id, error: error?.stack ?? String(error) }),
    );
  });
}

/** The main thread's handle on the load worker: `call(cmd, args)` resolves with the command's result. */
function startLoadWorker(onMeasure) {
  const worker = new Worker(new URL(import.meta.url), { workerData: { role: 'load' } });
  const pending = new Map();
  let nextId = 0;
  const failAll = (error) => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  worker.on('message', (message) => {
    if (message.event === 'measure') return onMeasure(message.on);
    const waiter = pending.get(message.id);
    pending.delete(message.id);
    if (message.error) waiter?.reject(new Error(message.error));
    else waiter?.resolve(message.result);
  });
  worker.on('error', failAll);
  worker.on('exit', (code) => failAll(new Error(`the load worker exited with ${code}`)));
  return {
    call: (cmd, args) =>
      new Promise((resolve, reject) => {
        const id = nextId++;
        pending.set(id, { resolve, reject });
        worker.postMessage({ id, cmd, ...args });
      }),
    close: () => worker.terminate(),
  };
}

// ---------------------------------------------------------------------------------------------------------
// Main thread: the servers, their users and calls, the report.
// ---------------------------------------------------------------------------------------------------------

/** POST `path` (no body) on the server at `base` as `token`'s user, expecting 200: the parsed answer. */
const post = (base, what, path, token) => expectStatus(what, 200, 'POST', `${base}${path}`, {}, token);

/**
 * The real server with `calls` public channels of two participants each (members of the workspace, then of the
 * channel). They join the channel's call later (joinCalls), once their sockets are open, as a client would.
 */
async function setUpJokkaer(core, { databaseUrl, dataDir, logLevel, calls, concurrency }) {
  const { app, config, base } = await startServer(core, serverLogger(logLevel), {
    logLevel,
    databaseUrl,
    dataDir,
    clientFramesPerSecond: FRAME_LIMIT,
    clientFrameBurst: FRAME_LIMIT,
  });
  try {
    const started = performance.now();
    const suffix = randomBytes(4).toString('hex');
    const owner = await registerUser(base, suffix, 'owner');
    const workspace = await createWorkspace(base, suffix, owner.token);
    const invite = await expectStatus(
      'create invite',
      201,
      'POST',
      `${base}/api/v1/workspaces/${workspace.id}/invites`,
      { maxUses: 2 * calls },
      owner.token,
    );
    const participants = [];
    await pool(
      Array.from({ length: 2 * calls }, (_, p) => p),
      concurrency,
      async (p) => {
        const { user, token } = await registerUser(base, suffix, `p${p}`);
        await post(base, 'accept invite', `/api/v1/invites/${invite.code}/accept`, token);
        participants[p] = { userId: user.id, token };
      },
    );
    const registerSeconds = (performance.now() - started) / 1000;
    const channelIds = [];
    await pool(
      Array.from({ length: calls }, (_, c) => c),
      concurrency,
      async (c) => {
        const channel = await createChannel(base, workspace.id, `call-${c}`, owner.token);
        for (const { token } of [participants[2 * c], participants[2 * c + 1]])
          await post(base, 'join channel', `/api/v1/channels/${channel.id}/join`, token);
        channelIds[c] = channel.id;
      },
    );
    log(
      `${2 * calls} participants registered in ${registerSeconds.toFixed(1)} s, in their ${calls} channels ` +
        `after ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
    return { base, config, participants, channelIds, registerSeconds, close: () => app.close() };
  } catch (error) {
    await app.close();
    throw error;
  }
}

/** Both participants of each channel start or join its call (POST .../calls): the call ids, by channel. */
async function joinCalls({ base, participants, channelIds }, concurrency) {
  const callIds = [];
  await pool(channelIds, concurrency, async (channelId, c) => {
    let joined;
    for (const { token } of [participants[2 * c], participants[2 * c + 1]])
      joined = await post(base, 'join call', `/api/v1/channels/${channelId}/calls`, token);
    if (joined.call.participants.length !== 2)
      throw new Error(`call ${joined.call.id}: participants ${JSON.stringify(joined.call.participants)}`);
    callIds[c] = joined.call.id;
  });
  return callIds;
}

/**
 * The baseline: a bare `ws` server on 127.0.0.1. A bearer token names a made-up user; each `call.signal` frame
 * is parsed and forwarded as `{type: "call.signal", callId, from, signal}` to the sockets of its `to`. No check.
 */
async function startRelay(calls) {
  const participants = Array.from({ length: 2 * calls }, () => ({
    userId: randomUUID(),
    token: `relay_${randomBytes(16).toString('hex')}`,
  }));
  const userOf = new Map(participants.map((p) => [p.token, p.userId]));
  const byUser = new Map();
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    path: REALTIME_PATH,
    perMessageDeflate: false,
  });
  wss.on('connection', (ws, request) => {
    const userId = userOf.get(/^Bearer\s+(\S+)$/i.exec(request.headers.authorization ?? '')?.[1]);
    if (!userId) return ws.close(4001, 'unknown token');
    const own = byUser.get(userId) ?? new Set();
    own.add(ws);
    byUser.set(userId, own);
    ws.on('close', () => own.delete(ws));
    ws.on('message', (data) => {
      let frame;
      try {
        frame = JSON.parse(data.toString('utf8'));
      } catch {
        return;
      }
      if (frame?.type !== 'call.signal') return;
      const out = JSON.stringify({
        type: 'call.signal',
        callId: frame.callId,
        from: userId,
        signal: frame.signal,
      });
      for (const peer of byUser.get(frame.to) ?? []) if (peer.readyState === WebSocket.OPEN) peer.send(out);
    });
    ws.send(JSON.stringify({ type: 'hello', seq: 0, userId }));
  });
  await new Promise((resolve, reject) => {
    wss.once('listening', resolve);
    wss.once('error', reject);
  });
  return {
    base: `http://127.0.0.1:${wss.address().port}`,
    participants,
    calls: Array.from({ length: calls }, () => randomUUID()),
    close: () =>
      new Promise((resolve) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => resolve());
      }),
  };
}

function parseSteps(raw) {
  const steps = (raw || '25,100,400').split(',').map((s) => Number(s.trim()));
  if (steps.some((k) => !Number.isInteger(k) || k < 1 || k > 500))
    throw new Error('BENCH_CALLS must be comma-separated integers from 1 to 500');
  return [...new Set(steps)].sort((a, b) => a - b);
}

/** Correctness problems of one measurement, as sentences (empty when none). */
function problemsOf(label, r) {
  const found = [];
  if (r.lost > 0) found.push(`${label}: ${r.lost} of ${r.sent} frames lost`);
  if (r.misrouted > 0) found.push(`${label}: ${r.misrouted} frames reached the wrong socket or sender`);
  if (r.duplicates > 0) found.push(`${label}: ${r.duplicates} frames delivered twice`);
  if (r.errors > 0) found.push(`${label}: ${r.errors} error frames (first: ${r.firstError})`);
  return found;
}

function printReport({ options, pgLabel, jokkaer, latency, steps, largest, problems, loadBefore }) {
  const ratio = (a, b) => (a !== null && b ? round(a / b, 2) : null);
  const cfg = jokkaer.config;
  console.log('');
  console.log(
    `Calls signaling — call.signal over the realtime socket vs a bare ws relay; ${pgLabel} PostgreSQL, ` +
      `${os.cpus().length} CPUs, Node ${process.version}, load average ${loadBefore} before, ` +
      `${round(os.loadavg()[0], 2)} after; participants registered in ${jokkaer.registerSeconds.toFixed(1)} s`,
  );
  console.log(
    `server: client frame limit raised to ${cfg.clientFramesPerSecond}/s per socket; ` +
      `DB pool ${cfg.dbPoolMax}, ephemeral frames dropped above ${cfg.ephemeralDropBytes} B unsent per socket ` +
      `(REALTIME_EPHEMERAL_DROP_BYTES); signals: 1 in ${options.sdpEvery} an SDP, else ICE candidates`,
  );
  console.log('');
  console.log(
    `1. Relay latency: ${options.signals} call.signal frames A → B of one call, one at a time, after ` +
      `${latency.warmup} warm-up frames; send → receipt`,
  );
  const latencyRows = ['jokkaer', 'baseline'].map((name) => {
    const r = latency[name];
    return [
      name,
      `${r.measured}/${options.signals}`,
      r.lost,
      r.avgFrameBytes,
      r.p50Ms,
      r.p99Ms,
      r.maxMs,
      r.meanMs,
      r.serverThreadBusy,
    ];
  });
  console.log(
    formatTable(
      [
        'server',
        'delivered',
        'lost',
        'frame B',
        'p50 ms',
        'p99 ms',
        'max ms',
        'mean ms',
        'server thread busy',
      ],
      latencyRows,
    ),
  );
  console.log(
    `ratio jokkaer/baseline: p50 ${ratio(latency.jokkaer.p50Ms, latency.baseline.p50Ms)}, ` +
      `p99 ${ratio(latency.jokkaer.p99Ms, latency.baseline.p99Ms)}, max ${ratio(latency.jokkaer.maxMs, latency.baseline.maxMs)}`,
  );
  console.log('');
  console.log(
    `2. Concurrent calls: K calls × 2 participants, each sending ${options.rate} frames/s in bursts of ` +
      `${options.burst} for ${options.seconds} s (after ${options.warmupSeconds} s warm-up); sustained = ` +
      `p99 < ${options.p99Ms} ms, nothing late or lost, delivered >= 95% of offered; late = arrived more than ` +
      `${options.graceMs} ms after the last send, lost = never arrived (waited until nothing came for ` +
      `${DRAIN_IDLE_MS / 1000} s, at most ${DRAIN_MAX_MS / 1000} s)`,
  );
  const rows = [];
  for (const step of steps) {
    for (const name of ['jokkaer', 'baseline']) {
      const r = step[name];
      rows.push([
        `${step.calls} ${name}`,
        r.offeredPerSecond,
        r.deliveredPerSecond,
        r.p50Ms,
        r.p99Ms,
        r.maxMs,
        `${r.delivered}/${r.sent}`,
        r.late,
        r.lost,
        r.maxSendLagMs,
        r.serverThreadBusy,
        r.processCores,
        r.postgresCores,
        r.loadAverage,
        r.sustained ? 'yes' : 'NO',
      ]);
    }
  }
  console.log(
    formatTable(
      [
        'calls server',
        'offered/s',
        'delivered/s',
        'p50 ms',
        'p99 ms',
        'max ms',
        'arrived',
        'late',
        'lost',
        'send lag ms',
        'server thread busy',
        'process cores',
        'postgres cores',
        'load 1m',
        'sustained',
      ],
      rows,
    ),
  );
  for (const step of steps) {
    console.log(
      `K=${step.calls} ratio jokkaer/baseline: p50 ${ratio(step.jokkaer.p50Ms, step.baseline.p50Ms)}, ` +
        `p99 ${ratio(step.jokkaer.p99Ms, step.baseline.p99Ms)}, delivered/s ` +
        `${ratio(step.jokkaer.deliveredPerSecond, step.baseline.deliveredPerSecond)}`,
    );
  }
  console.log('');
  console.log(
    `largest K sustained (p99 < ${options.p99Ms} ms, nothing late or lost) of ${options.steps.join(', ')}: ` +
      `jokkaer ${largest.jokkaer ?? 'none'}, baseline ${largest.baseline ?? 'none'}`,
  );
  for (const problem of problems) console.log(`FAIL: ${problem}`);
}

async function main() {
  const options = {
    signals: envInt('BENCH_SIGNALS', 2000, 1),
    steps: parseSteps(process.env.BENCH_CALLS),
    rate: envInt('BENCH_RATE', 20, 1),
    burst: envInt('BENCH_BURST', 5, 1),
    seconds: envInt('BENCH_SECONDS', 10, 1),
    warmupSeconds: envInt('BENCH_WARMUP_SECONDS', 2, 0),
    graceMs: envInt('BENCH_GRACE_MS', 3000, 0),
    p99Ms: envInt('BENCH_P99_MS', 100, 1),
    sdpEvery: envInt('BENCH_SDP_EVERY', 10, 1),
    registerConcurrency: envInt('BENCH_REGISTER_CONCURRENCY', 8, 1),
  };
  const logLevel = process.env.LOG_LEVEL || 'warn';
  const loadBefore = round(os.loadavg()[0], 2);
  const maxCalls = options.steps[options.steps.length - 1];

  const core = await importCore();
  const { startEmbeddedPostgres } = core;

  await runWithDatabase({ startEmbeddedPostgres, logLevel }, async ({ tmp, cleanups, benchUrl, pgLabel }) => {
    const jokkaer = await setUpJokkaer(core, {
      databaseUrl: benchUrl,
      dataDir: path.join(tmp, 'data'),
      logLevel,
      calls: maxCalls,
      concurrency: options.registerConcurrency,
    });
    cleanups.push(() => jokkaer.close());
    const relay = await startRelay(maxCalls);
    cleanups.push(() => relay.close());

    // The server thread's share and the CPU of this process and PostgreSQL while the worker measures.
    let before;
    let usage;
    const load = startLoadWorker((on) => {
      if (on) before = cpuUsageSnapshot();
      else usage = cpuUsageBetween(before, cpuUsageSnapshot());
    });
    cleanups.push(() => load.close());
    const measure = async (cmd, args) => {
      const result = await load.call(cmd, args);
      // Whatever the server still has queued (notifications, queries) is done before the next measurement.
      await settle(30_000);
      return {
        ...result,
        serverThreadBusy: usage.threadBusy,
        processCores: usage.processCores,
        postgresCores: usage.postgresCores,
        // Other work on the machine shows here (1-minute load average at the end of the measurement).
        loadAverage: round(os.loadavg()[0], 2),
      };
    };
    for (const [name, server] of [
      ['jokkaer', jokkaer],
      ['baseline', relay],
    ]) {
      const { connectMs } = await load.call('connect', {
        name,
        base: server.base,
        participants: server.participants,
      });
      const calls = server.calls ?? (await joinCalls(server, options.registerConcurrency));
      await load.call('calls', { name, calls });
      const { quietMs } = await load.call('quiet', {});
      log(
        `${name}: ${server.participants.length} sockets open in ${connectMs} ms, ${calls.length} calls, quiet after ${quietMs} ms`,
      );
    }

    const warmup = Math.max(1, Math.round(options.signals / 10));
    const latency = { warmup };
    for (const name of ['jokkaer', 'baseline']) {
      log(`${name}: latency, ${options.signals} frames one at a time`);
      latency[name] = await measure('latency', {
        name,
        count: options.signals,
        warmup,
        sdpEvery: options.sdpEvery,
      });
    }

    const steps = [];
    for (const calls of options.steps) {
      const step = { calls };
      for (const name of ['jokkaer', 'baseline']) {
        log(`${name}: ${calls} calls, ${2 * calls * options.rate} frames/s for ${options.seconds} s`);
        const r = await measure('load', { name, calls, ...options, steps: undefined });
        r.sustained =
          problemsOf(name, r).length === 0 &&
          r.late === 0 &&
          r.p99Ms !== null &&
          r.p99Ms < options.p99Ms &&
          r.deliveredPerSecond >= 0.95 * r.offeredPerSecond;
        step[name] = r;
      }
      steps.push(step);
    }

    const largest = {};
    for (const name of ['jokkaer', 'baseline']) {
      largest[name] = steps
        .filter((s) => s[name].sustained)
        .reduce((max, s) => Math.max(max ?? 0, s.calls), null);
    }
    const problems = [
      ...['jokkaer', 'baseline'].flatMap((name) => problemsOf(`latency ${name}`, latency[name])),
      ...steps.flatMap((s) =>
        ['jokkaer', 'baseline'].flatMap((name) => problemsOf(`${s.calls} calls ${name}`, s[name])),
      ),
    ];
    printReport({ options, pgLabel, jokkaer, latency, steps, largest, problems, loadBefore });
    console.log(
      JSON.stringify({
        ...resultHeader('calls', pgLabel, { before: loadBefore, after: round(os.loadavg()[0], 2) }),
        options,
        registerSeconds: round(jokkaer.registerSeconds, 1),
        latency,
        steps,
        largestSustained: largest,
        failures: problems,
      }),
    );
    if (problems.length > 0) process.exitCode = 1;
  });
}

if (isMainThread) await main();
else if (workerData?.role === 'load') loadWorker();
