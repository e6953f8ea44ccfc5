import { useInfiniteQuery, useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useCallback } from 'react';
import { api, data, type Message } from '../../lib/api/client';
import { newClientMsgId } from '../../lib/ids';
import { deliver } from '../../lib/outbox';
import { messageKeys, removeMessage, updateMessage, type OutgoingMessage } from '../../lib/message-cache';

const PAGE_SIZE = 50;

/** A channel's history, newest page first; older pages load by cursor as the reader scrolls up. */
export function useHistory(channelId: string) {
  return useInfiniteQuery({
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
    (text: string) => {
      const entry: OutgoingMessage = {
        clientMsgId: newClientMsgId(),
        channelId,
        threadId,
        text,
        status: 'pending',
        createdAt: new Date().toISOString(),
      };
      client.setQueryData<OutgoingMessage[]>(messageKeys.outbox(channelId, threadId), (outbox = []) => [
        ...outbox,
        entry,
      ]);
      void deliver(client, entry);
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
