import { useTranslation } from 'react-i18next';
import type { Member } from '../../lib/api/client';
import { useTypers } from './signals';

interface TypingIndicatorProps {
  channelId: string;
  members: Map<string, Member> | undefined;
  myId: string;
}

/** "Alice is typing…" under a channel's messages; the line keeps its height so the list does not jump. */
export function TypingIndicator({ channelId, members, myId }: TypingIndicatorProps) {
  const { t } = useTranslation();
  const names = useTypers(channelId)
    .filter((userId) => userId !== myId)
    .map((userId) => members?.get(userId)?.displayName ?? t('messages.unknownUser'));
  const [first, second] = names;
  const text =
    names.length === 0
      ? ''
      : names.length === 1
        ? t('typing.one', { name: first })
        : names.length === 2
          ? t('typing.two', { first, second })
          : t('typing.several');
  return <p className="typing-indicator muted">{text}</p>;
}
