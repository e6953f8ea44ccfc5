import { Inject, Injectable } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { PollingWorker } from '../common/polling-worker';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Database } from '../database/database';
import { EventBus } from '../events/event-bus';
import { EventsRepository } from '../events/events.repository';
import { ExportArchives } from './export-archives';
import { ExportsRepository } from './exports.repository';
import type { ExportRow } from './exports.repository';
import { ExportStopped, SlackExporter, toExportView } from './slack-exporter';
import { Timers } from '../common/timers';

/** Renewed at every page of messages: it runs out only when the instance writing the export is gone. */
const LEASE_MS = 60_000;
const HOUR_MS = 3_600_000;

/**
 * Writes exports one at a time on each instance, each claimed with a lease: a crashed or stopped instance's
 * export is written again by the next that polls. Every poll also removes the exports whose time ran out.
 */
@Injectable()
export class ExportWorker extends PollingWorker {
  constructor(
    private readonly db: Database,
    private readonly repository: ExportsRepository,
    private readonly exporter: SlackExporter,
    private readonly archives: ExportArchives,
    private readonly events: EventsRepository,
    private readonly bus: EventBus,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) logger: Logger,
    timers: Timers,
  ) {
    super('export', logger, timers);
  }

  protected releaseLeases(): Promise<void> {
    return this.repository.releaseLeases(this.bus.instanceId);
  }

  /** Removes expired exports, then writes the queued ones. */
  protected async drain(): Promise<void> {
    for (const id of await this.repository.deleteExpired(new Date(this.clock.now()))) {
      await this.archives.remove(id);
    }
    while (!this.stopped) {
      const now = this.clock.now();
      const job = await this.repository.claim(this.bus.instanceId, new Date(now), new Date(now + LEASE_MS));
      if (!job) return;
      await this.runOne(job);
    }
  }

  private async runOne(job: ExportRow): Promise<void> {
    let outcome: { status: 'done' | 'failed'; error: string | null; archiveBytes: number | null };
    try {
      const archiveBytes = await this.exporter.run(job, {
        owner: this.bus.instanceId,
        until: () => new Date(this.clock.now() + LEASE_MS),
        stopping: () => this.stopped,
      });
      outcome = { status: 'done', error: null, archiveBytes };
    } catch (error) {
      if (error instanceof ExportStopped) return;
      this.logger.error({ err: error, exportId: job.id }, 'an export failed');
      outcome = { status: 'failed', error: 'The export could not be written', archiveBytes: null };
    }
    const finishedAt = this.clock.now();
    const finished = await this.db.transaction(async () => {
      const row = await this.repository.finish(job.id, this.bus.instanceId, {
        ...outcome,
        finishedAt: new Date(finishedAt),
        expiresAt: new Date(finishedAt + this.config.exportRetentionHours * HOUR_MS),
      });
      if (row) await this.events.append('export.progress', toExportView(row));
      return row;
    });
    // Deleted while it was being written: its zip goes too.
    if (!finished) await this.archives.remove(job.id);
    this.logger.info(
      { exportId: job.id, workspaceId: job.workspaceId, status: outcome.status },
      'export finished',
    );
  }
}
