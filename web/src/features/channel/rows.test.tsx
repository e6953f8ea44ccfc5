import type { InfiniteData } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Message, MessagePage } from '../../lib/api/client';
import { historyRows } from './rows';

const message = (id: string) => ({ id, createdAt: '2026-01-01T00:00:00.000Z' }) as Message;
const page = (...ids: string[]): MessagePage => ({
  items: ids.map(message),
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
