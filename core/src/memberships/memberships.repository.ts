import { Injectable } from '@nestjs/common';
import type { ChannelRow } from '../channels/channels.rows';
import { Database } from '../database/database';
import type { Role } from '../workspaces/workspaces.schemas';

/** Reads what MembershipCache keeps: a channel with its members, a workspace's members with their roles. */
@Injectable()
export class MembershipsRepository {
  constructor(private readonly db: Database) {}

  /** The channel and its members' ids in one statement; undefined when there is no such channel. */
  async channelWithMembers(channelId: string): Promise<(ChannelRow & { memberIds: string[] }) | undefined> {
    return await this.db
      .conn('channels as c')
      .where('c.id', channelId)
      .first<(ChannelRow & { memberIds: string[] }) | undefined>(
        'c.*',
        this.db.knex.raw(
          'ARRAY(SELECT cm.user_id::text FROM channel_members cm WHERE cm.channel_id = c.id) AS member_ids',
        ),
      );
  }

  async workspaceRoles(workspaceId: string): Promise<{ userId: string; role: Role }[]> {
    return await this.db
      .conn('workspaceMembers')
      .where({ workspaceId })
      .select<{ userId: string; role: Role }[]>('userId', 'role');
  }
}
