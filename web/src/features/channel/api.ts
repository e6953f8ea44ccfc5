import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, data, type Message } from '../../lib/api/client';
import { newClientMsgId } from '../../lib/ids';
import { deliver } from '../../lib/outbox';
import type { FileView } from '../../lib/api/upload';
import { messageKeys, removeMessage, updateMessage, type OutgoingMessage } from '../../lib/message-cache';

const PAGE_SIZE = 50;

/** A channel's history, newest page first; older pages load by cursor as the reader scrolls up. */
export function useHistory(channelId: string, enabled = true) {
  return useInfiniteQuery({
    enabled,
    queryKey: messageKeys.channel(channelId),
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/v1/channels/{channelId}/messages', {
          params: { path: { channelId }, query: { limit: PAGE_SIZE, cursor: pageParam } },
        }),
      ),
    initialPageParam: undefined as string | undefined,
    getNextPageParam: (page) => page.nextCursor ?? undefined,
    // The socket keeps it current; a refetch would drop the older pages already scrolled through.
    staleTime: Infinity,
  });
}

/** Where a page of history starts: older than a cursor, newer than one, or around a message. */
type HistoryPosition = { cursor: string } | { after: string } | { around: string };
const aroundPosition = (messageId: string): HistoryPosition => ({ around: messageId });

/**
 * A channel's history opened at one message (a jump link): the page around it, then older pages as the reader
 * scrolls up (next) and newer ones as they scroll down (previous), each page newest first.
 */
export function useHistoryAround(channelId: string, messageId: string | undefined) {
  return useInfiniteQuery({
    enabled: messageId !== undefined,
    queryKey: messageKeys.around(channelId, messageId ?? ''),
    queryFn: ({ pageParam }) =>
      data(
        api.GET('/api/v1/channels/{channelId}/messages', {
          params: { path: { channelId }, query: { limit: PAGE_SIZE, ...pageParam } },
        }),
      ),
    initialPageParam: aroundPosition(messageId ?? ''),
    getNextPageParam: (page): HistoryPosition | undefined =>
      page.nextCursor ? { cursor: page.nextCursor } : undefined,
    getPreviousPageParam: (page): HistoryPosition | undefined =>
      page.newerCursor ? { after: page.newerCursor } : undefined,
    staleTime: Infinity,
  });
}

export function useReplies(messageId: string) {
  return useQuery({
    queryKey: messageKeys.replies(messageId),
    queryFn: () =>
      data(
        api.GET('/api/v1/messages/{messageId}/replies', {
          params: { path: { messageId }, query: { limit: 200 } },
        }),
      ),
    staleTime: Infinity,
  });
}

export function useMessage(messageId: string) {
  return useQuery({
    queryKey: ['message', messageId],
    queryFn: () => data(api.GET('/api/v1/messages/{messageId}', { params: { path: { messageId } } })),
  });
}

/** Messages written here and not yet confirmed by the server, oldest first. */
export function useOutbox(channelId: string, threadId: string | null) {
  return useQuery<OutgoingMessage[]>({
    queryKey: messageKeys.outbox(channelId, threadId),
    queryFn: () => [],
    staleTime: Infinity,
    gcTime: Infinity,
  }).data;
}

/**
 * Sending with a clientMsgId: the message shows at once as pending, then is replaced by the server's copy, or
 * marked failed for a retry (by hand, or by itself when the connection comes back).
 */
export function useSend(channelId: string, threadId: string | null) {
  const client = useQueryClient();
  const retry = useCallback((entry: OutgoingMessage) => deliver(client, entry), [client]);
  const send = useCallback(
    (text: string, files: FileView[] = [], alsoSentToChannel = false) => {
      const entry: OutgoingMessage = {
        clientMsgId: newClientMsgId(),
        channelId,
        threadId,
        ...(alsoSentToChannel ? { alsoSentToChannel } : {}),
        text,
        files,
        status: 'pending',
        createdAt: new Date().toISOString(),
      };
      // The request first: showing the pending message waits for it, never the other way round.
      void deliver(client, entry);
      client.setQueryData<OutgoingMessage[]>(messageKeys.outbox(channelId, threadId), (outbox = []) => [
        ...outbox,
        entry,
      ]);
    },
    [client, channelId, threadId],
  );
  return { send, retry };
}

/** Editing and deleting one's own messages; the answer updates the cache at once (the event does it elsewhere). */
export function useMessageActions(message: Message) {
  const client = useQueryClient();
  const path = { params: { path: { messageId: message.id } } };
  const edit = useMutation({
    mutationFn: (text: string) =>
      data(api.PATCH('/api/v1/messages/{messageId}', { ...path, body: { text } })),
    onSuccess: (edited) => updateMessage(client, edited, () => edited),
  });
  const remove = useMutation({
    mutationFn: () => data(api.DELETE('/api/v1/messages/{messageId}', path)),
    onSuccess: () => removeMessage(client, message),
  });
  return { edit, remove };
}
