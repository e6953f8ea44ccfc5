import { Inject, Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger } from 'pino';
import { LOGGER } from '../common/logger';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { Metrics } from '../metrics/metrics';
import { EventBus } from './event-bus';
import { EventsRepository, StoredEvent } from './events.repository';
import { Timers } from '../common/timers';

const BATCH = 500;

export type FeedConsumer = (events: StoredEvent[]) => Promise<void>;

/**
 * This instance's ordered view of the event stream: every committed event exactly once, in `seq` order,
 * read from the table (so a missed wake-up only delays, never loses). Sequence values are taken before
 * commit, so a later seq can become visible before an earlier one: the feed stops at such a gap until the
 * missing event appears, or until every transaction that was running when the gap was seen has finished
 * (then the missing seq belonged to a rolled-back transaction).
 *
 * Events known to be committed (this instance's own, or another's carried by its wake-up) are delivered
 * without reading them back when they are next in order; anything else (a gap, a wake-up that names no
 * events, the poll) is read from the table.
 */
@Injectable()
export class EventFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private position = 0n;
  private readonly consumers: FeedConsumer[] = [];
  private gap?: { seq: bigint; xidBound: string };
  private draining = false;
  private again = false;
  /** The table must be read: a wake-up or the poll said so, or known events wait behind a missing one. */
  private mustRead = false;
  /** Committed events not yet delivered, by seq (at most BATCH: beyond that the table has them). */
  private readonly known = new Map<bigint, StoredEvent>();
  private stopped = false;
  private gapTimer?: NodeJS.Timeout;

  constructor(
    private readonly repository: EventsRepository,
    private readonly bus: EventBus,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    metrics: Metrics,
  ) {
    metrics.readGauge(
      'event_feed_lag_events',
      "Events committed but not yet handed to this instance's realtime sockets (newest seq minus the feed's)",
      async () => Number(BigInt(await repository.maxSeq()) - this.position),
      'max',
    );
  }

  /** The last seq handed to every consumer. */
  get seq(): string {
    return this.position.toString();
  }

  subscribe(consumer: FeedConsumer): void {
    this.consumers.push(consumer);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Start at the newest event, once every transaction that could still commit an older seq has ended.
    const start = BigInt(await this.repository.maxSeq());
    const bound = await this.repository.xidBound();
    while (!(await this.repository.settledBefore(bound))) {
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    this.position = start;
    this.bus.onWake(() => this.wake());
    this.bus.onCommitted((events) => this.committed(events));
    this.timers.every(this.config.eventPollIntervalMs, () => this.wake());
  }

  onApplicationShutdown(): void {
    this.stopped = true;
    clearTimeout(this.gapTimer);
  }

  /** Reads the table for what was committed since the last read. */
  wake(): void {
    this.mustRead = true;
    this.run();
  }

  private committed(events: StoredEvent[]): void {
    for (const event of events) {
      const seq = BigInt(event.seq);
      if (seq <= this.position) continue;
      if (this.known.size < BATCH) this.known.set(seq, event);
      else this.mustRead = true;
    }
    this.run();
  }

  private run(): void {
    if (this.stopped) return;
    if (this.draining) {
      this.again = true;
      return;
    }
    this.draining = true;
    this.drain()
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'event feed read failed; retrying on the next wake-up'),
      )
      .finally(() => {
        this.draining = false;
      });
  }

  private async drain(): Promise<void> {
    do {
      this.again = false;
      await this.deliverKnown();
      if (this.known.size > 0) this.mustRead = true;
      if (!this.mustRead) continue;
      this.mustRead = false;
      while (!this.stopped && (await this.readOnce())) {
        // keep reading while full batches come back
      }
      for (const seq of this.known.keys()) if (seq <= this.position) this.known.delete(seq);
    } while (this.again && !this.stopped);
  }

  /** Delivers the known events that come next, in order, without reading them. */
  private async deliverKnown(): Promise<void> {
    const ready: StoredEvent[] = [];
    for (let next = this.position + 1n; this.known.has(next); next++) {
      ready.push(this.known.get(next)!);
      this.known.delete(next);
    }
    if (ready.length === 0) return;
    try {
      for (const consumer of this.consumers) await consumer(ready);
    } catch (error) {
      this.mustRead = true; // the table still has them: the next read delivers them again
      throw error;
    }
    this.position = BigInt(ready[ready.length - 1].seq);
    if (this.gap && this.gap.seq <= this.position) this.gap = undefined;
  }

  /** Reads and delivers one batch; true when there may be more right away. */
  private async readOnce(): Promise<boolean> {
    const batch = await this.repository.readAfter(this.position.toString(), BATCH);
    const ready: StoredEvent[] = [];
    let expected = this.position + 1n;
    let blocked = false;
    for (const event of batch) {
      const seq = BigInt(event.seq);
      if (seq !== expected) {
        const settled = this.gap?.seq === expected && (await this.settledAndStillMissing(expected));
        if (!settled) {
          if (this.gap?.seq !== expected) {
            this.gap = { seq: expected, xidBound: await this.repository.xidBound() };
          }
          blocked = true;
          break;
        }
        this.logger.debug(
          { from: expected.toString(), to: (seq - 1n).toString() },
          'skipping rolled-back seqs',
        );
      }
      this.gap = undefined;
      ready.push(event);
      expected = seq + 1n;
    }
    for (const consumer of this.consumers) await consumer(ready);
    if (ready.length) this.position = BigInt(ready[ready.length - 1].seq);
    if (blocked) {
      clearTimeout(this.gapTimer);
      this.gapTimer = setTimeout(() => this.wake(), 5);
      return false;
    }
    return batch.length === BATCH;
  }

  /**
   * The gap at `seq` is a rollback when every transaction that could hold it has ended and it is still
   * not there (read after the check, so a commit in between is seen).
   */
  private async settledAndStillMissing(seq: bigint): Promise<boolean> {
    if (!(await this.repository.settledBefore(this.gap!.xidBound))) return false;
    const [next] = await this.repository.readAfter((seq - 1n).toString(), 1);
    return next === undefined || BigInt(next.seq) !== seq;
  }
}
