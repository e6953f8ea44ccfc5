import { Injectable } from '@nestjs/common';
import { newId } from '../common/ids';
import { decodeCursor, Page, PageQuery, toPage } from '../common/pagination';
import { badRequest, conflict, forbidden, notFound } from '../common/problem';
import { Database } from '../database/database';
import { isUniqueViolation } from '../database/errors';
import { EventsRepository } from '../events/events.repository';
import { MembershipCache } from '../memberships/membership-cache';
import { isAdmin, WorkspacesService } from '../workspaces/workspaces.service';
import type { ChannelRow } from './channels.repository';
import { ChannelForUser, ChannelsRepository, MarkerMoveAnswer } from './channels.repository';
import type { ViewerScope } from '../realtime/audience';
import type { Role } from '../workspaces/workspaces.schemas';
import type {
  ChannelKind,
  ChannelListItem,
  ChannelView,
  MarkReadBody,
  NotificationPreferencesView,
  ReadStateView,
  UpdateChannelBody,
} from './channels.schemas';

/** What the caller may do in a channel, decided from their workspace role and channel membership. */
export interface ChannelAccess {
  channel: ChannelRow;
  userId: string;
  isMember: boolean;
  isWorkspaceAdmin: boolean;
  isGuest: boolean;
}

/** How a user stands to a channel: its row, their role in its workspace, and whether they are a member. */
interface ChannelStanding {
  channel: ChannelRow;
  role: Role;
  isMember: boolean;
}

const standing = (found: ChannelForUser | undefined): ChannelStanding | undefined => {
  if (!found) return undefined;
  const { role, isMember, ...channel } = found;
  return { channel, role, isMember };
};

/** Members always see a channel; non-guest workspace members also see public ones. */
export const canRead = (channel: Pick<ChannelRow, 'kind'>, role: string, isMember: boolean) =>
  isMember || (channel.kind === 'public' && role !== 'guest');

export const toChannelView = (channel: ChannelRow, memberIds?: string[]): ChannelView => ({
  id: channel.id,
  workspaceId: channel.workspaceId,
  name: channel.name,
  kind: channel.kind,
  topic: channel.topic,
  archived: channel.archived,
  createdBy: channel.createdBy,
  createdAt: channel.createdAt.toISOString(),
  ...(channel.kind === 'dm' && memberIds ? { memberIds: [...memberIds].sort() } : {}),
});

@Injectable()
export class ChannelsService {
  constructor(
    private readonly db: Database,
    private readonly repository: ChannelsRepository,
    private readonly workspaces: WorkspacesService,
    private readonly events: EventsRepository,
    private readonly memberships: MembershipCache,
  ) {}

  /** Public channels and the member's own in one workspace; undefined for a non-member. */
  scopeIn(workspaceId: string, userId: string): Promise<ViewerScope | undefined> {
    return this.repository.scopeIn(workspaceId, userId);
  }

  /**
   * 404 unless the caller may read the channel: private channels and other workspaces stay invisible.
   * Decided from this instance's membership cache, but inside a transaction (a change of the channel or its
   * members) from the rows themselves.
   */
  async requireReadable(channelId: string, userId: string): Promise<ChannelAccess> {
    const found = this.db.inTransaction
      ? standing(await this.repository.findForUser(channelId, userId))
      : await this.findCachedForUser(channelId, userId);
    if (!found || !canRead(found.channel, found.role, found.isMember)) throw notFound('Channel');
    return this.toAccess(found, userId);
  }

  /** Writing (posting, reacting) takes membership; readers who are not members get 403. */
  async requireMember(channelId: string, userId: string): Promise<ChannelAccess> {
    const access = await this.requireReadable(channelId, userId);
    if (!access.isMember) throw forbidden('Join the channel first');
    return access;
  }

  /**
   * Inside a transaction: 403 unless the user is still a member, who then stays one until it commits (a
   * removal waits for it, and then sees whatever it did, such as joining a call).
   */
  async holdMembership(channelId: string, userId: string): Promise<void> {
    if (!(await this.repository.lockMembership(channelId, userId))) throw forbidden('Join the channel first');
  }

  async create(
    workspaceId: string,
    userId: string,
    input: { name: string; kind: ChannelKind; topic?: string },
  ) {
    const membership = await this.workspaces.requireMember(workspaceId, userId);
    if (membership.role === 'guest') throw forbidden('Guests cannot create channels');
    try {
      return await this.db.transaction(async () => {
        const channel = await this.repository.create({
          id: newId(),
          workspaceId,
          name: input.name,
          kind: input.kind,
          topic: input.topic ?? '',
          dmKey: null,
          createdBy: userId,
        });
        const view = toChannelView(channel);
        await this.events.append('channel.created', { ...view, channelId: channel.id });
        await this.addMembers(channel, [userId], userId);
        return view;
      });
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict(`A channel named "${input.name}" already exists`);
      throw error;
    }
  }

  /** The same set of people always gets the same conversation (keyed by their sorted ids). */
  async openDm(
    workspaceId: string,
    userId: string,
    userIds: string[],
  ): Promise<{ created: boolean; dm: ChannelView }> {
    await this.workspaces.requireMember(workspaceId, userId);
    const people = [...new Set([userId, ...userIds])].sort();
    const errors = [];
    for (const [index, id] of userIds.entries()) {
      if (!(await this.workspaces.findMembership(workspaceId, id))) {
        errors.push({ path: `userIds/${index}`, message: 'is not a member of this workspace' });
      }
    }
    if (errors.length) throw badRequest('Every participant must be a member of the workspace', errors);
    const dmKey = people.join(',');
    const existing = await this.repository.findDm(workspaceId, dmKey);
    if (existing) return { created: false, dm: toChannelView(existing, people) };
    try {
      return await this.db.transaction(async () => {
        const channel = await this.repository.create({
          id: newId(),
          workspaceId,
          name: null,
          kind: 'dm',
          topic: '',
          dmKey,
          createdBy: userId,
        });
        const view = toChannelView(channel, people);
        await this.events.append('channel.created', { ...view, channelId: channel.id });
        await this.addMembers(channel, people, userId);
        return { created: true, dm: view };
      });
    } catch (error) {
      const raced = isUniqueViolation(error) ? await this.repository.findDm(workspaceId, dmKey) : undefined;
      if (raced) return { created: false, dm: toChannelView(raced, people) };
      throw error;
    }
  }

  async list(workspaceId: string, userId: string, page: PageQuery): Promise<Page<ChannelListItem>> {
    const membership = await this.workspaces.requireMember(workspaceId, userId);
    const after = decodeCursor(page.cursor, { id: 'uuid' });
    const rows = await this.repository.listVisible(
      workspaceId,
      userId,
      membership.role !== 'guest',
      page.limit + 1,
      after?.id,
    );
    // A DM is named after its people: the list carries them, as a DM's own view does.
    const items = await Promise.all(
      rows.map(async (row) => ({
        ...toChannelView(
          row,
          row.kind === 'dm' ? [...((await this.memberships.channel(row.id))?.memberIds ?? [])] : undefined,
        ),
        isMember: row.isMember,
        muted: row.muted,
        lastReadId: row.lastReadId ?? null,
        unreadCount: row.unreadCount,
        mentionCount: row.mentionCount,
        countedThroughId: row.countedThroughId ?? null,
      })),
    );
    return toPage(items, page.limit, (last) => ({ id: last.id }));
  }

  /**
   * Moves the member's read marker to a channel message (forward only), or with `markUnread` back to just
   * before it. Each move is told to the member's own sockets, so their other tabs and devices follow.
   */
  async markRead(channelId: string, userId: string, input: MarkReadBody): Promise<ReadStateView> {
    // A channel's workspace never changes: the cache names it for the event. Then one statement makes the
    // membership check, the message check, the move, the read state and its event.
    const workspaceId = (await this.memberships.channel(channelId))?.channel.workspaceId;
    if (!workspaceId) throw notFound('Channel');
    const move = this.repository.markerMove(channelId, userId, input.messageId, input.markUnread === true);
    const outcome = await this.events.appendWithOutcome<'channel.read', MarkerMoveAnswer>(
      'channel.read',
      { workspaceId, channelId },
      move,
    );
    const found = outcome?.answer;
    if (!found || !canRead(found, found.role, found.isMember)) throw notFound('Channel');
    if (!found.isMember) throw forbidden('Join the channel first');
    if (!found.channelMessage) {
      throw badRequest('The read marker stands on a message of the channel', [
        {
          path: 'messageId',
          message:
            found.channelMessage === false
              ? 'is a thread reply, not a channel message'
              : 'is not a message in this channel',
        },
      ]);
    }
    // A member has a read state: both come from the statement's one snapshot.
    return found.state!;
  }

  /** A member's mute, which only they see: the channel list carries it. */
  async setNotificationPreferences(
    channelId: string,
    userId: string,
    muted: boolean,
  ): Promise<NotificationPreferencesView> {
    const { channel } = await this.requireMember(channelId, userId);
    if (!(await this.repository.setMuted(channel.id, userId, muted)))
      throw forbidden('Join the channel first');
    return { channelId: channel.id, muted };
  }

  async get(channelId: string, userId: string): Promise<ChannelView> {
    const { channel } = await this.requireReadable(channelId, userId);
    const members =
      channel.kind === 'dm' ? (await this.memberships.channel(channel.id))?.memberIds : undefined;
    return toChannelView(channel, members && [...members]);
  }

  /** Who among `userIds` a notification of the channel may reach: its members who have not muted it. */
  notifiable(channelId: string, userIds: string[]): Promise<string[]> {
    return this.repository.unmutedMembersAmong(channelId, userIds);
  }

  /** The ids of a channel's members, for whoever already holds access to it. */
  memberIds(channelId: string): Promise<string[]> {
    return this.repository.memberIds(channelId);
  }

  /**
   * A direct conversation of the workspace with its members, whoever asks: for plugins granted
   * `messages.addressed`, which are told of DMs they are not in. Undefined for any other channel.
   */
  async findDirect(workspaceId: string, channelId: string): Promise<ChannelView | undefined> {
    // From the membership cache: the push dispatcher asks this for every new message.
    const cached = await this.memberships.channel(channelId);
    if (cached?.channel.kind !== 'dm' || cached.channel.workspaceId !== workspaceId) return undefined;
    return toChannelView(cached.channel, [...cached.memberIds]);
  }

  /**
   * Topic: any non-guest member. Name and archiving: the channel's creator or a workspace admin.
   * An archived channel only accepts being unarchived.
   */
  async update(channelId: string, userId: string, patch: UpdateChannelBody): Promise<ChannelView> {
    return this.db.transaction(async () => {
      const access = await this.requireReadable(channelId, userId);
      const { channel } = access;
      if (access.isGuest) throw forbidden('Guests cannot change channels');
      const manages = access.isWorkspaceAdmin || channel.createdBy === userId;
      if ((patch.name !== undefined || patch.archived !== undefined) && !manages) {
        throw forbidden("Only the channel's creator or a workspace admin may rename or archive it");
      }
      if (patch.topic !== undefined && !access.isMember && !access.isWorkspaceAdmin) {
        throw forbidden('Join the channel to change its topic');
      }
      if (patch.name !== undefined && channel.kind === 'dm') {
        throw badRequest('Direct conversations have no name', [
          { path: 'name', message: 'is not allowed for a DM' },
        ]);
      }
      if (
        channel.archived &&
        (patch.name !== undefined || patch.topic !== undefined) &&
        patch.archived !== false
      ) {
        throw conflict('The channel is archived; unarchive it first');
      }
      let updated: ChannelRow;
      try {
        updated = await this.repository.update(channel.id, patch);
      } catch (error) {
        if (isUniqueViolation(error)) throw conflict(`A channel named "${patch.name}" already exists`);
        throw error;
      }
      const view = toChannelView(
        updated,
        channel.kind === 'dm' ? await this.repository.memberIds(channel.id) : undefined,
      );
      await this.events.append('channel.updated', { ...view, channelId: channel.id });
      if (updated.archived && !channel.archived) {
        await this.events.append('channel.archived', { ...view, channelId: channel.id });
      }
      return view;
    });
  }

  async join(channelId: string, userId: string): Promise<ChannelView> {
    return this.db.transaction(async () => {
      const access = await this.requireReadable(channelId, userId);
      this.assertOpenMembership(access.channel);
      await this.addMembers(access.channel, [userId], userId);
      return toChannelView(access.channel);
    });
  }

  async leave(channelId: string, userId: string): Promise<void> {
    await this.removeMember(channelId, userId, userId);
  }

  /** Members add people to their channel (guests may not); the person must be in the workspace. */
  async addMember(channelId: string, actorId: string, targetId: string): Promise<void> {
    await this.db.transaction(async () => {
      const access = await this.requireReadable(channelId, actorId);
      this.assertOpenMembership(access.channel);
      if (access.isGuest) throw forbidden('Guests cannot add members');
      if (!access.isMember && !access.isWorkspaceAdmin) throw forbidden('Join the channel first');
      if (!(await this.workspaces.findMembership(access.channel.workspaceId, targetId)))
        throw notFound('Member');
      await this.addMembers(access.channel, [targetId], actorId);
    });
  }

  /** Anyone may leave; removing someone else takes the channel's creator or a workspace admin. */
  async removeMember(channelId: string, actorId: string, targetId: string): Promise<void> {
    await this.db.transaction(async () => {
      const access = await this.requireReadable(channelId, actorId);
      const { channel } = access;
      if (channel.kind === 'dm')
        throw forbidden('People cannot leave or be removed from a direct conversation');
      if (actorId !== targetId && !access.isWorkspaceAdmin && channel.createdBy !== actorId) {
        throw forbidden("Only the channel's creator or a workspace admin may remove members");
      }
      if (await this.repository.removeMember(channel.id, targetId)) {
        await this.events.append('channel.member_left', {
          workspaceId: channel.workspaceId,
          channelId: channel.id,
          userId: targetId,
          ...(actorId !== targetId ? { actorId } : {}),
        });
      } else if (actorId !== targetId) {
        throw notFound('Member');
      }
    });
  }

  private assertOpenMembership(channel: ChannelRow): void {
    if (channel.kind === 'dm') throw forbidden('The people in a direct conversation are fixed');
    if (channel.archived) throw conflict('The channel is archived');
  }

  private async addMembers(channel: ChannelRow, userIds: string[], actorId: string): Promise<void> {
    const added = await this.repository.addMembers(channel.workspaceId, channel.id, userIds);
    for (const userId of added) {
      await this.events.append('channel.member_joined', {
        workspaceId: channel.workspaceId,
        channelId: channel.id,
        userId,
        ...(actorId !== userId ? { actorId } : {}),
      });
    }
  }

  /** The channel as `userId` stands to it, found only through their workspace membership (as findForUser). */
  private async findCachedForUser(channelId: string, userId: string): Promise<ChannelStanding | undefined> {
    const cached = await this.memberships.channel(channelId);
    if (!cached) return undefined;
    const role = (await this.memberships.workspaceRoles(cached.channel.workspaceId)).get(userId);
    // The cached row itself, not a copy (on every request): the cache replaces a row, never changes it.
    return role && { channel: cached.channel, role, isMember: cached.memberIds.has(userId) };
  }

  private toAccess({ channel, role, isMember }: ChannelStanding, userId: string): ChannelAccess {
    return {
      channel,
      userId,
      isMember,
      isWorkspaceAdmin: isAdmin({ workspaceId: channel.workspaceId, userId, role }),
      isGuest: role === 'guest',
    };
  }
}
