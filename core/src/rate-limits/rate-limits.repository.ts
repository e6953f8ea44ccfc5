import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';

/** A key's count in one fixed window: the hits so far, the ones just added included, and when it ends. */
export interface CounterHit {
  key: string;
  hits: number;
  windowEndsAt: Date;
}

/**
 * Fixed-window counters shared by every instance. Counters always use the pool, never the caller's
 * transaction: an attempt counts even when the request it belongs to fails and rolls back.
 */
@Injectable()
export class RateLimitsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Adds each counter's hits to its key in one statement and returns every count, so concurrent hits can
   * never both see room under a limit. Keys are upserted in sorted order so two such statements never
   * deadlock. Hits reaching a window that has ended start the next one.
   */
  async hit(
    counters: { key: string; windowSeconds: number; hits: number }[],
    now: Date,
  ): Promise<CounterHit[]> {
    const sorted = [...counters].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    const { rows } = await this.db.knex.raw<{ rows: CounterHit[] }>(
      `INSERT INTO rate_limit_counters AS c (key, hits, window_ends_at)
       SELECT t.key, t.hits, CAST(:now AS timestamptz) + make_interval(secs => t.seconds)
         FROM unnest(CAST(:keys AS text[]), CAST(:seconds AS float8[]), CAST(:hits AS int[]))
              WITH ORDINALITY AS t(key, seconds, hits, position)
        ORDER BY t.position
       ON CONFLICT (key) DO UPDATE SET
         hits = CASE WHEN c.window_ends_at <= :now THEN excluded.hits ELSE c.hits + excluded.hits END,
         window_ends_at = CASE WHEN c.window_ends_at <= :now THEN excluded.window_ends_at ELSE c.window_ends_at END
       RETURNING key, hits, window_ends_at AS "windowEndsAt"`,
      {
        now,
        keys: sorted.map((c) => c.key),
        seconds: sorted.map((c) => c.windowSeconds),
        hits: sorted.map((c) => c.hits),
      },
    );
    return rows;
  }

  /** Gives back one hit on each key still in its window (an attempt that turned out to be legitimate). */
  async refund(keys: string[], now: Date): Promise<void> {
    await this.db
      .knex('rateLimitCounters')
      .whereIn('key', keys)
      .where('windowEndsAt', '>', now)
      .update({ hits: this.db.knex.raw('greatest(hits - 1, 0)') });
  }

  async clear(keys: string[]): Promise<void> {
    await this.db.knex('rateLimitCounters').whereIn('key', keys).delete();
  }

  /** Whether the key has been hit within its current window. */
  async isActive(key: string, now: Date): Promise<boolean> {
    const row = await this.db
      .knex('rateLimitCounters')
      .where({ key })
      .where('windowEndsAt', '>', now)
      .where('hits', '>', 0)
      .first<{ key: string } | undefined>('key');
    return row !== undefined;
  }

  async deleteEnded(now: Date): Promise<number> {
    return await this.db.knex('rateLimitCounters').where('windowEndsAt', '<=', now).delete();
  }
}
