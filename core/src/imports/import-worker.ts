import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { PollingWorker } from '../common/polling-worker';
import { Database } from '../database/database';
import { EventBus } from '../events/event-bus';
import { EventsRepository } from '../events/events.repository';
import { ImportArchives } from './import-archives';
import { ImportsRepository } from './imports.repository';
import { ImportFailed, ImportStopped, SlackImporter, toImportView } from './slack-importer';
import { ArchiveRejected } from './slack-archive';
import { Timers } from '../common/timers';

/** Renewed at every batch: it runs out only when the instance running the import is gone. */
const LEASE_MS = 60_000;

/**
 * Runs imports one at a time on each instance. A job is claimed with a lease, so a crashed or stopped
 * instance's import is resumed by the next that polls (at its last checkpoint); at shutdown the lease is
 * handed back at once.
 */
@Injectable()
export class ImportWorker extends PollingWorker {
  constructor(
    private readonly db: Database,
    private readonly repository: ImportsRepository,
    private readonly importer: SlackImporter,
    private readonly archives: ImportArchives,
    private readonly events: EventsRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    @Inject(LOGGER) logger: Logger,
    timers: Timers,
  ) {
    super('import', logger, timers);
  }

  protected releaseLeases(): Promise<void> {
    return this.repository.releaseLeases(this.bus.instanceId);
  }

  protected async drain(): Promise<void> {
    while (!this.stopped) {
      const now = this.clock.now();
      const job = await this.repository
        .claim(this.bus.instanceId, new Date(now), new Date(now + LEASE_MS))
        .catch((error: unknown) => {
          this.logger.warn({ err: error }, 'claiming an import failed; trying again later');
          return undefined;
        });
      if (!job) return;
      await this.runOne(job.id, job.workspaceId, job.createdBy, () =>
        this.importer.run(job, this.archives.pathOf(job.id), {
          owner: this.bus.instanceId,
          until: () => new Date(this.clock.now() + LEASE_MS),
          stopping: () => this.stopped,
        }),
      );
    }
  }

  private async runOne(
    importId: string,
    workspaceId: string,
    userId: string,
    work: () => Promise<unknown>,
  ): Promise<void> {
    let outcome: { status: 'done' | 'failed'; error: string | null };
    try {
      if ((await work()) === undefined) return; // stopping: resumed later
      outcome = { status: 'done', error: null };
    } catch (error) {
      if (error instanceof ImportStopped) return;
      if (!(error instanceof ImportFailed || error instanceof ArchiveRejected)) {
        this.logger.error({ err: error, importId }, 'an import failed');
      }
      // What went wrong inside (a database error names its SQL) stays in the log, which the message points to.
      const message =
        error instanceof ArchiveRejected
          ? `The archive ${error.message}`
          : error instanceof ImportFailed
            ? error.message
            : `The import stopped on an internal error (import ${importId} in the server's log)`;
      outcome = { status: 'failed', error: message };
    }
    const finished = await this.db.transaction(async () => {
      const row = await this.repository.finish(importId, this.bus.instanceId, {
        ...outcome,
        finishedAt: new Date(this.clock.now()),
      });
      if (row) await this.events.append('import.progress', toImportView(row));
      return row;
    });
    if (finished) await this.archives.remove(importId);
    this.logger.info({ importId, workspaceId, userId, status: outcome.status }, 'import finished');
  }
}
