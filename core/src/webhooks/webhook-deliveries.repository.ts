import { Injectable } from '@nestjs/common';
import type { Knex } from 'knex';
import { Database } from '../database/database';
import type { DeliveryFormat, SigningSecret } from './webhooks.repository';
import type { DeliveryStatus } from './webhooks.schemas';

export interface NewDelivery {
  id: string;
  webhookId: string;
  eventSeq: string;
  /** Which of the deliveries made from one event (several Slack events may come from one). */
  part: number;
  eventType: string;
  body: string;
  nextAttemptAt: Date;
  createdAt: Date;
}

export interface DeliveryRow {
  id: string;
  webhookId: string;
  eventSeq: string;
  eventType: string;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: Date;
  lastError: string | null;
  lastStatusCode: number | null;
  attemptLog: AttemptEntry[];
  createdAt: Date;
  finishedAt: Date | null;
}

/** A delivery claimed for sending, with what is needed to send it. */
export interface ClaimedDelivery {
  id: string;
  webhookId: string;
  body: string;
  attempts: number;
  url: string;
  secrets: SigningSecret[];
  /** An app's event subscription (its install owns the endpoint) rather than a workspace's webhook. */
  forApp: boolean;
  format: DeliveryFormat;
  /** What the previous attempt got (Slack's retries say why they come). */
  lastStatusCode: number | null;
  lastError: string | null;
  /** The app of an app's subscription (Socket Mode connections are the app's). */
  appId: string | null;
}

/** The result of one attempt, and what becomes of the delivery. */
export interface AttemptOutcome {
  deliveryId: string;
  attemptedAt: Date;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
  status: DeliveryStatus;
  nextAttemptAt: Date | null;
}

/** One attempt as the delivery's log keeps it (JSON: times are strings). */
export interface AttemptEntry {
  attemptedAt: string;
  statusCode: number | null;
  durationMs: number;
  error: string | null;
  responseExcerpt: string | null;
}

/** Attempts kept per delivery: all eight of the schedule, and a few redeliveries. */
const ATTEMPT_LOG_SIZE = 20;

/**
 * The delivery queue: the fan-out's cursor, deliveries queued, leased, attempted, listed and requeued. Hot paths
 * (fan-out, claim, completion) are single set-based statements.
 */
@Injectable()
export class WebhookDeliveriesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Moves the fan-out cursor forward to `seq` over events no webhook wanted, in one statement; leaves it to
   * an instance fanning out at the moment.
   */
  async advanceIdleFanoutCursor(seq: string): Promise<void> {
    await this.db.conn.raw(
      `UPDATE webhook_fanout SET cursor_seq = ?
       WHERE id = (SELECT id FROM webhook_fanout WHERE id = 1 AND cursor_seq < ? FOR UPDATE SKIP LOCKED)`,
      [seq, seq],
    );
  }

  /** Inside a transaction: the fan-out cursor, locked; undefined while another instance holds it. */
  async lockFanoutCursor(): Promise<string | undefined> {
    const { rows } = await this.db.conn.raw<{ rows: { cursor_seq: string }[] }>(
      'SELECT cursor_seq FROM webhook_fanout WHERE id = 1 FOR UPDATE SKIP LOCKED',
    );
    return rows[0]?.cursor_seq;
  }

  /** Where the fan-out has got to (for the metrics). */
  async fanoutCursor(): Promise<string> {
    const { rows } = await this.db.conn.raw<{ rows: { cursor_seq: string }[] }>(
      'SELECT cursor_seq FROM webhook_fanout WHERE id = 1',
    );
    return rows[0]?.cursor_seq ?? '0';
  }

  /** Deliveries waiting to be sent to enabled endpoints, and since when the longest-due one has been due. */
  async queueStats(now: Date): Promise<{ depth: number; oldestDueAt: Date | null }> {
    const { rows } = await this.db.conn.raw<{ rows: { depth: number; oldest_due_at: Date | null }[] }>(
      `SELECT count(*)::int AS depth, min(d.next_attempt_at) FILTER (WHERE d.next_attempt_at <= ?) AS oldest_due_at
       FROM webhook_deliveries d
       WHERE d.status = 'pending' AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.enabled)`,
      [now],
    );
    return { depth: rows[0]?.depth ?? 0, oldestDueAt: rows[0]?.oldest_due_at ?? null };
  }

  async setFanoutCursor(seq: string): Promise<void> {
    await this.db.conn.raw('UPDATE webhook_fanout SET cursor_seq = ? WHERE id = 1', [seq]);
  }

  async insertDeliveries(rows: NewDelivery[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.conn.raw(
      `INSERT INTO webhook_deliveries (id, webhook_id, event_seq, part, event_type, body, next_attempt_at, created_at)
       SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::bigint[], ?::smallint[], ?::text[], ?::text[], ?::timestamptz[],
                            ?::timestamptz[])
       ON CONFLICT (webhook_id, event_seq, part) DO NOTHING`,
      [
        rows.map((row) => row.id),
        rows.map((row) => row.webhookId),
        rows.map((row) => row.eventSeq),
        rows.map((row) => row.part),
        rows.map((row) => row.eventType),
        rows.map((row) => row.body),
        rows.map((row) => row.nextAttemptAt),
        rows.map((row) => row.createdAt),
      ],
    );
  }

  /**
   * Leases up to `limit` due deliveries of enabled endpoints to `owner` until `leaseUntil`, at most
   * `perWebhook` of any one endpoint, none of `skipWebhookIds` (endpoints whose lanes are full here) and never
   * one `owner` leased already (it tracks its own until their attempt is recorded, whatever the clock says).
   * SKIP LOCKED lets every instance claim at once without waiting on each other.
   */
  async claimDue(
    owner: string,
    now: Date,
    leaseUntil: Date,
    limit: number,
    perWebhook: number,
    skipWebhookIds: string[],
  ): Promise<ClaimedDelivery[]> {
    const { rows } = await this.db.knex.raw<{ rows: ClaimedDelivery[] }>(
      `WITH due AS (
         -- Shaped for an index scan in next_attempt_at order: it stops at LIMIT, and it marks the index
         -- entries of finished deliveries dead as it passes them (a bitmap scan would revisit them all).
         SELECT d.id, d.webhook_id, d.next_attempt_at
         FROM webhook_deliveries d
         WHERE d.status = 'pending' AND d.next_attempt_at <= :now
           AND (d.locked_until IS NULL OR d.locked_until < :now)
           AND d.locked_by IS DISTINCT FROM :owner AND NOT (d.webhook_id = ANY(:skip::uuid[]))
           AND EXISTS (SELECT 1 FROM webhooks w WHERE w.id = d.webhook_id AND w.enabled)
         ORDER BY d.next_attempt_at
         LIMIT :scan
       ), ranked AS (
         SELECT id, row_number() OVER (PARTITION BY webhook_id ORDER BY next_attempt_at) AS rank FROM due
       ), picked AS (
         SELECT d.id FROM webhook_deliveries d JOIN ranked ON ranked.id = d.id
         WHERE ranked.rank <= :perWebhook
         ORDER BY d.next_attempt_at
         LIMIT :limit
         FOR UPDATE OF d SKIP LOCKED
       )
       UPDATE webhook_deliveries d SET locked_by = :owner, locked_until = :leaseUntil
       FROM picked, webhooks w
       WHERE d.id = picked.id AND w.id = d.webhook_id
         AND (d.locked_until IS NULL OR d.locked_until < :now)
       RETURNING d.id, d.webhook_id AS "webhookId", d.body, d.attempts, w.url, w.secrets,
         w.install_id IS NOT NULL AS "forApp", w.format, d.last_status_code AS "lastStatusCode",
         d.last_error AS "lastError", (SELECT i.app_id FROM app_installs i WHERE i.id = w.install_id) AS "appId"`,
      { now, leaseUntil, owner, limit, perWebhook, scan: limit, skip: skipWebhookIds },
    );
    return rows;
  }

  /**
   * Records attempts, moves their deliveries on and clears the failing streak of endpoints that succeeded,
   * in one statement for a whole batch. Only deliveries still leased to `owner` change: if a lease ran out
   * and another instance took over, its record stands. The log keeps the last ATTEMPT_LOG_SIZE attempts.
   */
  async recordAttempts(owner: string, outcomes: AttemptOutcome[]): Promise<void> {
    if (outcomes.length === 0) return;
    // pg sends JS arrays as PostgreSQL arrays; knex's binding type does not know that.
    const column = <K extends keyof AttemptOutcome>(key: K) =>
      outcomes.map((outcome) => outcome[key]) as Knex.Value;
    await this.db.knex.raw(
      `WITH input AS (
         SELECT * FROM unnest(?::uuid[], ?::timestamptz[], ?::int[], ?::int[], ?::text[], ?::text[], ?::text[],
                              ?::timestamptz[])
           AS t(delivery_id, attempted_at, status_code, duration_ms, error, excerpt, status, next_attempt_at)
       ), moved AS (
         UPDATE webhook_deliveries d
         SET attempts = d.attempts + 1, status = input.status,
             next_attempt_at = coalesce(input.next_attempt_at, d.next_attempt_at),
             finished_at = CASE WHEN input.status = 'pending' THEN NULL ELSE input.attempted_at END,
             last_error = input.error, last_status_code = input.status_code,
             locked_by = NULL, locked_until = NULL,
             attempt_log = (CASE WHEN jsonb_array_length(d.attempt_log) >= ? THEN d.attempt_log - 0
                                 ELSE d.attempt_log END)
               || jsonb_build_array(jsonb_build_object('attemptedAt', input.attempted_at,
                    'statusCode', input.status_code, 'durationMs', input.duration_ms, 'error', input.error,
                    'responseExcerpt', input.excerpt))
         FROM input WHERE d.id = input.delivery_id AND d.locked_by = ?
         RETURNING d.webhook_id, d.status
       )
       -- A success ends an endpoint's failing streak.
       UPDATE webhooks w SET failing_since = NULL FROM moved
       WHERE w.id = moved.webhook_id AND moved.status = 'succeeded' AND w.failing_since IS NOT NULL`,
      [
        column('deliveryId'),
        column('attemptedAt'),
        column('statusCode'),
        column('durationMs'),
        column('error'),
        column('responseExcerpt'),
        column('status'),
        column('nextAttemptAt'),
        ATTEMPT_LOG_SIZE,
        owner,
      ],
    );
  }

  /** Hands leases back untouched (shutdown): the deliveries are due again at once, anywhere. */
  async releaseLeases(owner: string, deliveryIds: string[]): Promise<void> {
    if (deliveryIds.length === 0) return;
    await this.db.knex.raw(
      'UPDATE webhook_deliveries SET locked_by = NULL, locked_until = NULL WHERE id = ANY(?::uuid[]) AND locked_by = ?',
      [deliveryIds, owner],
    );
  }

  /** Newest event first, each with its attempts. */
  async listDeliveries(
    webhookId: string,
    limit: number,
    status: DeliveryStatus | undefined,
    beforeSeq?: string,
  ): Promise<DeliveryRow[]> {
    const query = this.db
      .conn('webhookDeliveries')
      .where({ webhookId })
      .orderBy('eventSeq', 'desc')
      .limit(limit);
    if (status) void query.where({ status });
    if (beforeSeq) void query.where('eventSeq', '<', beforeSeq);
    return await query.select<DeliveryRow[]>(
      'id',
      'webhookId',
      'eventSeq',
      'eventType',
      'status',
      'attempts',
      'nextAttemptAt',
      'lastError',
      'lastStatusCode',
      'attemptLog',
      'createdAt',
      'finishedAt',
    );
  }

  /** Queues finished deliveries again, keeping their message id; returns how many. */
  async requeue(webhookId: string, now: Date, filter: { deliveryId?: string; failedSince?: Date }) {
    const query = this.db
      .conn('webhookDeliveries')
      .where({ webhookId })
      .whereNot({ status: 'pending' })
      .update({ status: 'pending', nextAttemptAt: now, finishedAt: null, lockedBy: null, lockedUntil: null });
    if (filter.deliveryId) void query.where({ id: filter.deliveryId });
    if (filter.failedSince)
      void query.where({ status: 'failed' }).where('createdAt', '>=', filter.failedSince);
    return await query;
  }

  /** Deletes finished deliveries older than `before`; returns how many. */
  async pruneFinished(before: Date): Promise<number> {
    return await this.db
      .conn('webhookDeliveries')
      .whereNot({ status: 'pending' })
      .where('finishedAt', '<', before)
      .delete();
  }

  async findDelivery(webhookId: string, deliveryId: string): Promise<DeliveryRow | undefined> {
    return await this.db
      .conn('webhookDeliveries')
      .where({ webhookId, id: deliveryId })
      .first<DeliveryRow | undefined>();
  }
}
