import { useQueryClient, type QueryClient } from '@tanstack/react-query';
import { createContext, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { useNavigate } from 'react-router';
import type { DomainEvent } from '@jokkaer/sdk-plugin/events';
import { applyPresence, presenceKeys, TypingBook, TypingProvider } from '../features/presence';
import { api, data } from '../lib/api/client';
import { LateAnswerGuard } from '../lib/late-answers';
import {
  addMessage,
  addReply,
  addToHistory,
  cachedThreadOf,
  inTimeline,
  listsOf,
  messageKeys,
  removeMessage,
  updateMessage,
  withReaction,
} from '../lib/message-cache';
import { resendFailed } from '../lib/outbox';
import { RealtimeConnection, type RealtimeStatus } from '../lib/realtime';
import { session } from '../lib/session';
import { notifyOfMessage } from '../features/notifications/notify';
import { syncPushSubscription } from '../features/notifications/push';
import { applyUnreadEvent } from '../features/unread/cache';
import { addLaterAnswer } from '../features/commands/api';
import { applyViewFrame } from '../features/blocks/api';

/** Brings the query cache up to date with one event: messages in place, lists refetched. */
function applyEvent(
  client: QueryClient,
  guard: LateAnswerGuard,
  typing: TypingBook,
  event: DomainEvent,
): void {
  switch (event.type) {
    case 'message.created': {
      const message = event.data;
      // Their message is what they were typing.
      typing.stopped(message.channelId, message.userId);
      addMessage(client, message);
      // A fetch under way answers without it; the root's reply count is not counted twice.
      const lists = [
        ...(message.threadId ? [messageKeys.replies(message.threadId)] : []),
        ...(inTimeline(message) ? [messageKeys.channel(message.channelId)] : []),
      ];
      return guard.apply(lists, () => {
        addReply(client, message);
        if (inTimeline(message)) addToHistory(client, message);
      });
    }
    case 'message.updated':
      return guard.apply(listsOf(event.data), () => updateMessage(client, event.data, () => event.data));
    case 'message.deleted':
      return guard.apply(listsOf(event.data), () => removeMessage(client, event.data));
    case 'reaction.added':
    case 'reaction.removed': {
      const { messageId, userId, emoji, channelId } = event.data;
      const where = { id: messageId, channelId, threadId: cachedThreadOf(client, messageId) };
      return guard.apply(listsOf(where), () =>
        updateMessage(client, where, (message) =>
          withReaction(message, emoji, userId, event.type === 'reaction.added'),
        ),
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
  const navigate = useNavigate();
  // The socket outlives renders; a notification's click uses the router as it is then.
  const navigateRef = useRef(navigate);
  useEffect(() => {
    navigateRef.current = navigate;
  }, [navigate]);
  const [typing] = useState(() => new TypingBook());
  useEffect(() => {
    const guard = new LateAnswerGuard(client);
    const realtime = new RealtimeConnection({
      ticket: async () => (await data(api.POST('/api/v1/realtime/tickets'))).ticket,
      event: (event) => {
        applyEvent(client, guard, typing, event);
        const myId = session.get()?.user.id ?? '';
        // Counted at most once (the list says which message its counts run through), so safe to make again.
        guard.apply([['channels']], () => applyUnreadEvent(client, event, myId));
        void notifyOfMessage(client, event, myId, (path) => void navigateRef.current(path));
      },
      // Active queries (what is on screen) refetch now, the others when next shown.
      resync: () => void client.invalidateQueries(),
      status: (next) => {
        setStatus(next);
        if (next !== 'online') return;
        void resendFailed(client);
        // Statuses that changed while the socket was down were never sent: ask again.
        void client.invalidateQueries({ queryKey: presenceKeys.all });
      },
      signal: (frame) => {
        if (frame.type === 'typing') typing.typed(frame.channelId, frame.userId);
        else if (frame.type === 'presence') applyPresence(client, frame);
        else if (frame.type === 'view.opened' || frame.type === 'view.closed') applyViewFrame(client, frame);
        else addLaterAnswer(client, frame);
      },
    });
    realtime.start();
    setConnection(realtime);
    // Push with the tab closed: this browser's subscription, for whoever is signed in now.
    void syncPushSubscription().catch(() => undefined);
    // The browser may say it is back before the socket notices it was gone.
    const online = () => {
      realtime.reconnectNow();
      void resendFailed(client);
    };
    window.addEventListener('online', online);
    return () => {
      window.removeEventListener('online', online);
      realtime.stop();
      guard.dispose();
      typing.dispose();
    };
  }, [client, typing]);
  const typingValue = useMemo(
    () => ({ book: typing, send: (channelId: string) => connection?.send({ type: 'typing', channelId }) }),
    [typing, connection],
  );
  return (
    <ConnectionContext.Provider value={connection}>
      <StatusContext.Provider value={status}>
        <TypingProvider value={typingValue}>{children}</TypingProvider>
      </StatusContext.Provider>
    </ConnectionContext.Provider>
  );
}

export const useRealtimeStatus = () => useContext(StatusContext);
export const useRealtime = () => useContext(ConnectionContext);
