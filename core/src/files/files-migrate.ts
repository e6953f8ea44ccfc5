import { parseArgs } from 'node:util';
import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { Database, openDatabase } from '../database/database';
import { FilesRepository } from './files.repository';
import { createStorageDriver } from './storage';
import type { StorageBackend } from './storage';
import { copyStoredFiles } from './storage-migration';

const BACKENDS: StorageBackend[] = ['local', 's3'];

/**
 * `npm run files:migrate -- --to s3` (or `--to local`): copies every file's bytes from the other backend to
 * this one, for DATABASE_URL's files. Exits 1 when some file was missing from the source.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({ options: { to: { type: 'string' } } });
  const to = values.to as StorageBackend;
  if (!BACKENDS.includes(to)) throw new Error('usage: npm run files:migrate -- --to s3|local');
  const from = BACKENDS.find((backend) => backend !== to)!;
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const connection = await openDatabase(config, logger);
  try {
    const files = new FilesRepository(new Database(connection.knex, connection.url));
    const report = await copyStoredFiles(
      files,
      createStorageDriver(config, from),
      createStorageDriver(config, to),
      logger,
    );
    logger.info({ from, to, ...report }, 'files migrated');
    if (report.missing.length) process.exitCode = 1;
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
