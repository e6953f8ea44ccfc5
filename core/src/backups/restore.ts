import { parseArgs } from 'node:util';
import { createLogger } from '../common/logger';
import { loadConfig } from '../config/config';
import { restoreBackup } from './backups';

/** `npm run restore -- <backup directory>`: see restoreBackup. */
async function main(): Promise<void> {
  const { positionals } = parseArgs({ allowPositionals: true });
  if (positionals.length !== 1) throw new Error('usage: npm run restore -- <backup directory>');
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  const manifest = await restoreBackup(config, positionals[0], logger);
  logger.info({ from: positionals[0], createdAt: manifest.createdAt }, 'backup restored');
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
});
