import { PresenceBook, REMOTE_TTL_MS } from './presence';
import type { PresenceStatus } from './realtime.schemas';

describe('PresenceBook', () => {
  const local = new Map<string, PresenceStatus>();
  const book = new PresenceBook((userId) => local.get(userId) ?? 'offline');

  it('takes the best status any instance reports, and forgets silent instances', () => {
    expect(book.status('u1', 0)).toBe('offline');
    expect(book.applyRemote('i2', 'u1', 'away', 0)).toBe(true);
    expect(book.status('u1', 1)).toBe('away');
    local.set('u1', 'online');
    expect(book.status('u1', 1)).toBe('online');
    local.delete('u1');
    expect(book.status('u1', REMOTE_TTL_MS + 1)).toBe('offline');
  });

  it('reports only local changes, once', () => {
    local.set('u2', 'online');
    expect(book.localChanges(['u2'])).toEqual([['u2', 'online']]);
    expect(book.localChanges(['u2'])).toEqual([]);
    local.set('u2', 'away');
    expect(book.localChanges(['u2'])).toEqual([['u2', 'away']]);
    local.delete('u2');
    expect(book.localChanges(['u2'])).toEqual([['u2', 'offline']]);
    expect(book.publishedStatuses()).toEqual([]);
  });
});
