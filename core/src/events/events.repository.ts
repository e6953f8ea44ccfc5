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

export const NOTIFY_CHANNEL = 'jokkaer_events';

const COLUMNS = ['seq', 'id', 'type', 'workspaceId', 'channelId', 'data', 'createdAt'] as const;

/** The transactional outbox: the only reader and writer of the `events` table. */
@Injectable()
export class EventsRepository {
  /** Set by the event bus: with LISTEN/NOTIFY, each append also notifies, delivered by PostgreSQL on commit. */
  notifyOnAppend = false;
  /** The NOTIFY payload: the appending instance's id, so it can ignore its own (it woke itself already). */
  notifyPayload = '';
  private readonly appended: ((event: StoredEvent) => void)[] = [];
  private readonly reactions = new Map<StreamEventName, ((data: never) => Promise<void>)[]>();

  constructor(private readonly db: Database) {}

  /** Called after commit with each event the committed transaction appended, in order. */
  onCommitted(listener: (event: StoredEvent) => void): void {
    this.appended.push(listener);
  }

  /**
   * Runs `reaction` inside every transaction that appends an event of this type, right after it: what it
   * changes commits or rolls back with the change the event describes, so another domain follows this one
   * without the two calling each other, and no crash can separate them.
   */
  whileAppending<K extends StreamEventName>(
    type: K,
    reaction: (data: StreamEvents[K]) => Promise<void>,
  ): void {
    this.reactions.set(type, [...(this.reactions.get(type) ?? []), reaction]);
  }

  /**
   * Appends an event inside the caller's transaction, so the event exists exactly when the change it
   * describes was committed. `seq` is global and increasing.
   */
  async append<K extends StreamEventName>(type: K, data: StreamEvents[K]): Promise<void> {
    if (!this.db.inTransaction) throw new Error(`event ${type} must be appended inside a transaction`);
    const scope = data as { workspaceId?: string; channelId?: string };
    const workspaceId = scope.workspaceId ?? null;
    const channelId = scope.channelId ?? null;
    // The transaction takes its id before its seq (the FROM item is read before the row's defaults are
    // computed): the feed relies on every holder of an unseen seq having an id it can wait for.
    // pg_notify in RETURNING costs no extra round trip and is delivered only if the transaction commits.
    const { rows } = await this.db.conn.raw<{ rows: { seq: string; id: string; created_at: Date }[] }>(
      `INSERT INTO events (id, type, workspace_id, channel_id, data)
       SELECT ?, ?, ?, ?, ?::jsonb FROM (SELECT pg_current_xact_id()) AS assigned
       RETURNING seq, id, created_at${this.notifyOnAppend ? `, pg_notify('${NOTIFY_CHANNEL}', ?)` : ''}`,
      [
        newId(),
        type,
        workspaceId,
        channelId,
        JSON.stringify(data),
        ...(this.notifyOnAppend ? [this.notifyPayload] : []),
      ],
    );
    const { seq, id, created_at: createdAt } = rows[0];
    const stored = { seq: String(seq), id, type, workspaceId, channelId, data, createdAt } as StoredEvent;
    this.db.afterCommit(() => this.appended.forEach((listener) => listener(stored)));
    for (const reaction of this.reactions.get(type) ?? []) await reaction(data as never);
  }

  /** Runs `change` and appends the event that describes it, in one transaction. */
  async appendWith<K extends StreamEventName, T>(
    type: K,
    data: StreamEvents[K],
    change: () => Promise<T>,
  ): Promise<T> {
    return await this.db.transaction(async () => {
      const result = await change();
      await this.append(type, data);
      return result;
    });
  }

  async maxSeq(): Promise<string> {
    const row = await this.db.knex('events').max<{ max: string | null }>('seq as max').first();
    return String(row?.max ?? '0');
  }

  /**
   * A transaction id newer than every id handed out so far. A transaction holding a seq drawn before this
   * call took its id earlier, so once no transaction older than this bound runs, it has finished.
   */
  async xidBound(): Promise<string> {
    const { rows } = await this.db.knex.raw<{ rows: { xid: string }[] }>(
      'SELECT pg_current_xact_id()::text AS xid',
    );
    return rows[0].xid;
  }

  /** Events after `afterSeq`, in order. */
  async readAfter(afterSeq: string, limit: number): Promise<StoredEvent[]> {
    return this.readRange(afterSeq, null, limit);
  }

  /**
   * Whether every transaction of this database that took its id before `bound` (from xidBound) has ended.
   * Only this database's sessions count: a long transaction elsewhere on the cluster does not hold us up.
   */
  async settledBefore(bound: string): Promise<boolean> {
    const { rows } = await this.db.knex.raw<{ rows: { settled: boolean }[] }>(
      `SELECT NOT EXISTS (
         SELECT 1 FROM pg_stat_activity
         WHERE datname = current_database() AND backend_xid IS NOT NULL AND age(backend_xid) > age(xid(?::xid8))
       ) AS settled`,
      [bound],
    );
    return rows[0].settled;
  }

  /**
   * Events with afterSeq < seq <= untilSeq for a replay, in order. Inside a transaction (the webhook fan-out)
   * it reads on that transaction's connection: asking the pool for a second one could wait forever for a
   * pool that is full, or being closed at shutdown, while the transaction holds its own. With `only`, just the
   * events of those types in that workspace.
   */
  async readRange(
    afterSeq: string,
    untilSeq: string | null,
    limit: number,
    only?: { workspaceId: string; types: string[] },
  ): Promise<StoredEvent[]> {
    const query = this.db.conn('events').where('seq', '>', afterSeq).orderBy('seq').limit(limit);
    if (untilSeq !== null) void query.where('seq', '<=', untilSeq);
    if (only) void query.where('workspaceId', only.workspaceId).whereIn('type', only.types);
    return await query.select<StoredEvent[]>(...COLUMNS);
  }
}
