import { describe, expect, it } from 'vitest';
import { loadShortcodes, reactionGlyph } from './emoji';

describe('reactionGlyph', () => {
  it('shows a reaction given by name as its emoji, and one given as an emoji as it is', async () => {
    const shortcodes = await loadShortcodes();
    expect(reactionGlyph('thumbsup', shortcodes)).toBe('👍');
    expect(reactionGlyph(':tada:', shortcodes)).toBe('🎉');
    expect(reactionGlyph('+1', shortcodes)).toBe('👍');
    expect(reactionGlyph('👍🏽', shortcodes)).toBe('👍🏽');
  });

  it('names a custom emoji, and any name before the table has loaded, between colons', async () => {
    expect(reactionGlyph('partyparrot', await loadShortcodes())).toBe(':partyparrot:');
    expect(reactionGlyph('thumbsup', undefined)).toBe(':thumbsup:');
  });
});
