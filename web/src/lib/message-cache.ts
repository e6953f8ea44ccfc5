import type { InfiniteData, QueryClient } from '@tanstack/react-query';
import type { Message, MessagePage } from './api/client';
import type { FileView } from './api/upload';

/** Query keys of message lists: a channel's history (newest first, by page) and a thread's replies. */
export const messageKeys = {
  channel: (channelId: string) => ['messages', channelId] as const,
  /** A channel's history opened at one message (a jump link); also under `channel`'s key, as a prefix. */
  around: (channelId: string, messageId: string) => ['messages', channelId, 'around', messageId] as const,
  replies: (messageId: string) => ['replies', messageId] as const,
  outbox: (channelId: string, threadId: string | null) => ['outbox', channelId, threadId ?? ''] as const,
};

export type History = InfiniteData<MessagePage>;

/** A message written here that the server has not confirmed yet (or refused: then it can be retried). */
export interface OutgoingMessage {
  clientMsgId: string;
  channelId: string;
  threadId: string | null;
  /** A reply that also goes into the channel's timeline. */
  alsoSentToChannel?: boolean;
  text: string;
  /** Uploaded files that go with it. */
  files?: FileView[];
  status: 'pending' | 'failed';
  createdAt: string;
}

function mapHistory(
  history: History | undefined,
  change: (items: Message[]) => Message[],
): History | undefined {
  if (!history) return history;
  return { ...history, pages: history.pages.map((page) => ({ ...page, items: change(page.items) })) };
}

function mapReplies(page: MessagePage | undefined, change: (items: Message[]) => Message[]) {
  return page && { ...page, items: change(page.items) };
}

/** Whether a message is in its channel's timeline: top-level, or a reply also sent to the channel. */
export const inTimeline = (message: Pick<Message, 'threadId' | 'alsoSentToChannel'>): boolean =>
  message.threadId === null || message.alsoSentToChannel === true;

const has = (items: Message[], message: Message) => items.some((item) => item.id === message.id);

/**
 * Adds a message where it belongs (its thread, the channel's history, or both) unless it is already there, and
 * clears its outbox entry.
 */
export function addMessage(client: QueryClient, message: Message): void {
  if (message.threadId) {
    const thread = message.threadId;
    const replies = client.getQueryData<MessagePage>(messageKeys.replies(thread));
    if (replies && has(replies.items, message)) return;
    addReply(client, message);
    // Replies change no event of their root: its count is kept here.
    updateMessage(client, { id: thread, channelId: message.channelId, threadId: null }, (root) => ({
      ...root,
      replyCount: root.replyCount + 1,
    }));
  }
  if (inTimeline(message)) addToHistory(client, message);
  if (message.clientMsgId) {
    client.setQueryData<OutgoingMessage[]>(
      messageKeys.outbox(message.channelId, message.threadId),
      (outbox) => outbox?.filter((entry) => entry.clientMsgId !== message.clientMsgId),
    );
  }
}

/** Adds a timeline message to its channel's cached history, newest, unless it is already there. */
export function addToHistory(client: QueryClient, message: Message): void {
  client.setQueriesData<History>({ queryKey: messageKeys.channel(message.channelId) }, (history) => {
    if (!history || history.pages.some((page) => has(page.items, message))) return history;
    const [first, ...older] = history.pages;
    // A view opened at an older message gets new ones only once it has been read up to the newest.
    if (!first || first.newerCursor) return history;
    return { ...history, pages: [{ ...first, items: [message, ...first.items] }, ...older] };
  });
}

/** Adds a reply to its thread's cached list unless it is already there (the root's count is the caller's). */
export function addReply(client: QueryClient, reply: Message): void {
  if (!reply.threadId) return;
  client.setQueryData<MessagePage>(messageKeys.replies(reply.threadId), (page) =>
    page?.items.some((item) => item.id === reply.id) ? page : mapReplies(page, (items) => [...items, reply]),
  );
}

/** The cached lists an event about this message changes: its channel's history and the thread it is in or heads. */
export function listsOf(where: { id: string; channelId: string; threadId: string | null }) {
  return [
    messageKeys.channel(where.channelId),
    messageKeys.replies(where.threadId ?? where.id),
    ['message', where.id],
  ];
}

/** Applies a change to a message wherever it is shown. */
export function updateMessage(
  client: QueryClient,
  where: { id: string; channelId: string; threadId: string | null },
  change: (message: Message) => Message,
): void {
  const apply = (items: Message[]) => items.map((item) => (item.id === where.id ? change(item) : item));
  client.setQueriesData<History>({ queryKey: messageKeys.channel(where.channelId) }, (history) =>
    mapHistory(history, apply),
  );
  if (where.threadId) {
    client.setQueryData<MessagePage>(messageKeys.replies(where.threadId), (page) => mapReplies(page, apply));
  }
  client.setQueryData<MessagePage>(messageKeys.replies(where.id), (page) => mapReplies(page, apply));
  // A thread's root, as its panel shows it.
  client.setQueryData<Message>(['message', where.id], (message) => message && change(message));
}

/** A message with one person's reaction added or taken away (idempotent: events may repeat an optimistic change). */
export function withReaction(message: Message, emoji: string, userId: string, added: boolean): Message {
  const others = message.reactions.filter((reaction) => reaction.emoji !== emoji);
  const current = message.reactions.find((reaction) => reaction.emoji === emoji);
  const userIds = added
    ? [...new Set([...(current?.userIds ?? []), userId])]
    : (current?.userIds ?? []).filter((id) => id !== userId);
  if (!userIds.length) return { ...message, reactions: others };
  const changed = { emoji, count: userIds.length, userIds };
  // A chip keeps its place; a new emoji goes last.
  const reactions = current
    ? message.reactions.map((reaction) => (reaction.emoji === emoji ? changed : reaction))
    : [...others, changed];
  return { ...message, reactions };
}

/** The thread a cached reply belongs to (events about a message may not say). */
export function cachedThreadOf(client: QueryClient, messageId: string): string | null {
  for (const [, page] of client.getQueriesData<MessagePage>({ queryKey: ['replies'] })) {
    const found = page?.items.find((item) => item.id === messageId);
    if (found?.threadId) return found.threadId;
  }
  return null;
}

export function removeMessage(
  client: QueryClient,
  where: { id: string; channelId: string; threadId: string | null },
) {
  const drop = (items: Message[]) => items.filter((item) => item.id !== where.id);
  client.setQueriesData<History>({ queryKey: messageKeys.channel(where.channelId) }, (history) =>
    mapHistory(history, drop),
  );
  if (where.threadId) {
    client.setQueryData<MessagePage>(messageKeys.replies(where.threadId), (page) => mapReplies(page, drop));
  }
}

/** Finds a message in a channel's cached history (a thread root, to count its replies). */
export function findMessage(client: QueryClient, channelId: string, id: string): Message | undefined {
  const history = client.getQueryData<History>(messageKeys.channel(channelId));
  for (const page of history?.pages ?? []) {
    const found = page.items.find((item) => item.id === id);
    if (found) return found;
  }
  return undefined;
}
