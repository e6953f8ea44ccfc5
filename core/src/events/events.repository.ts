import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { Database } from '../database/database';
import type { StreamEventName, StreamEvents } from './event-catalogue';

export interface StoredEvent<K extends StreamEventName = StreamEventName> {
  seq: string;
  id: string;
  type: K;
  workspaceId: string | null;
  channelId: string | null;
  data: StreamEvents[K];
  createdAt: Date;
}

/** A batch read by the feed, with the reader's snapshot bounds for telling a rolled-back gap from a late one. */
export interface EventBatch {
  events: StoredEvent[];
  /** Every transaction below this id had finished when the batch was read. */
  snapshotXmin: string;
  /** Every transaction that had started when the batch was read has an id below this. */
  snapshotXmax: string;
}

export const NOTIFY_CHANNEL = 'jokkaer_events';

const COLUMNS = ['seq', 'id', 'type', 'workspaceId', 'channelId', 'data', 'createdAt'] as const;

/** The transactional outbox: the only reader and writer of the `events` table. */
@Injectable()
export class EventsRepository {
  /** Set by the event bus: with LISTEN/NOTIFY, each append also notifies, delivered by PostgreSQL on commit. */
  notifyOnAppend = false;
  private readonly appended: ((event: StoredEvent) => void)[] = [];

  constructor(private readonly db: Database) {}

  /** Called after commit with each event the committed transaction appended, in order. */
  onCommitted(listener: (event: StoredEvent) => void): void {
    this.appended.push(listener);
  }

  /**
   * Appends an event inside the caller's transaction, so the event exists exactly when the change it
   * describes was committed. `seq` is global and increasing.
   */
  async append<K extends StreamEventName>(type: K, data: StreamEvents[K]): Promise<void> {
    if (!this.db.inTransaction) throw new Error(`event ${type} must be appended inside a transaction`);
    const scope = data as { workspaceId?: string; channelId?: string };
    const returning: string[] = [...COLUMNS];
    const query = this.db.conn('events').insert({
      id: newId(),
      type,
      workspaceId: scope.workspaceId ?? null,
      channelId: scope.channelId ?? null,
      data: JSON.stringify(data),
    });
    // pg_notify in RETURNING costs no extra round trip and is delivered only if the transaction commits.
    const rows = this.notifyOnAppend
      ? await query.returning([...returning, this.db.knex.raw(`pg_notify('${NOTIFY_CHANNEL}', seq::text)`)])
      : await query.returning(returning);
    const { seq, id, workspaceId, channelId, createdAt } = (rows as StoredEvent[])[0];
    const stored = { seq, id, type, workspaceId, channelId, data, createdAt } as StoredEvent;
    this.db.afterCommit(() => this.appended.forEach((listener) => listener(stored)));
  }

  /** The newest seq and, from the same snapshot, the bound above every transaction then running. */
  async head(): Promise<{ seq: string; snapshotXmax: string }> {
    const { rows } = await this.db.knex.raw<{ rows: { seq: string; xmax: string }[] }>(
      `SELECT coalesce(max(seq), 0)::text AS seq, pg_snapshot_xmax(pg_current_snapshot())::text AS xmax FROM events`,
    );
    return { seq: rows[0].seq, snapshotXmax: rows[0].xmax };
  }

  /** Events after `afterSeq`, in order, read in one snapshot whose bounds come with them. */
  async readAfter(afterSeq: string, limit: number): Promise<EventBatch> {
    const rows = await this.db.knex
      .with('snap', this.db.knex.raw('SELECT pg_current_snapshot() AS s'))
      .from('events')
      .joinRaw('CROSS JOIN snap')
      .where('seq', '>', afterSeq)
      .orderBy('seq')
      .limit(limit)
      .select<(StoredEvent & { xmin: string; xmax: string })[]>(
        ...COLUMNS,
        this.db.knex.raw('pg_snapshot_xmin(snap.s)::text AS xmin'),
        this.db.knex.raw('pg_snapshot_xmax(snap.s)::text AS xmax'),
      );
    if (rows.length > 0) {
      const { xmin, xmax } = rows[0];
      return {
        events: rows.map(({ xmin: _, xmax: __, ...event }) => event),
        snapshotXmin: xmin,
        snapshotXmax: xmax,
      };
    }
    const snap = await this.snapshot();
    return { events: [], ...snap };
  }

  async snapshot(): Promise<{ snapshotXmin: string; snapshotXmax: string }> {
    const { rows } = await this.db.knex.raw<{ rows: { xmin: string; xmax: string }[] }>(
      'SELECT pg_snapshot_xmin(s)::text AS xmin, pg_snapshot_xmax(s)::text AS xmax FROM pg_current_snapshot() s',
    );
    return { snapshotXmin: rows[0].xmin, snapshotXmax: rows[0].xmax };
  }

  /** Events with afterSeq < seq <= untilSeq for a replay, in order. */
  async readRange(afterSeq: string, untilSeq: string, limit: number): Promise<StoredEvent[]> {
    return await this.db
      .knex('events')
      .where('seq', '>', afterSeq)
      .where('seq', '<=', untilSeq)
      .orderBy('seq')
      .limit(limit)
      .select<StoredEvent[]>(...COLUMNS);
  }

  async find(seq: string): Promise<StoredEvent | undefined> {
    return await this.db
      .knex('events')
      .where({ seq })
      .first<StoredEvent | undefined>(...COLUMNS);
  }
}
