import type { Message } from '../../lib/api/client';
import type { History, OutgoingMessage } from '../../lib/message-cache';
import type { Row } from './MessageItem';

/** Far enough from zero that Virtuoso's first index never goes negative as older pages are prepended. */
const FIRST_INDEX = 1_000_000;

export function messageRows(messages: Message[], outbox: OutgoingMessage[] = []): Row[] {
  return [
    ...messages.map((message): Row => ({ kind: 'message', key: message.id, message })),
    ...outbox.map((message): Row => ({ kind: 'outgoing', key: message.clientMsgId, message })),
  ];
}

/**
 * The history oldest first, then what is still being sent; and Virtuoso's first index, lowered by the rows of
 * the older pages only (new messages join the newest page, at the bottom, and must not move the view).
 */
export function historyRows(history: History | undefined, outbox: OutgoingMessage[] | undefined) {
  const pages = history?.pages ?? [];
  const messages = pages.flatMap((page) => page.items).reverse();
  const older = pages.slice(1).reduce((count, page) => count + page.items.length, 0);
  return { rows: messageRows(messages, outbox), firstItemIndex: FIRST_INDEX - older };
}
