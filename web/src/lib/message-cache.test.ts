import { describe, expect, it } from 'vitest';
import type { Message } from './api/client';
import { withReaction } from './message-cache';

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
