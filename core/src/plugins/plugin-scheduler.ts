import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { CronExpressionParser } from 'cron-parser';
import type { PluginManifest } from '@jokkaer/sdk-plugin';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { APP_CONFIG, type AppConfig } from '../config/config';
import { Database } from '../database/database';
import { PluginHost } from './plugin-host';
import { PluginsRepository } from './plugins.repository';
import { Timers } from '../common/timers';

export function nextRun(cron: string, after: Date): Date {
  return CronExpressionParser.parse(cron, { currentDate: after }).next().toDate();
}

/**
 * Runs plugins' cron schedules. Each occurrence is claimed with a row lock and moved to its next time in
 * one transaction, so across instances it runs once; a run missed while every instance was down runs once
 * when one comes back, not once per missed occurrence.
 */
@Injectable()
export class PluginScheduler implements OnApplicationBootstrap {
  private pass?: Promise<void>;

  constructor(
    private readonly db: Database,
    private readonly repository: PluginsRepository,
    private readonly host: PluginHost,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    this.timers.every(this.config.pluginScheduleTickMs, () => {
      if (!this.pass) void this.runDue();
    });
  }

  /** Called when an install is created or reconfigured. */
  async sync(installId: string, manifest: PluginManifest): Promise<void> {
    const schedules = (manifest.permissions?.schedules ?? []).map((schedule) => ({
      ...schedule,
      nextRunAt: nextRun(schedule.cron, new Date(this.clock.now())),
    }));
    await this.repository.syncSchedules(installId, schedules);
  }

  /**
   * One pass over the due schedules, after the pass already under way if there is one: awaiting it shows that
   * everything due by then has run (tests await it instead of sleeping through ticks).
   */
  async runDue(): Promise<void> {
    while (this.pass) await this.pass;
    this.pass = this.runDueNow().finally(() => (this.pass = undefined));
    await this.pass;
  }

  private async runDueNow(): Promise<void> {
    try {
      const now = new Date(this.clock.now());
      const due = await this.db.transaction(async () => {
        const claimed = await this.repository.claimDueSchedules(now, 20);
        for (const schedule of claimed)
          await this.repository.setNextRun(schedule.installId, schedule.name, nextRun(schedule.cron, now));
        return claimed;
      });
      for (const schedule of due) {
        const install = await this.repository.findInstallById(schedule.installId);
        if (install?.enabled) await this.host.invoke(install, 'schedule', schedule.name, null);
      }
    } catch (error) {
      this.logger.error({ err: error }, 'plugin schedules failed; retrying on the next tick');
    }
  }
}
