// Benchmark (not a test): how many SQL statements the real server sends to PostgreSQL per request, for the
// request kinds of `npm run bench:load` (SwitchChannel = GET channel + GET first page + POST read, which moves
// the read marker when messages came since; ScrollChannel = GET next page; CreatePost = POST message with a
// clientMsgId, plain and as a thread reply) and GET /me. Each
// statement is counted against the request whose work issued it (its async context); statements of no request
// (the event feed, presence, timers) are counted apart, as background. Counts, unlike requests per second, do
// not depend on how busy the machine is. Run with `npm run bench:statements` (builds first). Loopback only,
// bounded, cleans up after itself.
//
// Environment: BENCH_REPEATS (requests of each kind, default 20), BENCH_SHOW_SQL=1 (print the statements of
// each kind's last request), DATABASE_URL (else an embedded PostgreSQL),
// LOG_LEVEL (server log level, default warn).
import { AsyncLocalStorage } from 'node:async_hooks';
import http from 'node:http';
import { createRequire } from 'node:module';
import path from 'node:path';
import { createApp } from '../../core/dist/app.js';
import { createLogger } from '../../core/dist/common/logger.js';
import { loadConfig } from '../../core/dist/config/config.js';
import { startEmbeddedPostgres } from '../../core/dist/database/embedded-postgres.js';
import {
  createUserWorkspace,
  envInt,
  expectStatus,
  formatTable,
  log,
  provisionDatabase,
  round,
  runBenchmark,
  settle,
  startServer,
} from '../support.mjs';

const repeats = envInt('BENCH_REPEATS', 20, 1);
const logLevel = process.env.LOG_LEVEL || 'warn';
const showSql = /^(1|true|yes)$/i.test(process.env.BENCH_SHOW_SQL ?? '');
const SEED_MESSAGES = 40;
const PAGE = 30;

// pg is core's dependency: count on the copy core itself resolves, whatever its data-access layer.
const pg = createRequire(new URL('../../core/package.json', import.meta.url))('pg');

/** The request being served: statements issued in its async context are counted on it. */
const serving = new AsyncLocalStorage();
let background = 0;
/** Every request's counter, in arrival order; read once the server has settled, work after the answer included. */
const served = [];
const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  const counter = serving.getStore();
  if (counter) {
    counter.statements++;
    counter.texts.push(typeof args[0] === 'string' ? args[0] : args[0]?.text);
  } else background++;
  return originalQuery.apply(this, args);
};
const originalEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitInContext(event, ...args) {
  if (event !== 'request') return originalEmit.call(this, event, ...args);
  const counter = { statements: 0, texts: [] };
  served.push(counter);
  return serving.run(counter, () => originalEmit.call(this, event, ...args));
};

async function main() {
  await runBenchmark(async ({ tmp, cleanups }) => {
    const { benchUrl, pgLabel } = await provisionDatabase({
      tmp,
      cleanups,
      startEmbeddedPostgres,
      logger: createLogger(logLevel),
    });
    const { app, base } = await startServer({ loadConfig, createApp }, createLogger(logLevel), {
      logLevel,
      databaseUrl: benchUrl,
      dataDir: path.join(tmp, 'data'),
    });
    cleanups.push(() => app.close());
    const { user, token, channel } = await createUserWorkspace(base);
    const messagesUrl = `${base}/api/v1/channels/${channel.id}/messages`;
    for (let k = 0; k < SEED_MESSAGES; k++) {
      await expectStatus('seed message', 201, 'POST', messagesUrl, { text: `seed ${k}` }, token);
    }
    const first = await expectStatus(
      'first page',
      200,
      'GET',
      `${messagesUrl}?limit=${PAGE}`,
      undefined,
      token,
    );

    // Each kind: its requests one after the other, with the statements each issued.
    let moves = 0;
    let posts = 0;
    const markRead = (body) =>
      expectStatus('read', 200, 'POST', `${base}/api/v1/channels/${channel.id}/read`, body, token);
    const kinds = [
      ['GET /me', () => expectStatus('me', 200, 'GET', `${base}/api/v1/me`, undefined, token)],
      [
        'GET channel',
        () => expectStatus('channel', 200, 'GET', `${base}/api/v1/channels/${channel.id}`, undefined, token),
      ],
      [
        'GET first page',
        () => expectStatus('page', 200, 'GET', `${messagesUrl}?limit=${PAGE}`, undefined, token),
      ],
      ['POST read', () => markRead({ messageId: first.items[0].id })],
      [
        // Forward to the newest, then back to just before it: every one moves the marker (an event).
        'POST read, marker moved',
        () => markRead({ messageId: first.items[0].id, markUnread: (moves++ & 1) === 1 }),
      ],
      [
        'GET next page (scroll)',
        () =>
          expectStatus(
            'scroll',
            200,
            'GET',
            `${messagesUrl}?limit=${PAGE}&cursor=${encodeURIComponent(first.nextCursor)}`,
            undefined,
            token,
          ),
      ],
      [
        'POST message',
        () =>
          expectStatus(
            'post',
            201,
            'POST',
            messagesUrl,
            { text: 'hello there', clientMsgId: `bench-${posts++}` },
            token,
          ),
      ],
      [
        'POST reply',
        () =>
          expectStatus(
            'reply',
            201,
            'POST',
            messagesUrl,
            { text: 'a reply', threadId: first.items[1].id, clientMsgId: `bench-${posts++}` },
            token,
          ),
      ],
    ];
    const rows = [];
    const figures = {};
    for (const [kind, request] of kinds) {
      await request(); // warm: statements prepared, caches loaded, as on a server that has run a while
      await settle(2000);
      const backgroundBefore = background;
      const firstServed = served.length;
      for (let i = 0; i < repeats; i++) await request();
      await settle(2000);
      const kindServed = served.slice(firstServed);
      const counts = kindServed.map((counter) => counter.statements);
      if (showSql)
        log(
          `${kind}:\n  ${kindServed
            .at(-1)
            .texts.map((t) => t.replace(/\s+/g, ' ').slice(0, 300))
            .join('\n  ')}`,
        );
      const perRequest = counts.reduce((a, b) => a + b, 0) / counts.length;
      const backgroundPerRequest = (background - backgroundBefore) / repeats;
      figures[kind] = { statements: round(perRequest, 2), background: round(backgroundPerRequest, 2) };
      rows.push([
        kind,
        String(round(perRequest, 2)),
        `${Math.min(...counts)}–${Math.max(...counts)}`,
        String(round(backgroundPerRequest, 2)),
      ]);
    }
    const sum = (...names) =>
      round(
        names.reduce((total, name) => total + figures[name].statements, 0),
        2,
      );
    console.log('');
    console.log(
      `SQL statements per request (${repeats} of each, after one warm-up; ${pgLabel} PostgreSQL; user ${user.id})`,
    );
    console.log('');
    console.log(formatTable(['request', 'statements', 'range', 'background per request'], rows));
    console.log('');
    console.log(
      `SwitchChannel (channel + first page + read): ${sum('GET channel', 'GET first page', 'POST read')} ` +
        `(${sum('GET channel', 'GET first page', 'POST read, marker moved')} when the marker moves), ` +
        `ScrollChannel: ${sum('GET next page (scroll)')}, CreatePost: ${sum('POST message')} (reply ${sum('POST reply')}), ` +
        `GET /me: ${sum('GET /me')}`,
    );
    console.log(
      JSON.stringify({
        benchmark: 'statements',
        date: new Date().toISOString(),
        postgres: pgLabel,
        repeats,
        figures,
      }),
    );
  });
}

await main();
