import ICAL from 'ical.js';
import { addDays, isKnownZone, startOfDate, toInstant } from '@jokkaer/sdk-plugin';

/** One occurrence of an event, as stored and shown. */
export interface Occurrence {
  /** Stable across refreshes: the event's UID and the occurrence's original start. */
  key: string;
  title: string;
  start: number;
  end: number;
  /** All-day events: their dates (`to` exclusive); `start`/`end` are then midnights in the channel's zone. */
  allDay?: { from: string; to: string };
  location?: string;
}

export interface ParsedFeed {
  /** X-WR-CALNAME, when the feed has one. */
  name: string | null;
  occurrences: Occurrence[];
  /** Events that could not be read (bad dates, broken rules) and were left out. */
  skipped: number;
}

/** Thrown when the text is not a calendar at all; the message is for people. */
export class FeedError extends Error {}

/** A series is expanded from its first occurrence; these bound the work a hostile RRULE can cause. */
const MAX_STEPS_PER_SERIES = 20_000;
const MAX_STEPS_PER_FEED = 100_000;
/** Per feed and window: what a channel could ever be shown. */
export const MAX_OCCURRENCES = 300;
const MAX_TITLE = 200;

type Time = InstanceType<typeof ICAL.Time>;
type Event = InstanceType<typeof ICAL.Event>;
type Component = InstanceType<typeof ICAL.Component>;

/** FNV-1a, for short KV-safe keys. */
export function hash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(36);
}

function parseCalendar(text: string): Component {
  if (!/^BEGIN:VCALENDAR\r?$/im.test(text)) throw new FeedError('not a calendar (no BEGIN:VCALENDAR)');
  let jcal: unknown;
  try {
    jcal = ICAL.parse(text);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new FeedError(`malformed calendar: ${reason.slice(0, 200)}`);
  }
  // Several top-level components parse to a list of them.
  const roots = (Array.isArray((jcal as unknown[])[0]) ? jcal : [jcal]) as unknown[][];
  const root = roots.find((candidate) => candidate[0] === 'vcalendar');
  if (!root) throw new FeedError('not a calendar (no VCALENDAR component)');
  return new ICAL.Component(root);
}

const cleanTitle = (summary: unknown) =>
  (typeof summary === 'string' ? summary.replace(/\s+/g, ' ').trim() : '').slice(0, MAX_TITLE) ||
  '(no title)';

const isCancelled = (component: Component) =>
  String(component.getFirstPropertyValue('status') ?? '').toUpperCase() === 'CANCELLED';

/** Parses a feed and expands its events into the occurrences that overlap [from, to). */
export function parseFeed(text: string, window: { from: number; to: number }, zone: string): ParsedFeed {
  const calendar = parseCalendar(text);
  const name = calendar.getFirstPropertyValue('x-wr-calname');
  const calendarZone = String(calendar.getFirstPropertyValue('x-wr-timezone') ?? '');
  // Floating times (no zone) are read in the calendar's zone when it names one, else the channel's.
  const floatingZone = calendarZone && isKnownZone(calendarZone) ? calendarZone : zone;
  let steps = 0;
  let skipped = 0;
  const occurrences: Occurrence[] = [];

  /** A date-time as an instant; a TZID without VTIMEZONE is looked up by name, as most clients do. */
  const instant = (time: Time, tzid: string | null): number => {
    const known = time.zone && (time.zone.tzid === 'UTC' || time.zone.component);
    if (known) return time.toUnixTime() * 1000;
    return toInstant(time, tzid && isKnownZone(tzid) ? tzid : floatingZone);
  };

  /**
   * Adds an occurrence starting at `start`. A single event ends at its DTEND; a series' occurrences last the
   * exact time the first one does (RFC 5545 3.8.5.3), or whole days for all-day series.
   */
  const add = (event: Event, start: Time, originalStart: Time, tzid: string | null, seriesMs?: number) => {
    const key = hash(`${event.uid}|${originalStart.toString()}`);
    const title = cleanTitle(event.summary);
    const location = typeof event.location === 'string' ? event.location.trim().slice(0, 200) : '';
    let occurrence: Occurrence;
    if (start.isDate) {
      const end = start.clone();
      end.addDuration(event.duration);
      const from = start.toString();
      const to = end.compare(start) > 0 ? end.toString() : addDays(from, 1);
      occurrence = {
        key,
        title,
        start: startOfDate(from, zone),
        end: startOfDate(to, zone),
        allDay: { from, to },
      };
    } else {
      const startMs = instant(start, tzid);
      const endMs = seriesMs === undefined ? instant(event.endDate, tzid) : startMs + seriesMs;
      occurrence = { key, title, start: startMs, end: endMs };
      if (occurrence.end < occurrence.start) occurrence.end = occurrence.start;
    }
    if (!Number.isFinite(occurrence.start) || !Number.isFinite(occurrence.end))
      throw new Error('invalid date');
    if (location) occurrence.location = location;
    // Overlapping the window; an event without duration counts when it starts in it.
    if (occurrence.start < window.to && Math.max(occurrence.end, occurrence.start + 1) > window.from)
      occurrences.push(occurrence);
  };

  const series = new Map<string, { master?: Component; overrides: Component[] }>();
  for (const component of calendar.getAllSubcomponents('vevent')) {
    const uid = String(component.getFirstPropertyValue('uid') ?? '');
    const entry = series.get(uid) ?? { overrides: [] };
    if (component.hasProperty('recurrence-id')) entry.overrides.push(component);
    else entry.master = component;
    series.set(uid, entry);
  }

  for (const { master, overrides } of series.values()) {
    // RECURRENCE-ID overrides replace the occurrence they name, wherever they move it (or cancel it).
    const replaced = new Set<string>();
    for (const override of overrides) {
      try {
        const event = new ICAL.Event(override);
        const tzid = tzidOf(override);
        replaced.add(String(instantKey(event.recurrenceId, tzid, instant)));
        if (!isCancelled(override)) add(event, event.startDate, event.recurrenceId, tzid);
      } catch {
        skipped++;
      }
    }
    if (!master || isCancelled(master)) continue;
    try {
      const event = new ICAL.Event(master);
      const tzid = tzidOf(master);
      if (!event.isRecurring()) {
        add(event, event.startDate, event.startDate, tzid);
        continue;
      }
      const seriesMs = instant(event.endDate, tzid) - instant(event.startDate, tzid);
      // The expansion applies RRULE, RDATE and EXDATE.
      const expansion = event.iterator();
      for (
        let seriesSteps = 0;
        seriesSteps < MAX_STEPS_PER_SERIES && steps < MAX_STEPS_PER_FEED;
        seriesSteps++
      ) {
        steps++;
        const next = expansion.next();
        if (!next) break;
        const at = instantKey(next, tzid, instant);
        if (!Number.isFinite(at)) throw new Error('invalid date');
        if (at >= window.to) break;
        if (!replaced.has(String(at))) add(event, next, next, tzid, seriesMs);
      }
    } catch {
      skipped++;
    }
  }

  occurrences.sort((a, b) => a.start - b.start || a.title.localeCompare(b.title));
  return {
    name: typeof name === 'string' && name.trim() ? name.trim().slice(0, 100) : null,
    occurrences: occurrences.slice(0, MAX_OCCURRENCES),
    skipped,
  };
}

function tzidOf(component: Component): string | null {
  const tzid = component.getFirstProperty('dtstart')?.getParameter('tzid');
  return typeof tzid === 'string' ? tzid : null;
}

/** Where an occurrence starts, comparable between a series and its overrides (dates compare as UTC). */
function instantKey(time: Time, tzid: string | null, instant: (time: Time, tzid: string | null) => number) {
  return time.isDate ? Date.UTC(time.year, time.month - 1, time.day) : instant(time, tzid);
}
