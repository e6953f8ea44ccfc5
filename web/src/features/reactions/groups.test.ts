import { describe, expect, it } from 'vitest';
import { chipToggles, groupOf, groupReactions } from './groups';

const shortcodes = new Map([
  ['thumbsup', '👍'],
  ['+1', '👍'],
  ['tada', '🎉'],
]);
const reaction = (emoji: string, userIds: string[]) => ({ emoji, count: userIds.length, userIds });

describe('groupReactions', () => {
  it('shows reactions given as the emoji and by name as one chip, each person once', () => {
    const reactions = [
      reaction('thumbsup', ['bot', 'ann']),
      reaction('🎉', ['ann']),
      reaction('👍', ['bob', 'ann']),
      reaction(':+1:', ['cy']),
      reaction('partyparrot', ['bob']),
    ];
    expect(groupReactions(reactions, shortcodes)).toEqual([
      { glyph: '👍', forms: ['thumbsup', '👍', ':+1:'], userIds: ['bot', 'ann', 'bob', 'cy'] },
      { glyph: '🎉', forms: ['🎉'], userIds: ['ann'] },
      { glyph: ':partyparrot:', forms: ['partyparrot'], userIds: ['bob'] },
    ]);
  });

  it('takes an emoji with and without the variation selector as the same', () => {
    const reactions = [reaction('❤', ['ann']), reaction('❤️', ['bob'])];
    expect(groupReactions(reactions, shortcodes)).toEqual([
      { glyph: '❤', forms: ['❤', '❤️'], userIds: ['ann', 'bob'] },
    ]);
    // The picker gives 👍 with it; the chip of a reaction by name is found.
    expect(groupOf('👍\uFE0F', [reaction('thumbsup', ['bot'])], shortcodes)?.forms).toEqual(['thumbsup']);
    expect(groupOf('🎉', [reaction('thumbsup', ['bot'])], shortcodes)).toBeUndefined();
  });

  it('keeps names apart until the shortcode table has loaded', () => {
    const groups = groupReactions([reaction('thumbsup', ['bot']), reaction('👍', ['bob'])], undefined);
    expect(groups.map((group) => group.glyph)).toEqual([':thumbsup:', '👍']);
  });
});

describe('chipToggles', () => {
  const reactions = [reaction('thumbsup', ['bot', 'ann']), reaction('👍', ['ann'])];
  const group = { glyph: '👍', forms: ['thumbsup', '👍'] as [string, ...string[]], userIds: ['bot', 'ann'] };

  it('takes away every form of my reaction', () => {
    expect(chipToggles(group, reactions, 'ann')).toEqual([
      { emoji: 'thumbsup', add: false },
      { emoji: '👍', add: false },
    ]);
  });

  it('adds mine in the form first given, joining the reaction already there', () => {
    expect(chipToggles(group, reactions, 'bob')).toEqual([{ emoji: 'thumbsup', add: true }]);
  });
});
