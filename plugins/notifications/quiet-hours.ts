import { wallTime } from '@jokkaer/sdk-plugin';

/** Quiet hours: a daily window in the person's own time zone, such as 22:00-07:00 (which crosses midnight). */

export interface QuietHours {
  /** Minutes after local midnight: the window starts at `from` and ends before `to`. */
  from: number;
  to: number;
  timeZone: string;
}

const CLOCK = /^([01]?\d|2[0-3]):([0-5]\d)$/;

/** `HH:MM` as minutes after midnight, or undefined. */
function minutes(clock: string): number | undefined {
  const match = CLOCK.exec(clock);
  return match ? Number(match[1]) * 60 + Number(match[2]) : undefined;
}

export const formatClock = (value: number) =>
  `${String(Math.floor(value / 60)).padStart(2, '0')}:${String(value % 60).padStart(2, '0')}`;

/** `22:00-07:00` → the window, or undefined when it is not two different times of day. */
export function parseWindow(text: string): { from: number; to: number } | undefined {
  const [start, end, ...rest] = text.split('-');
  if (rest.length > 0 || start === undefined || end === undefined) return undefined;
  const from = minutes(start.trim());
  const to = minutes(end.trim());
  return from === undefined || to === undefined || from === to ? undefined : { from, to };
}

/** Minutes after local midnight at `at` (ms since the epoch) in `timeZone`. */
export function localMinutes(at: number, timeZone: string): number {
  const { hour, minute } = wallTime(at, timeZone);
  return hour * 60 + minute;
}

export function inQuietHours(quiet: QuietHours, at: number): boolean {
  const now = localMinutes(at, quiet.timeZone);
  return quiet.from < quiet.to ? now >= quiet.from && now < quiet.to : now >= quiet.from || now < quiet.to;
}
