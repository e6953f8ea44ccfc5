import { decodeCursor, encodeCursor } from './pagination';
import { ProblemException } from './problem';

const refused = (cursor: string, keys: Parameters<typeof decodeCursor>[1]) => {
  try {
    decodeCursor(cursor, keys);
  } catch (error) {
    return error instanceof ProblemException ? error.errors : error;
  }
  return 'accepted';
};

describe('decodeCursor', () => {
  const id = '0190a6f4-5b2c-7d3e-8f40-123456789abc';

  it('gives back what encodeCursor wrote', () => {
    expect(decodeCursor(encodeCursor({ id }), { id: 'uuid' })).toEqual({ id });
    expect(decodeCursor(encodeCursor({ eventSeq: '42' }), { eventSeq: 'bigint' })).toEqual({
      eventSeq: '42',
    });
    expect(decodeCursor(undefined, { id: 'uuid' })).toBeUndefined();
  });

  it.each([
    ['a value of the wrong format', encodeCursor({ id: 'garbage' }), { id: 'uuid' }],
    ['the issue’s tampered cursor', 'eyJpZCI6ImdhcmJhZ2UifQ', { id: 'uuid' }],
    ['a missing key', encodeCursor({ other: id }), { id: 'uuid' }],
    ['a sequence that is not a number', encodeCursor({ eventSeq: '1e3' }), { eventSeq: 'bigint' }],
    ['a negative sequence', encodeCursor({ eventSeq: '-1' }), { eventSeq: 'bigint' }],
    ['a sequence past bigint', encodeCursor({ eventSeq: '9223372036854775808' }), { eventSeq: 'bigint' }],
    ['not JSON', 'bm9wZQ', { id: 'uuid' }],
  ] as const)('refuses %s with a 400 naming the cursor', (_what, cursor, keys) => {
    expect(refused(cursor, keys)).toEqual([{ path: 'query/cursor', message: expect.any(String) }]);
  });

  it('accepts the largest bigint', () => {
    const eventSeq = '9223372036854775807';
    expect(decodeCursor(encodeCursor({ eventSeq }), { eventSeq: 'bigint' })).toEqual({ eventSeq });
  });
});
