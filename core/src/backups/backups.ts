import { execFile } from 'node:child_process';
import { cp, mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/config';
import { openDatabase } from '../database/database';
import { BackupsRepository } from './backups.repository';

const run = promisify(execFile);

/** What a backup directory holds, in `manifest.json`. */
export interface BackupManifest {
  format: 1;
  createdAt: string;
  /** `database.dump`: pg_dump's custom format. */
  database: string;
  /** `files`: a copy of DATA_DIR/files, or null when the files were on S3 (the bucket's versioning keeps them). */
  files: string | null;
}

const MANIFEST = 'manifest.json';
const DATABASE_DUMP = 'database.dump';
const FILES = 'files';
const INCOMPLETE_SUFFIX = '.partial';
const S3_NOTE = `The files were on S3 (FILE_STORAGE=s3) and are not in this backup: keep them with the bucket's own
versioning (or replication), and restore them there.
`;

const toolMissing = (command: string) =>
  new Error(
    `${command} not found: install PostgreSQL's client tools (of the server's major version or newer), or set PG_BIN_DIR`,
  );

/** Runs a PostgreSQL client tool on `url`, the password passed in the environment rather than the command line. */
async function runPgTool(config: AppConfig, tool: string, args: string[], url: string): Promise<void> {
  const parsed = new URL(url);
  const password = decodeURIComponent(parsed.password);
  parsed.password = '';
  const command = config.pgBinDir ? path.join(config.pgBinDir, tool) : tool;
  try {
    await run(command, [...args, `--dbname=${parsed.toString()}`], {
      env: { ...process.env, ...(password && { PGPASSWORD: password }) },
      maxBuffer: 16 * 1024 * 1024,
    });
  } catch (error) {
    const { code, stderr } = error as { code?: string; stderr?: string };
    if (code === 'ENOENT') {
      throw toolMissing(command);
    }
    throw new Error(`${tool} failed: ${stderr?.trim() || String(error)}`);
  }
}

/** pg_dump refuses a server newer than itself with a terse error: this one says what to install. */
async function assertToolFits(config: AppConfig, serverMajor: number): Promise<void> {
  const command = config.pgBinDir ? path.join(config.pgBinDir, 'pg_dump') : 'pg_dump';
  const { stdout } = await run(command, ['--version']).catch((error: NodeJS.ErrnoException) => {
    if (error.code !== 'ENOENT') throw error;
    throw toolMissing(command);
  });
  const toolMajor = Number(/(\d+)\.\d+/.exec(stdout)?.[1]);
  if (toolMajor < serverMajor) {
    throw new Error(
      `pg_dump ${toolMajor} cannot back up PostgreSQL ${serverMajor}: install PostgreSQL ${serverMajor}'s client tools (or newer), or set PG_BIN_DIR to where they are`,
    );
  }
}

/** Copies DATA_DIR/files as it is, less the temporary files of uploads in flight. */
async function copyFiles(from: string, to: string): Promise<void> {
  await cp(from, to, {
    recursive: true,
    errorOnExist: true,
    force: false,
    filter: (source) => !source.endsWith(INCOMPLETE_SUFFIX),
  });
}

async function isMissingOrEmpty(folder: string): Promise<boolean> {
  const entries = await readdir(folder).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  return entries.length === 0;
}

/**
 * `npm run backup`: the database (pg_dump, custom format) and then the local files into
 * BACKUP_DIR/jokkaer-<UTC time>. Files are copied after the dump, so every file the dump names is there
 * (files are never changed in place, and one uploaded meanwhile is only an unused extra). The directory is
 * written under a temporary name and renamed when complete. Resolves to its path.
 */
export async function createBackup(config: AppConfig, logger: Logger, now: Date): Promise<string> {
  const name = `jokkaer-${now.toISOString().replace(/[:.]/g, '-')}`;
  const target = path.join(config.backupDir, name);
  const partial = `${target}${INCOMPLETE_SUFFIX}`;
  await mkdir(partial, { recursive: true });
  const connection = await openDatabase(config, logger);
  try {
    await assertToolFits(config, await new BackupsRepository(connection.knex).serverMajorVersion());
    await runPgTool(
      config,
      'pg_dump',
      ['--format=custom', `--file=${path.join(partial, DATABASE_DUMP)}`],
      connection.url,
    );
    const localFiles = config.fileStorage === 'local';
    if (localFiles) {
      const source = path.join(config.dataDir, FILES);
      if (await isMissingOrEmpty(source)) await mkdir(path.join(partial, FILES));
      else await copyFiles(source, path.join(partial, FILES));
    } else {
      await writeFile(path.join(partial, 'FILES.txt'), S3_NOTE);
    }
    const manifest: BackupManifest = {
      format: 1,
      createdAt: now.toISOString(),
      database: DATABASE_DUMP,
      files: localFiles ? FILES : null,
    };
    await writeFile(path.join(partial, MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(partial, target);
    return target;
  } catch (error) {
    await rm(partial, { recursive: true, force: true });
    throw error;
  } finally {
    await connection.close();
  }
}

async function readManifest(directory: string): Promise<BackupManifest> {
  const text = await readFile(path.join(directory, MANIFEST), 'utf8').catch(() => {
    throw new Error(`${directory} is not a backup: it has no ${MANIFEST}`);
  });
  const manifest = JSON.parse(text) as BackupManifest;
  if (manifest.format !== 1)
    throw new Error(`${directory}: unknown backup format ${String(manifest.format)}`);
  return manifest;
}

/**
 * `npm run restore -- <dir>`: the backup's database into DATABASE_URL (or the embedded PostgreSQL), which
 * must be empty, and its files into DATA_DIR/files, which must be empty too: a restore never merges.
 */
export async function restoreBackup(
  config: AppConfig,
  directory: string,
  logger: Logger,
): Promise<BackupManifest> {
  const manifest = await readManifest(directory);
  const filesTarget = path.join(config.dataDir, FILES);
  if (manifest.files && !(await isMissingOrEmpty(filesTarget))) {
    throw new Error(`${filesTarget} is not empty: restore into a fresh DATA_DIR`);
  }
  const connection = await openDatabase(config, logger);
  try {
    if ((await new BackupsRepository(connection.knex).userTableCount()) > 0) {
      throw new Error('the database is not empty: restore into a freshly created database');
    }
    await runPgTool(
      config,
      'pg_restore',
      ['--no-owner', '--no-privileges', '--exit-on-error', path.join(directory, manifest.database)],
      connection.url,
    );
  } finally {
    await connection.close();
  }
  if (manifest.files) await copyFiles(path.join(directory, manifest.files), filesTarget);
  return manifest;
}
