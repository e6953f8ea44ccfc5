import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { BotProfile } from '../messages/messages.schemas';
import type { Attachment, Block } from '../slack/block-kit.schemas';
import type { ExportProgress, ExportStatus } from './exports.schemas';

export interface ExportRow {
  id: string;
  workspaceId: string;
  createdBy: string;
  status: ExportStatus;
  includePrivate: boolean;
  progress: ExportProgress;
  archiveBytes: string | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

const COLUMNS = [
  'id',
  'workspaceId',
  'createdBy',
  'status',
  'includePrivate',
  'progress',
  'archiveBytes',
  'error',
  'createdAt',
  'finishedAt',
  'expiresAt',
] as const;

/** A person of the export: the workspace's members, and the authors of its history who are no longer. */
export interface ExportedPerson {
  id: string;
  email: string;
  displayName: string;
  isBot: boolean;
  /** Deactivated, or not a member any more. */
  gone: boolean;
  role: string | null;
}

export interface ExportedConversation {
  id: string;
  name: string | null;
  kind: 'public' | 'private' | 'dm';
  topic: string;
  archived: boolean;
  createdBy: string;
  createdAt: Date;
  members: string[];
}

export interface ExportedMessage {
  id: string;
  userId: string;
  text: string;
  /** Slack ts in microseconds (a string: bigint). */
  ts: string;
  threadTs: string | null;
  alsoSentToChannel: boolean;
  replyCount: number;
  editedAt: Date | null;
  botProfile: BotProfile | null;
  blocks: Block[] | null;
  attachments: Attachment[] | null;
}

export interface ExportedReaction {
  messageId: string;
  emoji: string;
  userId: string;
}

export interface ExportedFile {
  messageId: string;
  id: string;
  name: string;
  size: string;
  contentType: string;
  storageKey: string;
}

/** The exports table, and the reads of a workspace's people, conversations and history an export writes out. */
@Injectable()
export class ExportsRepository {
  constructor(private readonly db: Database) {}

  async create(
    row: Omit<ExportRow, 'archiveBytes' | 'error' | 'finishedAt' | 'expiresAt'>,
  ): Promise<ExportRow> {
    const [created] = await this.db
      .conn('exports')
      .insert({ ...row, progress: JSON.stringify(row.progress) })
      .returning<ExportRow[]>(COLUMNS);
    return created;
  }

  async find(workspaceId: string, exportId: string): Promise<ExportRow | undefined> {
    return await this.db.conn('exports').where({ id: exportId, workspaceId }).first<ExportRow>(COLUMNS);
  }

  async list(workspaceId: string, limit: number, beforeId?: string): Promise<ExportRow[]> {
    const query = this.db.conn('exports').where({ workspaceId }).orderBy('id', 'desc').limit(limit);
    if (beforeId) void query.where('id', '<', beforeId);
    return await query.select<ExportRow[]>(COLUMNS);
  }

  /** Leases the oldest unfinished export nobody holds (queued, or whose holder stopped or died). */
  async claim(owner: string, now: Date, leaseUntil: Date): Promise<ExportRow | undefined> {
    const { rows } = await this.db.conn.raw<{ rows: { id: string }[] }>(
      `UPDATE exports SET status = 'running', lease_owner = ?, lease_expires_at = ?
       WHERE id = (
         SELECT id FROM exports
         WHERE status IN ('queued', 'running') AND (lease_expires_at IS NULL OR lease_expires_at < ?)
         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [owner, leaseUntil, now],
    );
    if (rows.length === 0) return undefined;
    return await this.db.conn('exports').where({ id: rows[0].id }).first<ExportRow>(COLUMNS);
  }

  /** Saves how far the job is and extends its lease; undefined when the lease was lost (the export deleted). */
  async checkpoint(
    exportId: string,
    owner: string,
    progress: ExportProgress,
    leaseUntil: Date,
  ): Promise<ExportRow | undefined> {
    const [row] = await this.db
      .conn('exports')
      .where({ id: exportId, leaseOwner: owner })
      .update({ progress: JSON.stringify(progress), leaseExpiresAt: leaseUntil })
      .returning<ExportRow[]>(COLUMNS);
    return row;
  }

  async finish(
    exportId: string,
    owner: string,
    outcome: {
      status: 'done' | 'failed';
      error: string | null;
      archiveBytes: number | null;
      finishedAt: Date;
      expiresAt: Date;
    },
  ): Promise<ExportRow | undefined> {
    const [row] = await this.db
      .conn('exports')
      .where({ id: exportId, leaseOwner: owner })
      .update({ ...outcome, leaseOwner: null, leaseExpiresAt: null })
      .returning<ExportRow[]>(COLUMNS);
    return row;
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.db
      .conn('exports')
      .where({ leaseOwner: owner })
      .update({ leaseOwner: null, leaseExpiresAt: null });
  }

  async delete(workspaceId: string, exportId: string): Promise<boolean> {
    return (await this.db.conn('exports').where({ id: exportId, workspaceId }).delete()) > 0;
  }

  /** Removes the exports whose time ran out; returns their ids (whose zips go too). */
  async deleteExpired(now: Date): Promise<string[]> {
    const rows = await this.db
      .conn('exports')
      .where('expiresAt', '<', now)
      .delete()
      .returning<{ id: string }[]>('id');
    return rows.map((row) => row.id);
  }

  async people(workspaceId: string): Promise<ExportedPerson[]> {
    const { rows } = await this.db.conn.raw<{ rows: ExportedPerson[] }>(
      `SELECT u.id, u.email, u.display_name AS "displayName", u.is_bot AS "isBot",
              (wm.user_id IS NULL OR u.deactivated_at IS NOT NULL) AS gone, wm.role
       FROM users AS u
       LEFT JOIN workspace_members AS wm ON wm.workspace_id = ? AND wm.user_id = u.id
       WHERE wm.user_id IS NOT NULL
          OR u.id IN (SELECT DISTINCT user_id FROM messages WHERE workspace_id = ?)
       ORDER BY u.id`,
      [workspaceId, workspaceId],
    );
    return rows;
  }

  async conversations(workspaceId: string, includePrivate: boolean): Promise<ExportedConversation[]> {
    const { rows } = await this.db.conn.raw<{ rows: ExportedConversation[] }>(
      `SELECT c.id, c.name, c.kind, c.topic, c.archived, c.created_by AS "createdBy", c.created_at AS "createdAt",
              coalesce(array_agg(cm.user_id ORDER BY cm.joined_at) FILTER (WHERE cm.user_id IS NOT NULL), '{}') AS members
       FROM channels AS c LEFT JOIN channel_members AS cm ON cm.channel_id = c.id
       WHERE c.workspace_id = ? AND (c.kind = 'public' OR ?)
       GROUP BY c.id ORDER BY c.created_at, c.id`,
      [workspaceId, includePrivate],
    );
    return rows;
  }

  /** A conversation's messages after `afterTs`, in ts order (deleted ones are not history any more). */
  async messages(channelId: string, afterTs: string, limit: number): Promise<ExportedMessage[]> {
    const { rows } = await this.db.conn.raw<{ rows: ExportedMessage[] }>(
      `SELECT m.id, m.user_id AS "userId", m.text, m.ts::text AS ts, root.ts::text AS "threadTs",
              m.also_sent_to_channel AS "alsoSentToChannel",
              m.reply_count AS "replyCount", m.edited_at AS "editedAt", m.bot_profile AS "botProfile",
              m.blocks, m.attachments
       FROM messages AS m LEFT JOIN messages AS root ON root.id = m.thread_id
       WHERE m.channel_id = ? AND m.ts > ? AND m.deleted_at IS NULL
       ORDER BY m.ts LIMIT ?`,
      [channelId, afterTs, limit],
    );
    return rows;
  }

  /** The reactions of these messages, each emoji's people in the order they reacted. */
  async reactions(messageIds: string[]): Promise<ExportedReaction[]> {
    if (messageIds.length === 0) return [];
    return await this.db
      .conn('reactions')
      .whereIn('messageId', messageIds)
      .orderBy(['createdAt', 'userId'])
      .select<ExportedReaction[]>('messageId', 'emoji', 'userId');
  }

  async files(messageIds: string[]): Promise<ExportedFile[]> {
    if (messageIds.length === 0) return [];
    return await this.db
      .conn('messageFiles as mf')
      .join('files as f', 'f.id', 'mf.fileId')
      .whereIn('mf.messageId', messageIds)
      .orderBy(['f.createdAt', 'f.id'])
      .select<ExportedFile[]>('mf.messageId', 'f.id', 'f.name', 'f.size', 'f.contentType', 'f.storageKey');
  }
}
