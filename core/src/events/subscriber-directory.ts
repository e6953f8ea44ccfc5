import type { StoredEvent } from './events.repository';

/** An enabled consumer of one workspace's events: a webhook, a plugin install. */
export interface Subscriber {
  id: string;
  workspaceId: string;
  /** Whether it may want events of `type` (wanting too much is safe: its delivery decides for real). */
  wants(type: string): boolean;
}

/** What a batch holds for the subscribers. */
export interface Sorted {
  /** Per subscriber id, the seq of the last event in the batch it may want. */
  wanted: Map<string, string>;
  /** The seq of the first event in the batch that any subscriber may want. */
  first?: string;
  /** Set when the directory could not be read (this error): any subscriber may want any event. */
  failed?: unknown;
}

/**
 * A consumer whose cursor lags only over events it had nothing to do for writes it down after this many, so
 * that a restart re-reads at most these.
 */
export const IDLE_CURSOR_EVENTS = 1000n;

/**
 * The enabled subscribers of every workspace as this instance last read them, so that a batch of events that no
 * one wants costs its consumer no query. Read whole on the first batch, then one workspace again whenever an
 * event saying its subscribers changed passes in the feed: events are judged in seq order against what was
 * subscribed by then, and never against less than a delivery reading the tables afterwards would find.
 */
export class SubscriberDirectory<S extends Subscriber> {
  private byWorkspace?: Map<string, S[]>;

  constructor(
    /** The workspace whose subscribers `event` says changed, if it does. */
    private readonly changedIn: (event: StoredEvent) => string | undefined,
    /** Enabled subscribers, of one workspace or of all. */
    private readonly load: (workspaceId?: string) => Promise<S[]>,
  ) {}

  /** Applies the batch's changes and finds who may want its events; a failed read is retried on the next batch. */
  async sort(events: StoredEvent[]): Promise<Sorted> {
    const wanted = new Map<string, string>();
    let first: string | undefined;
    const want = (subscriberId: string, seq: string) => {
      wanted.set(subscriberId, seq);
      first ??= seq;
    };
    try {
      this.byWorkspace ??= group(await this.load());
      for (const event of events) {
        const changed = this.changedIn(event);
        if (changed !== undefined) {
          const subscribers = await this.load(changed);
          if (subscribers.length > 0) this.byWorkspace.set(changed, subscribers);
          else this.byWorkspace.delete(changed);
          // A subscriber that is new or back may have events waiting behind its cursor.
          for (const subscriber of subscribers) want(subscriber.id, event.seq);
        }
        if (event.workspaceId === null) continue;
        for (const subscriber of this.byWorkspace.get(event.workspaceId) ?? []) {
          if (subscriber.wants(event.type)) want(subscriber.id, event.seq);
        }
      }
      return { wanted, first };
    } catch (error) {
      this.byWorkspace = undefined;
      return { wanted, first: events[0]?.seq, failed: error };
    }
  }

  /** Every known subscriber; none while the directory is unknown. */
  all(): S[] {
    return [...(this.byWorkspace?.values() ?? [])].flat();
  }
}

function group<S extends Subscriber>(subscribers: S[]): Map<string, S[]> {
  const byWorkspace = new Map<string, S[]>();
  for (const subscriber of subscribers) {
    byWorkspace.set(subscriber.workspaceId, [...(byWorkspace.get(subscriber.workspaceId) ?? []), subscriber]);
  }
  return byWorkspace;
}
