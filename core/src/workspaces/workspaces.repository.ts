import { Injectable } from '@nestjs/common';
import { Database } from '../database/database';
import type { InviteRow, WorkspaceRow } from './workspaces.rows';
import type { Role } from './workspaces.schemas';

export type { WorkspaceRow };

export interface MemberRow {
  userId: string;
  displayName: string;
  role: Role;
  isBot: boolean;
  avatarVersion: string | null;
  joinedAt: Date;
}

export type WorkspaceWithRole = WorkspaceRow & { role: Role };

@Injectable()
export class WorkspacesRepository {
  constructor(private readonly db: Database) {}

  async create(workspace: Pick<WorkspaceRow, 'id' | 'name' | 'slug' | 'createdBy'>): Promise<WorkspaceRow> {
    const [created] = await this.db.conn<WorkspaceRow>('workspaces').insert(workspace).returning('*');
    return created;
  }

  async listForUser(userId: string, limit: number, afterId?: string): Promise<WorkspaceWithRole[]> {
    const query = this.db
      .conn('workspaces as w')
      .join('workspaceMembers as m', 'm.workspaceId', 'w.id')
      .where('m.userId', userId)
      .select('w.*', 'm.role')
      .orderBy('w.id')
      .limit(limit);
    if (afterId) void query.where('w.id', '>', afterId);
    return (await query) as WorkspaceWithRole[];
  }

  /** The workspace together with the caller's role, or nothing when the caller is not a member. */
  async findForMember(workspaceId: string, userId: string): Promise<WorkspaceWithRole | undefined> {
    return await this.db
      .conn('workspaces as w')
      .join('workspaceMembers as m', 'm.workspaceId', 'w.id')
      .where({ 'w.id': workspaceId, 'm.userId': userId })
      .first<WorkspaceWithRole>('w.*', 'm.role');
  }

  async findMember(workspaceId: string, userId: string): Promise<MemberRow | undefined> {
    return await this.memberQuery(workspaceId).where('m.userId', userId).first<MemberRow>();
  }

  /** Each of the user's memberships, with the workspace it is in. */
  async membershipsOf(userId: string): Promise<(MemberRow & { workspaceId: string })[]> {
    return (await this.memberQuery()
      .where('m.userId', userId)
      .select('m.workspaceId')
      .orderBy('m.workspaceId')) as (MemberRow & { workspaceId: string })[];
  }

  /** Whether two users belong to a workspace in common. */
  async shareWorkspace(userId: string, otherId: string): Promise<boolean> {
    const row = await this.db
      .conn('workspaceMembers as a')
      .join('workspaceMembers as b', 'b.workspaceId', 'a.workspaceId')
      .where({ 'a.userId': userId, 'b.userId': otherId })
      .first<{ workspaceId: string } | undefined>('a.workspaceId');
    return row !== undefined;
  }

  /** Of `userIds`, those who belong to the workspace. */
  async filterMembers(workspaceId: string, userIds: string[]): Promise<string[]> {
    if (userIds.length === 0) return [];
    const rows = await this.db
      .conn('workspaceMembers')
      .where({ workspaceId })
      .whereIn('userId', userIds)
      .select<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  async memberIds(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .conn('workspaceMembers')
      .where({ workspaceId })
      .select<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  async listMembers(workspaceId: string, limit: number, afterUserId?: string): Promise<MemberRow[]> {
    const query = this.memberQuery(workspaceId).orderBy('m.userId').limit(limit);
    if (afterUserId) void query.where('m.userId', '>', afterUserId);
    return (await query) as MemberRow[];
  }

  async addMember(workspaceId: string, userId: string, role: Role): Promise<boolean> {
    const inserted = await this.db
      .conn('workspaceMembers')
      .insert({ workspaceId, userId, role })
      .onConflict(['workspaceId', 'userId'])
      .ignore()
      .returning('userId');
    return inserted.length > 0;
  }

  /** Adds many members in one statement (those already in stay as they are); the ids of those added now. */
  async addMembers(workspaceId: string, members: { userId: string; role: Role }[]): Promise<string[]> {
    if (members.length === 0) return [];
    const { rows } = await this.db.conn.raw<{ rows: { user_id: string }[] }>(
      `INSERT INTO workspace_members (workspace_id, user_id, role)
       SELECT ?, t.user_id, t.role FROM unnest(?::uuid[], ?::text[]) AS t(user_id, role)
       ON CONFLICT (workspace_id, user_id) DO NOTHING
       RETURNING user_id`,
      [workspaceId, members.map((m) => m.userId), members.map((m) => m.role)],
    );
    return rows.map((row) => row.user_id);
  }

  async findMembers(workspaceId: string, userIds: string[]): Promise<MemberRow[]> {
    if (userIds.length === 0) return [];
    const members: MemberRow[] = await this.memberQuery(workspaceId).whereRaw('m.user_id = ANY (?::uuid[])', [
      userIds,
    ]);
    return members;
  }

  async updateRole(workspaceId: string, userId: string, role: Role): Promise<void> {
    await this.db.conn('workspaceMembers').update({ role }).where({ workspaceId, userId });
  }

  /** Removes the member and their channel memberships in this workspace; returns the channels they left. */
  async removeMember(workspaceId: string, userId: string): Promise<string[]> {
    const channels = await this.db
      .conn('channelMembers')
      .where({ workspaceId, userId })
      .delete()
      .returning<{ channelId: string }[]>('channelId');
    await this.db.conn('workspaceMembers').delete().where({ workspaceId, userId });
    return channels.map((row) => row.channelId);
  }

  /** Owners, locked for the rest of the transaction so two demotions cannot both pass the last-owner check. */
  async lockOwners(workspaceId: string): Promise<string[]> {
    const rows = await this.db
      .conn('workspaceMembers')
      .where({ workspaceId, role: 'owner' })
      .forUpdate()
      .select<{ userId: string }[]>('userId');
    return rows.map((row) => row.userId);
  }

  async createInvite(
    invite: Pick<
      InviteRow,
      'id' | 'workspaceId' | 'codeHash' | 'role' | 'maxUses' | 'expiresAt' | 'createdBy'
    >,
  ): Promise<InviteRow> {
    const [created] = await this.db.conn<InviteRow>('invites').insert(invite).returning('*');
    return created;
  }

  /** Locks the invite row so concurrent accepts cannot exceed its uses. */
  async findInviteForUpdate(codeHash: Buffer): Promise<InviteRow | undefined> {
    return await this.db.conn<InviteRow>('invites').where({ codeHash }).forUpdate().first();
  }

  /** Invites neither expired at `now` nor used up, newest first. */
  async listOpenInvites(workspaceId: string, now: Date): Promise<InviteRow[]> {
    return await this.db
      .conn<InviteRow>('invites')
      .where({ workspaceId })
      .where('expiresAt', '>', now)
      .whereRaw('uses < max_uses')
      .orderBy('createdAt', 'desc')
      .limit(200);
  }

  /** Whether an invite of the workspace was there to delete. */
  async deleteInvite(workspaceId: string, id: string): Promise<boolean> {
    return (await this.db.conn('invites').delete().where({ workspaceId, id })) > 0;
  }

  async useInvite(id: string): Promise<void> {
    await this.db.conn('invites').increment('uses', 1).where({ id });
  }

  private memberQuery(workspaceId?: string) {
    const query = this.db.conn('workspaceMembers as m').join('users as u', 'u.id', 'm.userId');
    if (workspaceId) void query.where('m.workspaceId', workspaceId);
    return query.select('m.userId', 'u.displayName', 'm.role', 'u.isBot', 'u.avatarVersion', 'm.joinedAt');
  }
}
