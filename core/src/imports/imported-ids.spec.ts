import { importedMessageId, isSlackTs, tsToDate, tsToMicros } from './imported-ids';

const WORKSPACE = '0190f2c4-0000-7000-8000-000000000001';

describe('importedMessageId', () => {
  it('is the same for the same message, and differs across conversations and workspaces', () => {
    const id = importedMessageId(WORKSPACE, 'C1', '1700000000.000100');
    expect(id).toBe(importedMessageId(WORKSPACE, 'C1', '1700000000.000100'));
    expect(id).not.toBe(importedMessageId(WORKSPACE, 'C2', '1700000000.000100'));
    expect(id).not.toBe(importedMessageId('0190f2c4-0000-7000-8000-000000000002', 'C1', '1700000000.000100'));
  });

  it('is a UUIDv7 carrying the message time, sorting as the ts do (microseconds too)', () => {
    const stamps = [
      '1600000000.000001',
      '1700000000.000100',
      '1700000000.000999',
      '1700000000.001000',
      '1700000001.5',
    ];
    const ids = stamps.map((ts) => importedMessageId(WORKSPACE, 'C1', ts));
    for (const id of ids)
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect([...ids].sort()).toEqual(ids);
    expect(parseInt(ids[1].replace(/-/g, '').slice(0, 12), 16)).toBe(1_700_000_000_000);
  });
});

describe('Slack ts', () => {
  it('reads as microseconds, short fractions padded', () => {
    expect(tsToMicros('1700000000.123456')).toBe('1700000000123456');
    expect(tsToMicros('1700000001.5')).toBe('1700000001500000');
  });

  it('reads as a time to the millisecond', () => {
    expect(tsToDate('1700000000.123456').toISOString()).toBe('2023-11-14T22:13:20.123Z');
    expect(isSlackTs('1700000000.123456')).toBe(true);
    expect(isSlackTs('yesterday')).toBe(false);
    expect(isSlackTs(1700000000)).toBe(false);
  });
});
