import { replaceShortcodes, type Shortcodes } from '../../lib/emoji';
import { uuidOfSlackId } from './slack-ids';

/** What turning Slack ids into names and links needs from the app. */
export interface MrkdwnContext {
  workspaceId: string;
  /** A user's display name by id. */
  nameOf: (userId: string) => string;
  /** A channel's name by id, when the reader knows it. */
  channelName: (channelId: string) => string | undefined;
  /** Emoji shortcodes (`:tada:`), once loaded. */
  shortcodes?: Shortcodes;
}

/** Slack's three entities, the only ones it sends (`&lt;` is how a literal `<` arrives). */
export function decodeEntities(text: string): string {
  return text.replace(/&(lt|gt|amp);/g, (_whole, name: string) =>
    name === 'lt' ? '<' : name === 'gt' ? '>' : '&',
  );
}

/** Every ASCII punctuation character backslash-escaped: CommonMark then shows it as typed, never as syntax. */
const escapeMarkdown = (text: string) => text.replace(/[!-/:-@[-`{-~]/g, '\\$&');

/** Text Slack shows as typed (entities decoded, emoji shortcodes replaced), as literal markdown. */
function literal(text: string, context: MrkdwnContext): string {
  const decoded = decodeEntities(text);
  return escapeMarkdown(context.shortcodes ? replaceShortcodes(decoded, context.shortcodes) : decoded);
}

const SAFE_LINK = /^(https?:|mailto:|tel:)/i;

/** A `<…>` token: a mention, a channel, a special (`!here`, `!date`) or a link with an optional label. */
function token(inner: string, context: MrkdwnContext): string {
  const bar = inner.indexOf('|');
  const target = bar < 0 ? inner : inner.slice(0, bar);
  const label = bar < 0 ? undefined : inner.slice(bar + 1);
  if (target.startsWith('@')) {
    const userId = uuidOfSlackId(target.slice(1), 'UWB');
    return literal(`@${userId ? context.nameOf(userId) : (label ?? target.slice(1))}`, context);
  }
  if (target.startsWith('#')) {
    const channelId = uuidOfSlackId(target.slice(1), 'CGD');
    const name = (channelId && context.channelName(channelId)) ?? label ?? target.slice(1);
    const text = literal(`#${name}`, context);
    return channelId ? `[${text}](</w/${context.workspaceId}/c/${channelId}>)` : text;
  }
  if (target.startsWith('!')) {
    const special = target.slice(1).split('^', 1).join('');
    return literal(
      label ?? (['here', 'channel', 'everyone'].includes(special) ? `@${special}` : ''),
      context,
    );
  }
  const url = decodeEntities(target);
  // Anything but a web, mail or phone link is shown as text (its label, or itself as typed): no javascript:,
  // data: or custom scheme becomes a link.
  if (!SAFE_LINK.test(url) || /[\s<>]/.test(url)) return literal(label ?? `<${inner}>`, context);
  return `[${literal(label ?? url, context)}](<${url}>)`;
}

/**
 * Inline mrkdwn: code spans, `<…>` tokens, then *bold*, _italic_ and ~strike~ (markers only where Slack takes
 * them: not inside a word, not around spaces); everything between is literal.
 */
const INLINE = new RegExp(
  [
    '`([^`\\n]+)`',
    '<([^<>\\n]+)>',
    ...['\\*', '_', '~'].map(
      (marker) =>
        `(?<![\\p{L}\\p{N}${marker}])${marker}(?=\\S)([^${marker}\\n]*?\\S)${marker}(?![\\p{L}\\p{N}])`,
    ),
  ].join('|'),
  'gu',
);

function inline(text: string, context: MrkdwnContext): string {
  let out = '';
  let last = 0;
  for (const match of text.matchAll(INLINE)) {
    out += literal(text.slice(last, match.index), context);
    const [, code, tag, bold, italic, strike] = match;
    if (code !== undefined) out += codeSpan(decodeEntities(code));
    else if (tag !== undefined) out += token(tag, context);
    else if (bold !== undefined) out += `**${inline(bold, context)}**`;
    else if (italic !== undefined) out += `*${inline(italic, context)}*`;
    else if (strike !== undefined) out += `~~${inline(strike, context)}~~`;
    last = match.index + match[0].length;
  }
  return out + literal(text.slice(last), context);
}

/** A fence of `char` longer than any run of it inside `code`, and at least `least` long. */
function fenceFor(code: string, char: '`' | '~', least: number): string {
  const runs = Array.from(code.matchAll(char === '`' ? /`+/g : /~+/g), (run) => run[0].length);
  return char.repeat(Math.max(least - 1, ...runs) + 1);
}

function codeSpan(code: string): string {
  const fence = fenceFor(code, '`', 1);
  return `${fence} ${code} ${fence}`;
}

function codeBlock(code: string): string {
  const fence = fenceFor(code, '~', 3);
  return `\n\n${fence}\n${code}\n${fence}\n\n`;
}

const QUOTE = /^(?:>|&gt;) ?/;

/**
 * Lines as Slack shows them: each a line break (not markdown's joined paragraph), `>` (or `&gt;`) at the start
 * quoting it, leading spaces kept as spaces (never markdown's indented code).
 */
function lines(source: string, context: MrkdwnContext): string {
  let out = '';
  let quoted: boolean | undefined;
  for (const each of source.split('\n')) {
    const quote = QUOTE.exec(each);
    const body = quote ? each.slice(quote[0].length) : each;
    const text = body.replace(/^[ \t]+/, '');
    const shown = '\u00a0'.repeat(body.length - text.length) + inline(text, context);
    // A quote starts or ends a paragraph: otherwise markdown would carry the next line into it.
    if (quoted !== undefined) out += quoted === Boolean(quote) ? '  \n' : '\n\n';
    out += quote ? `> ${shown}` : shown;
    quoted = Boolean(quote);
  }
  return out;
}

/**
 * Slack's mrkdwn as the client's markdown, for the same renderer (which drops raw HTML and unsafe links). Only
 * what mrkdwn means becomes syntax; every other character is escaped, so no markdown or HTML can be smuggled
 * in. Line breaks stay breaks, and ``` blocks become code blocks.
 */
export function mrkdwnToMarkdown(text: string, context: MrkdwnContext): string {
  const parts = text.split('```');
  // An unclosed fence is text, as typed.
  if (parts.length % 2 === 0) {
    const unclosed = parts.pop();
    parts[parts.length - 1] += `\`\`\`${unclosed}`;
  }
  return parts
    .map((part, index) =>
      // Odd parts sit between fences: code, shown as typed.
      index % 2 === 1 ? codeBlock(decodeEntities(part).replace(/^\n|\n$/g, '')) : lines(part, context),
    )
    .join('');
}
