import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { Database } from '../database/database';
import type { DomainEventName, DomainEvents } from './event-catalogue';

export interface StoredEvent<K extends DomainEventName = DomainEventName> {
  seq: string;
  id: string;
  type: K;
  workspaceId: string;
  channelId: string | null;
  data: DomainEvents[K];
  createdAt: Date;
}

/** The transactional outbox: the only writer of the `events` table. */
@Injectable()
export class EventsRepository {
  constructor(private readonly db: Database) {}

  /**
   * Appends a domain event inside the caller's transaction, so the event exists exactly when the change
   * it describes was committed. The sequence (`seq`) is global and increasing.
   */
  async append<K extends DomainEventName>(type: K, data: DomainEvents[K]): Promise<void> {
    if (!this.db.inTransaction) throw new Error(`event ${type} must be appended inside a transaction`);
    const scope = data as { workspaceId: string; channelId?: string };
    await this.db.conn('events').insert({
      id: newId(),
      type,
      workspaceId: scope.workspaceId,
      channelId: scope.channelId ?? null,
      data: JSON.stringify(data),
    });
  }

  async listAfter(workspaceId: string, afterSeq: string, limit: number): Promise<StoredEvent[]> {
    return this.db
      .conn('events')
      .where({ workspaceId })
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit) as Promise<StoredEvent[]>;
  }
}
