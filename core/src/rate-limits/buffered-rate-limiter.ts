import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import { Clock } from '../common/clock';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { RateLimitsRepository } from './rate-limits.repository';
import { Timers } from '../common/timers';

/** A hit as counted: its place in its key's window (past the limit: refused) and the time left in it. */
export interface CountedHit {
  count: number;
  resetMs: number;
}

/** One key's window as this instance knows it. */
interface WindowCount {
  key: string;
  windowSeconds: number;
  /** Clock time the window ends at: PostgreSQL's once a flush answered, a local guess before. */
  windowEndsAt: number;
  /** The total over every instance that the last flush returned (this instance's flushed hits included). */
  flushed: number;
  /** Hits counted here since, not sent yet. */
  pending: number;
  /** Hits in the flush under way. */
  sending: number;
}

/** A hit past its instance's share, decided once the flush carrying it returns the total over instances. */
interface WaitingHit {
  window: WindowCount;
  /** Its place among its window's pending hits: they land in PostgreSQL in that order. */
  position: number;
  resolve(hit: CountedHit): void;
  reject(error: unknown): void;
}

/** How much of a limit each instance admits on its own between flushes; beyond it requests wait for one. */
const LOCAL_SHARE = 0.1;

/** Ended windows are dropped from memory this often (the LRU bound holds in between). */
const SWEEP_INTERVAL_MS = 10_000;

/**
 * Fixed-window limits for hot paths (every API request), without a database round trip per hit: each
 * instance counts hits in memory and, every `apiRateLimitFlushMs`, sends all of them in one upsert that
 * returns the totals over every instance. A hit is decided on the last known total plus this instance's
 * hits since; once those reach a tenth of the limit, further hits on the key wait for the next flush and
 * are decided on the total it returns. So each instance admits at most a tenth of a limit beyond what the
 * others have already counted: N instances let at most `max + N * ceil(max / 10)` hits through per window.
 * Memory is bounded: at most `apiRateLimitMaxKeys` keys are remembered (least recently hit forgotten first;
 * a forgotten key is learnt again from its next flush), and as many keys with unsent hits force a flush.
 * Exact limits (logins, registrations, bot posts) use RateLimiter.
 */
@Injectable()
export class BufferedRateLimiter implements OnModuleInit {
  private readonly windows: LRUCache<string, WindowCount>;
  /** Windows with pending hits, by key: a forgotten window keeps its hits here until they are sent. */
  private readonly unsent = new Map<string, WindowCount>();
  private waiting: WaitingHit[] = [];
  private flushing?: Promise<void>;
  private flushRequested = false;
  private nextSweepAt = 0;

  constructor(
    private readonly repository: RateLimitsRepository,
    private readonly clock: Clock,
    private readonly timers: Timers,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.windows = new LRUCache({ max: config.apiRateLimitMaxKeys });
  }

  onModuleInit(): void {
    this.timers.every(this.config.apiRateLimitFlushMs, () => this.tick());
  }

  /** Keys remembered in memory now. */
  get size(): number {
    return this.windows.size;
  }

  /**
   * Counts one hit on `key`: at most `max` per window of `windowSeconds`. Answered at once when this instance
   * decides alone (nearly always: no promise on every request's path), else once the counts are shared.
   */
  hit(key: string, max: number, windowSeconds: number): CountedHit | Promise<CountedHit> {
    const now = this.clock.now();
    const window = this.windowOf(key, windowSeconds, now);
    const unsynced = window.pending + window.sending;
    const count = window.flushed + unsynced + 1;
    window.pending++;
    this.unsent.set(key, window);
    if (this.unsent.size >= this.config.apiRateLimitMaxKeys) this.requestFlush();
    // Decided here: refused when past the limit by this instance's count alone (the others only add to
    // it), admitted while this instance's unsent hits stay within its share.
    if (count > max || unsynced < Math.ceil(max * LOCAL_SHARE)) {
      return { count, resetMs: window.windowEndsAt - now };
    }
    return new Promise((resolve, reject) => {
      this.waiting.push({ window, position: window.pending, resolve, reject });
      this.requestFlush();
    });
  }

  /** Sends every pending hit now; resolves once none is left (the next interval would have sent them). */
  flush(): Promise<void> {
    this.requestFlush();
    return this.flushing ?? Promise.resolve();
  }

  private windowOf(key: string, windowSeconds: number, now: number): WindowCount {
    let window = this.windows.get(key);
    if (!window) {
      window = this.unsent.get(key) ?? {
        key,
        windowSeconds,
        windowEndsAt: 0,
        flushed: 0,
        pending: 0,
        sending: 0,
      };
      this.windows.set(key, window);
    }
    if (window.windowEndsAt <= now) {
      // A new window; hits still unsent land in whichever window PostgreSQL has when they arrive.
      window.windowEndsAt = now + windowSeconds * 1000;
      window.flushed = 0;
    }
    return window;
  }

  private tick(): void {
    if (this.unsent.size > 0) this.requestFlush();
    const now = this.clock.now();
    if (now < this.nextSweepAt) return;
    this.nextSweepAt = now + SWEEP_INTERVAL_MS;
    const ended: string[] = [];
    this.windows.forEach((window, key) => {
      if (window.windowEndsAt <= now && window.pending + window.sending === 0) ended.push(key);
    });
    ended.forEach((key) => this.windows.delete(key));
  }

  /** One flush at a time; asked for while one runs, another follows it. */
  private requestFlush(): void {
    if (this.flushing) {
      this.flushRequested = true;
      return;
    }
    this.flushing = this.flushWhileRequested().finally(() => (this.flushing = undefined));
  }

  private async flushWhileRequested(): Promise<void> {
    do {
      this.flushRequested = false;
      await this.flushOnce();
    } while (this.flushRequested);
  }

  private async flushOnce(): Promise<void> {
    const batch = [...this.unsent.values()];
    const waiting = this.waiting;
    this.unsent.clear();
    this.waiting = [];
    if (batch.length === 0) return;
    for (const window of batch) {
      window.sending = window.pending;
      window.pending = 0;
    }
    try {
      const totals = await this.repository.hit(
        batch.map(({ key, windowSeconds, sending }) => ({ key, windowSeconds, hits: sending })),
        new Date(this.clock.now()),
      );
      const now = this.clock.now();
      const byKey = new Map(totals.map((total) => [total.key, total]));
      const before = new Map<WindowCount, number>();
      for (const window of batch) {
        const total = byKey.get(window.key)!;
        before.set(window, total.hits - window.sending);
        window.flushed = total.hits;
        window.windowEndsAt = total.windowEndsAt.getTime();
        window.sending = 0;
      }
      for (const hit of waiting) {
        hit.resolve({
          count: before.get(hit.window)! + hit.position,
          resetMs: Math.max(1, hit.window.windowEndsAt - now),
        });
      }
    } catch (error) {
      // PostgreSQL is unreachable, and so is the API: these hits are dropped, their requests fail.
      batch.forEach((window) => (window.sending = 0));
      waiting.forEach((hit) => hit.reject(error));
    }
  }
}
