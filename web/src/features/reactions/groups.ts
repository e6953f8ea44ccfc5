import type { Message } from '../../lib/api/client';
import { reactionGlyph, type Shortcodes } from '../../lib/emoji';

/**
 * One chip's reactions: those that show as the same emoji, whatever form each was given in (`👍` from the
 * picker, `thumbsup` from a Slack app). `forms` are the reactions as stored, first given first; `userIds` every
 * person who reacted in any of them, once.
 */
export interface ReactionGroup {
  glyph: string;
  forms: [string, ...string[]];
  userIds: string[];
}

/** What makes two reactions the same emoji: their glyph, with or without the emoji variation selector (U+FE0F). */
const sameness = (emoji: string, shortcodes: Shortcodes | undefined) =>
  reactionGlyph(emoji, shortcodes).replaceAll('\uFE0F', '');

/** A message's reactions as chips, in the order each emoji was first given. */
export function groupReactions(
  reactions: Message['reactions'],
  shortcodes: Shortcodes | undefined,
): ReactionGroup[] {
  const groups = new Map<string, { glyph: string; forms: [string, ...string[]]; userIds: Set<string> }>();
  for (const { emoji, userIds } of reactions) {
    const key = sameness(emoji, shortcodes);
    const group = groups.get(key);
    if (group) {
      group.forms.push(emoji);
      userIds.forEach((id) => group.userIds.add(id));
    } else {
      groups.set(key, { glyph: reactionGlyph(emoji, shortcodes), forms: [emoji], userIds: new Set(userIds) });
    }
  }
  return [...groups.values()].map((group) => ({ ...group, userIds: [...group.userIds] }));
}

/** The chip an emoji (as the picker gives it) would join, if the message has one. */
export function groupOf(
  emoji: string,
  reactions: Message['reactions'],
  shortcodes: Shortcodes | undefined,
): ReactionGroup | undefined {
  const key = sameness(emoji, shortcodes);
  return groupReactions(reactions, shortcodes).find((group) => sameness(group.glyph, shortcodes) === key);
}

/**
 * The reactions a person's press on a chip sends: their own ones taken away, in every form they gave; else the
 * first form added, so that their reaction joins the one already there rather than standing beside it.
 */
export function chipToggles(group: ReactionGroup, reactions: Message['reactions'], myId: string) {
  const mine = group.forms.filter((form) =>
    reactions.some((reaction) => reaction.emoji === form && reaction.userIds.includes(myId)),
  );
  return mine.length > 0
    ? mine.map((emoji) => ({ emoji, add: false }))
    : [{ emoji: group.forms[0], add: true }];
}
