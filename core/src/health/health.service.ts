import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { HealthRepository } from './health.repository';

/** How long the database may take to answer before the instance counts as not ready. */
const DATABASE_WAIT_MS = 1000;

@Injectable()
export class HealthService implements BeforeApplicationShutdown {
  private draining = false;

  constructor(private readonly repository: HealthRepository) {}

  /** Shutting down: the instance stops taking new work, so a load balancer should send it none. */
  beforeApplicationShutdown(): void {
    this.draining = true;
  }

  /** Whether the database answers within a second. */
  async databaseAnswers(): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(resolve, DATABASE_WAIT_MS, false);
    });
    const answered = this.repository.ping().then(
      () => true,
      () => false,
    );
    try {
      return await Promise.race([answered, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ready for traffic: not draining, and the database answers. */
  async ready(): Promise<{ ready: boolean; reason?: 'draining' | 'database unavailable' }> {
    if (this.draining) return { ready: false, reason: 'draining' };
    return (await this.databaseAnswers())
      ? { ready: true }
      : { ready: false, reason: 'database unavailable' };
  }
}
