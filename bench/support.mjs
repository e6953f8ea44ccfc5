// Helpers the benchmarks share: environment numbers, loopback ports, fresh databases, JSON over HTTP, logs.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import pg from 'pg';

export const log = (message) => console.error(`[bench] ${message}`);

export function envInt(name, fallback, min) {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < min) throw new Error(`${name} must be an integer >= ${min}`);
  return value;
}

function freePort() {
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
