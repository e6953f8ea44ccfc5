// Benchmark (not a test): how fast the real server imports a synthetic Slack export of BENCH_IMPORT_MESSAGES
// messages (default 200,000; the memory figure is for 1,000,000), how much its RSS grows meanwhile,
// and how GET /me answers during the import next to idle. Run with `npm run bench:import` (builds first).
// Loopback only, bounded, cleans up after itself.
//
// Environment: BENCH_IMPORT_MESSAGES, BENCH_IMPORT_CHANNELS (default 20), BENCH_REQUIRE_GOAL=1 (exit 1 when a goal
// is missed), DATABASE_URL (else an embedded PostgreSQL), LOG_LEVEL (server log level, default warn).
import { Blob } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { startEmbeddedPostgres } from '../../core/dist/database/embedded-postgres.js';
import {
  envInt,
  formatTable,
  goalsTable,
  log,
  postgresCpuSeconds,
  processCpuSeconds,
  processRssMiB,
  registerUser,
  createWorkspace,
  round,
  runWithDatabase,
  startServerProcess,
  summariseValues,
} from '../support.mjs';

const { syntheticExport, writeZip } = createRequire(import.meta.url)('../../fixtures/slack-export.js');

const GOAL_RATE = 20_000;
const GOAL_RSS_GROWTH_MIB = 200;
const GOAL_P99_RATIO = 2;

const messages = envInt('BENCH_IMPORT_MESSAGES', 200_000, 1);
const channels = envInt('BENCH_IMPORT_CHANNELS', 20, 1);
const requireGoal = /^(1|true|yes)$/i.test(process.env.BENCH_REQUIRE_GOAL ?? '');
const logLevel = process.env.LOG_LEVEL ?? 'warn';

/** GET /me latencies (ms) while `busy()` holds, or `count` of them. */
async function probeMe(base, token, { count = Infinity, busy = () => true }) {
  const latencies = [];
  while (latencies.length < count && busy()) {
    const started = performance.now();
    const response = await fetch(`${base}/api/v1/me`, { headers: { authorization: `Bearer ${token}` } });
    await response.arrayBuffer();
    latencies.push(performance.now() - started);
    await sleep(20);
  }
  return latencies;
}

await runWithDatabase({ startEmbeddedPostgres, logLevel }, async ({ tmp, cleanups, benchUrl }) => {
  const archive = path.join(tmp, 'export.zip');
  log(`writing a synthetic export of ${messages} messages in ${channels} channels`);
  await writeZip(archive, syntheticExport({ messages, channels, users: 200, perDay: 1000 }));
  const { size } = await stat(archive);
  log(`export: ${round(size / 1024 / 1024, 1)} MiB`);

  const server = await startServerProcess({
    databaseUrl: benchUrl,
    dataDir: path.join(tmp, 'data'),
    logLevel,
  });
  cleanups.push(() => server.stop());
  const { token } = await registerUser(server.base, 'import');
  const workspace = await createWorkspace(server.base, `import-${Date.now()}`, token);
  const idle = await probeMe(server.base, token, { count: 200 });

  await sleep(500);
  const rssBefore = processRssMiB(server.pid);
  let rssPeak = rssBefore;
  const form = new globalThis.FormData();
  form.append('file', new Blob([await readFile(archive)], { type: 'application/zip' }), 'export.zip');
  const started = performance.now();
  const response = await fetch(`${server.base}/api/v1/workspaces/${workspace.id}/imports`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}` },
    body: form,
  });
  const created = await response.json();
  if (response.status !== 202) throw new Error(`upload: ${response.status} ${JSON.stringify(created)}`);
  const uploaded = performance.now();
  const cpuBefore = { server: processCpuSeconds(server.pid), postgres: postgresCpuSeconds() };

  let view = created;
  const during = probeMe(server.base, token, { busy: () => !['done', 'failed'].includes(view.status) });
  while (!['done', 'failed'].includes(view.status)) {
    await sleep(250);
    rssPeak = Math.max(rssPeak, processRssMiB(server.pid) ?? 0);
    const poll = await fetch(`${server.base}/api/v1/workspaces/${workspace.id}/imports/${created.id}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    view = await poll.json();
  }
  const finished = performance.now();
  const serverCpu = processCpuSeconds(server.pid) - cpuBefore.server;
  const postgresCpu = postgresCpuSeconds() - cpuBefore.postgres;
  const busyLatencies = await during;
  if (view.status !== 'done') throw new Error(`the import failed: ${view.error}`);

  const imported = view.counts.messages + view.counts.replies;
  const seconds = (finished - uploaded) / 1000;
  const rate = imported / seconds;
  const idleMe = summariseValues(idle, { digits: 1 });
  const busyMe = summariseValues(busyLatencies, { digits: 1 });
  console.log(
    formatTable(
      ['figure', 'value'],
      [
        ['messages imported', imported],
        ['reactions, mentions', `${view.counts.reactions}, ${view.counts.mentions}`],
        ['upload (s)', round((uploaded - started) / 1000, 2)],
        ['import (s)', round(seconds, 2)],
        ['messages/s', Math.round(rate)],
        [
          'server CPU (s), messages per CPU second',
          `${round(serverCpu, 1)}, ${Math.round(imported / serverCpu)}`,
        ],
        [
          'PostgreSQL CPU (s, all clusters), messages per CPU second',
          `${round(postgresCpu, 1)}, ${Math.round(imported / postgresCpu)}`,
        ],
        ['load average (1 min) at the end', round((await import('node:os')).loadavg()[0], 1)],
        ['server RSS before / peak (MiB)', `${rssBefore} / ${rssPeak}`],
        ['GET /me p50/p99 idle (ms)', `${idleMe.p50} / ${idleMe.p99}`],
        ['GET /me p50/p99 during import (ms)', `${busyMe.p50} / ${busyMe.p99} (${busyMe.count} requests)`],
      ],
    ),
  );
  const goals = [
    { goal: `>= ${GOAL_RATE} messages/s`, measured: Math.round(rate), met: rate >= GOAL_RATE },
    {
      goal: `RSS growth <= ${GOAL_RSS_GROWTH_MIB} MiB`,
      measured: round(rssPeak - rssBefore, 1),
      met: rssPeak - rssBefore <= GOAL_RSS_GROWTH_MIB,
    },
    {
      goal: `GET /me p99 during <= ${GOAL_P99_RATIO}x idle`,
      measured: round(busyMe.p99 / idleMe.p99, 2),
      met: busyMe.p99 <= GOAL_P99_RATIO * idleMe.p99,
    },
  ];
  console.log(goalsTable(goals));
  if (requireGoal && goals.some((goal) => !goal.met)) process.exitCode = 1;
});
