import { Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
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

/**
 * A change to append an event with (see appendWithChange): the SQL of data-modifying CTEs, the last one named
 * `change`, of at most one row whose `data` column is the event's payload as json. `name` names the statement
 * PostgreSQL keeps prepared on each connection, parsed and planned once: the SQL must be the same every time.
 */
export interface SqlChange {
  name: string;
  sql: string;
  bindings: Knex.RawBinding[];
}

interface EventScope {
  workspaceId: string | null;
  channelId: string | null;
}

interface AppendedRow {
  seq: string;
  id: string;
  created_at: Date;
}

/** A StoredEvent's columns, named as its fields. */
const SELECTED =
  'seq, id, type, workspace_id AS "workspaceId", channel_id AS "channelId", data, created_at AS "createdAt"';
/** The id, type, workspace and channel of one event, as bound by insertBindings (its data follows). */
const ONE_EVENT = '?, ?, ?, ?';
/** bigint's largest value: no upper bound. */
const MAX_SEQ = '9223372036854775807';

/** The transactional outbox: the only reader and writer of the `events` table. */
@Injectable()
export class EventsRepository {
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
    const { workspaceId = null, channelId = null } = data as { workspaceId?: string; channelId?: string };
    const scope = { workspaceId, channelId };
    const json = JSON.stringify(data);
    const { rows } = await this.db.conn.raw<{ rows: AppendedRow[] }>(
      this.insertSql(`${ONE_EVENT}, ?::jsonb`, ''),
      this.insertBindings(type, scope, [json]),
    );
    // The listeners get the payload as a read of the table would give it (plain JSON, a copy of its own).
    await this.announce(type, scope, data, rows[0], JSON.parse(json) as StreamEvents[K]);
  }

  /**
   * Makes `change` and appends its event in ONE statement, so the event exists exactly when the change was
   * committed, in one round trip and with no transaction of its own (unless whileAppending reactions to this
   * type must join one). Returns the event's payload, or undefined when the change changed nothing (then no
   * event is appended).
   */
  async appendWithChange<K extends StreamEventName>(
    type: K,
    scope: EventScope,
    change: SqlChange,
  ): Promise<StreamEvents[K] | undefined> {
    return (await this.appendWithOutcome<K, never>(type, scope, change))?.data ?? undefined;
  }

  /**
   * As appendWithChange, for a change that answers its caller whether or not it appends: `change` has at most
   * one row, with `data` (the event's payload, or null for no event) and `answer` (json). Undefined when the
   * change has no row.
   */
  async appendWithOutcome<K extends StreamEventName, A>(
    type: K,
    scope: EventScope,
    change: SqlChange,
  ): Promise<{ data: StreamEvents[K] | null; answer: A } | undefined> {
    if (this.reactions.has(type) && !this.db.inTransaction) {
      return this.db.transaction(() => this.appendWithOutcome<K, A>(type, scope, change));
    }
    const rows = await this.db.query<Partial<AppendedRow> & { data: StreamEvents[K] | null; answer?: A }>(
      change.name,
      `WITH ${change.sql},
       appended AS (${this.insertSql(`${ONE_EVENT}, change.data::jsonb`, 'change, ', 'WHERE change.data IS NOT NULL')})
       SELECT change.*, appended.seq, appended.id, appended.created_at FROM change LEFT JOIN appended ON true`,
      [...change.bindings, ...this.insertBindings(type, scope, [])],
    );
    if (rows.length === 0) return undefined;
    const { data, answer, seq, id, created_at } = rows[0];
    if (data !== null)
      await this.announce(type, scope, data, { seq: seq!, id: id!, created_at: created_at! });
    return { data, answer: answer as A };
  }

  /**
   * As appendWithOutcome, for a change of `count` rows at once, one event each: `change` has the columns `ord`
   * (1 to count, each once), `workspace_id`, `channel_id` and `data` (null: no event for that row). The events
   * are appended in `ord` order, in the change's statement. Answers each row's payload (or null), by `ord`.
   */
  async appendEach<K extends StreamEventName>(
    type: K,
    change: SqlChange,
    count: number,
  ): Promise<(StreamEvents[K] | null)[]> {
    if (this.reactions.has(type) && !this.db.inTransaction) {
      return this.db.transaction(() => this.appendEach(type, change, count));
    }
    const ids = Array.from({ length: count }, () => newId());
    const rows = await this.db.query<
      AppendedRow & { ord: number; workspace_id: string; channel_id: string; data: StreamEvents[K] | null }
    >(
      change.name,
      `WITH ${change.sql},
       appended AS (${this.insertSql(
         '(?::uuid[])[change.ord], ?, change.workspace_id, change.channel_id, change.data::jsonb',
         'change, ',
         'WHERE change.data IS NOT NULL ORDER BY change.ord',
       )})
       SELECT change.ord, change.workspace_id, change.channel_id, change.data, appended.seq, appended.id,
         appended.created_at
       FROM change LEFT JOIN appended ON appended.id = (?::uuid[])[change.ord] ORDER BY change.ord`,
      [...change.bindings, ids, type, ids],
    );
    const answers: (StreamEvents[K] | null)[] = [];
    for (const row of rows) {
      answers[row.ord - 1] = row.data;
      if (row.data === null) continue;
      await this.announce(type, { workspaceId: row.workspace_id, channelId: row.channel_id }, row.data, row);
    }
    return answers;
  }

  /**
   * The INSERT of one event per row of `from` (a FROM list prefix), `values` its columns' expressions (id,
   * type, workspace, channel, data) and `rest` what follows FROM (WHERE, ORDER BY). The transaction takes its id before its
   * seq (the FROM item is read before the row's defaults are computed): the feed relies on every holder of an
   * unseen seq having an id it can wait for. Other instances are woken after the commit (the event bus's
   * transport), never by a NOTIFY in the transaction: PostgreSQL holds its notify lock through the commit's WAL
   * flush, so the commits of every notifying transaction would wait for one another.
   */
  private insertSql(values: string, from: string, rest = ''): string {
    return `INSERT INTO events (id, type, workspace_id, channel_id, data)
       SELECT ${values} FROM ${from}(SELECT pg_current_xact_id()) AS assigned ${rest}
       RETURNING seq, id, created_at`;
  }

  private insertBindings(type: StreamEventName, scope: EventScope, data: string[]): Knex.RawBinding[] {
    return [newId(), type, scope.workspaceId, scope.channelId, ...data];
  }

  /**
   * Tells the listeners once the event is committed (with `storedData`, the payload as stored, if not `data`
   * itself), and runs this type's reactions in its transaction.
   */
  private async announce<K extends StreamEventName>(
    type: K,
    scope: EventScope,
    data: StreamEvents[K],
    row: AppendedRow,
    storedData: StreamEvents[K] = data,
  ): Promise<void> {
    const { workspaceId, channelId } = scope;
    const stored = {
      seq: String(row.seq),
      id: row.id,
      type,
      workspaceId,
      channelId,
      data: storedData,
      createdAt: row.created_at,
    };
    const tell = () => this.appended.forEach((listener) => listener(stored));
    if (this.db.inTransaction) this.db.afterCommit(tell);
    else tell();
    for (const reaction of this.reactions.get(type) ?? []) await reaction(data as never);
  }

  /** Runs `change`, then appends the event that describes it, in one transaction (see appendWithChange for one statement). */
  async appendAfter<K extends StreamEventName, T>(
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
    // Prepared statements (Database.query): the feed reads after every burst of commits.
    if (!only) {
      return this.db.query<StoredEvent>(
        'events-range',
        `SELECT ${SELECTED} FROM events WHERE seq > ?::bigint AND seq <= coalesce(?::bigint, ${MAX_SEQ})
         ORDER BY seq LIMIT ?`,
        [afterSeq, untilSeq, limit],
      );
    }
    return this.db.query<StoredEvent>(
      'events-range-of-types',
      `SELECT ${SELECTED} FROM events
       WHERE workspace_id = ? AND type = ANY(?::text[]) AND seq > ?::bigint AND seq <= coalesce(?::bigint, ${MAX_SEQ})
       ORDER BY seq LIMIT ?`,
      [only.workspaceId, only.types, afterSeq, untilSeq, limit],
    );
  }
}
