import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import type { PluginManifest } from '@jokkaer/sdk-plugin';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { Database } from '../database/database';
import { PluginHost } from './plugin-host';
import { PluginsRepository } from './plugins.repository';

const TICK_MS = 1000;

export function nextRun(cron: string, after = new Date()): Date {
  return CronExpressionParser.parse(cron, { currentDate: after }).next().toDate();
}

/**
 * Runs plugins' cron schedules. Each occurrence is claimed with a row lock and moved to its next time in
 * one transaction, so across instances it runs once; a run missed while every instance was down runs once
 * when one comes back, not once per missed occurrence.
 */
@Injectable()
export class PluginScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private timer?: NodeJS.Timeout;
  private running = false;

  constructor(
    private readonly db: Database,
    private readonly repository: PluginsRepository,
    private readonly host: PluginHost,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => void this.tick(), TICK_MS);
    this.timer.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.timer);
  }

  /** Called when an install is created or reconfigured. */
  async sync(installId: string, manifest: PluginManifest): Promise<void> {
    const schedules = (manifest.permissions?.schedules ?? []).map((schedule) => ({
      ...schedule,
      nextRunAt: nextRun(schedule.cron),
    }));
    await this.repository.syncSchedules(installId, schedules);
  }

  private async tick(): Promise<void> {
    if (this.running) return;
    this.running = true;
    try {
      const due = await this.db.transaction(async () => {
        const claimed = await this.repository.claimDueSchedules(20);
        for (const schedule of claimed)
          await this.repository.setNextRun(schedule.installId, schedule.name, nextRun(schedule.cron));
        return claimed;
      });
      for (const schedule of due) {
        const install = await this.repository.findInstallById(schedule.installId);
        if (install?.enabled) await this.host.invoke(install, 'schedule', schedule.name, null);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'plugin schedules failed; retrying on the next tick');
    } finally {
      this.running = false;
    }
  }
}
