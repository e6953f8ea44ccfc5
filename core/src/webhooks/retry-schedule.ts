/**
 * Delay before each attempt, in seconds: immediately, then 5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h
 * (eight attempts over about a day and a quarter), as Standard Webhooks senders commonly do.
 */
export const RETRY_DELAYS_SECONDS = [0, 5, 300, 1800, 7200, 18000, 36000, 36000] as const;

/** Slack's Events API: three retries, nearly immediately, then after 1 minute and after 5 minutes. */
export const SLACK_RETRY_DELAYS_SECONDS = [0, 0, 60, 300] as const;

/** Retry-After is honoured up to a day; a longer ask is capped rather than parking the message forever. */
const MAX_RETRY_AFTER_SECONDS = 86_400;

/**
 * When to try again after failed attempt number `attempts` (1-based), or null when the schedule is spent.
 * Jitter of ±10 % spreads retries of many messages that failed together; a receiver's Retry-After is a floor.
 */
export function nextAttemptDelayMs(
  attempts: number,
  retryAfterSeconds: number | undefined,
  random: () => number = Math.random,
  schedule: readonly number[] = RETRY_DELAYS_SECONDS,
): number | null {
  if (attempts >= schedule.length) return null;
  const scheduled = schedule[attempts] * 1000 * (0.9 + 0.2 * random());
  const floor = Math.min(retryAfterSeconds ?? 0, MAX_RETRY_AFTER_SECONDS) * 1000;
  return Math.round(Math.max(scheduled, floor));
}

/** Retry-After as delta seconds or an HTTP date (RFC 9110); undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim());
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - nowMs) / 1000));
}
