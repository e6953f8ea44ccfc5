import { postAtRefusal } from './scheduled-messages.service';

describe('postAtRefusal', () => {
  const now = Date.parse('2026-03-01T12:00:00Z');
  const day = 86_400_000;

  it('takes any time after now up to 120 days ahead', () => {
    expect(postAtRefusal(now + 1, now)).toBeUndefined();
    expect(postAtRefusal(now + 120 * day, now)).toBeUndefined();
  });

  it('refuses now and the past, and beyond 120 days, with Slack’s codes', () => {
    expect(postAtRefusal(now, now)).toBe('time_in_past');
    expect(postAtRefusal(now - day, now)).toBe('time_in_past');
    expect(postAtRefusal(now + 120 * day + 1, now)).toBe('time_too_far');
  });
});
