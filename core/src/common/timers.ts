import { Injectable, OnModuleDestroy } from '@nestjs/common';

/**
 * Every repeating timer of the server (polls, sweeps, heartbeats) starts here: unref'd, so none holds the
 * process open, and stopped together at the first step of shutdown, so no tick starts new work while the
 * owners finish theirs (in their own shutdown hooks) and the database closes.
 */
@Injectable()
export class Timers implements OnModuleDestroy {
  private readonly running: NodeJS.Timeout[] = [];

  /** Runs `run` every `intervalMs` until the server shuts down. */
  every(intervalMs: number, run: () => void): void {
    this.running.push(setInterval(run, intervalMs).unref());
  }

  onModuleDestroy(): void {
    this.running.splice(0).forEach((timer) => clearInterval(timer));
  }
}
