import { Injectable, OnModuleInit } from '@nestjs/common';
import { Clock } from '../common/clock';
import { EventFeed } from '../events/event-feed';
import { CallsRepository } from './calls.repository';

/** A roster is trusted this long at most, should an invalidation be missed (the feed is the fast path). */
const ROSTER_TTL_MS = 5_000;

/**
 * Who is in each running call, as signaling asks it for every frame: kept in memory so a relayed ICE
 * candidate costs no database round trip. Any instance's join, leave or end reaches every instance through
 * the event feed within milliseconds and drops the roster, which is read again on the next signal.
 */
@Injectable()
export class CallRosters implements OnModuleInit {
  private readonly rosters = new Map<string, { participants: Promise<Set<string>>; expiresAt: number }>();

  constructor(
    private readonly repository: CallsRepository,
    private readonly feed: EventFeed,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.feed.subscribe((events) => {
      for (const event of events) {
        if (event.type.startsWith('call.')) this.forget((event.data as { id: string }).id);
      }
      return Promise.resolve();
    });
  }

  /** Whether both are in this running call (an ended or unknown call has nobody). */
  async bothIn(callId: string, userIds: [string, string]): Promise<boolean> {
    const participants = await this.participants(callId);
    return userIds.every((userId) => participants.has(userId));
  }

  forget(callId: string): void {
    this.rosters.delete(callId);
  }

  private participants(callId: string): Promise<Set<string>> {
    const now = this.clock.now();
    const cached = this.rosters.get(callId);
    if (cached && cached.expiresAt > now) return cached.participants;
    if (this.rosters.size > 10_000) this.sweep(now);
    const participants = this.repository.runningParticipants(callId).then((ids) => new Set(ids));
    // A failed read is not remembered.
    participants.catch(() => this.rosters.get(callId)?.participants === participants && this.forget(callId));
    this.rosters.set(callId, { participants, expiresAt: now + ROSTER_TTL_MS });
    return participants;
  }

  private sweep(now: number): void {
    for (const [callId, roster] of this.rosters) if (roster.expiresAt <= now) this.rosters.delete(callId);
  }
}
