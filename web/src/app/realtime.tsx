import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import type { DomainEvent } from '@jokkaer/sdk-plugin/events';
import { api, data } from '../lib/api/client';
import { addMessage, removeMessage, updateMessage } from '../lib/message-cache';
import { resendFailed } from '../lib/outbox';
import { RealtimeConnection, type RealtimeStatus } from '../lib/realtime';

/** Brings the query cache up to date with one event: messages in place, lists refetched. */
function applyEvent(client: QueryClient, event: DomainEvent): void {
  switch (event.type) {
    case 'message.created':
      return addMessage(client, event.data);
    case 'message.updated':
      return updateMessage(client, event.data, () => event.data);
    case 'message.deleted':
      return removeMessage(client, event.data);
    case 'reaction.added':
    case 'reaction.removed': {
      const { messageId, userId, emoji } = event.data;
      const added = event.type === 'reaction.added';
      return updateMessage(
        client,
        { id: messageId, channelId: event.data.channelId, threadId: null },
        (message) => {
          const others = message.reactions.filter((reaction) => reaction.emoji !== emoji);
          const current = message.reactions.find((reaction) => reaction.emoji === emoji)?.userIds ?? [];
          const userIds = added ? [...new Set([...current, userId])] : current.filter((id) => id !== userId);
          const reactions = userIds.length ? [...others, { emoji, count: userIds.length, userIds }] : others;
          return { ...message, reactions };
        },
      );
    }
    case 'channel.created':
    case 'channel.updated':
    case 'channel.archived':
    case 'channel.member_joined':
    case 'channel.member_left':
      return void client.invalidateQueries({ queryKey: ['channels', event.data.workspaceId] });
    case 'workspace.member_joined':
    case 'workspace.member_updated':
    case 'workspace.member_left':
      void client.invalidateQueries({ queryKey: ['members', event.data.workspaceId] });
      return void client.invalidateQueries({ queryKey: ['workspaces'] });
    default:
      return;
  }
}

const StatusContext = createContext<RealtimeStatus>('connecting');
const ConnectionContext = createContext<RealtimeConnection | null>(null);

/** The signed-in person's realtime socket, feeding the query cache for as long as they are signed in. */
export function RealtimeProvider({ children }: { children: ReactNode }) {
  const client = useQueryClient();
  const [status, setStatus] = useState<RealtimeStatus>('connecting');
  const [connection, setConnection] = useState<RealtimeConnection | null>(null);
  useEffect(() => {
    const realtime = new RealtimeConnection({
      ticket: async () => (await data(api.POST('/api/v1/realtime/tickets'))).ticket,
      event: (event) => applyEvent(client, event),
      // Active queries (what is on screen) refetch now, the others when next shown.
      resync: () => void client.invalidateQueries(),
      status: (next) => {
        setStatus(next);
        if (next === 'online') void resendFailed(client);
      },
    });
    realtime.start();
    setConnection(realtime);
    // The browser may say it is back before the socket notices it was gone.
    const online = () => {
      realtime.reconnectNow();
      void resendFailed(client);
    };
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      realtime.stop();
    };
  }, [client]);
  return (
    <ConnectionContext.Provider value={connection}>
      <StatusContext.Provider value={status}>{children}</StatusContext.Provider>
    </ConnectionContext.Provider>
  );
}

export const useRealtimeStatus = () => useContext(StatusContext);
export const useRealtime = () => useContext(ConnectionContext);
