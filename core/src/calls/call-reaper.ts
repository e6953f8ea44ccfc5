import { BeforeApplicationShutdown, Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import type { Logger } from 'pino';
import { Clock } from '../common/clock';
import { LOGGER } from '../common/logger';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { PresenceService } from '../realtime/presence.service';
import { CallsService } from './calls.service';
import { Timers } from '../common/timers';

/**
 * Takes out of their calls the participants whose every realtime socket has dropped (on any instance, as
 * presence knows it) and stayed gone for the reconnection grace period: a closed laptop or a crashed tab
 * must not hold a call open, nor leave the others waiting for a peer that never answers. Every instance
 * runs this; leaving is transactional, so two instances noticing the same drop leave once.
 */
@Injectable()
export class CallReaper implements OnApplicationBootstrap, BeforeApplicationShutdown {
  /** `callId:userId` → when this instance first saw the participant without a socket. */
  private readonly goneSince = new Map<string, number>();
  private running?: Promise<void>;

  constructor(
    private readonly calls: CallsService,
    private readonly presence: PresenceService,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const every = Math.max(50, Math.min(this.config.callReconnectGraceMs / 4, 5_000));
    this.timers.every(every, () => {
      if (!this.running)
        this.sweep().catch((error: unknown) =>
          this.logger.warn({ err: error }, 'could not check call participants'),
        );
    });
  }

  /** Before the database closes: a sweep in flight finishes (Timers started none since). */
  async beforeApplicationShutdown(): Promise<void> {
    await this.running?.catch(() => undefined);
  }

  /**
   * One pass: note who is gone, and take out those gone for longer than the grace period. A sweep under way is
   * awaited first, so awaiting this shows the state as of now (tests await it instead of sleeping).
   */
  async sweep(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
    this.running = this.sweepNow().finally(() => (this.running = undefined));
    await this.running;
  }

  private async sweepNow(): Promise<void> {
    const now = this.clock.now();
    const grace = this.config.callReconnectGraceMs;
    // Someone who just joined over REST gets the grace period to open a socket, too.
    const participants = await this.calls.participantsJoinedBefore(new Date(now - grace));
    const statuses = new Map(
      this.presence
        .statuses([...new Set(participants.map(({ userId }) => userId))])
        .map(({ userId, status }) => [userId, status]),
    );
    const seen = new Set<string>();
    for (const { callId, userId } of participants) {
      const key = `${callId}:${userId}`;
      if (statuses.get(userId) !== 'offline') continue;
      seen.add(key);
      const since = this.goneSince.get(key) ?? now;
      this.goneSince.set(key, since);
      if (now - since < grace) continue;
      const left = await this.calls.leaveIfPresent(callId, userId);
      if (left)
        this.logger.info({ callId, userId }, 'participant left the call: no socket within the grace period');
    }
    for (const key of this.goneSince.keys()) if (!seen.has(key)) this.goneSince.delete(key);
  }
}
