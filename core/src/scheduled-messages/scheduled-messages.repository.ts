import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { ScheduledMessageView, ScheduledStatus } from './scheduled-messages.schemas';

/** A stored scheduled message: its view, with times as dates. */
export interface ScheduledMessageRow extends Omit<ScheduledMessageView, 'postAt' | 'createdAt'> {
  postAt: Date;
  createdAt: Date;
  updatedAt: Date;
}

/** A due message as the scheduler posts it, with whether its author is a bot (bots' posts are rate limited). */
export interface DueMessage extends ScheduledMessageRow {
  authorIsBot: boolean;
}

export interface ScheduledListFilter {
  workspaceId: string;
  userId: string;
  channelId?: string;
  status?: ScheduledStatus;
  /** Strictly after this (postAt, id) position. */
  after?: { postAt: Date; id: string };
  limit: number;
}

/** What a pending message's author may change. */
export type ScheduledChange = Partial<Pick<ScheduledMessageRow, 'text' | 'postAt'>>;

export const toScheduledView = (row: ScheduledMessageRow): ScheduledMessageView => ({
  id: row.id,
  workspaceId: row.workspaceId,
  channelId: row.channelId,
  userId: row.userId,
  text: row.text,
  blocks: row.blocks,
  attachments: row.attachments,
  threadId: row.threadId,
  postAt: row.postAt.toISOString(),
  status: row.status,
  messageId: row.messageId,
  failure: row.failure,
  createdAt: row.createdAt.toISOString(),
});

const json = (value: unknown) => (value === null ? null : JSON.stringify(value));

@Injectable()
export class ScheduledMessagesRepository {
  constructor(private readonly db: Database) {}

  async insert(
    row: Omit<ScheduledMessageRow, 'status' | 'messageId' | 'failure'>,
  ): Promise<ScheduledMessageRow> {
    const [inserted] = await this.db
      .conn('scheduledMessages')
      .insert({ ...row, blocks: json(row.blocks), attachments: json(row.attachments) })
      .returning<ScheduledMessageRow[]>('*');
    return inserted;
  }

  /** The author's own message by id; undefined for anyone else's (which they may not know exists). */
  async findOwn(id: string, userId: string): Promise<ScheduledMessageRow | undefined> {
    return this.db.conn('scheduledMessages').where({ id, userId }).first<ScheduledMessageRow | undefined>();
  }

  async list(filter: ScheduledListFilter): Promise<ScheduledMessageRow[]> {
    const query = this.db
      .conn('scheduledMessages')
      .where({ workspaceId: filter.workspaceId, userId: filter.userId })
      .orderBy([
        { column: 'postAt', order: 'asc' },
        { column: 'id', order: 'asc' },
      ])
      .limit(filter.limit);
    if (filter.channelId) void query.where({ channelId: filter.channelId });
    if (filter.status) void query.where({ status: filter.status });
    if (filter.after) {
      void query.whereRaw('(post_at, id) > (?, ?)', [filter.after.postAt, filter.after.id]);
    }
    return query.select<ScheduledMessageRow[]>('*');
  }

  /**
   * Changes a message still pending. A message being posted right now is locked by its poster: this waits for
   * it, then finds it sent and changes nothing (undefined).
   */
  async updatePending(
    id: string,
    userId: string,
    change: ScheduledChange,
    now: Date,
  ): Promise<ScheduledMessageRow | undefined> {
    const [row] = await this.db
      .conn('scheduledMessages')
      .where({ id, userId, status: 'pending' })
      .update({ ...change, updatedAt: now })
      .returning<ScheduledMessageRow[]>('*');
    return row;
  }

  /** Deletes the author's message unless it was posted (a failed one is deleted too: it is only a record). */
  async deleteUnsent(id: string, userId: string): Promise<boolean> {
    const deleted = await this.db
      .conn('scheduledMessages')
      .where({ id, userId })
      .whereIn('status', ['pending', 'failed'])
      .delete();
    return deleted > 0;
  }

  /**
   * Inside the posting transaction: the earliest due pending message no other instance holds, locked until the
   * transaction ends, so exactly one poster gets it.
   */
  async claimDue(now: Date): Promise<DueMessage | undefined> {
    const due = this.db
      .conn('scheduledMessages')
      .select('id')
      .where({ status: 'pending' })
      .andWhere('postAt', '<=', now)
      .orderBy(['postAt', 'id'])
      .limit(1)
      .forUpdate()
      .skipLocked();
    return this.db
      .conn('scheduledMessages as s')
      .join('users as u', 'u.id', 's.userId')
      .where('s.id', due)
      .first<DueMessage | undefined>('s.*', 'u.isBot as authorIsBot');
  }

  async markSent(id: string, messageId: string, now: Date): Promise<void> {
    await this.db
      .conn('scheduledMessages')
      .where({ id })
      .update({ status: 'sent', messageId, updatedAt: now });
  }

  async markFailed(id: string, failure: string, now: Date): Promise<void> {
    await this.db
      .conn('scheduledMessages')
      .where({ id })
      .update({ status: 'failed', failure, updatedAt: now });
  }
}
