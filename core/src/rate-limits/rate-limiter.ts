import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { tooManyRequests } from '../common/problem';
import { RateLimitsRepository } from './rate-limits.repository';
import { Timers } from '../common/timers';

/** At most `max` hits on `key` per fixed window of `windowSeconds`. */
export interface Limit {
  key: string;
  max: number;
  windowSeconds: number;
}

/** A limit after this hit counted: `exceeded` once the hit went past `max`. */
export interface LimitState extends Limit {
  hits: number;
  remaining: number;
  /** Seconds until the window ends (at least 1). */
  resetSeconds: number;
  exceeded: boolean;
}

/** Ended windows are swept this often by each instance (their rows would otherwise pile up). */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Exact limits: fixed-window counters in PostgreSQL, counted and checked with one atomic upsert per hit, so
 * they hold across instances and under concurrency. Used by logins, registrations, password resets, bot
 * posts and incoming webhooks; the HTTP API's request limit, hit on every request, uses BufferedRateLimiter.
 */
@Injectable()
export class RateLimiter implements OnModuleInit {
  constructor(
    private readonly repository: RateLimitsRepository,
    private readonly clock: Clock,
    private readonly timers: Timers,
  ) {}

  onModuleInit(): void {
    this.timers.every(SWEEP_INTERVAL_MS, () => {
      this.repository.deleteEnded(this.now()).catch(() => undefined);
    });
  }

  /** Counts one hit on every limit at once and reports where each stands. */
  async consume(limits: Limit[]): Promise<LimitState[]> {
    const now = this.now();
    const hits = await this.repository.hit(
      limits.map((limit) => ({ ...limit, hits: 1 })),
      now,
    );
    const byKey = new Map(hits.map((hit) => [hit.key, hit]));
    return limits.map((limit) => {
      const hit = byKey.get(limit.key)!;
      return {
        ...limit,
        hits: hit.hits,
        remaining: Math.max(0, limit.max - hit.hits),
        resetSeconds: Math.max(1, Math.ceil((hit.windowEndsAt.getTime() - now.getTime()) / 1000)),
        exceeded: hit.hits > limit.max,
      };
    });
  }

  /** Counts one hit on every limit; 429 with Retry-After when any of them is exceeded. */
  async enforce(...limits: Limit[]): Promise<void> {
    throwIfExceeded(await this.consume(limits));
  }

  /** Gives back this attempt's hit on each key (it turned out to be legitimate). */
  refund(keys: string[]): Promise<void> {
    return this.repository.refund(keys, this.now());
  }

  clear(keys: string[]): Promise<void> {
    return this.repository.clear(keys);
  }

  /** Whether `key` was hit within its current window. */
  isActive(key: string): Promise<boolean> {
    return this.repository.isActive(key, this.now());
  }

  private now(): Date {
    return new Date(this.clock.now());
  }
}

/** 429 with the longest wait among the exceeded limits. */
export function throwIfExceeded(states: LimitState[]): void {
  const exceeded = states.filter((state) => state.exceeded);
  if (exceeded.length > 0) throw tooManyRequests(Math.max(...exceeded.map((state) => state.resetSeconds)));
}
