import type { ChannelView } from './channels.schemas';

export type ChannelEvent = ChannelView & { channelId: string };

export interface ChannelMemberEvent {
  workspaceId: string;
  channelId: string;
  userId: string;
  /** Who added or removed them, when it was not themself. */
  actorId?: string;
}

export interface ChannelEvents {
  'channel.created': ChannelEvent;
  'channel.updated': ChannelEvent;
  'channel.archived': ChannelEvent;
  'channel.member_joined': ChannelMemberEvent;
  'channel.member_left': ChannelMemberEvent;
}
