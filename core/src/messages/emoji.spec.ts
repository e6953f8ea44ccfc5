import { isReactionEmoji } from './emoji';

describe('isReactionEmoji', () => {
  it.each(['tada', ':tada:', '+1', 'white_check_mark', 'x', 'a'.repeat(64)])(
    'accepts the shortcode %s',
    (code) => expect(isReactionEmoji(code)).toBe(true),
  );

  it.each(['👍', '👍🏽', '👩‍💻', '👨‍👩‍👧‍👦', '🇫🇷', '1️⃣', '✅', '❤', '❤️', '🏳️‍🌈'])('accepts the emoji %s', (emoji) =>
    expect(isReactionEmoji(emoji)).toBe(true),
  );

  it.each([
    ['empty', ''],
    ['words', 'two words'],
    ['a long shortcode', 'a'.repeat(65)],
    ['unbalanced colons', ':tada'],
    ['capitals', 'Tada'],
    ['two emoji', '👍👍'],
    ['an emoji and a letter', '👍a'],
    ['a letter', 'é'],
    ['a digit and a symbol', '#'],
    ['a lone skin tone on a letter', 'a🏽'],
    ['a combining mark pile', 'e\u0301\u0301'],
    ['a control character', '\u0007'],
    ['a lone surrogate', '\ud83d'],
  ])('refuses %s', (_what, value) => expect(isReactionEmoji(value)).toBe(false));
});
