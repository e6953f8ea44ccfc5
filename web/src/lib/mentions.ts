/** A person picked from the mention autocomplete: shown as `@name` while writing, sent as `<@id>`. */
export interface PickedMention {
  id: string;
  name: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * The text as the server's mention parser reads it: each picked `@name` becomes `<@id>` (longer names first,
 * so "@Ann Lee" is not taken for "@Ann"). `@here` and `@channel` are understood as typed.
 */
export function toWireMentions(text: string, mentions: PickedMention[]): string {
  const byLength = [...mentions].sort((a, b) => b.name.length - a.name.length);
  return byLength.reduce(
    (result, mention) =>
      result.replace(new RegExp(`@${escape(mention.name)}(?![\\p{L}\\p{N}_])`, 'gu'), `<@${mention.id}>`),
    text,
  );
}

const WIRE_MENTION = /<@([0-9a-f-]{36})>/gi;

/** A text's parts around its `<@id>` mentions, in order: the words between, and the ids mentioned. */
export function mentionParts(text: string): (string | { userId: string })[] {
  const parts: (string | { userId: string })[] = [];
  let last = 0;
  for (const match of text.matchAll(WIRE_MENTION)) {
    const [whole, id = ''] = match;
    if (match.index > last) parts.push(text.slice(last, match.index));
    parts.push({ userId: id.toLowerCase() });
    last = match.index + whole.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** The reverse, for display: `<@id>` shown as `@Display Name`. */
export function showMentions(text: string, nameOf: (userId: string) => string): string {
  return text.replace(WIRE_MENTION, (_whole, id: string) => `@${nameOf(id.toLowerCase())}`);
}
