/**
 * Wall-clock time in IANA time zones with nothing but `Intl`, the only time zone data the sandbox has: what
 * reminders, due dates, quiet hours and calendar feeds need to turn "09:00 in Europe/Oslo" into an instant and
 * back, across daylight-saving changes.
 */

export interface WallTime {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
    });
    formatters.set(zone, format);
  }
  return format;
}

/** Whether `Intl` knows the zone (`Europe/Berlin`, `UTC`). */
export function isKnownZone(zone: string): boolean {
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock time in `zone` at the instant `ms`. */
export function wallTime(ms: number, zone: string): WallTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(zone).formatToParts(ms)) {
    if (part.type !== 'literal') parts[part.type] = Number(part.value);
  }
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

const asUtc = (time: WallTime) =>
  Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second);

const HALF_DAY = 12 * 3600_000;

/**
 * The instant a wall-clock time in `zone` names. As RFC 5545 says: in the hour a DST change skips, the time
 * counts with the offset before the change (02:30 on the spring-forward night is 03:30); in the hour it
 * repeats, the first one.
 */
export function toInstant(time: WallTime, zone: string): number {
  const guess = asUtc(time);
  const offsetAt = (ms: number) => asUtc(wallTime(ms, zone)) - Math.floor(ms / 1000) * 1000;
  // No zone changes its offset twice within a day: the offsets half a day either side are the only candidates.
  const before = offsetAt(guess - HALF_DAY);
  const candidates = [guess - before, guess - offsetAt(guess + HALF_DAY)].filter(
    (ms) => asUtc(wallTime(ms, zone)) === guess,
  );
  return candidates.length > 0 ? Math.min(...candidates) : guess - before;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** `2026-03-23`: the date at `ms` in `zone`. */
export function dateIn(ms: number, zone: string): string {
  const time = wallTime(ms, zone);
  return `${time.year}-${pad(time.month)}-${pad(time.day)}`;
}

/** `09:05`: the time of day at `ms` in `zone`. */
export function clockIn(ms: number, zone: string): string {
  const time = wallTime(ms, zone);
  return `${pad(time.hour)}:${pad(time.minute)}`;
}

/** The date `days` after a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const [year, month, day] = date.split('-').map(Number);
  return new Date(Date.UTC(year, month - 1, day + days)).toISOString().slice(0, 10);
}

/** The instant midnight starts a `YYYY-MM-DD` date in `zone`. */
export function startOfDate(date: string, zone: string): number {
  const [year, month, day] = date.split('-').map(Number);
  return toInstant({ year, month, day, hour: 0, minute: 0, second: 0 }, zone);
}
