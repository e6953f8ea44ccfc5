import { Smile } from 'lucide-react';
import {
  useId,
  useImperativeHandle,
  useLayoutEffect,
  useRef,
  useState,
  type ClipboardEvent,
  type FormEvent,
  type KeyboardEvent,
  type ReactNode,
  type Ref,
} from 'react';
import { useTranslation } from 'react-i18next';
import { EmojiButton } from '../../components/EmojiButton';
import type { Command } from '../../lib/api/client';
import { loadShortcodes, replaceShortcodes, useShortcodes, type Shortcodes } from '../../lib/emoji';
import { toWireMentions } from '../../lib/mentions';
import { commandSuggestions, findTrigger, suggestions, type Person, type Suggestion } from './autocomplete';
import { readDraft, writeDraft, type Draft } from './drafts';

interface ComposerProps {
  /** Accessible name and placeholder, e.g. "Message #general". */
  label: string;
  onSend: (text: string) => void;
  /** Where the unsent text is kept (localStorage), per channel or thread; none: not kept. */
  draftKey?: string;
  /** Who `@` suggests. */
  people?: Person[];
  /** What `/` at the start suggests. */
  commands?: Command[];
  /** ↑ in the empty box: edit one's last message here. */
  onEditLast?: () => void;
  ref?: Ref<HTMLTextAreaElement>;
  /** The box's text after each keystroke, and '' once sent (the caller decides what to tell others). */
  onTyping?: (text: string) => void;
  attachments?: ComposerAttachments;
  /** Choices that go with the message, shown beside the send button (a thread's "Also send to #channel"). */
  choices?: ReactNode;
}

/** Files going with the message (features/files): a message with files may have no text. */
export interface ComposerAttachments {
  /** The files being attached, shown above the box. */
  tray: ReactNode;
  /** The button that picks files. */
  picker: ReactNode;
  count: number;
  /** Some are still uploading: the message waits for them. */
  busy: boolean;
  onPasteFiles: (files: File[]) => void;
}

const LIST_LABELS = {
  '@': 'composer.people',
  ':': 'composer.emojiSuggestions',
  '/': 'composer.commands',
} as const;

/**
 * The message box: Enter sends, Shift+Enter starts a new line; blank messages are not sent. `/` at the start
 * suggests commands, `@` suggests people (sent as `<@id>`), `:ta` suggests emoji and a complete `:tada:` becomes 🎉; the draft survives a switch or reload.
 */
export function Composer({
  label,
  onSend,
  draftKey,
  people = [],
  commands = [],
  onEditLast,
  ref,
  onTyping,
  attachments,
  choices,
}: ComposerProps) {
  const { t } = useTranslation();
  const [draft, setDraft] = useState<Draft>(() =>
    draftKey ? readDraft(draftKey) : { text: '', mentions: [] },
  );
  const [caret, setCaret] = useState(draft.text.length);
  const [active, setActive] = useState(0);
  // The trigger position the writer dismissed with Esc: its list stays closed until they type another.
  const [dismissed, setDismissed] = useState<number>();
  const pendingCaret = useRef<number | null>(null);
  const box = useRef<HTMLTextAreaElement>(null);
  useImperativeHandle(ref, () => box.current!, []);
  const shortcodes = useShortcodes();
  const listId = useId();
  const { text } = draft;

  const update = (next: Draft, nextCaret: number) => {
    setDraft(next);
    setCaret(nextCaret);
    if (draftKey) writeDraft(draftKey, next);
  };
  useLayoutEffect(() => {
    if (pendingCaret.current === null || !box.current) return;
    box.current.setSelectionRange(pendingCaret.current, pendingCaret.current);
    pendingCaret.current = null;
  });

  const trigger = findTrigger(text.slice(0, caret));
  const open = trigger && trigger.start !== dismissed ? trigger : undefined;
  const options = !open
    ? []
    : open.kind === '/'
      ? commandSuggestions(open.query, commands)
      : suggestions(open, people, shortcodes, {
          here: t('composer.mentionHere'),
          channel: t('composer.mentionChannel'),
        });
  const listOpen = options.length > 0;
  const activeIndex = Math.min(active, options.length - 1);

  const insertAt = (from: number, to: number, insert: string, mention?: Draft['mentions'][number]) => {
    const next = text.slice(0, from) + insert + text.slice(to);
    const mentions = mention ? [...draft.mentions, mention] : draft.mentions;
    pendingCaret.current = from + insert.length;
    update({ text: next, mentions }, from + insert.length);
  };
  const pick = (suggestion: Suggestion) => {
    if (!open) return;
    insertAt(open.start, caret, `${suggestion.insert} `, suggestion.mention);
    setActive(0);
  };

  const submit = async () => {
    if (attachments?.busy || (!text.trim() && !attachments?.count)) return;
    const outgoing = toWireMentions(text, draft.mentions);
    const sendWith = (codes: Shortcodes) => onSend(replaceShortcodes(outgoing, codes));
    // Sent before the box empties, so its request leaves before the redraw; the box empties before any wait,
    // so a second Enter cannot send it twice.
    if (shortcodes) sendWith(shortcodes);
    update({ text: '', mentions: [] }, 0);
    onTyping?.('');
    if (!shortcodes) sendWith(await loadShortcodes());
  };

  const onPaste = (event: ClipboardEvent<HTMLTextAreaElement>) => {
    const files = [...event.clipboardData.files];
    if (!attachments || files.length === 0) return;
    event.preventDefault();
    attachments.onPasteFiles(files);
  };

  const onChange = (value: string, at: number) => {
    onTyping?.(value);
    // A shortcode completed by its closing colon becomes its emoji at once.
    const completed = /:([a-z0-9_+-]{1,64}):$/.exec(value.slice(0, at));
    const emoji = completed && shortcodes?.get(completed[1] ?? '');
    if (completed && emoji) {
      const from = at - completed[0].length;
      pendingCaret.current = from + emoji.length;
      update({ ...draft, text: value.slice(0, from) + emoji + value.slice(at) }, from + emoji.length);
    } else {
      update({ ...draft, text: value }, at);
    }
    setActive(0);
  };

  const onKeyDown = (event: KeyboardEvent<HTMLTextAreaElement>) => {
    // While an input method composes (Japanese, Chinese…), Enter confirms the composition instead.
    if (event.nativeEvent.isComposing) return;
    if (listOpen && open) {
      const move = { ArrowDown: 1, ArrowUp: -1 }[event.key];
      if (move) {
        event.preventDefault();
        setActive((activeIndex + move + options.length) % options.length);
        return;
      }
      if (event.key === 'Enter' || event.key === 'Tab') {
        event.preventDefault();
        const chosen = options[activeIndex];
        if (chosen) pick(chosen);
        return;
      }
      if (event.key === 'Escape') {
        event.preventDefault();
        event.stopPropagation();
        setDismissed(open.start);
        return;
      }
    }
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      void submit();
    } else if (event.key === 'ArrowUp' && text === '' && onEditLast) {
      event.preventDefault();
      onEditLast();
    }
  };
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit();
  };
  const insertEmoji = (emoji: string) => {
    const at = box.current?.selectionStart ?? text.length;
    insertAt(at, box.current?.selectionEnd ?? at, emoji);
    box.current?.focus();
  };

  return (
    <form className="composer" onSubmit={onSubmit}>
      {attachments?.tray}
      {attachments?.picker}
      {listOpen && (
        <ul
          id={listId}
          className="autocomplete"
          role="listbox"
          aria-label={t(LIST_LABELS[open?.kind ?? '@'])}
        >
          {options.map((option, index) => (
            <li
              key={option.key}
              id={`${listId}-${index}`}
              role="option"
              aria-selected={index === activeIndex}
              // Keeps the focus (and the caret) in the box.
              onMouseDown={(event) => event.preventDefault()}
              onClick={() => pick(option)}
            >
              <span>{option.label}</span>
              {option.detail && <span className="muted"> {option.detail}</span>}
              {option.hint && <span className="option-hint muted">{option.hint}</span>}
            </li>
          ))}
        </ul>
      )}
      <textarea
        ref={box}
        aria-label={label}
        aria-describedby="composer-hint"
        aria-autocomplete="list"
        aria-controls={listOpen ? listId : undefined}
        aria-activedescendant={listOpen ? `${listId}-${activeIndex}` : undefined}
        placeholder={label}
        rows={1}
        value={text}
        onChange={(event) => onChange(event.target.value, event.target.selectionStart)}
        onSelect={(event) => setCaret(event.currentTarget.selectionStart)}
        onKeyDown={onKeyDown}
        onPaste={onPaste}
      />
      <EmojiButton label={t('composer.emoji')} onPick={insertEmoji}>
        <Smile />
      </EmojiButton>
      {choices}
      <button type="submit" className="button primary" disabled={attachments?.busy}>
        {t('composer.send')}
      </button>
      <p id="composer-hint" className="visually-hidden">
        {t('composer.hint')}
      </p>
    </form>
  );
}
