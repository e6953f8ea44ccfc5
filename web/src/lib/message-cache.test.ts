import { QueryClient } from '@tanstack/react-query';
import { describe, expect, it } from 'vitest';
import type { Message } from './api/client';
import { addMessage, messageKeys, withReaction, type History } from './message-cache';

const message = {
  id: 'm1',
  reactions: [
    { emoji: '👍', count: 1, userIds: ['u1'] },
    { emoji: '🎉', count: 2, userIds: ['u1', 'u2'] },
  ],
} as Message;

describe('withReaction', () => {
  it('adds a person to a chip in place, once however often the change is applied', () => {
    const once = withReaction(message, '👍', 'u2', true);
    expect(withReaction(once, '👍', 'u2', true)).toEqual(once);
    expect(once.reactions).toEqual([
      { emoji: '👍', count: 2, userIds: ['u1', 'u2'] },
      { emoji: '🎉', count: 2, userIds: ['u1', 'u2'] },
    ]);
  });

  it('puts a new emoji last and drops a chip nobody is left on', () => {
    expect(withReaction(message, '❤️', 'u3', true).reactions.map((r) => r.emoji)).toEqual(['👍', '🎉', '❤️']);
    expect(withReaction(message, '👍', 'u1', false).reactions).toEqual([
      { emoji: '🎉', count: 2, userIds: ['u1', 'u2'] },
    ]);
  });
});

describe('addMessage', () => {
  const posted = (id: string, extra: Partial<Message> = {}) =>
    ({ id, channelId: 'c', threadId: null, replyCount: 0, clientMsgId: null, ...extra }) as Message;

  it('puts a reply also sent to the channel in its thread and, once, at the top of the channel', () => {
    const client = new QueryClient();
    const root = posted('m1');
    client.setQueryData<History>(messageKeys.channel('c'), {
      pages: [{ items: [root], nextCursor: null, newerCursor: null }],
      pageParams: [undefined],
    });
    client.setQueryData(messageKeys.replies('m1'), { items: [], nextCursor: null });
    const quiet = posted('m2', { threadId: 'm1' });
    const loud = posted('m3', { threadId: 'm1', alsoSentToChannel: true });
    for (const message of [quiet, loud, loud]) addMessage(client, message);
    const history = client.getQueryData<History>(messageKeys.channel('c'))!;
    expect(history.pages[0]!.items.map((item) => [item.id, item.replyCount])).toEqual([
      ['m3', 0],
      ['m1', 2],
    ]);
    const replies = client.getQueryData<{ items: Message[] }>(messageKeys.replies('m1'))!;
    expect(replies.items.map((item) => item.id)).toEqual(['m2', 'm3']);
  });
});
