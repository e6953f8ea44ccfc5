import type { StoredEvent } from '../events/events.repository';
import type { Role } from '../workspaces/workspaces.schemas';

/**
 * Who may receive an event, described once and evaluated two ways: against the database for live delivery,
 * and against a viewer's loaded memberships for replays.
 */
export type Audience =
  | { kind: 'nobody' }
  /** Members of the channel; for public channel lifecycle events also the workspace's non-guests. */
  | { kind: 'channel'; workspaceId: string; channelId: string; nonGuests: boolean; alsoUserId?: string }
  | { kind: 'workspace'; workspaceId: string; alsoUserId?: string }
  /** The workspace's owners and admins (events about its configuration, such as a disabled webhook). */
  | { kind: 'admins'; workspaceId: string }
  /** One person, while they are in the workspace. */
  | { kind: 'user'; workspaceId: string; userId: string };

/** The memberships a viewer has now. */
export interface ViewerScope {
  userId: string;
  roles: Map<string, Role>;
  channelIds: Set<string>;
}

const CHANNEL_LIFECYCLE = new Set(['channel.created', 'channel.updated', 'channel.archived']);
const ADMIN_ONLY = new Set(['webhook.disabled']);

/** Events that concern one person alone, by the field naming them. */
const OWNED: Record<string, 'uploaderId' | 'userId' | undefined> = {
  // Until it is shared in a message, a file is its uploader's alone.
  'file.uploaded': 'uploaderId',
  // Read markers are private: the reader's other tabs and devices follow them, nobody else sees them.
  'channel.read': 'userId',
  // An import's progress is for whoever started it.
  'import.progress': 'userId',
  'export.progress': 'userId',
};

export function audienceOf(event: StoredEvent): Audience {
  const data = event.data as { kind?: string; userId?: string; uploaderId?: string };
  if (!event.workspaceId) return { kind: 'nobody' }; // internal events
  if (ADMIN_ONLY.has(event.type)) return { kind: 'admins', workspaceId: event.workspaceId };
  const owner = OWNED[event.type];
  if (owner) return { kind: 'user', workspaceId: event.workspaceId, userId: data[owner] as string };
  if (event.channelId) {
    return {
      kind: 'channel',
      workspaceId: event.workspaceId,
      channelId: event.channelId,
      nonGuests: CHANNEL_LIFECYCLE.has(event.type) && data.kind === 'public',
      // Whoever left is told so, though no longer a member.
      alsoUserId: event.type === 'channel.member_left' ? data.userId : undefined,
    };
  }
  return {
    kind: 'workspace',
    workspaceId: event.workspaceId,
    alsoUserId: event.type === 'workspace.member_left' ? data.userId : undefined,
  };
}

export function canSee(audience: Audience, viewer: ViewerScope): boolean {
  switch (audience.kind) {
    case 'nobody':
      return false;
    case 'user':
      return audience.userId === viewer.userId && viewer.roles.has(audience.workspaceId);
    case 'admins': {
      const role = viewer.roles.get(audience.workspaceId);
      return role === 'owner' || role === 'admin';
    }
    case 'workspace':
      return viewer.roles.has(audience.workspaceId) || audience.alsoUserId === viewer.userId;
    case 'channel': {
      if (viewer.channelIds.has(audience.channelId) || audience.alsoUserId === viewer.userId) return true;
      const role = viewer.roles.get(audience.workspaceId);
      return audience.nonGuests && role !== undefined && role !== 'guest';
    }
  }
}
