import { toInstant, UUID_SOURCE, wallTime, type WallTime } from '@jokkaer/sdk-plugin';

/**
 * Parsing and formatting for `/task`: pure functions of the text, the clock and the time zone, so they are
 * tested without a sandbox.
 */

/** The longest task text kept: tasks live in KV, whose quota is shared by every channel. */
export const MAX_TEXT = 300;

/** What `/task add` understood. `dueAt` is ms since the epoch. */
export interface NewTask {
  text: string;
  assigneeId?: string;
  dueAt?: number;
}

/** A user as the server writes mentions: `<@id>`, which clients insert from their member picker. */
const MENTION = new RegExp(`^<@(${UUID_SOURCE})>$`, 'i');
const WEEKDAYS = ['sunday', 'monday', 'tuesday', 'wednesday', 'thursday', 'friday', 'saturday'];
const UNITS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DAY = 86_400_000;
/** A due date without a time means this local time. */
const DEFAULT_HOUR = 9;

/** `2026-12-01 14:00 UTC`, or `… (Europe/Oslo)` in another zone. */
export function formatDue(at: number, timeZone: string): string {
  const local = wallTime(at, timeZone);
  const two = (n: number) => String(n).padStart(2, '0');
  const zone = timeZone === 'UTC' ? 'UTC' : `(${timeZone})`;
  return `${local.year}-${two(local.month)}-${two(local.day)} ${two(local.hour)}:${two(local.minute)} ${zone}`;
}

/** A local date `days` after the one of `now` in `timeZone`, at `time` (`HH:MM`) or DEFAULT_HOUR. */
function localDay(now: number, timeZone: string, days: number, time?: string): WallTime | string {
  const today = wallTime(now, timeZone);
  const date = new Date(Date.UTC(today.year, today.month - 1, today.day) + days * DAY);
  return withTime(date.getUTCFullYear(), date.getUTCMonth() + 1, date.getUTCDate(), time);
}

function withTime(year: number, month: number, day: number, time?: string): WallTime | string {
  const [hour, minute] = time ? time.split(':').map(Number) : [DEFAULT_HOUR, 0];
  if (hour > 23 || minute > 59) return `${time} is not a time of day (use HH:MM, 00:00–23:59)`;
  const check = new Date(Date.UTC(year, month - 1, day));
  if (check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day)
    return `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')} is not a date`;
  return { year, month, day, hour, minute, second: 0 };
}

/** Due expressions `/task add` accepts at the end of its text; each yields a local time, an instant or an error. */
const DUE_PATTERNS: [
  RegExp,
  (match: RegExpMatchArray, now: number, tz: string) => WallTime | number | string,
][] = [
  [
    /(?:^|\s)(?:due\s+)?(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{1,2}:\d{2}))?$/i,
    (m) => withTime(Number(m[1]), Number(m[2]), Number(m[3]), m[4]),
  ],
  [
    /(?:^|\s)(?:due\s+)?in\s+(\d{1,4})\s*(m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?)$/i,
    (m, now) => now + Number(m[1]) * UNITS[m[2][0].toLowerCase()],
  ],
  [
    /(?:^|\s)(?:due\s+)?(today|tomorrow|monday|tuesday|wednesday|thursday|friday|saturday|sunday)(?:\s+(?:at\s+)?(\d{1,2}:\d{2}))?$/i,
    (m, now, tz) => {
      const word = m[1].toLowerCase();
      if (word === 'today') return localDay(now, tz, 0, m[2]);
      if (word === 'tomorrow') return localDay(now, tz, 1, m[2]);
      // The next such weekday, a week ahead when it is today.
      const today = wallTime(now, tz);
      const weekday = new Date(Date.UTC(today.year, today.month - 1, today.day)).getUTCDay();
      return localDay(now, tz, (WEEKDAYS.indexOf(word) - weekday + 7) % 7 || 7, m[2]);
    },
  ],
];

/**
 * `/task add`'s arguments: the text, then in either order an assignee mention and a due date
 * (`2026-12-01`, `2026-12-01 14:00`, `today`, `tomorrow 9:30`, `friday`, `in 3 days`, `in 2h`), in `timeZone`.
 * A mention inside the text stays part of it. Returns an error message for people when it cannot be read.
 */
export function parseAdd(args: string, now: number, timeZone: string): NewTask | { error: string } {
  let rest = args.trim().replace(/\s+/g, ' ');
  const task: Omit<NewTask, 'text'> = {};
  for (let found = true; found;) {
    found = false;
    const last = rest.lastIndexOf(' ');
    const mention = MENTION.exec(rest.slice(last + 1));
    if (mention && task.assigneeId === undefined && last > 0) {
      task.assigneeId = mention[1].toLowerCase();
      rest = rest.slice(0, last);
      found = true;
      continue;
    }
    if (task.dueAt !== undefined) continue;
    for (const [pattern, read] of DUE_PATTERNS) {
      const match = pattern.exec(rest);
      // The whole text is never a date: "/task add tomorrow" is a task called "tomorrow".
      if (!match || match.index === 0) continue;
      const due = read(match, now, timeZone);
      if (typeof due === 'string') return { error: due };
      task.dueAt = typeof due === 'number' ? due : toInstant(due, timeZone);
      rest = rest.slice(0, match.index);
      found = true;
      break;
    }
  }
  const text = rest.trim();
  if (text === '') return { error: 'A task needs some text: /task add <text> [@assignee] [due]' };
  if (text.length > MAX_TEXT) return { error: `A task is at most ${MAX_TEXT} characters.` };
  return { text, ...task };
}

/** `3`, `#3`: a task number, or undefined. */
export function parseNumber(word: string | undefined): number | undefined {
  const match = /^#?(\d{1,9})$/.exec(word ?? '');
  return match ? Number(match[1]) : undefined;
}

/** `<@id>` of a mention word, lower-cased, or undefined. */
export function parseMention(word: string | undefined): string | undefined {
  return MENTION.exec(word ?? '')?.[1].toLowerCase();
}
