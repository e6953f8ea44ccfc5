import type { Occurrence } from './ics';
import { addDays, clockIn, dateIn, startOfDate } from '@jokkaer/sdk-plugin';

const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `Mon 23 Mar` for `2026-03-23`. */
export function dayLabel(date: string): string {
  const [year, month, day] = date.split('-').map(Number);
  const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
  return `${WEEKDAYS[weekday]} ${day} ${MONTHS[month - 1]}`;
}

/** `09:00–09:15` in the zone; one time for an event without duration. */
export function timeRange(occurrence: Occurrence, zone: string): string {
  const start = clockIn(occurrence.start, zone);
  return occurrence.end > occurrence.start ? `${start}–${clockIn(occurrence.end, zone)}` : start;
}

function line(occurrence: Occurrence, zone: string): string {
  const when = occurrence.allDay ? 'all day' : timeRange(occurrence, zone);
  const where = occurrence.location ? ` (${occurrence.location})` : '';
  return `• ${when} *${occurrence.title}*${where}`;
}

/** The occurrences on a date in the zone, all-day ones first. */
function onDate(occurrences: Occurrence[], date: string, zone: string): Occurrence[] {
  const from = startOfDate(date, zone);
  const to = startOfDate(addDays(date, 1), zone);
  return occurrences
    .filter((o) =>
      o.allDay
        ? o.allDay.from <= date && date < o.allDay.to
        : o.start < to && Math.max(o.end, o.start + 1) > from,
    )
    .sort((a, b) => Number(!a.allDay) - Number(!b.allDay) || a.start - b.start);
}

/** The agenda of `days` days from today, in the zone; days without events are left out. */
export function agenda(occurrences: Occurrence[], now: number, zone: string, days: number): string {
  const today = dateIn(now, zone);
  const sections: string[] = [];
  for (let i = 0; i < days; i++) {
    const date = addDays(today, i);
    const events = onDate(occurrences, date, zone);
    if (events.length === 0) continue;
    const heading = i === 0 ? `Today, ${dayLabel(date)}` : dayLabel(date);
    sections.push([`*${heading}*`, ...events.map((o) => line(o, zone))].join('\n'));
  }
  if (sections.length === 0)
    return days === 1 ? `No events today (${zone}).` : `No events in the next ${days} days (${zone}).`;
  return `${sections.join('\n\n')}\n_Times in ${zone}._`;
}
