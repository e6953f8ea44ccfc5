import { useTranslation } from 'react-i18next';
import { EmojiButton } from '../../components/EmojiButton';
import type { Message } from '../../lib/api/client';
import { reactionGlyph, useShortcodes } from '../../lib/emoji';
import { useToggleReaction } from './api';
import { SmilePlus } from 'lucide-react';

interface ReactionsProps {
  message: Message;
  myId: string;
  nameOf: (userId: string) => string;
}

/** The reactions under a message as chips (emoji, count, pressed when mine); a chip toggles mine. */
export function Reactions({ message, myId, nameOf }: ReactionsProps) {
  const { t } = useTranslation();
  const toggle = useToggleReaction(message, myId);
  const shortcodes = useShortcodes();
  if (message.reactions.length === 0) return null;
  return (
    <ul className="reactions" aria-label={t('reactions.label')}>
      {message.reactions.map(({ emoji, count, userIds }) => {
        const mine = userIds.includes(myId);
        const who = userIds.map((id) => (id === myId ? t('messages.you') : nameOf(id))).join(', ');
        return (
          <li key={emoji}>
            <button
              type="button"
              className="reaction-chip"
              aria-pressed={mine}
              aria-label={t('reactions.chip', { emoji, count, who })}
              title={t('reactions.chip', { emoji, count, who })}
              onClick={() => toggle.mutate({ emoji, add: !mine })}
            >
              <span aria-hidden="true">{reactionGlyph(emoji, shortcodes)}</span>{' '}
              <span aria-hidden="true">{count}</span>
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
  const react = (emoji: string) => {
    const already = message.reactions.some(
      (reaction) => reaction.emoji === emoji && reaction.userIds.includes(myId),
    );
    if (!already) toggle.mutate({ emoji, add: true });
  };
  return (
    <EmojiButton label={t('reactions.add')} onPick={react} className={className}>
      <SmilePlus />
    </EmojiButton>
  );
}
