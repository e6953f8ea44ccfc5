import { nextAttemptDelayMs, parseRetryAfter } from './retry-schedule';

describe('retry schedule', () => {
  it('waits 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h after the first seven failures, then stops', () => {
    const middle = () => 0.5; // no jitter
    const delays = [1, 2, 3, 4, 5, 6, 7].map((attempt) => nextAttemptDelayMs(attempt, undefined, middle));
    expect(delays).toEqual([5, 300, 1800, 7200, 18000, 36000, 36000].map((seconds) => seconds * 1000));
    expect(nextAttemptDelayMs(8, undefined, middle)).toBeNull();
  });

  it('adds at most ±10 % jitter', () => {
    expect(nextAttemptDelayMs(2, undefined, () => 0)).toBe(270_000);
    expect(nextAttemptDelayMs(2, undefined, () => 0.999999)).toBeCloseTo(330_000, -1);
  });

  it('treats Retry-After as a floor, capped at a day', () => {
    expect(nextAttemptDelayMs(1, 120, () => 0.5)).toBe(120_000);
    expect(nextAttemptDelayMs(3, 120, () => 0.5)).toBe(1_800_000);
    expect(nextAttemptDelayMs(1, 10 * 86_400, () => 0.5)).toBe(86_400_000);
  });

  it('reads Retry-After as seconds or as an HTTP date', () => {
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(parseRetryAfter('120', now)).toBe(120);
    expect(parseRetryAfter('Thu, 01 Jan 2026 00:01:30 GMT', now)).toBe(90);
    expect(parseRetryAfter('soon', now)).toBeUndefined();
    expect(parseRetryAfter(undefined, now)).toBeUndefined();
  });
});
