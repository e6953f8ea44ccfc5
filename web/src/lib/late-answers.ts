import type { QueryClient, QueryKey } from '@tanstack/react-query';

/**
 * A fetch already under way when an event arrives can answer from before that event, and its answer replaces
 * what the event just changed in the cache (a message shown live would vanish again). So each change an event
 * makes is kept for the queries being fetched at that moment and made again to their answers, in order. The
 * changes must be idempotent: the answer may already include them.
 */
export class LateAnswerGuard {
  private readonly pending = new Map<string, (() => void)[]>();
  private readonly unsubscribe: () => void;

  constructor(private readonly client: QueryClient) {
    this.unsubscribe = client.getQueryCache().subscribe((event) => {
      if (event.type !== 'updated') return;
      const hash = event.query.queryHash;
      const changes = this.pending.get(hash);
      if (!changes) return;
      // setQueryData also reports a success, marked manual: only a fetched answer can be late.
      if (event.action.type === 'success' && !event.action.manual) {
        this.pending.delete(hash);
        for (const change of changes) change();
      } else if (event.query.state.fetchStatus === 'idle') {
        // Failed or cancelled: the cache still holds the changes, and a later answer starts after them.
        this.pending.delete(hash);
      }
    });
  }

  /** Makes the change now, and again to the answer of each fetch under way of a query under one of these keys. */
  apply(queryKeys: QueryKey[], change: () => void): void {
    change();
    const fetching = new Set(
      queryKeys.flatMap((queryKey) =>
        this.client.getQueryCache().findAll({ queryKey, fetchStatus: 'fetching' }),
      ),
    );
    for (const query of fetching) {
      this.pending.set(query.queryHash, [...(this.pending.get(query.queryHash) ?? []), change]);
    }
  }

  dispose(): void {
    this.unsubscribe();
    this.pending.clear();
  }
}
