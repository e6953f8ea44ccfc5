import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import { Clock } from '../common/clock';
import type { Role } from '../workspaces/workspaces.schemas';
import type { ViewerScope } from './audience';

@Injectable()
export class RealtimeRepository {
  constructor(
    private readonly db: Database,
    private readonly clock: Clock,
  ) {}

  async insertTicket(ticket: { ticketHash: Buffer; userId: string; tokenId: string; expiresAt: Date }) {
    await this.db.conn('realtimeTickets').insert(ticket);
  }

  /** Marks a live, unused ticket used and returns whose it was; a second redeem finds nothing. */
  async redeemTicket(ticketHash: Buffer): Promise<{ userId: string; tokenId: string } | undefined> {
    const rows = await this.db
      .conn('realtimeTickets')
      .where({ ticketHash })
      .whereNull('usedAt')
      .where('expiresAt', '>', this.clock.date())
      .update({ usedAt: this.clock.date() })
      .returning<{ userId: string; tokenId: string }[]>(['userId', 'tokenId']);
    return rows[0];
  }

  /** The workspace memberships of these users (who sees whose presence). */
  async memberships(userIds: string[]): Promise<{ workspaceId: string; userId: string }[]> {
    return await this.db
      .conn('workspaceMembers')
      .whereIn('userId', userIds)
      .select<{ workspaceId: string; userId: string }[]>('workspaceId', 'userId');
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
