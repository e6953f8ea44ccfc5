import { isQuiet, isTimeZone } from './quiet-hours';

const at = (iso: string) => Date.parse(iso);

describe('quiet hours', () => {
  const night = { from: '22:00', to: '07:00', timeZone: 'Europe/Paris' };

  it('runs across midnight on the person’s wall clock', () => {
    // Paris is UTC+1 in December: 21:30 UTC is 22:30 there, 06:30 UTC is 07:30.
    expect(isQuiet(night, at('2026-12-03T21:30:00Z'))).toBe(true);
    expect(isQuiet(night, at('2026-12-04T05:59:00Z'))).toBe(true);
    expect(isQuiet(night, at('2026-12-04T06:30:00Z'))).toBe(false);
    expect(isQuiet(night, at('2026-12-03T20:59:00Z'))).toBe(false);
  });

  it('covers a span within one day, its end excluded', () => {
    const lunch = { from: '12:00', to: '13:00', timeZone: 'UTC' };
    expect(isQuiet(lunch, at('2026-12-03T12:00:00Z'))).toBe(true);
    expect(isQuiet(lunch, at('2026-12-03T13:00:00Z'))).toBe(false);
    expect(isQuiet({ ...lunch, to: '12:00' }, at('2026-12-03T12:00:00Z'))).toBe(false);
  });

  it('knows IANA zones and refuses others', () => {
    expect(isTimeZone('America/New_York')).toBe(true);
    expect(isTimeZone('Mars/Olympus')).toBe(false);
  });
});
