// Benchmark (not a test): how many messages per second the real server accepts on
// POST /api/v1/channels/:channelId/messages, next to a bare Fastify route doing one INSERT on the same
// PostgreSQL; then how many GET /api/v1/me it answers, next to a bare Fastify route doing one SELECT of the same
// user row (the floor of an authenticated read). Run with `npm run bench:messages` (builds first). Loopback
// only, bounded, cleans up after itself. Each run also prints the CPU one answered request cost the servers' thread
// and the bench database's PostgreSQL backends: throughput moves with whatever else shares the cores, CPU per
// request much less (with BENCH_WORKERS=0 the servers' thread also carries the load generator).
//
// Environment: BENCH_CONNECTIONS (default 20), BENCH_SECONDS (default 10), BENCH_WARMUP_SECONDS (default 2),
// BENCH_WORKERS (autocannon worker threads, default 1; 0 runs the load generator on the servers' thread),
// BENCH_REQUIRE_GOAL=1 (exit 1 when the goal is missed), DATABASE_URL (else an embedded PostgreSQL),
// DB_POOL_MAX (both servers' pool size, default 10), LOG_LEVEL (server log level, default warn),
// BENCH_PROFILE=1 (profile this thread, where the servers run, during Jōkkær's measured runs: autocannon runs in
// worker threads, so set BENCH_WORKERS >= 1; prints the top areas and functions by self time).
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import autocannon from 'autocannon';
import pg from 'pg';
import { createApp } from '../../core/dist/app.js';
import { createLogger } from '../../core/dist/common/logger.js';
import { loadConfig } from '../../core/dist/config/config.js';
import { preferUnixSocket } from '../../core/dist/database/database.js';
import { startEmbeddedPostgres } from '../../core/dist/database/embedded-postgres.js';
import {
  createUserWorkspace,
  databaseBackendsCpu,
  databaseBackendsCpuBetween,
  envInt,
  expectStatus,
  formatTable,
  log,
  mainThreadCpuSeconds,
  printCpuProfileSummary,
  provisionDatabase,
  runBenchmark,
  startCpuProfile,
  startServer,
  summariseCpuProfile,
} from '../support.mjs';

// fastify is core's dependency: load the copy core itself resolves, hoisted to the root or not.
const Fastify = createRequire(new URL('../../core/package.json', import.meta.url))('fastify');

const GOAL_RATIO = 0.5;
const MAX_ERROR_RATE = 0.01;

const connections = envInt('BENCH_CONNECTIONS', 20, 1);
const seconds = envInt('BENCH_SECONDS', 10, 1);
const warmupSeconds = envInt('BENCH_WARMUP_SECONDS', 2, 0);
const workers = envInt('BENCH_WORKERS', 1, 0);
const requireGoal = /^(1|true|yes)$/i.test(process.env.BENCH_REQUIRE_GOAL ?? '');
const profiling = /^(1|true|yes)$/i.test(process.env.BENCH_PROFILE ?? '');
if (profiling && workers === 0) throw new Error('BENCH_PROFILE needs BENCH_WORKERS >= 1');
const logLevel = process.env.LOG_LEVEL || 'warn';
const text = 'Benchmark message: the quick brown fox jumps over the lazy dog, again and again. :tada:';
const body = JSON.stringify({ text });

/** A request autocannon repeats: `post` sends the message body, otherwise a GET. */
async function load(url, headers, duration, post) {
  return autocannon({
    url,
    method: post ? 'POST' : 'GET',
    headers: post ? { 'content-type': 'application/json', ...headers } : headers,
    body: post ? body : undefined,
    connections,
    duration,
    workers: workers || undefined,
    timeout: 10,
  });
}

/**
 * Warm-up (discarded), then the measured run; summarised into the figures the report prints, with the CPU each
 * answered request cost the servers' thread and the database's backends (`observer`: a pg client on the bench
 * database). Throughput moves with what else shares the cores; CPU per request much less.
 */
async function measure(name, url, headers, observer, post = true, profile = false) {
  if (warmupSeconds > 0) {
    log(`${name}: warming up for ${warmupSeconds} s`);
    await load(url, headers, warmupSeconds, post);
  }
  log(`${name}: ${connections} connections for ${seconds} s`);
  const profiler = profile ? startCpuProfile() : undefined;
  await profiler?.started;
  const serverBefore = mainThreadCpuSeconds();
  const backendsBefore = await databaseBackendsCpu(observer);
  const result = await load(url, headers, seconds, post);
  const serverSeconds = mainThreadCpuSeconds() - serverBefore;
  const backendSeconds = databaseBackendsCpuBetween(
    backendsBefore,
    await databaseBackendsCpu(observer, backendsBefore.pids),
  );
  if (profiler) {
    const summary = summariseCpuProfile(await profiler.stop(), { areas: 12, functions: 25 });
    printCpuProfileSummary(
      `CPU profile of the servers' thread during "${name}" (${summary.sampledMs} ms sampled)`,
      summary,
    );
  }
  const ok = result['2xx'];
  const failed = result.non2xx + result.errors + result.timeouts;
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats.count]),
  );
  const msPerRequest = (cpuSeconds) => (ok > 0 ? Math.round((cpuSeconds / ok) * 1e6) / 1e3 : null);
  return {
    name,
    requestsPerSecond: Math.round((ok / result.duration) * 10) / 10,
    serverCpuMsPerRequest: msPerRequest(serverSeconds),
    postgresCpuMsPerRequest: msPerRequest(backendSeconds),
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    maxMs: result.latency.max,
    ok,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    errorRate: ok + failed === 0 ? 1 : failed / (ok + failed),
    statusCodes,
    durationSeconds: result.duration,
  };
}

async function startBaseline(databaseUrl, poolMax, userId) {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: poolMax });
  let closing = false;
  // pool.end() does not wait for the backends to exit, so the final DROP DATABASE ... WITH (FORCE) may still
  // terminate them: expected then, and an idle connection's error must never crash the benchmark.
  pool.on('error', (error) => closing || log(`baseline pool: ${error.message}`));
  await pool.query(`CREATE TABLE bench_baseline (
    id uuid PRIMARY KEY,
    channel_id uuid NOT NULL,
    user_id uuid NOT NULL,
    text text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
  )`);
  const channelId = randomUUID();
  const app = Fastify({ logger: false });
  app.get('/api/v1/me', async () => {
    const { rows } = await pool.query('SELECT id, email, display_name FROM users WHERE id = $1', [userId]);
    return { id: rows[0].id, email: rows[0].email, displayName: rows[0].display_name };
  });
  app.post('/api/v1/channels/:channelId/messages', async (request, reply) => {
    const messageText = request.body?.text;
    if (typeof messageText !== 'string') return reply.code(400).send({ status: 400, title: 'Bad Request' });
    const { rows } = await pool.query(
      'INSERT INTO bench_baseline (id, channel_id, user_id, text) VALUES ($1, $2, $3, $4) RETURNING *',
      [randomUUID(), channelId, userId, messageText],
    );
    const row = rows[0];
    return reply.code(201).send({
      id: row.id,
      channelId: row.channel_id,
      userId: row.user_id,
      text: row.text,
      createdAt: row.created_at.toISOString(),
    });
  });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const base = `http://127.0.0.1:${app.server.address().port}`;
  return {
    url: `${base}/api/v1/channels/${channelId}/messages`,
    meUrl: `${base}/api/v1/me`,
    rowCount: async () => Number((await pool.query('SELECT count(*) AS n FROM bench_baseline')).rows[0].n),
    close: async () => {
      closing = true;
      await app.close();
      await pool.end();
    },
  };
}

async function startJokkaer(databaseUrl, dataDir) {
  const { app, config, base } = await startServer({ loadConfig, createApp }, createLogger(logLevel), {
    logLevel,
    databaseUrl,
    dataDir,
  });
  try {
    const { user, token, channel } = await createUserWorkspace(base);
    const url = `${base}/api/v1/channels/${channel.id}/messages`;
    const meUrl = `${base}/api/v1/me`;
    // One request by hand first, so a broken endpoint shows its problem+json instead of N failures.
    await expectStatus('post message', 201, 'POST', url, { text }, token);
    await expectStatus('get me', 200, 'GET', meUrl, undefined, token);
    return { url, meUrl, token, userId: user.id, close: () => app.close(), config };
  } catch (error) {
    await app.close();
    throw error;
  }
}

function resultsTable(rows, unit) {
  const header = [
    'server',
    `${unit}/s`,
    'p50 ms',
    'p99 ms',
    'max ms',
    '2xx',
    'non-2xx',
    'errors',
    'server CPU ms/req',
    'PG CPU ms/req',
  ];
  return formatTable(
    header,
    rows.map((r) => [
      r.name,
      r.requestsPerSecond.toFixed(1),
      String(r.p50Ms),
      String(r.p99Ms),
      String(r.maxMs),
      String(r.ok),
      String(r.non2xx),
      String(r.errors + r.timeouts),
      String(r.serverCpuMsPerRequest ?? 'n/a'),
      String(r.postgresCpuMsPerRequest ?? 'n/a'),
    ]),
  );
}

async function main() {
  await runBenchmark(async ({ tmp, cleanups }) => {
    const { benchUrl, pgLabel } = await provisionDatabase({
      tmp,
      cleanups,
      startEmbeddedPostgres: startEmbeddedPostgres,
      logger: createLogger(logLevel),
    });

    const jokkaer = await startJokkaer(benchUrl, path.join(tmp, 'data'));
    cleanups.push(() => jokkaer.close());
    const poolMax = jokkaer.config.dbPoolMax;
    // The baseline reaches PostgreSQL as the server does (its Unix socket, when it prefers that one).
    const baselineUrl = jokkaer.config.dbUnixSocket
      ? await preferUnixSocket(benchUrl, jokkaer.config.dbConnectTimeoutMs, createLogger(logLevel))
      : benchUrl;
    const baseline = await startBaseline(baselineUrl, poolMax, jokkaer.userId);
    cleanups.push(() => baseline.close());

    const observer = new pg.Client({ connectionString: benchUrl });
    await observer.connect();
    cleanups.push(() => observer.end());

    const auth = { authorization: `Bearer ${jokkaer.token}` };
    const jokkaerRun = await measure('jokkaer', jokkaer.url, auth, observer, true, profiling);
    const baselineRun = await measure('baseline', baseline.url, auth, observer);
    const baselineRows = await baseline.rowCount();
    const jokkaerMe = await measure('jokkaer /me', jokkaer.meUrl, auth, observer, false, profiling);
    const baselineMe = await measure('baseline /me', baseline.meUrl, auth, observer, false);

    const ratioOf = (a, b) => (b.requestsPerSecond > 0 ? a.requestsPerSecond / b.requestsPerSecond : 0);
    const ratio = ratioOf(jokkaerRun, baselineRun);
    const meRatio = ratioOf(jokkaerMe, baselineMe);
    const goalMet = ratio >= GOAL_RATIO;
    const meGoalMet = meRatio >= GOAL_RATIO;
    const tooManyErrors = [jokkaerRun, baselineRun, jokkaerMe, baselineMe].filter(
      (r) => r.errorRate > MAX_ERROR_RATE,
    );

    console.log('');
    console.log(
      `POST /api/v1/channels/:channelId/messages — ${connections} connections, ${seconds} s each ` +
        `(after ${warmupSeconds} s warm-up), ${pgLabel} PostgreSQL, pool ${poolMax}, ${os.cpus().length} CPUs`,
    );
    console.log('');
    console.log(resultsTable([jokkaerRun, baselineRun], 'messages'));
    console.log('');
    console.log(
      `status codes: jokkaer ${JSON.stringify(jokkaerRun.statusCodes)}, baseline ${JSON.stringify(baselineRun.statusCodes)}`,
    );
    console.log(`baseline rows inserted (warm-up included): ${baselineRows}`);
    console.log(`throughput ratio jokkaer/baseline: ${(ratio * 100).toFixed(1)}%`);
    console.log(`goal: >= ${GOAL_RATIO * 100}% of baseline — ${goalMet ? 'MET' : 'NOT MET'}`);
    console.log('');
    console.log(`GET /api/v1/me against a bare Fastify route doing one SELECT of the same user row`);
    console.log('');
    console.log(resultsTable([jokkaerMe, baselineMe], 'requests'));
    console.log('');
    console.log(`GET /me ratio jokkaer/baseline: ${(meRatio * 100).toFixed(1)}%`);
    console.log(`goal: >= ${GOAL_RATIO * 100}% of baseline — ${meGoalMet ? 'MET' : 'NOT MET'}`);
    for (const r of tooManyErrors) {
      console.log(`FAIL: ${r.name} had ${(r.errorRate * 100).toFixed(2)}% failed requests (limit 1%)`);
    }
    console.log(
      JSON.stringify({
        benchmark: 'messages',
        date: new Date().toISOString(),
        postgres: pgLabel,
        connections,
        seconds,
        warmupSeconds,
        poolMax,
        cpus: os.cpus().length,
        node: process.version,
        jokkaer: jokkaerRun,
        baseline: baselineRun,
        ratio: Math.round(ratio * 1000) / 1000,
        goal: GOAL_RATIO,
        goalMet,
        me: {
          jokkaer: jokkaerMe,
          baseline: baselineMe,
          ratio: Math.round(meRatio * 1000) / 1000,
          goalMet: meGoalMet,
        },
      }),
    );
    if (tooManyErrors.length > 0 || (requireGoal && !(goalMet && meGoalMet))) process.exitCode = 1;
  });
}

await main();
