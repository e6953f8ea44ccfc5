import type { PresenceStatus } from './realtime.schemas';

const RANK: Record<PresenceStatus, number> = { offline: 0, away: 1, online: 2 };
/** A remote instance's word about a user lasts this long unless repeated (its heartbeat is a third of it). */
export const REMOTE_TTL_MS = 90_000;
export const HEARTBEAT_MS = 30_000;

/**
 * Presence across instances: each instance knows its own sockets; the others tell it what theirs see
 * (on every change, and again as a heartbeat so a crashed instance's word expires). A user's status is the
 * best any instance reports.
 */
export class PresenceBook {
  private readonly remote = new Map<string, Map<string, { status: PresenceStatus; expiresAt: number }>>();
  private readonly published = new Map<string, PresenceStatus>();

  constructor(private readonly local: (userId: string) => PresenceStatus) {}

  status(userId: string, now: number): PresenceStatus {
    let best = this.local(userId);
    for (const [instance, entry] of this.remote.get(userId) ?? []) {
      if (entry.expiresAt <= now) this.remote.get(userId)?.delete(instance);
      else if (RANK[entry.status] > RANK[best]) best = entry.status;
    }
    return best;
  }

  /** Records another instance's report; returns whether the user's overall status changed. */
  applyRemote(instance: string, userId: string, status: PresenceStatus, now: number): boolean {
    const before = this.status(userId, now);
    const entries =
      this.remote.get(userId) ?? new Map<string, { status: PresenceStatus; expiresAt: number }>();
    if (status === 'offline') entries.delete(instance);
    else entries.set(instance, { status, expiresAt: now + REMOTE_TTL_MS });
    if (entries.size) this.remote.set(userId, entries);
    else this.remote.delete(userId);
    return this.status(userId, now) !== before;
  }

  /** Users whose local status differs from what this instance last told the others, with the new status. */
  localChanges(userIds: Iterable<string>): [string, PresenceStatus][] {
    const changes: [string, PresenceStatus][] = [];
    for (const userId of userIds) {
      const status = this.local(userId);
      if ((this.published.get(userId) ?? 'offline') !== status) {
        changes.push([userId, status]);
        if (status === 'offline') this.published.delete(userId);
        else this.published.set(userId, status);
      }
    }
    return changes;
  }

  /** Everything this instance currently reports, for the heartbeat. */
  publishedStatuses(): [string, PresenceStatus][] {
    return [...this.published];
  }

  /** Users with expired remote entries, whose status may have dropped. */
  expire(now: number): string[] {
    const touched: string[] = [];
    for (const [userId, entries] of this.remote) {
      for (const [instance, entry] of entries) {
        if (entry.expiresAt <= now) {
          entries.delete(instance);
          touched.push(userId);
        }
      }
      if (!entries.size) this.remote.delete(userId);
    }
    return touched;
  }
}
