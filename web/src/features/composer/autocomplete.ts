import { searchShortcodes, type Shortcodes } from '../../lib/emoji';
import type { Command } from '../../lib/api/client';
import type { PickedMention } from '../../lib/mentions';

/**
 * What the writer is typing at the caret: `@gr`, `:ta`, or `/ta` at the very start of the message, from `start`
 * (the `@`, `:` or `/`) to the caret.
 */
export interface Trigger {
  kind: '@' | ':' | '/';
  query: string;
  start: number;
}

/** One suggestion: what it shows, and what replaces the trigger when picked. */
export interface Suggestion {
  key: string;
  label: string;
  detail?: string;
  /** A second line: what a command does. */
  hint?: string;
  insert: string;
  mention?: PickedMention;
}

const TRIGGER = /(?:^|[\s(])([@:])([^\s@:]*)$/u;
/** A slash command is only ever the start of a message. */
const COMMAND_TRIGGER = /^\/([a-z0-9_-]*)$/;
const MAX_SUGGESTIONS = 8;

export function findTrigger(textBeforeCaret: string): Trigger | undefined {
  const command = COMMAND_TRIGGER.exec(textBeforeCaret);
  if (command) return { kind: '/', query: command[1] ?? '', start: 0 };
  const match = TRIGGER.exec(textBeforeCaret);
  if (!match) return undefined;
  const kind = match[1] as '@' | ':';
  const query = match[2] ?? '';
  // Emoji after two letters (so "10:30" or a smiley ":)" opens nothing); people from the `@` on.
  if (kind === ':' && !/^[a-z0-9_+-]{2,}$/i.test(query)) return undefined;
  return { kind, query, start: textBeforeCaret.length - query.length - 1 };
}

/** Accents and case ignored: "eloise" finds "Éloïse". */
const fold = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{Diacritic}/gu, '')
    .toLowerCase();

export interface Person {
  userId: string;
  displayName: string;
}

/** The commands whose name starts with what follows the slash, as the registry orders them. */
export function commandSuggestions(query: string, commands: Command[]): Suggestion[] {
  return commands
    .filter((command) => command.command.slice(1).startsWith(query))
    .slice(0, MAX_SUGGESTIONS)
    .map((command) => ({
      key: command.command,
      label: command.command,
      detail: command.usage ?? undefined,
      hint: command.description,
      insert: command.command,
    }));
}

export function suggestions(
  trigger: Trigger,
  people: Person[],
  shortcodes: Shortcodes | undefined,
  broadcastDetail: { here: string; channel: string },
): Suggestion[] {
  if (trigger.kind === ':') {
    return searchShortcodes(shortcodes ?? new Map<string, string>(), trigger.query, MAX_SUGGESTIONS).map(
      ({ name, emoji }) => ({
        key: name,
        label: `${emoji} :${name}:`,
        insert: emoji,
      }),
    );
  }
  const query = fold(trigger.query);
  const matches = (name: string) =>
    fold(name)
      .split(/\s+/)
      .some((word) => word.startsWith(query)) || fold(name).startsWith(query);
  const found: Suggestion[] = people
    .filter((person) => matches(person.displayName))
    .sort((a, b) => a.displayName.localeCompare(b.displayName))
    .map((person) => ({
      key: person.userId,
      label: `@${person.displayName}`,
      insert: `@${person.displayName}`,
      mention: { id: person.userId, name: person.displayName },
    }));
  const broadcasts = (['here', 'channel'] as const)
    .filter((word) => word.startsWith(query))
    .map((word) => ({ key: word, label: `@${word}`, detail: broadcastDetail[word], insert: `@${word}` }));
  return [...found, ...broadcasts].slice(0, MAX_SUGGESTIONS);
}
