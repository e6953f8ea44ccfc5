import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { inTimeline } from '../messages/messages.rows';
import type { BotProfile } from '../messages/messages.schemas';
import type { Attachment, Block } from '../slack/block-kit.schemas';
import type { ImportProgress, ImportStatus, SkippedItem } from './imports.schemas';

export interface ImportRow {
  id: string;
  workspaceId: string;
  createdBy: string;
  status: ImportStatus;
  archiveName: string;
  archiveBytes: string;
  progress: ImportProgress;
  skipped: SkippedItem[];
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Slack's export download token, while the import runs (never shown). */
  downloadToken: string | null;
}

const COLUMNS = [
  'id',
  'workspaceId',
  'createdBy',
  'status',
  'archiveName',
  'archiveBytes',
  'progress',
  'skipped',
  'error',
  'createdAt',
  'finishedAt',
  'downloadToken',
] as const;

/** Kinds of Slack ids mapped to local ids. */
export type ItemKind = 'user' | 'bot' | 'channel' | 'file';

export interface ImportItem {
  kind: ItemKind;
  slackId: string;
  localId: string;
  created: boolean;
}

export interface NewAccount {
  id: string;
  email: string;
  displayName: string;
  isBot: boolean;
  deactivated: boolean;
}

export interface NewConversation {
  id: string;
  name: string | null;
  kind: 'public' | 'private' | 'dm';
  topic: string;
  archived: boolean;
  dmKey: string | null;
  createdBy: string;
  createdAt: Date;
}

export interface ImportedMessage {
  id: string;
  channelId: string;
  userId: string;
  text: string;
  threadId: string | null;
  /** A reply Slack also showed in the channel (`thread_broadcast`). */
  alsoSentToChannel: boolean;
  /** Slack's ts in microseconds, kept as the message's own (the Web API names it by it). */
  ts: string;
  createdAt: string;
  editedAt: string | null;
  botProfile: BotProfile | null;
  /** Block Kit blocks and legacy attachments, already checked against our subset. */
  blocks: Block[] | null;
  attachments: Attachment[] | null;
}

export interface ImportedReaction {
  messageId: string;
  userId: string;
  emoji: string;
  createdAt: string;
}

/** A file shared in the export, downloaded and stored under `storageKey`, for the message that shared it. */
export interface ImportedFile {
  id: string;
  slackId: string;
  messageId: string;
  position: number;
  uploaderId: string;
  name: string;
  size: number;
  contentType: string;
  storageKey: string;
}

export interface ImportedMention {
  messageId: string;
  channelId: string;
  userId: string;
}

/** The columns roots and replies share, one array each, in the order the insert statements `unnest` them. */
function messageColumns(messages: ImportedMessage[]): unknown[][] {
  return [
    messages.map((m) => m.id),
    messages.map((m) => m.channelId),
    messages.map((m) => m.userId),
    messages.map((m) => m.text),
    messages.map((m) => m.ts),
    messages.map((m) => m.createdAt),
    messages.map((m) => m.editedAt),
    messages.map((m) => (m.botProfile === null ? null : JSON.stringify(m.botProfile))),
    messages.map((m) => (m.blocks === null ? null : JSON.stringify(m.blocks))),
    messages.map((m) => (m.attachments === null ? null : JSON.stringify(m.attachments))),
  ];
}

/** The imports table, and the bulk writes of imported accounts, conversations and messages. */
@Injectable()
export class ImportsRepository {
  constructor(private readonly db: Database) {}

  async create(row: Omit<ImportRow, 'skipped' | 'error' | 'finishedAt'>): Promise<ImportRow> {
    const [created] = await this.db
      .conn('imports')
      .insert({ ...row, progress: JSON.stringify(row.progress) })
      .returning<ImportRow[]>(COLUMNS);
    return created;
  }

  async find(workspaceId: string, importId: string): Promise<ImportRow | undefined> {
    return await this.db.conn('imports').where({ id: importId, workspaceId }).first<ImportRow>(COLUMNS);
  }

  async list(workspaceId: string, limit: number, beforeId?: string): Promise<ImportRow[]> {
    const query = this.db.conn('imports').where({ workspaceId }).orderBy('id', 'desc').limit(limit);
    if (beforeId) void query.where('id', '<', beforeId);
    return await query.select<ImportRow[]>(COLUMNS);
  }

  /**
   * Leases the oldest unfinished import nobody holds (a queued one, or one whose holder stopped or died), so
   * it is run by one instance at a time and resumed by another when that one is gone.
   */
  async claim(owner: string, now: Date, leaseUntil: Date): Promise<ImportRow | undefined> {
    const { rows } = await this.db.conn.raw<{ rows: { id: string }[] }>(
      `UPDATE imports SET status = 'running', lease_owner = ?, lease_expires_at = ?
       WHERE id = (
         SELECT id FROM imports
         WHERE status IN ('queued', 'running') AND (lease_expires_at IS NULL OR lease_expires_at < ?)
         ORDER BY created_at LIMIT 1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [owner, leaseUntil, now],
    );
    if (rows.length === 0) return undefined;
    return await this.db.conn('imports').where({ id: rows[0].id }).first<ImportRow>(COLUMNS);
  }

  /** Locks the import's row while `owner` holds its lease; false when it does not (undone, or taken over). */
  async lockLeased(importId: string, owner: string): Promise<boolean> {
    const row: unknown = await this.db
      .conn('imports')
      .where({ id: importId, leaseOwner: owner })
      .forUpdate()
      .first('id');
    return row !== undefined;
  }

  /** Locks the import's row (an undo waits for the batch being written, and the job then stops). */
  async lock(workspaceId: string, importId: string): Promise<ImportRow | undefined> {
    return await this.db
      .conn('imports')
      .where({ id: importId, workspaceId })
      .forUpdate()
      .first<ImportRow>(COLUMNS);
  }

  /** Saves where the job is and extends its lease; false when the lease was lost (the import was undone). */
  async checkpoint(
    importId: string,
    owner: string,
    progress: ImportProgress,
    skipped: SkippedItem[],
    leaseUntil: Date,
  ): Promise<ImportRow | undefined> {
    const [row] = await this.db
      .conn('imports')
      .where({ id: importId, leaseOwner: owner })
      .update({
        progress: JSON.stringify(progress),
        skipped: JSON.stringify(skipped),
        leaseExpiresAt: leaseUntil,
      })
      .returning<ImportRow[]>(COLUMNS);
    return row;
  }

  async finish(
    importId: string,
    owner: string,
    outcome: { status: 'done' | 'failed'; error: string | null; finishedAt: Date },
  ): Promise<ImportRow | undefined> {
    const [row] = await this.db
      .conn('imports')
      .where({ id: importId, leaseOwner: owner })
      .update({ ...outcome, leaseOwner: null, leaseExpiresAt: null, downloadToken: null })
      .returning<ImportRow[]>(COLUMNS);
    return row;
  }

  /** Hands this instance's running import back at shutdown, so a restarted server resumes it at once. */
  async releaseLeases(owner: string): Promise<void> {
    await this.db
      .conn('imports')
      .where({ leaseOwner: owner })
      .update({ leaseOwner: null, leaseExpiresAt: null });
  }

  async items(workspaceId: string): Promise<ImportItem[]> {
    return await this.db
      .conn('importItems')
      .where({ workspaceId })
      .select<ImportItem[]>('kind', 'slackId', 'localId', 'created');
  }

  async saveItems(workspaceId: string, importId: string, items: ImportItem[]): Promise<void> {
    if (items.length === 0) return;
    await this.db.conn.raw(
      `INSERT INTO import_items (workspace_id, kind, slack_id, local_id, import_id, created)
       SELECT ?, t.kind, t.slack_id, t.local_id, ?, t.created
       FROM json_to_recordset(?::json) AS t(kind text, slack_id text, local_id uuid, created boolean)
       ON CONFLICT DO NOTHING`,
      [
        workspaceId,
        importId,
        JSON.stringify(
          items.map((item) => ({
            kind: item.kind,
            slack_id: item.slackId,
            local_id: item.localId,
            created: item.created,
          })),
        ),
      ],
    );
  }

  /** Of these Slack file ids, those a former import (or this one) already stored in the workspace. */
  async storedFiles(workspaceId: string, slackIds: string[]): Promise<Set<string>> {
    if (slackIds.length === 0) return new Set();
    const rows = await this.db
      .conn('importItems')
      .where({ workspaceId, kind: 'file' })
      .whereIn('slackId', slackIds)
      .select<{ slackId: string }[]>('slackId');
    return new Set(rows.map((row) => row.slackId));
  }

  /**
   * Records downloaded files, attached to their messages (which must exist), keyed on their Slack ids; those
   * stored meanwhile are left as they are. Returns the ids of the files recorded now.
   */
  async insertFiles(workspaceId: string, importId: string, files: ImportedFile[]): Promise<Set<string>> {
    if (files.length === 0) return new Set();
    const { rows } = await this.db.conn.raw<{ rows: { local_id: string }[] }>(
      `INSERT INTO import_items (workspace_id, kind, slack_id, local_id, import_id, created)
       SELECT ?, 'file', t.slack_id, t.id, ?, true FROM json_to_recordset(?::json) AS t(slack_id text, id uuid)
       ON CONFLICT DO NOTHING
       RETURNING local_id`,
      [workspaceId, importId, JSON.stringify(files.map((f) => ({ slack_id: f.slackId, id: f.id })))],
    );
    const recorded = new Set(rows.map((row) => row.local_id));
    const fresh = files.filter((f) => recorded.has(f.id));
    if (fresh.length === 0) return recorded;
    await this.db.conn.raw(
      `WITH stored AS (
         INSERT INTO files (id, workspace_id, uploader_id, name, size, content_type, storage_key)
         SELECT t.id, ?, t.uploader_id, t.name, t.size, t.content_type, t.storage_key
         FROM json_to_recordset(?::json)
           AS t(id uuid, uploader_id uuid, name text, size bigint, content_type text, storage_key text)
         RETURNING id)
       INSERT INTO message_files (message_id, file_id, position)
       SELECT t.message_id, t.id, t.position FROM json_to_recordset(?::json) AS t(message_id uuid, id uuid, position int)
       JOIN stored ON stored.id = t.id`,
      [
        workspaceId,
        JSON.stringify(
          fresh.map((f) => ({
            id: f.id,
            uploader_id: f.uploaderId,
            name: f.name,
            size: f.size,
            content_type: f.contentType,
            storage_key: f.storageKey,
          })),
        ),
        JSON.stringify(fresh.map((f) => ({ message_id: f.messageId, id: f.id, position: f.position }))),
      ],
    );
    return recorded;
  }

  /** Existing accounts by lower-cased email. */
  async usersByEmail(emails: string[]): Promise<Map<string, string>> {
    if (emails.length === 0) return new Map();
    const { rows } = await this.db.conn.raw<{ rows: { id: string; email: string }[] }>(
      `SELECT id, lower(email) AS email FROM users WHERE lower(email) = ANY (SELECT json_array_elements_text(?::json))`,
      [JSON.stringify(emails)],
    );
    return new Map(rows.map((row) => [row.email, row.id]));
  }

  /** Placeholder accounts (no password) for people and bots the workspace does not know yet. */
  async insertAccounts(accounts: NewAccount[], now: Date): Promise<void> {
    if (accounts.length === 0) return;
    await this.db.conn.raw(
      `INSERT INTO users (id, email, password_hash, display_name, is_bot, placeholder, deactivated_at)
       SELECT t.id, t.email, NULL, t.display_name, t.is_bot, NOT t.is_bot, CASE WHEN t.deactivated THEN ?::timestamptz END
       FROM json_to_recordset(?::json) AS t(id uuid, email text, display_name text, is_bot boolean, deactivated boolean)`,
      [
        now,
        JSON.stringify(
          accounts.map((a) => ({
            id: a.id,
            email: a.email,
            display_name: a.displayName,
            is_bot: a.isBot,
            deactivated: a.deactivated,
          })),
        ),
      ],
    );
  }

  async insertConversations(workspaceId: string, conversations: NewConversation[]): Promise<void> {
    if (conversations.length === 0) return;
    await this.db.conn.raw(
      `INSERT INTO channels (id, workspace_id, name, kind, topic, archived, dm_key, created_by, created_at)
       SELECT t.id, ?, t.name, t.kind, t.topic, t.archived, t.dm_key, t.created_by, t.created_at
       FROM json_to_recordset(?::json)
         AS t(id uuid, name text, kind text, topic text, archived boolean, dm_key text, created_by uuid, created_at timestamptz)`,
      [
        workspaceId,
        JSON.stringify(
          conversations.map((c) => ({
            id: c.id,
            name: c.name,
            kind: c.kind,
            topic: c.topic,
            archived: c.archived,
            dm_key: c.dmKey,
            created_by: c.createdBy,
            created_at: c.createdAt,
          })),
        ),
      ],
    );
  }

  /** Channels of the workspace by name, and DMs by their member key, to import into rather than beside. */
  async existingConversations(
    workspaceId: string,
  ): Promise<{ id: string; name: string | null; dmKey: string | null }[]> {
    return await this.db.conn('channels').where({ workspaceId }).select('id', 'name', 'dmKey');
  }

  async addChannelMembers(
    workspaceId: string,
    members: { channelId: string; userId: string }[],
  ): Promise<void> {
    if (members.length === 0) return;
    await this.db.conn.raw(
      `INSERT INTO channel_members (channel_id, user_id, workspace_id)
       SELECT t.channel_id, t.user_id, ? FROM json_to_recordset(?::json) AS t(channel_id uuid, user_id uuid)
       ON CONFLICT DO NOTHING`,
      [workspaceId, JSON.stringify(members.map((m) => ({ channel_id: m.channelId, user_id: m.userId })))],
    );
  }

  /**
   * Inserts a batch of messages (those already there are left as they are) with their reactions and mentions,
   * and recounts the replies of the threads they join. Thread roots first, then replies, so a reply finds a
   * root of the same batch; a reply whose root is not in the workspace becomes a message of its own. Returns
   * the ids inserted now. Each statement takes its rows as one typed array per column (`unnest`), prepared
   * once per connection: no JSON document to build here and to parse into records there.
   */
  async insertMessages(
    workspaceId: string,
    importId: string,
    messages: ImportedMessage[],
    reactions: ImportedReaction[],
    mentions: ImportedMention[],
  ): Promise<Set<string>> {
    const inserted = new Set<string>();
    const roots = messages.filter((m) => m.threadId === null);
    const replies = messages.filter((m) => m.threadId !== null);
    // A root comes with the count of its replies in the batch: counting them afterwards would write it twice.
    const repliesInBatch = new Map<string, number>();
    for (const reply of replies) {
      repliesInBatch.set(reply.threadId!, (repliesInBatch.get(reply.threadId!) ?? 0) + 1);
    }
    const newRoots = new Set<string>();
    if (roots.length > 0) {
      const rows = await this.db.query<{ id: string }>(
        'import-roots',
        `INSERT INTO messages (id, workspace_id, channel_id, user_id, text, ts, created_at, edited_at, bot_profile,
           blocks, attachments, import_id, reply_count)
         SELECT t.id, ?, t.channel_id, t.user_id, t.text, t.ts, t.created_at, t.edited_at, t.bot_profile,
           t.blocks, t.attachments, ?, t.reply_count
         FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::bigint[], ?::timestamptz[], ?::timestamptz[],
           ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::int[])
           AS t(id, channel_id, user_id, text, ts, created_at, edited_at, bot_profile, blocks, attachments, reply_count)
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [workspaceId, importId, ...messageColumns(roots), roots.map((m) => repliesInBatch.get(m.id) ?? 0)],
      );
      for (const row of rows) {
        inserted.add(row.id);
        newRoots.add(row.id);
      }
    }
    if (replies.length > 0) {
      const rows = await this.db.query<{ id: string }>(
        'import-replies',
        `INSERT INTO messages (id, workspace_id, channel_id, user_id, text, ts, created_at, edited_at, bot_profile,
           blocks, attachments, import_id, thread_id, also_sent_to_channel)
         SELECT t.id, ?, t.channel_id, t.user_id, t.text, t.ts, t.created_at, t.edited_at, t.bot_profile,
           t.blocks, t.attachments, ?, root.id, root.id IS NOT NULL AND t.also_sent_to_channel
         FROM unnest(?::uuid[], ?::uuid[], ?::uuid[], ?::text[], ?::bigint[], ?::timestamptz[], ?::timestamptz[],
           ?::jsonb[], ?::jsonb[], ?::jsonb[], ?::uuid[], ?::boolean[])
           AS t(id, channel_id, user_id, text, ts, created_at, edited_at, bot_profile, blocks, attachments, thread_id,
             also_sent_to_channel)
         LEFT JOIN messages AS root ON root.id = t.thread_id
         ON CONFLICT DO NOTHING
         RETURNING id`,
        [
          workspaceId,
          importId,
          ...messageColumns(replies),
          replies.map((m) => m.threadId),
          replies.map((m) => m.alsoSentToChannel),
        ],
      );
      for (const row of rows) inserted.add(row.id);
    }
    const newReactions = reactions.filter((r) => inserted.has(r.messageId));
    if (newReactions.length > 0) {
      await this.db.query(
        'import-reactions',
        `INSERT INTO reactions (message_id, user_id, emoji, created_at)
         SELECT * FROM unnest(?::uuid[], ?::uuid[], ?::text[], ?::timestamptz[])
         ON CONFLICT DO NOTHING`,
        [
          newReactions.map((r) => r.messageId),
          newReactions.map((r) => r.userId),
          newReactions.map((r) => r.emoji),
          newReactions.map((r) => r.createdAt),
        ],
      );
    }
    const newMentions = mentions.filter((m) => inserted.has(m.messageId));
    if (newMentions.length > 0) {
      await this.db.query(
        'import-mentions',
        `INSERT INTO message_mentions (message_id, channel_id, user_id)
         SELECT t.message_id, t.channel_id, t.user_id
         FROM unnest(?::uuid[], ?::uuid[], ?::uuid[]) AS t(message_id, channel_id, user_id)
         JOIN workspace_members AS wm ON wm.workspace_id = ? AND wm.user_id = t.user_id
         ON CONFLICT DO NOTHING`,
        [
          newMentions.map((m) => m.messageId),
          newMentions.map((m) => m.channelId),
          newMentions.map((m) => m.userId),
          workspaceId,
        ],
      );
    }
    // Recounted: threads of roots there before that got replies now, and new roots some of whose replies in
    // the batch were there already (so not replies to them: a reply whose root was missing is a message alone).
    const threads = [
      ...new Set(
        replies
          .filter((m) => (newRoots.has(m.threadId!) ? !inserted.has(m.id) : inserted.has(m.id)))
          .map((m) => m.threadId!),
      ),
    ];
    if (threads.length > 0) await this.recountReplies(threads);
    return inserted;
  }

  private async recountReplies(threadIds: string[]): Promise<void> {
    await this.db.query(
      'import-recount-replies',
      `UPDATE messages AS root SET reply_count = (
         SELECT count(*) FROM messages AS r WHERE r.thread_id = root.id AND r.deleted_at IS NULL)
       WHERE root.id = ANY (?::uuid[])`,
      [threadIds],
    );
  }

  /** Imported history is not news: members of the conversations start with it read. */
  async markImportedRead(channelIds: string[]): Promise<void> {
    if (channelIds.length === 0) return;
    await this.db.conn.raw(
      // Each channel's latest message from the timeline index (one row each, however long the history).
      `UPDATE channel_members AS cm SET last_read_id = latest.id
       FROM (SELECT c.id AS channel_id,
               (SELECT m.id FROM messages AS m
                WHERE m.channel_id = c.id AND ${inTimeline('m')} AND m.deleted_at IS NULL
                ORDER BY m.id DESC LIMIT 1) AS id
             FROM (SELECT value::uuid AS id FROM json_array_elements_text(?::json)) AS c) AS latest
       WHERE cm.channel_id = latest.channel_id AND latest.id IS NOT NULL
         AND (cm.last_read_id IS NULL OR cm.last_read_id < latest.id)`,
      [JSON.stringify(channelIds)],
    );
  }

  /**
   * Removes what the import created: its messages (and replies to them), the conversations and the accounts
   * it made (accounts only while unclaimed and without other traces), then the import itself. Returns the
   * storage keys of the files it stored, whose bytes the caller removes once this commits.
   */
  async undo(workspaceId: string, importId: string): Promise<string[]> {
    const { rows: files } = await this.db.conn.raw<{ rows: { storage_key: string }[] }>(
      `DELETE FROM files WHERE workspace_id = ? AND id IN (
         SELECT local_id FROM import_items WHERE import_id = ? AND kind = 'file' AND created)
       RETURNING storage_key`,
      [workspaceId, importId],
    );
    await this.db.conn.raw(
      `WITH doomed AS (SELECT id FROM messages WHERE import_id = ?)
       DELETE FROM messages WHERE thread_id IN (SELECT id FROM doomed)`,
      [importId],
    );
    const { rows: threads } = await this.db.conn.raw<{ rows: { thread_id: string }[] }>(
      `DELETE FROM messages WHERE import_id = ? RETURNING thread_id`,
      [importId],
    );
    const touched = [...new Set(threads.map((row) => row.thread_id).filter(Boolean))];
    if (touched.length > 0) await this.recountReplies(touched);
    await this.db.conn.raw(
      `DELETE FROM channels WHERE workspace_id = ? AND id IN (
         SELECT local_id FROM import_items WHERE import_id = ? AND kind = 'channel' AND created)`,
      [workspaceId, importId],
    );
    const { rows: accounts } = await this.db.conn.raw<{ rows: { local_id: string }[] }>(
      `SELECT local_id FROM import_items WHERE import_id = ? AND kind IN ('user', 'bot') AND created`,
      [importId],
    );
    const ids = JSON.stringify(accounts.map((row) => row.local_id));
    await this.db.conn.raw(
      `DELETE FROM workspace_members WHERE workspace_id = ?
         AND user_id = ANY (SELECT json_array_elements_text(?::json)::uuid)`,
      [workspaceId, ids],
    );
    // Claimed accounts (a password or an SSO link now) and those with history elsewhere stay.
    await this.db.conn.raw(
      `DELETE FROM users AS u WHERE u.id = ANY (SELECT json_array_elements_text(?::json)::uuid)
         AND u.password_hash IS NULL AND (u.placeholder OR u.is_bot)
         AND NOT EXISTS (SELECT FROM workspace_members wm WHERE wm.user_id = u.id)
         AND NOT EXISTS (SELECT FROM messages m WHERE m.user_id = u.id)
         AND NOT EXISTS (SELECT FROM channels c WHERE c.created_by = u.id)
         AND NOT EXISTS (SELECT FROM files f WHERE f.uploader_id = u.id)
         AND NOT EXISTS (SELECT FROM sso_identities s WHERE s.user_id = u.id)`,
      [ids],
    );
    await this.db.conn('imports').where({ id: importId, workspaceId }).delete();
    return files.map((row) => row.storage_key);
  }
}
