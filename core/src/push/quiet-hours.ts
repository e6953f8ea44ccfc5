import type { QuietHours } from './push.schemas';

const minuteOf = (time: string): number => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));

/** Whether the time zone is one this runtime knows (IANA names such as "Europe/Paris"). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-GB', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** Whether `at` falls in the quiet hours, read on the wall clock of their time zone. */
export function isQuiet(quiet: QuietHours, at: number): boolean {
  const parts = new Intl.DateTimeFormat('en-GB', {
    timeZone: quiet.timeZone,
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  }).formatToParts(at);
  const part = (type: string) => Number(parts.find((candidate) => candidate.type === type)?.value ?? 0);
  const now = part('hour') * 60 + part('minute');
  const from = minuteOf(quiet.from);
  const to = minuteOf(quiet.to);
  // Equal ends mean no quiet time at all; a `to` before `from` runs across midnight.
  return from <= to ? now >= from && now < to : now >= from || now < to;
}
