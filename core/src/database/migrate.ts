import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { migrateLatest, openDatabase } from './database';

/** `npm run migrate`: applies pending migrations to DATABASE_URL, or to the embedded PostgreSQL. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const connection = await openDatabase(config, logger);
  try {
    const applied = await migrateLatest(connection.url);
    logger.info({ applied }, applied.length ? 'migrations applied' : 'nothing to migrate');
  } finally {
    await connection.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
