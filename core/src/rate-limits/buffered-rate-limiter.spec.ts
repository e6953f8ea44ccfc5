import { Clock } from '../common/clock';
import { Timers } from '../common/timers';
import type { AppConfig } from '../config/config';
import { BufferedRateLimiter, CountedHit } from './buffered-rate-limiter';
import type { CounterHit, RateLimitsRepository } from './rate-limits.repository';

/** rate_limit_counters in memory, with the upsert's semantics; each call answers on a later tick, as a round trip would. */
function sharedCounters() {
  const rows = new Map<string, { hits: number; windowEndsAt: Date }>();
  const hit = jest.fn(
    async (
      counters: { key: string; windowSeconds: number; hits: number }[],
      now: Date,
    ): Promise<CounterHit[]> => {
      await new Promise((resolve) => setImmediate(resolve));
      return counters.map(({ key, windowSeconds, hits }) => {
        const row = rows.get(key);
        if (!row || row.windowEndsAt <= now) {
          rows.set(key, { hits, windowEndsAt: new Date(now.getTime() + windowSeconds * 1000) });
        } else {
          row.hits += hits;
        }
        return { key, ...rows.get(key)! };
      });
    },
  );
  return { rows, hit, repository: { hit } as unknown as RateLimitsRepository };
}

function instance(repository: RateLimitsRepository, clock: Clock, apiRateLimitMaxKeys = 1000) {
  const config = { apiRateLimitFlushMs: 250, apiRateLimitMaxKeys } as AppConfig;
  return new BufferedRateLimiter(repository, clock, new Timers(), config);
}

/** A clock the test moves by hand. */
class ManualClock extends Clock {
  time = 1_000_000;
  override now(): number {
    return this.time;
  }
}
const clock = () => new ManualClock();
const admitted = (hits: CountedHit[], max: number) => hits.filter((hit) => hit.count <= max).length;

describe('BufferedRateLimiter', () => {
  it('counts hits in memory and sends them in one batched upsert', async () => {
    const { hit, rows, repository } = sharedCounters();
    const limiter = instance(repository, clock());
    for (let i = 1; i <= 50; i++) {
      expect(await limiter.hit(`key ${i % 5}`, 1000, 60)).toEqual({
        count: Math.ceil(i / 5),
        resetMs: 60_000,
      });
    }
    expect(hit).not.toHaveBeenCalled();

    await limiter.flush();
    expect(hit).toHaveBeenCalledTimes(1);
    expect(hit.mock.calls[0][0]).toHaveLength(5);
    expect(rows.get('key 0')?.hits).toBe(10);
  });

  it('admits exactly the limit on one instance, deciding hits past its share on the shared count', async () => {
    const { hit, repository } = sharedCounters();
    const limiter = instance(repository, clock());
    const hits: CountedHit[] = [];
    for (let i = 0; i < 40; i++) hits.push(await limiter.hit('key', 30, 60));
    expect(hits.map((hit) => hit.count)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    // A tenth of the limit on its own, then a round trip: a flush per 3 hits up to the limit, none after.
    expect(hit.mock.calls.length).toBeLessThanOrEqual(10);
  });

  it('ranks concurrent hits in arrival order', async () => {
    const { repository } = sharedCounters();
    const limiter = instance(repository, clock());
    const hits = await Promise.all(
      Array.from({ length: 50 }, () => Promise.resolve(limiter.hit('key', 30, 60))),
    );
    expect(hits.map((hit) => hit.count)).toEqual(Array.from({ length: 50 }, (_, i) => i + 1));
  });

  it('holds a limit across instances within max + instances × a tenth of it', async () => {
    const { rows, repository } = sharedCounters();
    const time = clock();
    const instances = [instance(repository, time), instance(repository, time), instance(repository, time)];
    const hits: Promise<CountedHit>[] = [];
    // Waves of concurrent hits on every instance, flushing in between as the interval would.
    for (let wave = 0; wave < 20; wave++) {
      for (let i = 0; i < 30; i++) hits.push(Promise.resolve(instances[(wave + i) % 3].hit('key', 100, 60)));
      await Promise.all(instances.map((limiter) => limiter.flush()));
    }
    const answered = await Promise.all(hits);
    expect(rows.get('key')?.hits).toBe(600);
    expect(admitted(answered, 100)).toBeGreaterThanOrEqual(100);
    expect(admitted(answered, 100)).toBeLessThanOrEqual(100 + 3 * 10);
  });

  it('starts a new window when the clock passes the end of the last one', async () => {
    const { repository } = sharedCounters();
    const time = clock();
    const limiter = instance(repository, time);
    for (let i = 0; i < 3; i++) await limiter.hit('key', 3, 60);
    time.time += 45_000;
    expect(await limiter.hit('key', 3, 60)).toEqual({ count: 4, resetMs: 15_000 });
    await limiter.flush();

    time.time += 15_000;
    expect(await limiter.hit('key', 3, 60)).toEqual({ count: 1, resetMs: 60_000 });
    await limiter.flush();
    expect(await limiter.hit('key', 3, 60)).toMatchObject({ count: 2 });
  });

  it('remembers at most API_RATE_LIMIT_MAX_KEYS keys, however many distinct keys a flood brings', async () => {
    const { hit, repository } = sharedCounters();
    const time = clock();
    const limiter = instance(repository, time, 100);
    for (let i = 0; i < 5000; i++) {
      await limiter.hit(`flood ${i}`, 10, 60);
      // Requests arrive from the network: the event loop turns between them.
      await new Promise((resolve) => setImmediate(resolve));
    }
    await limiter.flush();
    expect(limiter.size).toBeLessThanOrEqual(100);
    // No hit was lost to the bound: they all reached the shared counters, in batches of about 100 keys.
    expect(hit.mock.calls.reduce((sent, [counters]) => sent + counters.length, 0)).toBe(5000);
    expect(Math.max(...hit.mock.calls.map(([counters]) => counters.length))).toBeLessThanOrEqual(110);
  });

  it('fails the hits waiting on a flush PostgreSQL refused, and counts on afterwards', async () => {
    const { hit, repository } = sharedCounters();
    const limiter = instance(repository, clock());
    for (let i = 0; i < 3; i++) await limiter.hit('key', 30, 60);
    hit.mockRejectedValueOnce(new Error('connection refused'));
    await expect(limiter.hit('key', 30, 60)).rejects.toThrow('connection refused');
    expect(await limiter.hit('key', 30, 60)).toMatchObject({ count: 1 });
  });
});
