import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { SqlChange } from '../events/events.repository';
import type { ViewerScope } from '../realtime/audience';
import type { Role } from '../workspaces/workspaces.schemas';
import { inTimeline } from '../messages/messages.rows';
import type { ChannelRow } from './channels.rows';

export type { ChannelRow };
import { ReadStateView, UNREAD_COUNT_CAP } from './channels.schemas';

/** A marker before every message: a member who has read nothing. */
const BEFORE_ALL = '00000000-0000-0000-0000-000000000000';

/**
 * Bounded counts for the member joined as `cm` in the channel `c`, however long the channel: the unread count
 * reads at most UNREAD_COUNT_CAP entries of the timeline index, newest first (in the index's order, so it stops at
 * the cap; without an order a plan could take any index of the channel, filtering out the messages already
 * read, and one did); the mention count reads the member's mentions
 * in this channel after the marker, up to the cap. Thread replies (unless also sent to the
 * channel) and the reader's own messages do not count.
 */
const UNREAD_COUNT = `(SELECT count(*) FROM (
    SELECT 1 FROM messages m
    WHERE m.channel_id = c.id AND ${inTimeline('m')} AND m.deleted_at IS NULL
      AND m.id > coalesce(cm.last_read_id, '${BEFORE_ALL}') AND m.user_id <> cm.user_id
    ORDER BY m.id DESC LIMIT ${UNREAD_COUNT_CAP}) AS unread)::int`;
// The message is looked at through a subquery, which PostgreSQL never turns into a join: a join may be planned
// from the channel's timeline instead, reading every unread message of a busy channel that never names them.
const MENTION_COUNT = `(SELECT count(*) FROM (
    SELECT 1 FROM message_mentions mm
    WHERE mm.user_id = cm.user_id AND mm.channel_id = c.id
      AND mm.message_id > coalesce(cm.last_read_id, '${BEFORE_ALL}')
      AND (SELECT ${inTimeline('m')} AND m.deleted_at IS NULL AND m.user_id <> cm.user_id
           FROM messages m WHERE m.id = mm.message_id)
    LIMIT ${UNREAD_COUNT_CAP}) AS mentioned)::int`;

// The newest live channel message, read from the top of the timeline index: the counts above take in
// everything up to it, so a client adds only later messages' events to them.
const NEWEST_MESSAGE = `(SELECT m.id FROM messages m
    WHERE m.channel_id = c.id AND ${inTimeline('m')} AND m.deleted_at IS NULL ORDER BY m.id DESC LIMIT 1)`;

/** A channel in a user's list: their membership, read state and mute. */
export type ListedChannelRow = ChannelRow & {
  isMember: boolean;
  muted: boolean;
  countedThroughId: string | null;
} & Omit<ReadStateView, 'channelId'>;

/** A channel seen by one user: their workspace role and whether they are in the channel. */
export type ChannelForUser = ChannelRow & { role: Role; isMember: boolean };

/**
 * What a move of the read marker found (see ChannelsRepository.markerMove): the channel as the user stands
 * to it, whether the message is a live channel message (null: no such message in the channel), and the
 * member's read state after the move (null for a non-member).
 */
export interface MarkerMoveAnswer {
  kind: ChannelRow['kind'];
  role: Role;
  isMember: boolean;
  channelMessage: boolean | null;
  state: ReadStateView | null;
}

@Injectable()
export class ChannelsRepository {
  constructor(private readonly db: Database) {}

  /**
   * What a member may read in one workspace without being told more: its public channels and the channels
   * it belongs to (bots of plugins, creators of webhooks). Undefined when it is not a member.
   */
  async scopeIn(workspaceId: string, userId: string): Promise<ViewerScope | undefined> {
    const member = await this.db
      .conn('workspaceMembers')
      .where({ workspaceId, userId })
      .first<{ role: Role } | undefined>('role');
    if (!member) return undefined;
    const channels = await this.db
      .conn('channels as c')
      .leftJoin('channelMembers as cm', function () {
        this.on('cm.channelId', 'c.id').andOnVal('cm.userId', userId);
      })
      .where('c.workspaceId', workspaceId)
      .where((q) => void q.where('c.kind', 'public').orWhereNotNull('cm.userId'))
      .select<{ id: string }[]>('c.id');
    return {
      userId,
      roles: new Map([[workspaceId, member.role]]),
      channelIds: new Set(channels.map((channel) => channel.id)),
    };
  }

  async create(
    channel: Pick<ChannelRow, 'id' | 'workspaceId' | 'name' | 'kind' | 'topic' | 'dmKey' | 'createdBy'>,
  ): Promise<ChannelRow> {
    const [created] = await this.db.conn<ChannelRow>('channels').insert(channel).returning('*');
    return created;
  }

  /**
   * The channel as `userId` stands to it, found only through their workspace membership: a user outside
   * the workspace gets nothing, whatever id they try.
   */
  async findForUser(channelId: string, userId: string): Promise<ChannelForUser | undefined> {
    return await this.db
      .conn('channels as c')
      .join('workspaceMembers as wm', function () {
        this.on('wm.workspaceId', 'c.workspaceId').andOnVal('wm.userId', userId);
      })
      .leftJoin('channelMembers as cm', function () {
        this.on('cm.channelId', 'c.id').andOnVal('cm.userId', userId);
      })
      .where('c.id', channelId)
      .first<ChannelForUser | undefined>(
        'c.*',
        'wm.role',
        this.db.knex.raw('(cm.user_id IS NOT NULL) AS is_member'),
      );
  }

  async findDm(workspaceId: string, dmKey: string): Promise<ChannelRow | undefined> {
    return await this.db.conn<ChannelRow>('channels').where({ workspaceId, dmKey }).first();
  }

  /** Public channels (unless the caller is a guest) plus every channel the caller is in, with their read state. */
  async listVisible(
    workspaceId: string,
    userId: string,
    includePublic: boolean,
    limit: number,
    afterId?: string,
  ): Promise<ListedChannelRow[]> {
    const query = this.db
      .conn('channels as c')
      .leftJoin('channelMembers as cm', function () {
        this.on('cm.channelId', 'c.id').andOnVal('cm.userId', userId);
      })
      .where('c.workspaceId', workspaceId)
      .where((q) => {
        void q.whereNotNull('cm.userId');
        if (includePublic) void q.orWhere('c.kind', 'public');
      })
      .select(
        'c.*',
        'cm.lastReadId',
        this.db.knex.raw('(cm.user_id IS NOT NULL) AS is_member'),
        this.db.knex.raw('coalesce(cm.muted, false) AS muted'),
        this.db.knex.raw(`CASE WHEN cm.user_id IS NULL THEN 0 ELSE ${UNREAD_COUNT} END AS unread_count`),
        this.db.knex.raw(`CASE WHEN cm.user_id IS NULL THEN 0 ELSE ${MENTION_COUNT} END AS mention_count`),
        this.db.knex.raw(
          `CASE WHEN cm.user_id IS NULL THEN NULL ELSE ${NEWEST_MESSAGE} END AS counted_through_id`,
        ),
      )
      .orderBy('c.id')
      .limit(limit);
    if (afterId) void query.where('c.id', '>', afterId);
    return (await query) as ListedChannelRow[];
  }

  /**
   * Moves a member's read marker as one statement, for EventsRepository.appendWithOutcome: forward to
   * `messageId`, or with `markUnread` to just before it (the channel message before it), wherever it stood.
   * Found only through the user's workspace membership (no row otherwise); the marker moves only for a
   * member and a live channel message. The answer is a MarkerMoveAnswer; the event's payload (the read state,
   * its workspace and user) is there only when the marker moved.
   * The statement is prepared, and its generic plan must not depend on table sizes: the marked message is found
   * by id alone, its channel checked after (a plan made on small tables read it from the channel's `ts` index,
   * every message of the channel on each call), and the counts take the channel's id from the membership row
   * (`c`), not from a join with channels (planned as a scan of the whole table).
   */
  markerMove(channelId: string, userId: string, messageId: string, markUnread: boolean): SqlChange {
    return {
      name: 'read-marker-move',
      sql: `target AS (
          SELECT c.id, c.workspace_id, c.kind, wm.role, wm.user_id, cm.user_id IS NOT NULL AS is_member
          FROM channels AS c
          JOIN workspace_members AS wm ON wm.workspace_id = c.workspace_id AND wm.user_id = ?
          LEFT JOIN channel_members AS cm ON cm.channel_id = c.id AND cm.user_id = wm.user_id
          WHERE c.id = ?
        ),
        found AS MATERIALIZED (
          SELECT channel_id, thread_id, also_sent_to_channel FROM messages WHERE id = ?::uuid AND deleted_at IS NULL
        ),
        marked AS (
          SELECT ${inTimeline('found')} AS channel_message FROM found WHERE channel_id = (SELECT id FROM target)
        ),
        next AS MATERIALIZED (
          SELECT CASE WHEN ?::boolean THEN (
              SELECT id FROM messages
              WHERE channel_id = (SELECT id FROM target) AND ${inTimeline('messages')} AND deleted_at IS NULL
                AND id < ?::uuid
              ORDER BY id DESC LIMIT 1)
            ELSE ?::uuid END AS last_read_id
        ),
        moved AS (
          UPDATE channel_members AS cm SET last_read_id = next.last_read_id
          FROM next, target
          WHERE cm.channel_id = target.id AND cm.user_id = target.user_id AND target.is_member
            AND (SELECT channel_message FROM marked)
            AND cm.last_read_id IS DISTINCT FROM next.last_read_id
            AND (?::boolean OR cm.last_read_id IS NULL OR cm.last_read_id < next.last_read_id)
          RETURNING cm.channel_id, cm.user_id, cm.last_read_id
        ),
        state AS (
          SELECT cm.channel_id, cm.last_read_id, ${UNREAD_COUNT} AS unread_count, ${MENTION_COUNT} AS mention_count
          FROM (
            SELECT channel_id, user_id, last_read_id FROM moved
            UNION ALL
            SELECT cm.channel_id, cm.user_id, cm.last_read_id
            FROM channel_members AS cm, target
            WHERE cm.channel_id = target.id AND cm.user_id = target.user_id AND NOT EXISTS (SELECT FROM moved)
          ) AS cm
          CROSS JOIN LATERAL (SELECT cm.channel_id AS id) AS c
        ),
        change AS (
          SELECT
            json_build_object('kind', t.kind, 'role', t.role, 'isMember', t.is_member,
              'channelMessage', (SELECT channel_message FROM marked),
              'state', (SELECT json_build_object('channelId', s.channel_id, 'lastReadId', s.last_read_id,
                'unreadCount', s.unread_count, 'mentionCount', s.mention_count) FROM state AS s)) AS answer,
            (SELECT json_build_object('channelId', s.channel_id, 'lastReadId', s.last_read_id,
                'unreadCount', s.unread_count, 'mentionCount', s.mention_count,
                'workspaceId', t.workspace_id, 'userId', t.user_id)
              FROM state AS s WHERE EXISTS (SELECT FROM moved)) AS data
          FROM target AS t
        )`,
      bindings: [userId, channelId, messageId, markUnread, messageId, messageId, markUnread],
    };
  }

  /** Sets the member's mute; false when they are not a member. */
  async setMuted(channelId: string, userId: string, muted: boolean): Promise<boolean> {
    const updated = await this.db.conn('channelMembers').where({ channelId, userId }).update({ muted });
    return updated > 0;
  }

  /** Those of `userIds` who are members of the channel and have not muted it. */
  async unmutedMembersAmong(channelId: string, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .conn('channelMembers')
      .where({ channelId, muted: false })
      .whereIn('userId', userIds)
      .select<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  async update(
    channelId: string,
    patch: Partial<Pick<ChannelRow, 'name' | 'topic' | 'archived'>>,
  ): Promise<ChannelRow> {
    const [updated] = await this.db
      .conn<ChannelRow>('channels')
      .where({ id: channelId })
      .update(patch)
      .returning('*');
    return updated;
  }

  /** New members start with the channel's history read, as on Slack. */
  async addMembers(workspaceId: string, channelId: string, userIds: string[]): Promise<string[]> {
    const rows = await this.db
      .conn('channelMembers')
      .insert(
        userIds.map((userId) => ({
          workspaceId,
          channelId,
          userId,
          lastReadId: this.latestMessageBefore(channelId),
        })),
      )
      .onConflict(['channelId', 'userId'])
      .ignore()
      .returning<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  async removeMember(channelId: string, userId: string): Promise<boolean> {
    return (await this.db.conn('channelMembers').where({ channelId, userId }).delete()) > 0;
  }

  /** Inside a transaction: whether the user is a member, their membership locked against removal until commit. */
  async lockMembership(channelId: string, userId: string): Promise<boolean> {
    const row = await this.db
      .conn('channelMembers')
      .where({ channelId, userId })
      .forShare()
      .first<{ userId: string } | undefined>('userId');
    return row !== undefined;
  }

  async memberIds(channelId: string): Promise<string[]> {
    const rows = await this.db
      .conn('channelMembers')
      .where({ channelId })
      .select<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  /** The id of the channel's newest live channel message (before `beforeId`), as a subquery. */
  private latestMessageBefore(channelId: string, beforeId?: string) {
    const query = this.db
      .conn('messages')
      .where({ channelId })
      .whereRaw(inTimeline('messages'))
      .whereNull('deletedAt')
      .orderBy('id', 'desc')
      .limit(1)
      .select('id');
    if (beforeId) void query.where('id', '<', beforeId);
    return query;
  }
}
