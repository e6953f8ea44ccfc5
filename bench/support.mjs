// Helpers the benchmarks share: environment numbers, loopback ports, fresh databases, the server (in this
// process or its own) and its first user, JSON over HTTP, logs, cleanup, CPU and memory figures, profiles,
// summaries and tables.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { readdirSync, readFileSync, rmSync } from 'node:fs';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import inspector from 'node:inspector';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

export const log = (message) => console.error(`[bench] ${message}`);

/** `value` rounded to `digits` decimals; null for anything that is not a finite number. */
export const round = (value, digits = 2) => (Number.isFinite(value) ? Number(value.toFixed(digits)) : null);

export function envInt(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}`);
  return value;
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

function withDatabase(url, database) {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function httpJson(method, url, payload, token) {
  const headers = {};
  if (payload !== undefined) headers['content-type'] = 'application/json';
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(url, {
    method,
    headers,
    body: payload === undefined ? undefined : JSON.stringify(payload),
  });
  const textBody = await response.text();
  let parsed = textBody;
  try {
    parsed = JSON.parse(textBody);
  } catch {
    // not JSON: keep the text for the error message
  }
  return { status: response.status, body: parsed };
}

export async function expectStatus(what, status, method, url, payload, token) {
  const response = await httpJson(method, url, payload, token);
  if (response.status !== status) {
    throw new Error(`${what}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body;
}

/**
 * Benchmarks drive one client far past any per-client limit on purpose: the limits still count every
 * request (their cost is measured) but never refuse one. Each limit: its AppConfig field and its variable.
 */
const UNLIMITED_SETTINGS = [
  ['apiRateLimitPerToken', 'API_RATE_LIMIT_PER_TOKEN'],
  ['apiRateLimitPerAddress', 'API_RATE_LIMIT_PER_ADDRESS'],
  ['registerMaxPerAddress', 'REGISTER_MAX_PER_ADDRESS'],
  ['botChannelPostsPerWindow', 'BOT_CHANNEL_POSTS_PER_WINDOW'],
  ['realtimeMaxSocketsPerUser', 'REALTIME_MAX_SOCKETS_PER_USER'],
];
const UNLIMITED = Object.fromEntries(UNLIMITED_SETTINGS.map(([field]) => [field, Number.MAX_SAFE_INTEGER]));
/** The environment variables a server process gets so that no per-client limit refuses a benchmark's load. */
export const UNLIMITED_ENV = Object.fromEntries(
  UNLIMITED_SETTINGS.map(([, variable]) => [variable, String(Number.MAX_SAFE_INTEGER)]),
);

/** The real server on a loopback port, migrated, `settings` added to its config: { app, config, base }. */
export async function startServer({ loadConfig, createApp }, logger, settings) {
  const config = loadConfig(process.env, {
    host: '127.0.0.1',
    port: 0,
    migrateOnStart: true,
    ...UNLIMITED,
    ...settings,
  });
  const app = await createApp(config, logger);
  try {
    await app.listen(0, '127.0.0.1');
  } catch (error) {
    await app.close();
    throw error;
  }
  return { app, config, base: `http://127.0.0.1:${app.getHttpServer().address().port}` };
}

/**
 * The built server (core/dist/main.js) in a process of its own on a loopback port, migrated, with the limits
 * of UNLIMITED_ENV and `env` added to this process's environment; resolves once GET /health answers 200:
 * { base, pid, stop() }. Its own process, so that its CPU and memory can be told from the load generator's.
 */
export async function startServerProcess({ databaseUrl, dataDir, logLevel, env = {} }) {
  const port = await freePort();
  // BENCH_CPU_PROF_DIR: the server writes a V8 CPU profile there when it stops (open it in Chrome's DevTools).
  const profile = process.env.BENCH_CPU_PROF_DIR
    ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF_DIR}`]
    : [];
  const main = fileURLToPath(new URL('../core/dist/main.js', import.meta.url));
  const child = spawn(process.execPath, [...profile, main], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      DATA_DIR: dataDir,
      HOST: '127.0.0.1',
      PORT: String(port),
      LOG_LEVEL: logLevel,
      MIGRATE_ON_START: 'true',
      ...UNLIMITED_ENV,
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve(signal ?? code)));
  let exitStatus;
  void exited.then((status) => (exitStatus = status));
  const stop = async () => {
    if (exitStatus !== undefined) return;
    child.kill('SIGTERM');
    if ((await Promise.race([exited, sleep(15_000).then(() => 'timeout')])) === 'timeout') {
      child.kill('SIGKILL');
      await exited;
    }
  };
  const base = `http://127.0.0.1:${port}`;
  const deadline = performance.now() + 120_000;
  for (;;) {
    if (exitStatus !== undefined) throw new Error(`the server process exited (${exitStatus}) while starting`);
    const status = await fetch(`${base}/health`).then(
      (response) => response.status,
      () => 0,
    );
    if (status === 200) return { base, pid: child.pid, stop };
    if (performance.now() > deadline) {
      await stop();
      throw new Error(`the server process did not answer GET /health with 200 within 120 s (last ${status})`);
    }
    await sleep(200);
  }
}

/** Registers a user of run `suffix` at `base` ("Bench User", or "Bench <label>"): { user, token }. */
export function registerUser(base, suffix, label) {
  return expectStatus('register', 201, 'POST', `${base}/api/v1/auth/register`, {
    email: label ? `bench.${suffix}.${label}@example.test` : `bench.${suffix}@example.test`,
    password: 'correct horse battery',
    displayName: label ? `Bench ${label}` : 'Bench User',
  });
}

/** Creates the workspace of run `suffix` on the server at `base`, owned by the user of `token`. */
export function createWorkspace(base, suffix, token) {
  return expectStatus(
    'create workspace',
    201,
    'POST',
    `${base}/api/v1/workspaces`,
    { name: `Bench ${suffix}`, slug: `bench-${suffix}` },
    token,
  );
}

/** Creates a public channel `name` in workspace `workspaceId` on the server at `base`, as `token`'s user. */
export function createChannel(base, workspaceId, name, token) {
  return expectStatus(
    'create channel',
    201,
    'POST',
    `${base}/api/v1/workspaces/${workspaceId}/channels`,
    { name, kind: 'public' },
    token,
  );
}

/** A new user with a workspace and a public channel of their own on the server at `base`. */
export async function createUserWorkspace(base) {
  const suffix = randomBytes(4).toString('hex');
  const { user, token } = await registerUser(base, suffix);
  const workspace = await createWorkspace(base, suffix, token);
  const channel = await createChannel(base, workspace.id, `bench-${suffix}`, token);
  return { user, token, workspace, channel };
}

/** Runs `task(item, index)` over `items` with at most `limit` at a time; stops early when `stop()` says so. */
export async function pool(items, limit, task, stop = () => false) {
  let next = 0;
  const runners = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length && !stop()) {
      const index = next++;
      await task(items[index], index);
    }
  });
  await Promise.all(runners);
}

/**
 * Waits (at most `maxMs`) until this thread's event loop is nearly idle for two 250 ms windows in a row: after
 * a load, the server may still work through a backlog (sockets closing, presence, queued queries) for a while.
 */
export async function settle(maxMs) {
  const end = performance.now() + maxMs;
  let idleWindows = 0;
  while (idleWindows < 2 && performance.now() < end) {
    const start = performance.eventLoopUtilization();
    await sleep(250);
    idleWindows = performance.eventLoopUtilization(start).utilization < 0.05 ? idleWindows + 1 : 0;
  }
}

/** A WebSocket text frame (Buffer or string) parsed as JSON; undefined when it is not JSON. */
export function parseFrame(data) {
  try {
    return JSON.parse(data.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** Closes every WebSocket of `sockets` (undefined ones skipped), waiting at most `maxMs`, then terminates the rest. */
export async function closeSockets(sockets, maxMs = 5000) {
  const open = sockets.filter((ws) => ws !== undefined);
  await Promise.race([
    Promise.all(
      open.map(
        (ws) =>
          new Promise((resolve) => {
            if (ws.readyState === ws.CLOSED) return resolve();
            ws.once('close', resolve);
            ws.close(1000, 'bench done');
          }),
      ),
    ),
    sleep(maxMs),
  ]);
  for (const ws of open) ws.terminate();
}

/** The built server's modules a benchmark starts it with (app, config, embedded PostgreSQL), plus `extra` ones. */
export async function importCore(...extra) {
  const paths = ['app.js', 'config/config.js', 'database/embedded-postgres.js', ...extra];
  const modules = await Promise.all(paths.map((p) => import(new URL(`../core/dist/${p}`, import.meta.url))));
  return Object.assign({}, ...modules);
}

export function serverLogger(level) {
  // pino is core's dependency: load the copy core itself resolves, hoisted to the root or not.
  const pino = createRequire(new URL('../core/package.json', import.meta.url))('pino');
  return pino(
    { level, base: { service: 'jokkaer' }, timestamp: pino.stdTimeFunctions.isoTime },
    pino.destination(2),
  );
}

export function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** p50/p99/max/mean (nearest rank) and count of `values`, each times `scale`, rounded to `digits`. */
export function summariseValues(values, { digits, scale = 1 }) {
  const sorted = Float64Array.from(values).sort();
  let sum = 0;
  for (const value of sorted) sum += value;
  const at = (value) => (value === null ? null : round(value * scale, digits));
  return {
    p50: at(percentile(sorted, 50)),
    p99: at(percentile(sorted, 99)),
    max: at(sorted.length ? sorted[sorted.length - 1] : null),
    mean: at(sorted.length ? sum / sorted.length : null),
    count: sorted.length,
  };
}

/** A plain-text table: first column left-aligned, the others right-aligned, '-' for null or undefined. */
export function formatTable(header, rows) {
  const cell = (value) => (value === null || value === undefined ? '-' : String(value));
  const lines = rows.map((row) => row.map(cell));
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  return [fmt(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(fmt)].join('\n');
}

/** A message.created payload shaped as the messages service writes it: no thread, files or reactions. */
export function messageCreatedPayload({ id, workspaceId, channelId, userId, text, clientMsgId = null }) {
  return {
    id,
    workspaceId,
    channelId,
    userId,
    text,
    threadId: null,
    replyCount: 0,
    reactions: [],
    files: [],
    mentions: [],
    clientMsgId,
    createdAt: new Date().toISOString(),
    editedAt: null,
  };
}

/** The first fields of a benchmark's JSON line: which, when, PostgreSQL, CPUs, Node, load average. */
export function resultHeader(benchmark, postgres, loadAverage) {
  return {
    benchmark,
    date: new Date().toISOString(),
    postgres,
    cpus: os.cpus().length,
    node: process.version,
    loadAverage,
  };
}

/** The table of a run's goals: each goal, the figure that answers it, MET or NOT MET. */
export function goalsTable(goals) {
  return formatTable(
    ['goal', 'measured', 'met'],
    goals.map((g) => [g.goal, g.measured, g.met ? 'MET' : 'NOT MET']),
  );
}

/**
 * The cleanup of one run: push steps to `cleanups`; `cleanup()` runs them once (however many ask: Ctrl-C,
 * then the failure it causes), in reverse order, logging failures. Ctrl-C cleans up and exits 130.
 */
function createCleanup() {
  const cleanups = [];
  let cleaning;
  let interrupted = false;
  const cleanup = () =>
    (cleaning ??= (async () => {
      while (cleanups.length) {
        const step = cleanups.pop();
        try {
          await step();
        } catch (error) {
          log(`cleanup failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    })());
  process.once('SIGINT', () => {
    interrupted = true;
    log('interrupted; cleaning up');
    void cleanup().finally(() => process.exit(130));
  });
  return { cleanups, cleanup, interrupted: () => interrupted };
}

/** A fresh temporary directory for one run, removed by `cleanups` or, should the process exit first, then. */
async function makeTempDir(cleanups) {
  const tmp = await mkdtemp(path.join(os.tmpdir(), 'jokkaer-bench-'));
  // As root the embedded PostgreSQL runs as the `postgres` user, which must reach the cluster directory.
  await chmod(tmp, 0o755);
  cleanups.push(() => rm(tmp, { recursive: true, force: true }));
  // Should the process exit before the cleanup gets there, the temporary directory goes all the same.
  process.once('exit', () => rmSync(tmp, { recursive: true, force: true }));
  return tmp;
}

/** Runs body({ tmp, cleanups }) in a fresh temp dir: exit 1 if it throws, cleanups once at the end. */
export async function runBenchmark(body) {
  const { cleanups, cleanup, interrupted } = createCleanup();
  try {
    const tmp = await makeTempDir(cleanups);
    await body({ tmp, cleanups });
  } catch (error) {
    // After Ctrl-C, the cleanup stopping the servers and workers makes the run fail: not worth a stack.
    if (!interrupted()) console.error(error);
    process.exitCode = 1;
  } finally {
    await cleanup();
  }
}

const USER_HZ = 100; // clock ticks per second of /proc/<pid>/stat on Linux

/** The fields after the command name of a /proc/<pid>/stat file's text (state first). */
const statFields = (stat) => stat.slice(stat.lastIndexOf(')') + 2).split(' ');

/** CPU seconds (user + system) in the text of a /proc/<pid>/stat file. */
function statCpuSeconds(stat) {
  const fields = statFields(stat);
  return (Number(fields[11]) + Number(fields[12])) / USER_HZ;
}

/** CPU seconds (cutime + cstime) of the ended children waited for, in the text of a /proc/<pid>/stat file. */
function statChildrenCpuSeconds(stat) {
  const fields = statFields(stat);
  return (Number(fields[13]) + Number(fields[14])) / USER_HZ;
}

/** CPU seconds so far of every PostgreSQL process on this machine (Linux /proc), or null. */
export function postgresCpuSeconds() {
  try {
    let total = 0;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        if (stat.includes('(postgres)')) total += statCpuSeconds(stat);
      } catch {
        // the process ended meanwhile
      }
    }
    return total;
  } catch {
    return null;
  }
}

/** Machine-wide CPU tick counters (Linux /proc/stat), to tell a saturated or shared machine from a slow server. */
export function machineCpuTicks() {
  try {
    const [user, nice, system, idle, iowait, irq, softirq, steal] = readFileSync('/proc/stat', 'utf8')
      .split('\n')[0]
      .trim()
      .split(/\s+/)
      .slice(1)
      .map(Number);
    return { busy: user + nice + system + irq + softirq, idle: idle + iowait, steal };
  } catch {
    return undefined;
  }
}

/** Resident memory of the process `pid` in MiB (Linux /proc), or null. */
export function processRssMiB(pid) {
  try {
    const line = readFileSync(`/proc/${pid}/status`, 'utf8')
      .split('\n')
      .find((l) => l.startsWith('VmRSS:'));
    return round(Number(line.split(/\s+/)[1]) / 1024, 1);
  } catch {
    return null;
  }
}

/** Soft and hard limits on open files of this process (Node raises the soft one to the hard one at start). */
export function fileLimits() {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max open files'));
    const [soft, hard] = line
      .replace('Max open files', '')
      .trim()
      .split(/\s+/)
      .map((v) => (v === 'unlimited' ? Infinity : Number(v)));
    return { soft, hard };
  } catch {
    return { soft: undefined, hard: undefined };
  }
}

/** CPU seconds so far of the process `pid` (Linux /proc), or null (no pid, no such process). */
export function processCpuSeconds(pid) {
  try {
    return pid ? statCpuSeconds(readFileSync(`/proc/${pid}/stat`, 'utf8')) : null;
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far of this process's main thread alone (Linux /proc), or null: the servers of an in-process
 * benchmark run there, while its load generator runs in worker threads of the same process.
 */
export function mainThreadCpuSeconds() {
  try {
    return statCpuSeconds(readFileSync(`/proc/self/task/${process.pid}/stat`, 'utf8'));
  } catch {
    return null;
  }
}

/**
 * CPU seconds so far of the PostgreSQL backends serving the database that `client` is connected to, itself
 * left out (Linux /proc, same machine), or null: what the benchmark's own statements cost, not the cluster's
 * other databases'. Backends are found anew each time; pass the earlier `pids` to count those that ended.
 */
export async function databaseBackendsCpu(client, pids = []) {
  const { rows } = await client.query(
    'SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()',
  );
  const all = [...new Set([...pids, ...rows.map((row) => row.pid)])];
  const seconds = Object.fromEntries(all.map((pid) => [pid, processCpuSeconds(pid)]));
  return { pids: all, seconds };
}

/**
 * CPU seconds the backends used between two databaseBackendsCpu() readings; a backend that ended meanwhile is
 * left out (its last reading is lost with it), one that started counts from zero.
 */
export function databaseBackendsCpuBetween(before, after) {
  return Object.entries(after.seconds)
    .filter(([, end]) => end !== null)
    .reduce((total, [pid, end]) => total + end - (before.seconds[pid] ?? 0), 0);
}

/** The process `pid` and its descendants now (Linux /proc/<pid>/task/<tid>/children). */
function processTree(pid) {
  const pids = [];
  const visit = (parent) => {
    pids.push(parent);
    let tasks = [];
    try {
      tasks = readdirSync(`/proc/${parent}/task`);
    } catch {
      return; // it ended meanwhile
    }
    for (const task of tasks) {
      try {
        const children = readFileSync(`/proc/${parent}/task/${task}/children`, 'utf8').trim();
        if (children) children.split(/\s+/).map(Number).forEach(visit);
      } catch {
        // the thread ended meanwhile
      }
    }
  };
  visit(pid);
  return pids;
}

/**
 * CPU seconds so far of the process `pid` and all its descendants, the ended ones it has waited for included
 * (cutime/cstime), or null: with SERVER_WORKERS > 1 the server's pid is a supervisor and its workers do the work.
 */
export function processTreeCpuSeconds(pid) {
  if (!pid) return null;
  let root;
  try {
    root = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  let total = statCpuSeconds(root) + statChildrenCpuSeconds(root);
  for (const descendant of processTree(pid).slice(1)) total += processCpuSeconds(descendant) ?? 0;
  return total;
}

/** Resident memory of the process `pid` and its descendants in MiB (Linux /proc), or null. */
export function processTreeRssMiB(pid) {
  const own = processRssMiB(pid);
  if (own === null) return null;
  const descendants = processTree(pid)
    .slice(1)
    .map((descendant) => processRssMiB(descendant) ?? 0);
  return round(
    descendants.reduce((sum, rss) => sum + rss, own),
    1,
  );
}

/** CPU used so far: this thread's event loop, this process, PostgreSQL, and the process `pid` if any. */
export function cpuUsageSnapshot(pid) {
  return {
    at: performance.now(),
    elu: performance.eventLoopUtilization(),
    cpu: process.cpuUsage(),
    postgres: postgresCpuSeconds(),
    pid: processCpuSeconds(pid),
  };
}

/** Between two cpuUsageSnapshot()s: this thread's busy share; this process, PostgreSQL, `pid` in cores. */
export function cpuUsageBetween(before, after) {
  const seconds = (after.at - before.at) / 1000;
  const cores = (a, b) => (a === null || b === null || seconds <= 0 ? null : round((b - a) / seconds, 2));
  const processSeconds = ({ cpu }) => (cpu.user + cpu.system) / 1e6;
  return {
    threadBusy: round(performance.eventLoopUtilization(after.elu, before.elu).utilization, 2),
    processCores: cores(processSeconds(before), processSeconds(after)),
    postgresCores: cores(before.postgres, after.postgres),
    pidCores: cores(before.pid, after.pid),
  };
}

/** Profiles this thread's CPU (1 ms sampling): `started` resolves once it runs, `stop()` with the profile. */
export function startCpuProfile() {
  const session = new inspector.Session();
  session.connect();
  const started = new Promise((resolve) =>
    session.post('Profiler.enable', () =>
      session.post('Profiler.setSamplingInterval', { interval: 1000 }, () =>
        session.post('Profiler.start', resolve),
      ),
    ),
  );
  return {
    started,
    stop: () =>
      new Promise((resolve, reject) =>
        session.post('Profiler.stop', (error, result) => {
          session.disconnect();
          if (error) reject(error);
          else resolve(result.profile);
        }),
      ),
  };
}

/** The top areas (package, core module, node internals, GC) and functions of a CPU profile by self time. */
export function summariseCpuProfile(profile, { areas, functions }) {
  const self = new Map();
  profile.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)));
  const total = [...self.values()].reduce((a, b) => a + b, 0) || 1;
  const byFunction = new Map();
  const byArea = new Map();
  for (const node of profile.nodes) {
    const time = self.get(node.id);
    if (!time) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url.replace(/^file:\/\//, '');
    let area;
    if (!url) area = functionName.startsWith('(') ? functionName : '(native)';
    else if (file.includes('/node_modules/'))
      area = file
        .split('/node_modules/')
        .pop()
        .split('/')
        .slice(0, file.includes('/node_modules/@') ? 2 : 1)
        .join('/');
    else if (file.includes('/core/dist/')) area = `core/${file.split('/core/dist/').pop().split('/')[0]}`;
    else if (url.startsWith('node:')) area = 'node internals';
    else area = path.basename(file);
    const label =
      `${functionName || '(anonymous)'} ${url ? `${path.basename(file)}:${lineNumber + 1}` : ''}`.trim();
    byFunction.set(label, (byFunction.get(label) ?? 0) + time);
    byArea.set(area, (byArea.get(area) ?? 0) + time);
  }
  const top = (map, n) =>
    [...map]
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([name, time]) => ({ name, percent: round((time / total) * 100, 1) }));
  return {
    sampledMs: round(total / 1000, 0),
    byArea: top(byArea, areas),
    byFunction: top(byFunction, functions),
  };
}

/** Prints a summariseCpuProfile() result under `heading`: the areas, then at most `functions` functions. */
export function printCpuProfileSummary(heading, summary, functions = Infinity) {
  console.log(heading);
  console.log(`  by area: ${summary.byArea.map((a) => `${a.name} ${a.percent}%`).join(', ')}`);
  console.log('  top functions (self time):');
  for (const f of summary.byFunction.slice(0, functions))
    console.log(`    ${String(f.percent).padStart(5)}%  ${f.name}`);
}

/** runBenchmark() with a fresh database (provisionDatabase): body({ tmp, cleanups, benchUrl, pgLabel }). */
export function runWithDatabase({ startEmbeddedPostgres, logLevel }, body) {
  return runBenchmark(async ({ tmp, cleanups }) => {
    const database = await provisionDatabase({
      tmp,
      cleanups,
      startEmbeddedPostgres,
      logger: serverLogger(logLevel),
    });
    await body({ tmp, cleanups, ...database });
  });
}

/**
 * A fresh database for one run: on DATABASE_URL's server, or on an embedded PostgreSQL started in `tmp`.
 * Pushes its own cleanups (drop the database, close the connection, stop the embedded server).
 */
export async function provisionDatabase({ tmp, cleanups, startEmbeddedPostgres, logger }) {
  let adminUrl = process.env.DATABASE_URL;
  let pgLabel = 'DATABASE_URL';
  if (!adminUrl) {
    const port = await freePort();
    log(`DATABASE_URL is unset: starting an embedded PostgreSQL on 127.0.0.1:${port}`);
    const embedded = await startEmbeddedPostgres({ dataDir: tmp, port, database: 'postgres', logger });
    cleanups.push(() => embedded.stop());
    adminUrl = embedded.url;
    pgLabel = 'embedded';
  }
  const database = `jokkaer_bench_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  admin.on('error', (error) => log(`admin connection: ${error.message}`));
  await admin.connect();
  cleanups.push(() => admin.end());
  await admin.query(`CREATE DATABASE ${database}`);
  cleanups.push(() => admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  log(`using database ${database} (${pgLabel} PostgreSQL)`);
  return { benchUrl: withDatabase(adminUrl, database), pgLabel, database };
}
