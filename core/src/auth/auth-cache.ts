import { Inject, Injectable, OnModuleInit } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import type { AuthContext } from '../common/auth-context';
import { APP_CONFIG } from '../config/config';
import type { AppConfig } from '../config/config';
import { EventFeed } from '../events/event-feed';
import { EventsRepository, StoredEvent } from '../events/events.repository';

/**
 * Token hash → who the token authenticates, in this instance's memory, so a request with a known token costs
 * no query; shared by the HTTP guard and the realtime socket through AuthService. Token rows never change but
 * for their revocation, so an entry stays true until its token is revoked (expiry is checked on every use):
 * - on the revoking instance the entry goes when the revocation commits, before the request that revoked it
 *   is answered;
 * - on the others it goes when the `token.revoked` event reaches their event feed: woken through LISTEN/NOTIFY
 *   (or NATS) at commit, a few milliseconds, else by the feed's poll every EVENT_POLL_INTERVAL_MS. The feed
 *   delivers in order, so it may wait longer while an older transaction is still open, or while the database
 *   is unreachable: AUTH_CACHE_TTL_SECONDS bounds the time any entry is trusted without a fresh lookup.
 * A lookup that a revocation overtook is answered but never cached (see `generation`).
 */
@Injectable()
export class AuthCache implements OnModuleInit {
  private readonly entries: LRUCache<string, AuthContext>;
  /** Each entry's key by token id: revocations name the token, not its hash. */
  private readonly keysByTokenId = new Map<string, string>();
  /**
   * Counts revocations seen. A lookup caches its answer only if none came in while it ran: the row it read may
   * predate a revocation whose event this instance has already handled, and nothing would evict it later.
   */
  private generation = 0;

  constructor(
    private readonly events: EventsRepository,
    private readonly feed: EventFeed,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.entries = new LRUCache({
      max: config.authCacheMaxTokens,
      ttl: config.authCacheTtlSeconds * 1000,
      dispose: (auth) => this.keysByTokenId.delete(auth.tokenId),
    });
  }

  onModuleInit(): void {
    this.events.onCommitted((event) => this.forget(event));
    this.feed.subscribe((events) => {
      events.forEach((event) => this.forget(event));
      return Promise.resolve();
    });
  }

  /**
   * The cached context of the token with this hash, else what `lookup` finds for it (then cached if it may
   * be). `fresh` always looks up, and keeps the cache up to date with what it finds.
   */
  async resolve(
    hash: Buffer,
    lookup: (hash: Buffer) => Promise<AuthContext | undefined>,
    fresh = false,
  ): Promise<AuthContext | undefined> {
    const key = hash.toString('base64url');
    const cached = fresh ? undefined : this.entries.get(key);
    if (cached) return cached;
    const generation = this.generation;
    const found = await lookup(hash);
    if (!found) {
      this.entries.delete(key);
    } else if (generation === this.generation) {
      this.entries.set(key, found);
      this.keysByTokenId.set(found.tokenId, key);
    }
    return found;
  }

  private forget(event: StoredEvent): void {
    if (event.type !== 'token.revoked') return;
    this.generation++;
    const key = this.keysByTokenId.get((event as StoredEvent<'token.revoked'>).data.tokenId);
    if (key) this.entries.delete(key);
  }
}
