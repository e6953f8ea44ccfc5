// Preloaded into the benchmark's server process (`--import`): counts the SQL statements it sends that no HTTP
// request issued (the idle server's timers) or that the upload of an import did (the import job, which the
// upload wakes, runs in its async context), and writes the count to BENCH_STATEMENTS_FILE four times a second,
// for `bench/import/run.mjs` to read. The bench's polls and GET /me probes are not counted.
import { AsyncLocalStorage } from 'node:async_hooks';
import { writeFileSync } from 'node:fs';
import http from 'node:http';
import { createRequire } from 'node:module';
import process from 'node:process';
import { setInterval } from 'node:timers';

// The copy of pg core itself loads (core is CommonJS: the same module instance).
const pg = createRequire(new URL('../../core/package.json', import.meta.url))('pg');
const serving = new AsyncLocalStorage();
let counted = 0;

const originalQuery = pg.Client.prototype.query;
pg.Client.prototype.query = function countedQuery(...args) {
  if (serving.getStore() !== 'other') counted++;
  return originalQuery.apply(this, args);
};
const originalEmit = http.Server.prototype.emit;
http.Server.prototype.emit = function emitInContext(event, ...args) {
  if (event !== 'request') return originalEmit.call(this, event, ...args);
  const [request] = args;
  const upload = request.method === 'POST' && /\/imports$/.test(request.url ?? '');
  return serving.run(upload ? 'import' : 'other', () => originalEmit.call(this, event, ...args));
};
setInterval(() => writeFileSync(process.env.BENCH_STATEMENTS_FILE, String(counted)), 250).unref();
