import { useEffect, useState } from 'react';

/** Where the emoji picker fetches its Emojibase data: our own origin (see vite.config.ts). */
declare const __EMOJIBASE_BASE__: string;
export const EMOJIBASE_URL = __EMOJIBASE_BASE__;

/** Shortcode (`tada`, `+1`) → emoji, as Slack names them (iamcal's set). */
export type Shortcodes = Map<string, string>;

const PRESENTATION = /^\p{Emoji_Presentation}$/u;

/** `1F44D` → 👍; a lone code point that is text by default (❤) gets the emoji variation selector (❤️). */
function fromHexcode(hexcode: string): string {
  const text = String.fromCodePoint(...hexcode.split('-').map((part) => parseInt(part, 16)));
  return [...text].length === 1 && !PRESENTATION.test(text) ? `${text}\uFE0F` : text;
}

let loading: Promise<Shortcodes> | undefined;
let loaded: Shortcodes | undefined;

/** The shortcode table, loaded once and lazily (its own chunk, kept out of the initial bundle). */
export function loadShortcodes(): Promise<Shortcodes> {
  loading ??= import('emojibase-data/en/shortcodes/iamcal.json').then(({ default: table }) => {
    const shortcodes: Shortcodes = new Map();
    for (const [hexcode, names] of Object.entries(table as Record<string, string | string[]>)) {
      for (const name of typeof names === 'string' ? [names] : names)
        shortcodes.set(name, fromHexcode(hexcode));
    }
    loaded = shortcodes;
    return shortcodes;
  });
  return loading;
}

/**
 * The shortcode table for a component: undefined until it has loaded (the first use starts that), then the
 * table, at once for every component drawn after.
 */
export function useShortcodes(): Shortcodes | undefined {
  const [shortcodes, setShortcodes] = useState(loaded);
  useEffect(() => {
    if (shortcodes) return;
    let live = true;
    void loadShortcodes().then((table) => live && setShortcodes(table));
    return () => {
      live = false;
    };
  }, [shortcodes]);
  return shortcodes;
}

const SHORTCODE = /:([a-z0-9_+-]{1,64}):/g;

/** Every known `:shortcode:` in a text replaced by its emoji; unknown ones are left as typed. */
export function replaceShortcodes(text: string, shortcodes: Shortcodes): string {
  return text.replace(SHORTCODE, (whole, name: string) => shortcodes.get(name) ?? whole);
}

const REACTION_NAME = /^:?([a-z0-9_+-]{1,64}):?$/;

/**
 * How a reaction is shown: the emoji itself, whether it was given as one (`👍`) or by its name (`thumbsup`,
 * `:thumbsup:`, as Slack apps and Mattermost send it); a name the table lacks (a custom emoji) as `:name:`.
 */
export function reactionGlyph(emoji: string, shortcodes: Shortcodes | undefined): string {
  const name = REACTION_NAME.exec(emoji)?.[1];
  if (name === undefined) return emoji;
  return shortcodes?.get(name) ?? `:${name}:`;
}

/** Shortcodes for an autocomplete: those starting with the query first, then those containing it. */
export function searchShortcodes(
  shortcodes: Shortcodes,
  query: string,
  limit: number,
): { name: string; emoji: string }[] {
  const needle = query.toLowerCase();
  const starts: { name: string; emoji: string }[] = [];
  const contains: { name: string; emoji: string }[] = [];
  for (const [name, emoji] of shortcodes) {
    if (name.startsWith(needle)) starts.push({ name, emoji });
    else if (name.includes(needle)) contains.push({ name, emoji });
  }
  return [...starts, ...contains].slice(0, limit);
}
