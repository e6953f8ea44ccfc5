import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Message, MessagePage } from '../../lib/api/client';
import { formatDay } from '../../lib/time';
import type { Row } from './MessageItem';
import { firstUnreadKey, historyRows, messageRows, rowLayout } from './rows';

const ME = 'me';
let serial = 0;

/** A message at a local time; ids grow with time, as the server's do. */
function message(userId: string, at: Date): Message {
  serial += 1;
  return {
    id: `0000${serial.toString().padStart(4, '0')}`,
    channelId: 'c',
    userId,
    text: 'hi',
    threadId: null,
    replyCount: 0,
    reactions: [],
    files: [],
    createdAt: at.toISOString(),
    editedAt: null,
  } as unknown as Message;
}

const at = (day: number, hour: number, minute: number) => new Date(2026, 2, day, hour, minute);

function layouts(rows: Row[], unreadKey?: string) {
  return rows.map((row, index) => rowLayout(rows[index - 1], row, ME, unreadKey));
}

describe('message rows', () => {
  it('groups one author’s messages within a few minutes, and starts again for another author or later', () => {
    const rows = messageRows([
      message('ada', at(3, 10, 0)),
      message('ada', at(3, 10, 2)),
      message('grace', at(3, 10, 3)),
      message('grace', at(3, 10, 20)),
    ]);
    expect(layouts(rows).map((layout) => layout.continued)).toEqual([false, true, false, false]);
  });

  it('starts a new group when one bot posts under another name', () => {
    const named = (username: string, minute: number) => ({
      ...message('hook', at(3, 10, minute)),
      botProfile: { username },
    });
    const rows = messageRows([named('Deploys', 0), named('Deploys', 1), named('Alerts', 2)]);
    expect(layouts(rows).map((layout) => layout.continued)).toEqual([false, true, false]);
  });

  it('puts a day separator above the first message of each day, which also starts a new group', () => {
    const rows = messageRows([
      message('ada', at(3, 23, 58)),
      message('ada', at(4, 0, 1)),
      message('ada', at(4, 0, 2)),
    ]);
    expect(layouts(rows)).toMatchObject([
      { newDay: true, continued: false },
      { newDay: true, continued: false },
      { newDay: false, continued: true },
    ]);
  });

  it('draws the "New messages" line above the first message of someone else after the marker', () => {
    const read = message('ada', at(3, 10, 0));
    const mine = message(ME, at(3, 10, 1));
    const firstNew = message('ada', at(3, 10, 2));
    const rows = messageRows([read, mine, firstNew, message('ada', at(3, 10, 3))]);
    const key = firstUnreadKey(rows, ME, read.id);
    expect(key).toBe(firstNew.id);
    expect(layouts(rows, key).map((layout) => layout.firstUnread)).toEqual([false, false, true, false]);
    // The line breaks a run: the first new message shows its author again.
    expect(layouts(rows, key)[2]?.continued).toBe(false);
    expect(layouts(rows, key)[3]?.continued).toBe(true);
  });

  it('has no line when nothing was unread, and one above the first message when nothing was read', () => {
    const rows = messageRows([message(ME, at(3, 9, 0)), message('ada', at(3, 10, 0))]);
    expect(firstUnreadKey(rows, ME, undefined)).toBeUndefined();
    expect(firstUnreadKey(rows, ME, null)).toBe(rows[1]?.key);
  });

  it('names the separator Today and Yesterday in the reader’s language, else by its date', () => {
    const now = at(4, 12, 0);
    expect(formatDay(at(4, 8, 0).toISOString(), 'en', now)).toBe('Today');
    expect(formatDay(at(3, 23, 0).toISOString(), 'en', now)).toBe('Yesterday');
    expect(formatDay(at(3, 23, 0).toISOString(), 'fr', now)).toBe('Hier');
    expect(formatDay(at(4, 8, 0).toISOString(), 'fr', now)).toBe('Aujourd’hui');
    expect(formatDay(at(2, 8, 0).toISOString(), 'en-GB', now)).toMatch(/^Monday,? 2 March 2026$/);
  });
});

const pageMessage = (id: string) => ({ id, createdAt: '2026-01-01T00:00:00.000Z' }) as Message;
const page = (...ids: string[]): MessagePage => ({
  items: ids.map(pageMessage),
  nextCursor: null,
  newerCursor: null,
});

describe('historyRows', () => {
  it('lowers the first index by the older pages only, also when newer pages join a history opened at a message', () => {
    const opened: InfiniteData<MessagePage, unknown> = {
      pages: [page('5', '4'), page('3', '2')],
      pageParams: [{ around: '4' }, { cursor: 'c' }],
    };
    const before = historyRows(opened, []);
    expect(before.rows.map((row) => row.key)).toEqual(['2', '3', '4', '5']);
    // A newer page arrives (fetched as the previous page): it joins at the bottom, the view must not move.
    const withNewer = {
      pages: [page('7', '6'), ...opened.pages],
      pageParams: [{ after: 'n' }, ...opened.pageParams],
    };
    const after = historyRows(withNewer, []);
    expect(after.rows.map((row) => row.key)).toEqual(['2', '3', '4', '5', '6', '7']);
    expect(after.firstItemIndex).toBe(before.firstItemIndex);
  });
});
