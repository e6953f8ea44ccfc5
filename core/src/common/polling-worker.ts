import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { Timers } from './timers';

const POLL_INTERVAL_MS = 1000;

/**
 * A background worker of durable jobs leased from the database (imports, exports): it polls every second, and
 * when woken; one drain at a time per instance; at shutdown it finishes the step under way and hands its
 * leases back at once, so another instance (or this one restarted) takes the jobs over.
 */
export abstract class PollingWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private running?: Promise<void>;
  protected stopped = false;

  protected constructor(
    /** What it runs, for its log lines ("import", "export"). */
    private readonly jobName: string,
    protected readonly logger: Logger,
    private readonly timers: Timers,
  ) {}

  /** Runs the jobs that are due, until none is left or the worker stops. */
  protected abstract drain(): Promise<void>;

  /** Hands back the leases this instance holds. */
  protected abstract releaseLeases(): Promise<void>;

  onApplicationBootstrap(): void {
    this.timers.every(POLL_INTERVAL_MS, () => this.wake());
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    await this.running;
    await this.releaseLeases().catch((error: unknown) => {
      this.logger.warn(
        { err: error },
        `releasing ${this.jobName} leases at shutdown failed; they run out on their own`,
      );
    });
  }

  /** Looks for work now (a job was queued), unless this instance is at it already. */
  wake(): void {
    if (this.running || this.stopped) return;
    this.running = this.drain()
      .catch((error: unknown) => {
        this.logger.warn({ err: error }, `running ${this.jobName}s failed; trying again at the next poll`);
      })
      .finally(() => (this.running = undefined));
  }
}
