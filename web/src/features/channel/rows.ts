import type { Message } from '../../lib/api/client';
import type { History, OutgoingMessage } from '../../lib/message-cache';
import { dayKey, GROUP_WINDOW_MS } from '../../lib/time';
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

export const authorOf = (row: Row, myId: string): string =>
  row.kind === 'message' ? row.message.userId : myId;

/** The name a post gave itself (an incoming webhook's `username`): one hook may speak as several. */
const postedAs = (row: Row): string | undefined =>
  row.kind === 'message' ? row.message.botProfile?.username : undefined;

/** How a row sits among its neighbours. */
export interface RowLayout {
  /** The first row of a calendar day: a day separator above it. */
  newDay: boolean;
  /** Same author as the row above, within a few minutes: no avatar and name again. */
  continued: boolean;
  /** The first message the reader had not read when they opened the channel: the "New messages" line above it. */
  firstUnread: boolean;
}

/**
 * The key of the first row the reader had not read: the first message of someone else after `readUpTo`, the
 * marker when they opened the channel (null: nothing was read; undefined: nothing was unread). Message ids grow
 * with time; the reader's own messages are never unread.
 */
export function firstUnreadKey(rows: Row[], myId: string, readUpTo: string | null | undefined) {
  if (readUpTo === undefined) return undefined;
  return rows.find(
    (row) =>
      row.kind === 'message' &&
      row.message.userId !== myId &&
      (readUpTo === null || row.message.id > readUpTo),
  )?.key;
}

/** The layout of `row` after `previous`; a run of one author breaks at a new day and at the unread line. */
export function rowLayout(previous: Row | undefined, row: Row, myId: string, unreadKey?: string): RowLayout {
  const newDay = !previous || dayKey(previous.message.createdAt) !== dayKey(row.message.createdAt);
  const firstUnread = unreadKey !== undefined && row.key === unreadKey;
  const continued =
    !newDay &&
    !firstUnread &&
    previous !== undefined &&
    authorOf(previous, myId) === authorOf(row, myId) &&
    postedAs(previous) === postedAs(row) &&
    Date.parse(row.message.createdAt) - Date.parse(previous.message.createdAt) < GROUP_WINDOW_MS;
  return { newDay, continued, firstUnread };
}
