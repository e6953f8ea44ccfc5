/**
 * What a reaction may be, in one of two forms:
 * - a shortcode, as Slack and Mattermost name emoji: 1–64 of `a-z 0-9 _ + -` (`tada`, `+1`,
 *   `white_check_mark`, a custom emoji's name), bare or between colons (`:tada:`);
 * - exactly one emoji: one user-perceived character (an extended grapheme cluster, per Intl.Segmenter) that
 *   is an RGI emoji (`👍`, `👍🏽`, `👩‍💻`, `🇫🇷`, `1️⃣`, `✅`), or a single pictographic code point with or
 *   without its emoji variation selector (`❤`, `❤️`), which keyboards send either way.
 * Anything else (words, several emoji, letters, symbols that are not pictographs) is refused.
 */
const SHORTCODE = /^(?::[a-z0-9_+-]{1,64}:|[a-z0-9_+-]{1,64})$/;
// The `v` flag (sets of strings) is what \p{RGI_Emoji} needs; built at run time because the TypeScript target
// predates it.
const RGI_EMOJI = new RegExp('^\\p{RGI_Emoji}$', 'v');
const PICTOGRAPH = /^\p{Extended_Pictographic}\uFE0F?$/u;
const graphemes = new Intl.Segmenter(undefined, { granularity: 'grapheme' });

export function isReactionEmoji(value: string): boolean {
  if (SHORTCODE.test(value)) return true;
  const iterator = graphemes.segment(value)[Symbol.iterator]();
  const first = iterator.next();
  if (first.done || !iterator.next().done) return false;
  return RGI_EMOJI.test(value) || PICTOGRAPH.test(value);
}
