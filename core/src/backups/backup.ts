import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { createBackup } from './backups';
import { Clock } from '../common/clock';

/** `npm run backup`: see createBackup. */
async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const directory = await createBackup(config, logger, new Clock().date());
  logger.info({ directory, fileStorage: config.fileStorage }, 'backup written');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
