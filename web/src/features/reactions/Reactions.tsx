import { SmilePlus } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import { EmojiButton } from '../../components/EmojiButton';
import type { Message } from '../../lib/api/client';
import { useShortcodes } from '../../lib/emoji';
import { useToggleReaction } from './api';
import { chipToggles, groupOf, groupReactions } from './groups';

interface ReactionsProps {
  message: Message;
  myId: string;
  nameOf: (userId: string) => string;
}

/**
 * The reactions under a message as chips (emoji, count, pressed when mine); a chip toggles mine. Reactions that
 * show as the same emoji (`👍` and `thumbsup`) are one chip.
 */
export function Reactions({ message, myId, nameOf }: ReactionsProps) {
  const { t } = useTranslation();
  const toggle = useToggleReaction(message, myId);
  const shortcodes = useShortcodes();
  if (message.reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label={t('reactions.label')}>
      {groupReactions(message.reactions, shortcodes).map((group) => {
        const { glyph, forms, userIds } = group;
        const mine = userIds.includes(myId);
        const count = userIds.length;
        const who = userIds.map((id) => (id === myId ? t('messages.you') : nameOf(id))).join(', ');
        const label = t('reactions.chip', { emoji: forms[0], count, who });
        return (
          <li key={glyph}>
            <button
              type="button"
              className="reaction-chip"
              aria-pressed={mine}
              aria-label={label}
              title={label}
              onClick={() => {
                for (const change of chipToggles(group, message.reactions, myId)) toggle.mutate(change);
              }}
            >
              <span aria-hidden="true">{glyph}</span> <span aria-hidden="true">{count}</span>
            </button>
          </li>
        );
      })}
      <li>
        <AddReaction message={message} myId={myId} className="reaction-chip add-reaction" />
      </li>
    </ul>
  );
}

/** "Add reaction": opens the picker; picking an emoji I already reacted with leaves it as it is. */
export function AddReaction({
  message,
  myId,
  className,
}: {
  message: Message;
  myId: string;
  className?: string;
}) {
  const { t } = useTranslation();
  const toggle = useToggleReaction(message, myId);
  const shortcodes = useShortcodes();
  // An emoji already there, in whatever form it was given, is joined in that form.
  const react = (emoji: string) => {
    const group = groupOf(emoji, message.reactions, shortcodes);
    if (!group?.userIds.includes(myId)) toggle.mutate({ emoji: group?.forms[0] ?? emoji, add: true });
  };
  return (
    <EmojiButton label={t('reactions.add')} onPick={react} className={className}>
      <SmilePlus />
    </EmojiButton>
  );
}
