const MENTION = /<@([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})>/gi;

/** User ids mentioned as `<@id>` (the form clients insert from their member picker), first mention first. */
export function parseMentions(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((match) => match[1].toLowerCase()))];
}
