import type { Message } from '../../lib/api/client';
import type { History, OutgoingMessage } from '../../lib/message-cache';
import type { Row } from './MessageItem';

const isAround = (param: unknown) => typeof param === 'object' && param !== null && 'around' in param;

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
 * the pages older than the first one loaded only (new messages and newer pages join at the bottom, and must
 * not move the view). The first page loaded is the newest, or the one around a message opened by link.
 */
export function historyRows(history: History | undefined, outbox: OutgoingMessage[] | undefined) {
  const pages = history?.pages ?? [];
  const messages = pages.flatMap((page) => page.items).reverse();
  const first = Math.max(0, (history?.pageParams ?? []).findIndex(isAround));
  const older = pages.slice(first + 1).reduce((count, page) => count + page.items.length, 0);
  return { rows: messageRows(messages, outbox), firstItemIndex: FIRST_INDEX - older };
}
