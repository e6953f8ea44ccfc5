import type { QueryClient } from '@tanstack/react-query';
import type { DomainEvent } from '@jokkaer/sdk-plugin/events';
import { api, data, type Member } from '../../lib/api/client';
import { workspaceKeys } from '../workspaces/api';
import { findChannel, mentions } from '../unread/cache';

type MemberPage = { items: Member[] };

/** Whether the browser can show desktop notifications at all (not in every browser, nor in an insecure page). */
export const notificationsSupported = (): boolean =>
  typeof window !== 'undefined' && 'Notification' in window;

/**
 * A desktop notification for a new message that calls on the reader (a mention, @here, @channel, or any
 * message in a direct conversation) while the tab is hidden, unless they muted the channel. A click brings
 * the tab forward on the channel.
 */
export async function notifyOfMessage(
  client: QueryClient,
  event: DomainEvent,
  myId: string,
  open: (path: string) => void,
): Promise<void> {
  if (event.type !== 'message.created' || !notificationsSupported()) return;
  if (Notification.permission !== 'granted' || document.visibilityState === 'visible') return;
  const message = event.data;
  if (message.userId === myId) return;
  // A conversation started a moment ago is not in the channel list yet (nor muted).
  const channel =
    findChannel(client, message.workspaceId, message.channelId) ??
    (await data(
      api.GET('/api/v1/channels/{channelId}', { params: { path: { channelId: message.channelId } } }),
    ).then(
      (found) => ({ ...found, muted: false, isMember: true }),
      () => undefined,
    ));
  if (!channel?.isMember || channel.muted) return;
  if (channel.kind !== 'dm' && !mentions(message, myId)) return;
  const members = client.getQueryData<MemberPage>(workspaceKeys.members(message.workspaceId));
  const author = members?.items.find((member) => member.userId === message.userId)?.displayName ?? '';
  const title = channel.kind === 'dm' ? author : `${author} · #${channel.name ?? ''}`;
  const notification = new Notification(title, { body: message.text.slice(0, 200), tag: message.id });
  notification.onclick = () => {
    window.focus();
    open(`/w/${message.workspaceId}/c/${message.channelId}`);
    notification.close();
  };
}
