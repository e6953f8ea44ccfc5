import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { ViewerScope } from '../realtime/audience';
import type { Role } from '../workspaces/workspaces.schemas';
import { ChannelModel } from './channels.models';
import type { ChannelRow } from './channels.models';
import { ReadStateView, UNREAD_COUNT_CAP } from './channels.schemas';

/** A marker before every message: a member who has read nothing. */
const BEFORE_ALL = '00000000-0000-0000-0000-000000000000';

/**
 * Bounded counts for the member joined as `cm` in the channel `c`, however long the channel: the unread count
 * reads at most UNREAD_COUNT_CAP entries of the timeline index; the mention count reads the member's mentions
 * in this channel after the marker, up to the cap. Thread replies and the reader's own messages do not count.
 */
const UNREAD_COUNT = `(SELECT count(*) FROM (
    SELECT 1 FROM messages m
    WHERE m.channel_id = c.id AND m.thread_id IS NULL AND m.deleted_at IS NULL
      AND m.id > coalesce(cm.last_read_id, '${BEFORE_ALL}') AND m.user_id <> cm.user_id
    LIMIT ${UNREAD_COUNT_CAP}) AS unread)::int`;
// The message is looked at through a subquery, which PostgreSQL never turns into a join: a join may be planned
// from the channel's timeline instead, reading every unread message of a busy channel that never names them.
const MENTION_COUNT = `(SELECT count(*) FROM (
    SELECT 1 FROM message_mentions mm
    WHERE mm.user_id = cm.user_id AND mm.channel_id = c.id
      AND mm.message_id > coalesce(cm.last_read_id, '${BEFORE_ALL}')
      AND (SELECT m.thread_id IS NULL AND m.deleted_at IS NULL AND m.user_id <> cm.user_id
           FROM messages m WHERE m.id = mm.message_id)
    LIMIT ${UNREAD_COUNT_CAP}) AS mentioned)::int`;

/** A channel in a user's list: their membership, read state and mute. */
export type ListedChannelRow = ChannelRow & { isMember: boolean; muted: boolean } & Omit<
    ReadStateView,
    'channelId'
  >;

/** A channel seen by one user: their workspace role and whether they are in the channel. */
export type ChannelForUser = ChannelRow & { role: Role; isMember: boolean };

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
    channel: Pick<ChannelModel, 'id' | 'workspaceId' | 'name' | 'kind' | 'topic' | 'dmKey' | 'createdBy'>,
  ) {
    return await ChannelModel.query(this.db.conn).insert(channel).returning('*');
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

  async findInWorkspace(workspaceId: string, channelId: string): Promise<ChannelModel | undefined> {
    return await ChannelModel.query(this.db.conn).where({ workspaceId, id: channelId }).first();
  }

  async findDm(workspaceId: string, dmKey: string): Promise<ChannelModel | undefined> {
    return await ChannelModel.query(this.db.conn).where({ workspaceId, dmKey }).first();
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
      )
      .orderBy('c.id')
      .limit(limit);
    if (afterId) void query.where('c.id', '>', afterId);
    return (await query) as ListedChannelRow[];
  }

  /** A member's read state in one channel; undefined when they are not a member. */
  async readState(channelId: string, userId: string): Promise<ReadStateView | undefined> {
    return await this.db
      .conn('channelMembers as cm')
      .join('channels as c', 'c.id', 'cm.channelId')
      .where({ 'cm.channelId': channelId, 'cm.userId': userId })
      .first<ReadStateView | undefined>(
        'cm.channelId',
        'cm.lastReadId',
        this.db.knex.raw(`${UNREAD_COUNT} AS unread_count`),
        this.db.knex.raw(`${MENTION_COUNT} AS mention_count`),
      );
  }

  /** A live message of the channel, with its thread (null for a channel message). */
  async findMessage(channelId: string, messageId: string): Promise<{ threadId: string | null } | undefined> {
    return await this.db
      .conn('messages')
      .where({ id: messageId, channelId })
      .whereNull('deletedAt')
      .first<{ threadId: string | null } | undefined>('threadId');
  }

  /** Moves the member's marker forward to `messageId`; false when it already stood there or later. */
  async advanceReadMarker(channelId: string, userId: string, messageId: string): Promise<boolean> {
    const updated = await this.db
      .conn('channelMembers')
      .where({ channelId, userId })
      .where((q) => void q.whereNull('lastReadId').orWhere('lastReadId', '<', messageId))
      .update({ lastReadId: messageId });
    return updated > 0;
  }

  /** Sets the member's marker just before `messageId` (the channel message before it), wherever it stood. */
  async markUnreadFrom(channelId: string, userId: string, messageId: string): Promise<boolean> {
    const updated = await this.db
      .conn('channelMembers')
      .where({ channelId, userId })
      .whereRaw('last_read_id IS DISTINCT FROM (?)', [this.latestMessageBefore(channelId, messageId)])
      .update({ lastReadId: this.latestMessageBefore(channelId, messageId) });
    return updated > 0;
  }

  /** Sets the member's mute; false when they are not a member. */
  async setMuted(channelId: string, userId: string, muted: boolean): Promise<boolean> {
    const updated = await this.db.conn('channelMembers').where({ channelId, userId }).update({ muted });
    return updated > 0;
  }

  async update(channelId: string, patch: Partial<Pick<ChannelModel, 'name' | 'topic' | 'archived'>>) {
    return await ChannelModel.query(this.db.conn).patchAndFetchById(channelId, patch);
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
      .whereNull('threadId')
      .whereNull('deletedAt')
      .orderBy('id', 'desc')
      .limit(1)
      .select('id');
    if (beforeId) void query.where('id', '<', beforeId);
    return query;
  }
}
