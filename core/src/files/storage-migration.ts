import type { Logger } from 'pino';
import type { FilesRepository } from './files.repository';
import type { StorageDriver } from './storage';

const PAGE_SIZE = 500;

export interface StorageMigrationReport {
  /** Files whose bytes were written to the target. */
  copied: number;
  /** Files the target already held at their recorded size (an earlier run, or a run cut short). */
  present: number;
  /** Storage keys of files the source does not have (nothing to copy). */
  missing: string[];
}

/**
 * Copies every file's bytes from `source` to `target` under the same key, one file at a time, streamed.
 * Idempotent and resumable: a file the target already holds at its recorded size is left alone, and a
 * write is never visible half done (both drivers write atomically), so a run cut short is simply run again.
 * The source is left as it was: the operator switches FILE_STORAGE, then clears the old place.
 */
export async function copyStoredFiles(
  files: FilesRepository,
  source: StorageDriver,
  target: StorageDriver,
  logger: Logger,
): Promise<StorageMigrationReport> {
  const report: StorageMigrationReport = { copied: 0, present: 0, missing: [] };
  for (let page = await files.storedAfter(undefined, PAGE_SIZE); page.length > 0;) {
    for (const file of page) {
      if ((await target.sizeOf(file.storageKey)) === Number(file.size)) {
        report.present++;
      } else if ((await source.sizeOf(file.storageKey)) === undefined) {
        report.missing.push(file.storageKey);
      } else {
        await target.write(file.storageKey, await source.read(file.storageKey));
        report.copied++;
      }
    }
    logger.info({ ...report, missing: report.missing.length }, 'files migrating');
    page = await files.storedAfter(page[page.length - 1].id, PAGE_SIZE);
  }
  return report;
}
