import type { ChannelView, ReadStateView } from './channels.schemas';

export type ChannelEvent = ChannelView & { channelId: string };

export interface ChannelMemberEvent {
  workspaceId: string;
  channelId: string;
  userId: string;
  /** Who added or removed them, when it was not themself. */
  actorId?: string;
}

/** The reader's marker moved; told to the reader alone. */
export type ChannelReadEvent = ReadStateView & { workspaceId: string; userId: string };

export interface ChannelEvents {
  'channel.created': ChannelEvent;
  'channel.updated': ChannelEvent;
  'channel.archived': ChannelEvent;
  'channel.member_joined': ChannelMemberEvent;
  'channel.member_left': ChannelMemberEvent;
  'channel.read': ChannelReadEvent;
}
