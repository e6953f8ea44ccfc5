import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditService } from '../audit/audit.service';
import { hashToken } from '../auth/tokens';
import { newId } from '../common/ids';
import { decodeCursor, Page, PageQuery, toPage } from '../common/pagination';
import { conflict, forbidden, notFound, ProblemException } from '../common/problem';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/errors';
import { EventsRepository } from '../events/events.repository';
import { MembershipCache } from '../memberships/membership-cache';
import { avatarUrl } from '../profiles/profiles.schemas';
import { Clock } from '../common/clock';
import { MemberRow, WorkspacesRepository, WorkspaceWithRole } from './workspaces.repository';
import type { WorkspaceRow } from './workspaces.repository';
import type { InviteView, MemberView, OpenInvite, Role, WorkspaceView } from './workspaces.schemas';

/** The caller's standing in a workspace, resolved on every request (so role changes apply at once). */
export interface Membership {
  workspaceId: string;
  userId: string;
  role: Role;
}

export const isAdmin = (membership: Membership) => membership.role === 'owner' || membership.role === 'admin';

const toWorkspaceView = (workspace: WorkspaceRow, role: Role): WorkspaceView => ({
  id: workspace.id,
  name: workspace.name,
  slug: workspace.slug,
  role,
  createdAt: workspace.createdAt.toISOString(),
});

const toMemberView = (member: MemberRow): MemberView => ({
  userId: member.userId,
  displayName: member.displayName,
  role: member.role,
  isBot: member.isBot,
  avatarUrl: avatarUrl(member.userId, member.avatarVersion),
  joinedAt: member.joinedAt.toISOString(),
});

@Injectable()
export class WorkspacesService {
  constructor(
    private readonly db: Database,
    private readonly repository: WorkspacesRepository,
    private readonly events: EventsRepository,
    private readonly memberships: MembershipCache,
    private readonly clock: Clock,
    private readonly audit: AuditService,
  ) {}

  /**
   * The user's standing in the workspace, from this instance's membership cache; inside a transaction (a
   * change that depends on it) from the row itself.
   */
  async findMembership(workspaceId: string, userId: string): Promise<Membership | undefined> {
    const role = this.db.inTransaction
      ? (await this.repository.findMember(workspaceId, userId))?.role
      : (await this.memberships.workspaceRoles(workspaceId)).get(userId);
    return role && { workspaceId, userId, role };
  }

  async findMember(workspaceId: string, userId: string): Promise<MemberView | undefined> {
    const member = await this.repository.findMember(workspaceId, userId);
    return member && toMemberView(member);
  }

  /** Of `userIds`, those in the workspace, in the order given. */
  async filterMembers(workspaceId: string, userIds: string[]): Promise<string[]> {
    const members = new Set(await this.repository.filterMembers(workspaceId, userIds));
    return userIds.filter((id) => members.has(id));
  }

  /** 404 for non-members: a workspace one does not belong to is indistinguishable from none. */
  async requireMember(workspaceId: string, userId: string): Promise<Membership> {
    const membership = await this.findMembership(workspaceId, userId);
    if (!membership) throw notFound('Workspace');
    return membership;
  }

  async requireAdmin(workspaceId: string, userId: string): Promise<Membership> {
    const membership = await this.requireMember(workspaceId, userId);
    if (!isAdmin(membership)) throw forbidden('Only workspace owners and admins may do this');
    return membership;
  }

  async create(userId: string, name: string, slug: string): Promise<WorkspaceView> {
    try {
      return await this.db.transaction(async () => {
        const workspace = await this.repository.create({
          id: newId(),
          name: name.trim(),
          slug,
          createdBy: userId,
        });
        await this.join(workspace.id, userId, 'owner');
        return toWorkspaceView(workspace, 'owner');
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`The slug "${slug}" is taken`);
      throw error;
    }
  }

  async list(userId: string, page: PageQuery): Promise<Page<WorkspaceView>> {
    const after = decodeCursor(page.cursor, { id: 'uuid' });
    const rows = await this.repository.listForUser(userId, page.limit + 1, after?.id);
    const views = rows.map((row: WorkspaceWithRole) => toWorkspaceView(row, row.role));
    return toPage(views, page.limit, (last) => ({ id: last.id }));
  }

  async get(workspaceId: string, userId: string): Promise<WorkspaceView> {
    const workspace = await this.repository.findForMember(workspaceId, userId);
    if (!workspace) throw notFound('Workspace');
    return toWorkspaceView(workspace, workspace.role);
  }

  async listMembers(workspaceId: string, userId: string, page: PageQuery): Promise<Page<MemberView>> {
    await this.requireMember(workspaceId, userId);
    const after = decodeCursor(page.cursor, { userId: 'uuid' });
    const rows = await this.repository.listMembers(workspaceId, page.limit + 1, after?.userId);
    return toPage(rows.map(toMemberView), page.limit, (last) => ({ userId: last.userId }));
  }

  /** Every member's id (for callers who are members themselves). */
  async memberIds(workspaceId: string, userId: string): Promise<string[]> {
    await this.requireMember(workspaceId, userId);
    return this.repository.memberIds(workspaceId);
  }

  async createInvite(
    workspaceId: string,
    userId: string,
    input: { role: Role; expiresInHours: number; maxUses: number },
  ): Promise<InviteView> {
    const actor = await this.requireAdmin(workspaceId, userId);
    if (input.role === 'admin' && actor.role !== 'owner') throw forbidden('Only owners may invite admins');
    const code = randomBytes(18).toString('base64url');
    const invite = await this.db.transaction(async () => {
      const created = await this.repository.createInvite({
        id: newId(),
        workspaceId,
        codeHash: hashToken(code),
        role: input.role,
        maxUses: input.maxUses,
        expiresAt: new Date(this.clock.now() + input.expiresInHours * 3_600_000),
        createdBy: userId,
      });
      await this.audit.record({
        action: 'invite.created',
        workspaceId,
        target: { kind: 'invite', id: created.id },
        summary: { role: created.role, maxUses: created.maxUses, expiresAt: created.expiresAt.toISOString() },
      });
      return created;
    });
    return {
      id: invite.id,
      code,
      role: invite.role,
      maxUses: invite.maxUses,
      expiresAt: invite.expiresAt.toISOString(),
    };
  }

  async listOpenInvites(workspaceId: string, userId: string): Promise<{ items: OpenInvite[] }> {
    await this.requireAdmin(workspaceId, userId);
    const invites = await this.repository.listOpenInvites(workspaceId, new Date(this.clock.now()));
    return {
      items: invites.map((invite) => ({
        id: invite.id,
        role: invite.role,
        uses: invite.uses,
        maxUses: invite.maxUses,
        expiresAt: invite.expiresAt.toISOString(),
        createdBy: invite.createdBy,
        createdAt: invite.createdAt.toISOString(),
      })),
    };
  }

  /** The link stops working at once; those who joined through it stay. */
  async revokeInvite(workspaceId: string, userId: string, inviteId: string): Promise<void> {
    await this.requireAdmin(workspaceId, userId);
    await this.db.transaction(async () => {
      if (!(await this.repository.deleteInvite(workspaceId, inviteId))) throw notFound('Invite');
      await this.audit.record({
        action: 'invite.revoked',
        workspaceId,
        target: { kind: 'invite', id: inviteId },
      });
    });
  }

  async acceptInvite(code: string, userId: string) {
    return this.db.transaction(async () => {
      const invite = await this.repository.findInviteForUpdate(hashToken(code));
      if (!invite) throw notFound('Invite');
      const existing = await this.repository.findMember(invite.workspaceId, userId);
      if (!existing) {
        if (invite.expiresAt.getTime() <= this.clock.now() || invite.uses >= invite.maxUses) {
          throw new ProblemException(410, 'This invite has expired or has been used up');
        }
        await this.repository.useInvite(invite.id);
        await this.join(invite.workspaceId, userId, invite.role);
      }
      const workspace = await this.get(invite.workspaceId, userId);
      return { workspace, member: { userId, role: workspace.role } };
    });
  }

  /** Whether two users belong to a workspace in common (and so may see each other's profile). */
  shareWorkspace(userId: string, otherId: string): Promise<boolean> {
    return userId === otherId ? Promise.resolve(true) : this.repository.shareWorkspace(userId, otherId);
  }

  /** Inside a transaction: tells each of the user's workspaces that their profile (name, avatar) changed. */
  async announceProfileChange(userId: string): Promise<void> {
    for (const { workspaceId, ...member } of await this.repository.membershipsOf(userId)) {
      await this.events.append('workspace.member_updated', { ...toMemberView(member), workspaceId });
    }
  }

  async updateRole(workspaceId: string, actorId: string, targetId: string, role: Role): Promise<MemberView> {
    return this.db.transaction(async () => {
      const actor = await this.requireAdmin(workspaceId, actorId);
      const target = await this.repository.findMember(workspaceId, targetId);
      if (!target) throw notFound('Member');
      const privileged = (r: Role) => r === 'owner' || r === 'admin';
      if ((privileged(role) || privileged(target.role)) && actor.role !== 'owner') {
        throw forbidden('Only owners may grant, change or revoke the admin and owner roles');
      }
      if (target.role === 'owner' && role !== 'owner') await this.assertNotLastOwner(workspaceId, targetId);
      if (target.role === role) return toMemberView(target);
      await this.repository.updateRole(workspaceId, targetId, role);
      const view = toMemberView({ ...target, role });
      await this.events.append('workspace.member_updated', { ...view, workspaceId });
      await this.audit.record({
        action: 'member.role_changed',
        workspaceId,
        target: { kind: 'user', id: targetId },
        summary: { from: target.role, to: role },
      });
      return view;
    });
  }

  /** Admins remove others (owners only by owners); anyone may leave. The last owner cannot go. */
  async removeMember(workspaceId: string, actorId: string, targetId: string): Promise<void> {
    await this.db.transaction(async () => {
      const actor = await this.requireMember(workspaceId, actorId);
      const target = await this.repository.findMember(workspaceId, targetId);
      if (!target) throw notFound('Member');
      if (actorId !== targetId) {
        if (!isAdmin(actor)) throw forbidden('Only workspace owners and admins may remove members');
        if ((target.role === 'owner' || target.role === 'admin') && actor.role !== 'owner') {
          throw forbidden('Only owners may remove admins and owners');
        }
      }
      if (target.role === 'owner') await this.assertNotLastOwner(workspaceId, targetId);
      await this.detach(workspaceId, target, actorId !== targetId ? actorId : undefined);
      await this.audit.record({
        action: 'member.removed',
        workspaceId,
        target: { kind: 'user', id: targetId },
        summary: { role: target.role, left: actorId === targetId },
      });
    });
  }

  /** Adds a bot user (a plugin's or an app's) as a member; the caller has already authorized the install. */
  async addBot(workspaceId: string, botUserId: string): Promise<void> {
    await this.db.transaction(() => this.join(workspaceId, botUserId, 'member'));
  }

  /**
   * Adds the people (and bots) of an import, set-based (an export names thousands); the caller has already
   * authorized the import.
   */
  async addImported(workspaceId: string, members: { userId: string; role: Role }[]): Promise<void> {
    await this.db.transaction(async () => {
      const added = await this.repository.addMembers(workspaceId, members);
      for (const member of await this.repository.findMembers(workspaceId, added)) {
        await this.events.append('workspace.member_joined', { ...toMemberView(member), workspaceId });
      }
    });
  }

  /** Removes a bot user when its install goes; no actor rules apply. */
  async removeBot(workspaceId: string, botUserId: string): Promise<void> {
    await this.db.transaction(async () => {
      const member = await this.repository.findMember(workspaceId, botUserId);
      if (member) await this.detach(workspaceId, member);
    });
  }

  /** Takes a member out of the workspace and its channels, with the events saying so. */
  private async detach(workspaceId: string, member: MemberRow, actorId?: string): Promise<void> {
    for (const channelId of await this.repository.removeMember(workspaceId, member.userId)) {
      await this.events.append('channel.member_left', {
        workspaceId,
        channelId,
        userId: member.userId,
        ...(actorId ? { actorId } : {}),
      });
    }
    await this.events.append('workspace.member_left', { ...toMemberView(member), workspaceId });
  }

  private async join(workspaceId: string, userId: string, role: Role): Promise<void> {
    if (!(await this.repository.addMember(workspaceId, userId, role))) return;
    const member = await this.repository.findMember(workspaceId, userId);
    if (member) await this.events.append('workspace.member_joined', { ...toMemberView(member), workspaceId });
  }

  private async assertNotLastOwner(workspaceId: string, userId: string): Promise<void> {
    const owners = await this.repository.lockOwners(workspaceId);
    if (owners.length === 1 && owners[0] === userId) {
      throw conflict('A workspace needs at least one owner; make someone else owner first');
    }
  }
}
