import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, data, type Channel } from '../../lib/api/client';
import { channelKeys } from '../sidebar/api';
import { badgeCount, setReadState } from './cache';

/** Long enough to fold a burst of arriving messages into one request, short enough that a badge clears at once. */
const MARK_READ_DELAY_MS = 300;

function subscribeVisibility(listener: () => void) {
  document.addEventListener('visibilitychange', listener);
  return () => document.removeEventListener('visibilitychange', listener);
}

/** Whether the tab is shown (not hidden behind another tab or a minimised window). */
export function useTabVisible(): boolean {
  return useSyncExternalStore(subscribeVisibility, () => document.visibilityState === 'visible');
}

/**
 * Marks the channel read up to `newestId` (the newest message the server confirmed: never one still being
 * sent) while it is in view and the tab is shown. The answer updates the sidebar here; `channel.read` tells
 * the reader's other tabs and devices.
 */
export function useMarkRead(channel: Channel, newestId: string | undefined, inView: boolean): void {
  const client = useQueryClient();
  const visible = useTabVisible();
  const behind =
    channel.isMember &&
    newestId !== undefined &&
    channel.unreadCount > 0 &&
    (channel.lastReadId === null || newestId > channel.lastReadId);
  useEffect(() => {
    if (!behind || !inView || !visible || !newestId) return;
    const timer = setTimeout(() => {
      void data(
        api.POST('/api/v1/channels/{channelId}/read', {
          params: { path: { channelId: channel.id } },
          body: { messageId: newestId },
        }),
      ).then(
        (state) => setReadState(client, channel.workspaceId, { ...state, id: state.channelId }),
        // A message deleted meanwhile, or a lost connection: the next message or visit tries again.
        () => undefined,
      );
    }, MARK_READ_DELAY_MS);
    return () => clearTimeout(timer);
  }, [behind, inView, visible, newestId, channel.id, channel.workspaceId, client]);
}

/**
 * Where the "New messages" line goes: the reader's marker as it stood when they opened the channel, kept while
 * it stays open (undefined when nothing was unread then). The view is keyed by channel, so this is per visit.
 */
export function useUnreadMarkerOnOpen(channel: Channel): string | null | undefined {
  const [readUpTo] = useState(() => markerOf(channel));
  return readUpTo;
}

const markerOf = (channel: Channel) => (channel.unreadCount > 0 ? channel.lastReadId : undefined);

/** The total of the workspace's badges, in the tab's title: "(3) Jōkkær". */
export function useTitleCount(channels: Channel[], appName: string): void {
  const total = channels.filter((channel) => channel.isMember).reduce((sum, c) => sum + badgeCount(c), 0);
  useEffect(() => {
    document.title = total > 0 ? `(${total}) ${appName}` : appName;
    return () => {
      document.title = appName;
    };
  }, [total, appName]);
}

/** Mutes or unmutes a channel for the reader; the sidebar follows at once. */
export function useMute(channel: Channel) {
  const client = useQueryClient();
  return useMutation({
    mutationFn: (muted: boolean) =>
      data(
        api.PUT('/api/v1/channels/{channelId}/notification-preferences', {
          params: { path: { channelId: channel.id } },
          body: { muted },
        }),
      ),
    onSuccess: () => client.invalidateQueries({ queryKey: channelKeys.list(channel.workspaceId) }),
  });
}
