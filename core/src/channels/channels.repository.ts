import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { ViewerScope } from '../realtime/audience';
import type { Role } from '../workspaces/workspaces.schemas';
import { ChannelModel } from './channels.models';
import type { ChannelRow } from './channels.models';

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

  /** Public channels (unless the caller is a guest) plus every channel the caller is in. */
  async listVisible(
    workspaceId: string,
    userId: string,
    includePublic: boolean,
    limit: number,
    afterId?: string,
  ): Promise<(ChannelRow & { isMember: boolean })[]> {
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
      .select('c.*', this.db.knex.raw('(cm.user_id IS NOT NULL) AS is_member'))
      .orderBy('c.id')
      .limit(limit);
    if (afterId) void query.where('c.id', '>', afterId);
    return (await query) as (ChannelRow & { isMember: boolean })[];
  }

  async update(channelId: string, patch: Partial<Pick<ChannelModel, 'name' | 'topic' | 'archived'>>) {
    return await ChannelModel.query(this.db.conn).patchAndFetchById(channelId, patch);
  }

  async addMembers(workspaceId: string, channelId: string, userIds: string[]): Promise<string[]> {
    const rows = await this.db
      .conn('channelMembers')
      .insert(userIds.map((userId) => ({ workspaceId, channelId, userId })))
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
}
