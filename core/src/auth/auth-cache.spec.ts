import type { AuthContext } from '../common/auth-context';
import type { AppConfig } from '../config/config';
import type { EventFeed } from '../events/event-feed';
import type { EventsRepository, StoredEvent } from '../events/events.repository';
import { AuthCache } from './auth-cache';

const alice: AuthContext = {
  userId: 'u1',
  isBot: false,
  tokenId: 't1',
  tokenKind: 'session',
  expiresAt: null,
  scopes: null,
};
const hash = Buffer.from('hash of alice’s token');

function setUp() {
  let committed: (event: StoredEvent) => void = () => undefined;
  const events = { onCommitted: (listener: typeof committed) => (committed = listener) };
  const feed = { subscribe: () => undefined };
  const config = { authCacheMaxTokens: 10, authCacheTtlSeconds: 60 } as AppConfig;
  const cache = new AuthCache(events as unknown as EventsRepository, feed as unknown as EventFeed, config);
  cache.onModuleInit();
  const revoke = (tokenId: string) =>
    committed({ seq: '1', type: 'token.revoked', data: { userId: 'u1', tokenId } } as StoredEvent);
  return { cache, revoke };
}

describe('AuthCache', () => {
  it('answers a known token without a lookup until the token is revoked', async () => {
    const { cache, revoke } = setUp();
    const lookup = jest.fn().mockResolvedValue(alice);
    await cache.resolve(hash, lookup);
    expect(await cache.resolve(hash, lookup)).toBe(alice);
    expect(lookup).toHaveBeenCalledTimes(1);

    revoke('t1');
    lookup.mockResolvedValue(undefined);
    expect(await cache.resolve(hash, lookup)).toBeUndefined();
    expect(lookup).toHaveBeenCalledTimes(2);
  });

  it('never caches a lookup that a revocation overtook', async () => {
    const { cache, revoke } = setUp();
    let answer!: (auth: AuthContext) => void;
    const slow = cache.resolve(hash, () => new Promise<AuthContext>((resolve) => (answer = resolve)));
    // The row was read before the revocation committed; its event is handled before the answer arrives.
    revoke('t1');
    answer(alice);
    expect(await slow).toBe(alice);

    const lookup = jest.fn().mockResolvedValue(undefined);
    expect(await cache.resolve(hash, lookup)).toBeUndefined();
    expect(lookup).toHaveBeenCalledTimes(1);
  });

  it('drops a cached token that a fresh lookup no longer finds', async () => {
    const { cache } = setUp();
    await cache.resolve(hash, jest.fn().mockResolvedValue(alice));
    expect(await cache.resolve(hash, jest.fn().mockResolvedValue(undefined), true)).toBeUndefined();
    const lookup = jest.fn().mockResolvedValue(undefined);
    expect(await cache.resolve(hash, lookup)).toBeUndefined();
    expect(lookup).toHaveBeenCalledTimes(1);
  });
});
