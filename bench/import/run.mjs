// Benchmark (not a test): how fast the real server imports a synthetic Slack export of BENCH_IMPORT_MESSAGES
// messages (default 200,000; the issue's memory figure is for 1,000,000), how much its RSS grows meanwhile,
// and how GET /me answers during the import next to idle. Run with `npm run bench:import` (builds first).
// Loopback only, bounded, cleans up after itself.
//
// The machine is shared, so messages/s alone says little: the same run also times a bare baseline, a plain
// multi-row INSERT of the same messages (read back from the import) into a table without indexes, and reports
// the import's rate as a share of it; and it counts the statements the server sent (outside HTTP requests, so
// the import's; the idle server's timers subtracted) per 1,000 messages, which no load changes.
//
// Environment: BENCH_IMPORT_MESSAGES, BENCH_IMPORT_CHANNELS (default 20), BENCH_REQUIRE_GOAL=1 (exit 1 when a goal
// is missed), DATABASE_URL (else an embedded PostgreSQL), LOG_LEVEL (server log level, default warn).
import { Blob } from 'node:buffer';
import { readFile, stat } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
// pg is core's dependency: the bench uses the copy core resolves.
const pg = createRequire(new URL('../../core/package.json', import.meta.url))('pg');
const countStatements = fileURLToPath(new URL('./count-statements.mjs', import.meta.url));

const GOAL_RATE = 20_000;
const GOAL_RSS_GROWTH_MIB = 200;
const GOAL_P99_RATIO = 2;

const messages = envInt('BENCH_IMPORT_MESSAGES', 200_000, 1);
const channels = envInt('BENCH_IMPORT_CHANNELS', 20, 1);
const requireGoal = /^(1|true|yes)$/i.test(process.env.BENCH_REQUIRE_GOAL ?? '');
const logLevel = process.env.LOG_LEVEL ?? 'warn';

/** Statements the server sent so far, of its timers and of the import (count-statements.mjs). */
async function statementsSoFar(file) {
  await sleep(300); // its next write
  return Number(await readFile(file, 'utf8'));
}

const BARE_COLUMNS = ['id', 'workspace_id', 'channel_id', 'user_id', 'text', 'thread_id', 'ts', 'created_at'];

/**
 * The baseline: the imported messages read back in pages of `batch`, each written with one plain multi-row
 * INSERT into a table of the same columns without indexes or constraints. Returns the seconds spent inserting.
 */
async function bareInsertSeconds(databaseUrl, batch) {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query(
      `CREATE TABLE bench_bare AS SELECT ${BARE_COLUMNS.join(', ')} FROM messages WITH NO DATA`,
    );
    let seconds = 0;
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const { rows } = await client.query(
        `SELECT ${BARE_COLUMNS.join(', ')} FROM messages WHERE id > $1 AND import_id IS NOT NULL ORDER BY id LIMIT $2`,
        [after, batch],
      );
      if (rows.length === 0) break;
      after = rows.at(-1).id;
      const width = BARE_COLUMNS.length;
      const tuples = rows.map(
        (_, r) => `(${BARE_COLUMNS.map((__, c) => `$${r * width + c + 1}`).join(', ')})`,
      );
      const started = performance.now();
      await client.query(
        `INSERT INTO bench_bare (${BARE_COLUMNS.join(', ')}) VALUES ${tuples.join(', ')}`,
        rows.flatMap((row) => BARE_COLUMNS.map((column) => row[column])),
      );
      seconds += (performance.now() - started) / 1000;
    }
    await client.query('DROP TABLE bench_bare');
    return seconds;
  } finally {
    await client.end();
  }
}

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

  const statementsFile = path.join(tmp, 'statements');
  const server = await startServerProcess({
    databaseUrl: benchUrl,
    dataDir: path.join(tmp, 'data'),
    logLevel,
    env: {
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --import ${countStatements}`,
      BENCH_STATEMENTS_FILE: statementsFile,
    },
  });
  cleanups.push(() => server.stop());
  const { token } = await registerUser(server.base, 'import');
  const workspace = await createWorkspace(server.base, `import-${Date.now()}`, token);
  const idleStatements = await statementsSoFar(statementsFile);
  const idleStarted = performance.now();
  const idle = await probeMe(server.base, token, { count: 200 });
  const idleRate =
    ((await statementsSoFar(statementsFile)) - idleStatements) / ((performance.now() - idleStarted) / 1000);

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
  const statementsBefore = await statementsSoFar(statementsFile);

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
  const statements =
    (await statementsSoFar(statementsFile)) - statementsBefore - Math.round(idleRate * seconds);
  log('timing the bare baseline: the same messages, plain multi-row INSERTs into a table without indexes');
  const bareRate = imported / (await bareInsertSeconds(benchUrl, 2000));
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
        ['bare multi-row INSERT of the same messages (messages/s)', Math.round(bareRate)],
        ['import rate / bare rate', round(rate / bareRate, 2)],
        ['statements per 1,000 messages', round((statements / imported) * 1000, 1)],
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
