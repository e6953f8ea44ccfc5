import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { SqlChange } from '../events/events.repository';
import type { FileView } from '../files/files.schemas';
import { inTimeline, MESSAGE_COLUMNS } from './messages.rows';
import type { MessageColumns, MessageRow } from './messages.rows';
import type { MessageView, RichContent } from './messages.schemas';

/** A timestamp as Date.toISOString() writes it (UTC, milliseconds truncated, as pg's Date parsing does). */
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const VIEW_FIELDS = `'id', m.id, 'workspaceId', m.workspace_id, 'channelId', m.channel_id, 'userId', m.user_id,
  'text', m.text, 'threadId', m.thread_id, 'replyCount', m.reply_count, 'reactions', related.reactions,
  'files', related.files, 'mentions', related.mentions, 'clientMsgId', m.client_msg_id,
  'createdAt', ${iso('m.created_at')}, 'editedAt', ${iso('m.edited_at')},
  'ts', (m.ts / 1000000)::text || '.' || lpad((m.ts % 1000000)::text, 6, '0'),
  'blocks', m.blocks, 'attachments', m.attachments`;

/** Fields a view carries only when set, as in the API: each with the condition for it. */
const BOT_PROFILE = { when: 'm.bot_profile IS NOT NULL', fields: `'botProfile', m.bot_profile` };
const ALSO_SENT = { when: 'm.also_sent_to_channel', fields: `'alsoSentToChannel', true` };

/** The columns of a message that its view reads. */
const VIEW_COLUMNS = `id, workspace_id, channel_id, user_id, text, thread_id, also_sent_to_channel, reply_count,
  client_msg_id, created_at, edited_at, bot_profile, ts, blocks, attachments`;

/**
 * The MessageView of the message row `m` (VIEW_COLUMNS at least) as json (key order kept), built by PostgreSQL
 * so that a page of messages with their reactions, files and mentions is one query. `related` is a FROM item of
 * one row with those three as json (see STORED_RELATED and pageSql); `botProfile` and `alsoSentToChannel` are
 * there only when set.
 */
const MESSAGE_VIEW = `CASE
  WHEN ${BOT_PROFILE.when} AND ${ALSO_SENT.when}
    THEN json_build_object(${VIEW_FIELDS}, ${BOT_PROFILE.fields}, ${ALSO_SENT.fields})
  WHEN ${BOT_PROFILE.when} THEN json_build_object(${VIEW_FIELDS}, ${BOT_PROFILE.fields})
  WHEN ${ALSO_SENT.when} THEN json_build_object(${VIEW_FIELDS}, ${ALSO_SENT.fields})
  ELSE json_build_object(${VIEW_FIELDS}) END`;

/**
 * The three kinds of rows related to a message, each as the json of one message's list: reactions by emoji
 * (first reacted first, people in the order they reacted), files in attachment order, mentions in the order they
 * were stored (that of the text). `where` picks the rows of the messages wanted.
 */
const reactionGroups = (where: string) =>
  `SELECT message_id, emoji, count(*) AS count, json_agg(user_id ORDER BY created_at) AS user_ids,
          min(created_at) AS first_at
   FROM reactions WHERE ${where} GROUP BY message_id, emoji`;
const REACTIONS_JSON = `json_agg(json_build_object('emoji', r.emoji, 'count', r.count, 'userIds', r.user_ids)
                         ORDER BY r.first_at, r.emoji)`;
const FILES_JSON = `json_agg(json_build_object('id', f.id, 'workspaceId', f.workspace_id, 'uploaderId', f.uploader_id,
                      'name', f.name, 'size', f.size, 'contentType', f.content_type,
                      'createdAt', ${iso('f.created_at')}) ORDER BY mf.position)`;
const ATTACHED_FILES = 'message_files AS mf JOIN files AS f ON f.id = mf.file_id';
const MENTIONS_JSON = 'json_agg(mm.user_id ORDER BY mm.ctid)';

/**
 * The related rows of the one message `m`, a LATERAL FROM item. OFFSET 0 keeps it a subquery: pulled up, its
 * three subqueries were copied into each branch of MESSAGE_VIEW's CASE, and PostgreSQL set up all twelve on
 * every execution.
 */
const STORED_RELATED = `LATERAL (SELECT
  coalesce((SELECT ${REACTIONS_JSON} FROM (${reactionGroups('message_id = m.id')}) AS r), '[]') AS reactions,
  coalesce((SELECT ${FILES_JSON} FROM ${ATTACHED_FILES} WHERE mf.message_id = m.id), '[]') AS files,
  coalesce((SELECT ${MENTIONS_JSON} FROM message_mentions AS mm WHERE mm.message_id = m.id), '[]') AS mentions
  OFFSET 0
) AS related`;

/** What a message insertion answers besides its event: whether the thread it replies to was found. */
export interface InsertionAnswer {
  threadFound: boolean;
}

/**
 * The live messages of a page as views; `where` and `order` pick and sort them (`m` is the message row). The
 * related rows of the whole page are read at once, each table with one index scan over the page's ids: read
 * message by message (three subqueries a row), they took PostgreSQL twice the CPU of the rest of the page.
 */
const pageSql = (where: string, order: 'ASC' | 'DESC') =>
  `WITH page AS MATERIALIZED (
     SELECT ${VIEW_COLUMNS} FROM messages AS m WHERE ${where} AND m.deleted_at IS NULL ORDER BY m.id ${order} LIMIT ?
   ),
   reacted AS (
     SELECT r.message_id, ${REACTIONS_JSON} AS reactions
     FROM (${reactionGroups('message_id = ANY (ARRAY(SELECT id FROM page))')}) AS r GROUP BY r.message_id
   ),
   attached AS (
     SELECT mf.message_id, ${FILES_JSON} AS files
     FROM ${ATTACHED_FILES} WHERE mf.message_id = ANY (ARRAY(SELECT id FROM page)) GROUP BY mf.message_id
   ),
   mentioned AS (
     SELECT mm.message_id, ${MENTIONS_JSON} AS mentions
     FROM message_mentions AS mm WHERE mm.message_id = ANY (ARRAY(SELECT id FROM page)) GROUP BY mm.message_id
   )
   SELECT ${MESSAGE_VIEW} AS view
   FROM page AS m
     LEFT JOIN reacted ON reacted.message_id = m.id
     LEFT JOIN attached ON attached.message_id = m.id
     LEFT JOIN mentioned ON mentioned.message_id = m.id
     CROSS JOIN LATERAL (SELECT coalesce(reacted.reactions, '[]') AS reactions,
       coalesce(attached.files, '[]') AS files, coalesce(mentioned.mentions, '[]') AS mentions) AS related
   ORDER BY m.id ${order}`;

const PAGES = {
  channel: pageSql(`m.channel_id = ? AND ${inTimeline('m')}`, 'DESC'),
  channelBefore: pageSql(`m.channel_id = ? AND ${inTimeline('m')} AND m.id < ?`, 'DESC'),
  channelAfter: pageSql(`m.channel_id = ? AND ${inTimeline('m')} AND m.id > ?`, 'ASC'),
  replies: pageSql('m.thread_id = ?', 'ASC'),
  repliesAfter: pageSql('m.thread_id = ? AND m.id > ?', 'ASC'),
};

/**
 * A new message's `ts` in the channel `channelSql` names: the time in microseconds, or one more than the
 * channel's latest when that is later (clocks step back, two posts can share a microsecond).
 */
const nextTs = (channelSql: string) => `greatest(
  (extract(epoch FROM clock_timestamp()) * 1000000)::bigint,
  coalesce((SELECT ts FROM messages WHERE channel_id = ${channelSql} ORDER BY ts DESC LIMIT 1), 0) + 1)`;

export type NewMessage = Pick<
  MessageRow,
  | 'id'
  | 'workspaceId'
  | 'channelId'
  | 'userId'
  | 'text'
  | 'threadId'
  | 'alsoSentToChannel'
  | 'clientMsgId'
  | 'botProfile'
  | 'blocks'
  | 'attachments'
>;

/** A bound on Slack's `ts` (microseconds), inclusive or not. */
export interface TsBound {
  ts: string;
  inclusive: boolean;
}
export interface TsBounds {
  upper?: TsBound;
  lower?: TsBound;
}

@Injectable()
export class MessagesRepository {
  constructor(private readonly db: Database) {}

  /**
   * Messages as views: `m` is the message row, its reactions, files and mentions come in the same query.
   * `name`, on the hot paths, names the statement PostgreSQL keeps prepared on each connection, parsed and
   * planned once: one name for each SQL text (pg refuses a name reused for another text).
   */
  private views(name?: string) {
    return this.db
      .conn('messages as m')
      .options(name ? { name } : {})
      .joinRaw(`CROSS JOIN ${STORED_RELATED}`)
      .select<{ view: MessageView }[]>(this.db.knex.raw(`${MESSAGE_VIEW} AS view`));
  }

  /**
   * The insert of a new message, with its mentions of workspace members and its thread root's reply count, as a
   * change for EventsRepository.appendWithOutcome (one statement). `message.threadId` may name any live message
   * of the channel: the reply hangs off its thread's root, and nothing is written when there is none (the
   * answer says so). Nothing happens either if this author already posted this `clientMsgId` in the channel.
   * `data` is the new message's view, if written; `files` are attached by the caller.
   * `mentions`: user ids, first mentioned first; those who are not members of the workspace are left out.
   * The thread and mention parts are in the statement only when the message has them: PostgreSQL sets up every
   * node of a plan on each execution, and that setup was a fifth of its time per post (perf), most posts having
   * neither. So there are four prepared statements, one per combination.
   * Both reads of messages are written so that any plan reads one index entry: the statement is prepared, and its
   * generic plan, made while the table looked empty (never analyzed), aggregated `max(ts)` over every entry of the
   * channel and found the replied-to message by scanning the channel's `ts` index (a tie between two one-row
   * estimates) on each post. Hence `ORDER BY ts DESC LIMIT 1`, and the replied-to message looked up by id alone,
   * its channel checked after (MATERIALIZED keeps the channel test out of the index choice).
   */
  insertion(message: NewMessage, mentions: string[], files: FileView[]): SqlChange {
    const reply = message.threadId !== null;
    const mentioning = mentions.length > 0;
    const thread = reply
      ? {
          sql: `replied_to AS MATERIALIZED (
              SELECT coalesce(thread_id, id) AS id, channel_id FROM messages WHERE id = ?::uuid AND deleted_at IS NULL
            ),
            root AS (SELECT id FROM replied_to WHERE channel_id = ?),`,
          bindings: [message.threadId, message.channelId],
          threadId: '(SELECT id FROM root)',
          where: 'WHERE EXISTS (SELECT FROM root)',
          replied: `, replied AS (
              UPDATE messages SET reply_count = reply_count + 1
              WHERE id = (SELECT id FROM root) AND EXISTS (SELECT FROM m)
            )`,
          found: 'EXISTS (SELECT FROM root)',
        }
      : { sql: '', bindings: [], threadId: 'NULL::uuid', where: '', replied: '', found: 'true' };
    const mentioned = mentioning
      ? {
          sql: `, members AS (
              SELECT wm.user_id, u.position
              FROM json_array_elements_text(?::json) WITH ORDINALITY AS u(id, position)
              JOIN workspace_members AS wm ON wm.workspace_id = ? AND wm.user_id = u.id::uuid
            ),
            mentioned AS (
              INSERT INTO message_mentions (message_id, channel_id, user_id)
              SELECT m.id, m.channel_id, members.user_id FROM m, members
            )`,
          bindings: [JSON.stringify(mentions), message.workspaceId],
          view: `(SELECT coalesce(json_agg(user_id ORDER BY position), '[]') FROM members)`,
        }
      : { sql: '', bindings: [], view: `'[]'::json` };
    return {
      name: `message-insertion${reply ? '-reply' : ''}${mentioning ? '-mentioning' : ''}`,
      sql: `${thread.sql}
        m AS (
          INSERT INTO messages (id, workspace_id, channel_id, user_id, text, thread_id, also_sent_to_channel,
            client_msg_id, bot_profile, blocks, attachments, ts)
          SELECT ?, ?, ?, ?, ?, ${thread.threadId}, ?, ?, ?::jsonb, ?::jsonb, ?::jsonb, ${nextTs('?')}
          ${thread.where}
          ON CONFLICT (channel_id, user_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
          RETURNING ${VIEW_COLUMNS}
        )${mentioned.sql}${thread.replied},
        change AS (
          SELECT (
              SELECT ${MESSAGE_VIEW}
              FROM m, (SELECT '[]'::json AS reactions, ?::json AS files, ${mentioned.view} AS mentions) AS related
            ) AS data,
            json_build_object('threadFound', ${thread.found}) AS answer
        )`,
      bindings: [
        ...thread.bindings,
        message.id,
        message.workspaceId,
        message.channelId,
        message.userId,
        message.text,
        message.alsoSentToChannel,
        message.clientMsgId,
        message.botProfile === null ? null : JSON.stringify(message.botProfile),
        message.blocks === null ? null : JSON.stringify(message.blocks),
        message.attachments === null ? null : JSON.stringify(message.attachments),
        message.channelId,
        ...mentioned.bindings,
        JSON.stringify(files),
      ],
    };
  }

  /**
   * The insert of several new top-level messages without mentions or files, as a change for
   * EventsRepository.appendEach (one statement): `ord` is each message's place in `messages`, from 1. A message
   * whose author already posted its `clientMsgId` in the channel is not written (its `data` is null). Messages
   * to one channel get increasing `ts` in their order: each one more than the one before, at least (every row
   * reads the channel's latest `ts` as it was when the statement began). Rows go in channel by channel, as in
   * every such statement, so that two of them waiting on each other's `ts` or clientMsgId keys cannot deadlock.
   */
  insertions(messages: NewMessage[]): SqlChange {
    const rows = messages.map((message, index) => ({
      ord: index + 1,
      id: message.id,
      workspace_id: message.workspaceId,
      channel_id: message.channelId,
      user_id: message.userId,
      text: message.text,
      client_msg_id: message.clientMsgId,
      bot_profile: message.botProfile,
      blocks: message.blocks,
      attachments: message.attachments,
    }));
    return {
      name: 'message-insertions',
      sql: `input AS MATERIALIZED (
          SELECT * FROM json_to_recordset(?::json) AS given(ord int, id uuid, workspace_id uuid, channel_id uuid,
            user_id uuid, text text, client_msg_id text, bot_profile jsonb, blocks jsonb, attachments jsonb)
        ),
        m AS (
          INSERT INTO messages (id, workspace_id, channel_id, user_id, text, client_msg_id, bot_profile, blocks,
            attachments, ts)
          SELECT id, workspace_id, channel_id, user_id, text, client_msg_id, bot_profile, blocks, attachments,
            ${nextTs('input.channel_id')} + row_number() OVER (PARTITION BY channel_id ORDER BY ord) - 1
          FROM input ORDER BY channel_id, ord
          ON CONFLICT (channel_id, user_id, client_msg_id) WHERE client_msg_id IS NOT NULL DO NOTHING
          RETURNING ${VIEW_COLUMNS}
        ),
        change AS (
          SELECT input.ord, input.workspace_id, input.channel_id,
            CASE WHEN m.id IS NULL THEN NULL ELSE ${MESSAGE_VIEW} END AS data
          FROM input LEFT JOIN m ON m.id = input.id,
            (SELECT '[]'::json AS reactions, '[]'::json AS files, '[]'::json AS mentions) AS related
        )`,
      bindings: [JSON.stringify(rows)],
    };
  }

  async viewByClientMsgId(
    channelId: string,
    userId: string,
    clientMsgId: string,
  ): Promise<MessageView | undefined> {
    const row = await this.views('message-by-client-msg-id')
      .where({ 'm.channelId': channelId, 'm.userId': userId, 'm.clientMsgId': clientMsgId })
      .first();
    return row?.view;
  }

  /** A live message's view. */
  async view(messageId: string): Promise<MessageView> {
    const row = await this.views('message-by-id').where('m.id', messageId).first();
    return row!.view;
  }

  /** A live message of this channel. */
  async findInChannel(channelId: string, messageId: string): Promise<MessageColumns | undefined> {
    return await this.db
      .conn<MessageRow>('messages')
      .select(...MESSAGE_COLUMNS)
      .where({ id: messageId, channelId })
      .whereNull('deletedAt')
      .first();
  }

  /** A live message's view, found only through the caller's workspace membership. */
  async findForMember(messageId: string, userId: string): Promise<MessageView | undefined> {
    const row = await this.views('message-for-member')
      .join('workspaceMembers as wm', (join) => {
        join.on('wm.workspaceId', 'm.workspaceId').andOnVal('wm.userId', userId);
      })
      .where('m.id', messageId)
      .whereNull('m.deletedAt')
      .first();
    return row?.view;
  }

  /** The timeline of a channel (top-level messages and replies also sent to it), newest first. */
  async listChannel(channelId: string, limit: number, beforeId?: string): Promise<MessageView[]> {
    return beforeId
      ? this.page('channel-messages-before', PAGES.channelBefore, [channelId, beforeId, limit])
      : this.page('channel-messages', PAGES.channel, [channelId, limit]);
  }

  /** The timeline of a channel newer than `afterId`, oldest first. */
  async listChannelAfter(channelId: string, limit: number, afterId: string): Promise<MessageView[]> {
    return this.page('channel-messages-after', PAGES.channelAfter, [channelId, afterId, limit]);
  }

  /**
   * The timeline of a channel within Slack `ts` bounds (microseconds), newest first, read backwards along the
   * channel's ts index: Slack's conversations.history.
   */
  async listChannelByTs(channelId: string, limit: number, bounds: TsBounds): Promise<MessageView[]> {
    const query = this.views()
      .where('m.channelId', channelId)
      .whereRaw(inTimeline('m'))
      .whereNull('m.deletedAt')
      .orderBy('m.ts', 'desc')
      .limit(limit);
    if (bounds.upper) void query.where('m.ts', bounds.upper.inclusive ? '<=' : '<', bounds.upper.ts);
    if (bounds.lower) void query.where('m.ts', bounds.lower.inclusive ? '>=' : '>', bounds.lower.ts);
    return (await query).map((row) => row.view);
  }

  /** Live messages of a channel among `ids` (the thread roots of broadcast replies). */
  async viewsInChannel(channelId: string, ids: string[]): Promise<MessageView[]> {
    if (ids.length === 0) return [];
    const rows = await this.views()
      .where('m.channelId', channelId)
      .whereIn('m.id', ids)
      .whereNull('m.deletedAt');
    return rows.map((row) => row.view);
  }

  /** Replies of a thread, oldest first. */
  async listReplies(threadId: string, limit: number, afterId?: string): Promise<MessageView[]> {
    return afterId
      ? this.page('thread-replies-after', PAGES.repliesAfter, [threadId, afterId, limit])
      : this.page('thread-replies', PAGES.replies, [threadId, limit]);
  }

  /** A page of message views: one of PAGES, the statement most requests make (see Database.query). */
  private async page(name: string, sql: string, values: (string | number)[]): Promise<MessageView[]> {
    const rows = await this.db.query<{ view: MessageView }>(name, sql, values);
    return rows.map((row) => row.view);
  }

  async adjustReplyCount(threadId: string, delta: number): Promise<void> {
    await this.db.conn('messages').increment('replyCount', delta).where({ id: threadId });
  }

  /** New text; blocks and attachments are replaced only when given (null removes them). */
  async updateContent(messageId: string, content: Pick<MessageRow, 'text'> & RichContent): Promise<void> {
    const rich = Object.fromEntries(
      (['blocks', 'attachments'] as const)
        .filter((field) => content[field] !== undefined)
        .map((field) => [field, content[field] === null ? null : JSON.stringify(content[field])]),
    );
    await this.db
      .conn('messages')
      .where({ id: messageId })
      .update({ text: content.text, ...rich, editedAt: this.db.knex.fn.now() });
  }

  /** The live message of this channel with this Slack `ts` (microseconds since the epoch). */
  async findByTs(channelId: string, tsMicros: string): Promise<MessageColumns | undefined> {
    return await this.db
      .conn<MessageRow>('messages')
      .select(...MESSAGE_COLUMNS)
      .where({ channelId, ts: tsMicros })
      .whereNull('deletedAt')
      .first();
  }

  /** Keeps the row (replies and the outbox refer to it) but drops its content. */
  async softDelete(messageId: string): Promise<void> {
    await this.db
      .conn('messages')
      .where({ id: messageId })
      .update({ text: '', blocks: null, attachments: null, deletedAt: this.db.knex.fn.now() });
    await this.db.conn('messageMentions').where({ messageId }).delete();
    await this.db.conn('reactions').where({ messageId }).delete();
  }

  /** The channel is kept beside each mention, so a person's mentions in one channel are counted from an index. */
  async addMentions(message: Pick<MessageRow, 'id' | 'channelId'>, userIds: string[]): Promise<void> {
    if (userIds.length === 0) return;
    await this.db
      .conn('messageMentions')
      .insert(userIds.map((userId) => ({ messageId: message.id, channelId: message.channelId, userId })));
  }

  async replaceMentions(message: Pick<MessageRow, 'id' | 'channelId'>, userIds: string[]): Promise<void> {
    await this.db.conn('messageMentions').where({ messageId: message.id }).delete();
    await this.addMentions(message, userIds);
  }

  /**
   * Adds one person's reaction unless it is there already, or unless it would be the message's
   * `maxDistinct + 1`-th different emoji. Must run in a transaction: the message row is locked first, so
   * concurrent adds of new emoji are counted one after the other and can never pass the cap together.
   */
  async addReaction(
    messageId: string,
    userId: string,
    emoji: string,
    maxDistinct: number,
  ): Promise<'added' | 'present' | 'full'> {
    await this.db.conn('messages').where({ id: messageId }).forNoKeyUpdate().select('id');
    const existing = await this.db
      .conn('reactions')
      .where({ messageId })
      .select<{ emoji: string; mine: boolean }[]>(
        'emoji',
        this.db.conn.raw('bool_or(user_id = ?) as mine', [userId]),
      )
      .groupBy('emoji');
    const same = existing.find((row) => row.emoji === emoji);
    if (same?.mine) return 'present';
    if (!same && existing.length >= maxDistinct) return 'full';
    await this.db.conn('reactions').insert({ messageId, userId, emoji });
    return 'added';
  }

  async removeReaction(messageId: string, userId: string, emoji: string): Promise<boolean> {
    return (await this.db.conn('reactions').where({ messageId, userId, emoji }).delete()) > 0;
  }

  /** Full-text matches the caller may read (member, or non-guest in a public channel), newest first. */
  async search(
    workspaceId: string,
    userId: string,
    includePublic: boolean,
    text: string,
    limit: number,
    beforeId?: string,
  ): Promise<MessageView[]> {
    const matches = this.db
      .conn('messages')
      .select('messages.id')
      .join('channels as c', 'c.id', 'messages.channelId')
      .leftJoin('channelMembers as cm', (join) => {
        join.on('cm.channelId', 'messages.channelId').andOnVal('cm.userId', userId);
      })
      .where('messages.workspaceId', workspaceId)
      .whereNull('messages.deletedAt')
      .whereRaw(`messages.search @@ websearch_to_tsquery('simple', ?)`, [text])
      .where((visible) => {
        void visible.whereNotNull('cm.userId');
        if (includePublic) void visible.orWhere('c.kind', 'public');
      })
      .orderBy('messages.id', 'desc')
      .limit(limit);
    if (beforeId) void matches.where('messages.id', '<', beforeId);
    // Views of the page only: the matches are found (and cut to the page) first.
    const rows = await this.views().whereIn('m.id', matches).orderBy('m.id', 'desc');
    return rows.map((row) => row.view);
  }
}
