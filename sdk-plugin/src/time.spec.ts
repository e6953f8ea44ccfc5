import { addDays, clockIn, dateIn, isKnownZone, startOfDate, toInstant, wallTime } from './time';

const at = (iso: string) => Date.parse(iso);

describe('time zones with Intl', () => {
  it('knows IANA zones and refuses made-up ones', () => {
    expect(isKnownZone('Europe/Oslo')).toBe(true);
    expect(isKnownZone('UTC')).toBe(true);
    expect(isKnownZone('Mars/Olympus_Mons')).toBe(false);
  });

  it('turns an instant into wall-clock time and back, on both sides of a DST change', () => {
    expect(wallTime(at('2026-03-28T08:00:00Z'), 'Europe/Oslo')).toEqual({
      year: 2026,
      month: 3,
      day: 28,
      hour: 9,
      minute: 0,
      second: 0,
    });
    const nineInOslo = (day: number) =>
      toInstant({ year: 2026, month: 3, day, hour: 9, minute: 0, second: 0 }, 'Europe/Oslo');
    expect(nineInOslo(28)).toBe(at('2026-03-28T08:00:00Z')); // CET, UTC+1
    expect(nineInOslo(30)).toBe(at('2026-03-30T07:00:00Z')); // CEST, UTC+2
  });

  it('reads a time the spring change skips with the offset before it, and a repeated one as the first', () => {
    // Oslo springs from 02:00 to 03:00 on 29 March 2026: 02:30 does not exist and means 03:30.
    expect(toInstant({ year: 2026, month: 3, day: 29, hour: 2, minute: 30, second: 0 }, 'Europe/Oslo')).toBe(
      at('2026-03-29T01:30:00Z'),
    );
    // It falls back from 03:00 to 02:00 on 25 October 2026: 02:30 happens twice; the first is still CEST.
    expect(toInstant({ year: 2026, month: 10, day: 25, hour: 2, minute: 30, second: 0 }, 'Europe/Oslo')).toBe(
      at('2026-10-25T00:30:00Z'),
    );
  });

  it('formats dates and clocks in a zone, and finds where a local day starts', () => {
    const late = at('2026-11-27T23:30:00Z');
    expect(dateIn(late, 'UTC')).toBe('2026-11-27');
    expect(dateIn(late, 'Pacific/Kiritimati')).toBe('2026-11-28');
    expect(clockIn(late, 'America/New_York')).toBe('18:30');
    expect(addDays('2026-02-27', 2)).toBe('2026-03-01');
    expect(startOfDate('2026-11-28', 'Pacific/Kiritimati')).toBe(at('2026-11-27T10:00:00Z'));
  });
});
