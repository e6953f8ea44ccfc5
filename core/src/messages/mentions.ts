import { UUID_SOURCE } from '@jokkaer/sdk-plugin';

const MENTION = new RegExp(`<@(${UUID_SOURCE})>`, 'gi');
/** Slack's `<!here>` and `<!channel>`, or the words `@here` and `@channel` as people type them. */
const BROADCAST = /<!(here|channel)>|(?<![\w@.])@(here|channel)(?![\w-])/gi;

/** User ids mentioned as `<@id>` (the form clients insert from their member picker), first mention first. */
export function parseMentions(text: string): string[] {
  return [...new Set([...text.matchAll(MENTION)].map((match) => match[1].toLowerCase()))];
}

/** `channel`: every member of the channel; `here`: its members who are online. */
export type Broadcast = 'channel' | 'here';

/** The broadcast mentions in a text; `channel` alone when both are there, since it includes `here`. */
export function parseBroadcast(text: string): Broadcast | undefined {
  const found = new Set([...text.matchAll(BROADCAST)].map((match) => (match[1] ?? match[2]).toLowerCase()));
  if (found.has('channel')) return 'channel';
  return found.has('here') ? 'here' : undefined;
}
