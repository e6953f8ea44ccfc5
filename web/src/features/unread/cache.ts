import type { QueryClient } from '@tanstack/react-query';
import type { DomainEvent } from '@jokkaer/sdk-plugin/events';
import type { Answer, Channel, Message } from '../../lib/api/client';
import { inTimeline } from '../../lib/message-cache';
import { channelKeys } from '../sidebar/api';

type ChannelPage = Answer<'/api/v1/workspaces/{workspaceId}/channels', 'get'>;
type ReadState = Pick<Channel, 'id' | 'lastReadId' | 'unreadCount' | 'mentionCount'>;

/** The server stops counting here and clients show "99+". */
export const COUNT_CAP = 100;

/**
 * Whether a message calls on the reader: the server lists who it mentions (`<@id>`, the channel's members for
 * `@channel`, those online for `@here`).
 */
export const mentions = (message: { mentions?: string[] }, myId: string): boolean =>
  message.mentions?.includes(myId) ?? false;

/** The count a channel's badge shows: its mentions, and in a direct conversation every unread message. */
export const badgeCount = (channel: Channel): number =>
  channel.kind === 'dm' ? channel.unreadCount : channel.mentionCount;

/** Whether the sidebar shows the channel in bold: unread and not muted (muted ones only badge mentions). */
export const showsUnread = (channel: Channel): boolean => channel.unreadCount > 0 && !channel.muted;

export const capped = (count: number): string => (count >= COUNT_CAP ? '99+' : String(count));

function patchChannel(
  client: QueryClient,
  workspaceId: string,
  channelId: string,
  change: (channel: Channel) => Channel,
): void {
  client.setQueryData<ChannelPage>(
    channelKeys.list(workspaceId),
    (page) =>
      page && {
        ...page,
        items: page.items.map((channel) => (channel.id === channelId ? change(channel) : channel)),
      },
  );
}

export function findChannel(client: QueryClient, workspaceId: string, channelId: string) {
  return client
    .getQueryData<ChannelPage>(channelKeys.list(workspaceId))
    ?.items.find((channel) => channel.id === channelId);
}

/** The reader's marker moved (here, in another tab or on another device): the server's counts replace ours. */
export function setReadState(client: QueryClient, workspaceId: string, state: ReadState): void {
  patchChannel(client, workspaceId, state.id, (channel) => ({
    ...channel,
    lastReadId: state.lastReadId,
    unreadCount: state.unreadCount,
    mentionCount: state.mentionCount,
  }));
}

/** Whether a new message raises the reader's counts: someone else's, in the channel's timeline. */
export const countsAsUnread = (
  message: Pick<Message, 'userId' | 'threadId' | 'alsoSentToChannel'>,
  myId: string,
): boolean => message.userId !== myId && inTimeline(message);

/** Keeps the sidebar's counts live between fetches of the channel list. */
export function applyUnreadEvent(client: QueryClient, event: DomainEvent, myId: string): void {
  if (event.type === 'channel.read') {
    const { workspaceId, channelId, lastReadId, unreadCount, mentionCount } = event.data;
    return setReadState(client, workspaceId, { id: channelId, lastReadId, unreadCount, mentionCount });
  }
  if (event.type !== 'message.created') return;
  const message = event.data;
  if (!countsAsUnread(message, myId)) return;
  const mentioned = mentions(message, myId);
  // A conversation the list does not hold yet (a new DM): the server's counts come with the list.
  if (!findChannel(client, message.workspaceId, message.channelId)) {
    return void client.invalidateQueries({ queryKey: channelKeys.list(message.workspaceId) });
  }
  // Counted once: the list fetched while this event was on its way may already take the message in.
  const isNew = (after: string | null) => after === null || message.id > after;
  patchChannel(client, message.workspaceId, message.channelId, (channel) =>
    channel.isMember && isNew(channel.lastReadId) && isNew(channel.countedThroughId)
      ? {
          ...channel,
          unreadCount: Math.min(COUNT_CAP, channel.unreadCount + 1),
          mentionCount: Math.min(COUNT_CAP, channel.mentionCount + (mentioned ? 1 : 0)),
          countedThroughId: message.id,
        }
      : channel,
  );
}
