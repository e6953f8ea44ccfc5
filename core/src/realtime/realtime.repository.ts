import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { Role } from '../workspaces/workspaces.schemas';
import type { ViewerScope } from './audience';

@Injectable()
export class RealtimeRepository {
  constructor(private readonly db: Database) {}

  async insertTicket(ticket: { ticketHash: Buffer; userId: string; tokenId: string; expiresAt: Date }) {
    await this.db.conn('realtimeTickets').insert(ticket);
  }

  /** Marks a live, unused ticket used and returns whose it was; a second redeem finds nothing. */
  async redeemTicket(ticketHash: Buffer): Promise<{ userId: string; tokenId: string } | undefined> {
    const rows = await this.db
      .conn('realtimeTickets')
      .where({ ticketHash })
      .whereNull('usedAt')
      .where('expiresAt', '>', new Date())
      .update({ usedAt: new Date() })
      .returning<{ userId: string; tokenId: string }[]>(['userId', 'tokenId']);
    return rows[0];
  }

  async channelMemberIds(channelId: string): Promise<string[]> {
    const rows = await this.db
      .conn('channelMembers')
      .where({ channelId })
      .select<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  async workspaceMembers(workspaceId: string): Promise<{ userId: string; role: Role }[]> {
    return await this.db
      .conn('workspaceMembers')
      .where({ workspaceId })
      .select<{ userId: string; role: Role }[]>('userId', 'role');
  }

  async isChannelMember(channelId: string, userId: string): Promise<boolean> {
    return (await this.db.conn('channelMembers').where({ channelId, userId }).first('userId')) !== undefined;
  }

  /** Everyone who shares at least one workspace with the user (who sees their presence). */
  async colleagueIds(userId: string): Promise<string[]> {
    const rows = await this.db
      .conn('workspaceMembers as mine')
      .join('workspaceMembers as theirs', 'theirs.workspaceId', 'mine.workspaceId')
      .where('mine.userId', userId)
      .distinct<{ userId: string }[]>('theirs.userId');
    return rows.map((row) => row.userId);
  }

  async viewerScope(userId: string): Promise<ViewerScope> {
    const [roles, channels] = await Promise.all([
      this.db
        .conn('workspaceMembers')
        .where({ userId })
        .select<{ workspaceId: string; role: Role }[]>('workspaceId', 'role'),
      this.db.conn('channelMembers').where({ userId }).select<{ channelId: string }[]>('channelId'),
    ]);
    return {
      userId,
      roles: new Map(roles.map((row) => [row.workspaceId, row.role])),
      channelIds: new Set(channels.map((row) => row.channelId)),
    };
  }
}
