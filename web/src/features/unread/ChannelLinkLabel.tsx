import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api/client';
import { badgeCount, capped, showsUnread } from './cache';

/**
 * A sidebar entry's name with its read state: bold when unread (not when muted: then dimmed), and a badge for
 * mentions (every unread message of a direct conversation). The accessible name says it in words too.
 */
export function ChannelLinkLabel({ channel, title }: { channel: Channel; title: string }) {
  const { t } = useTranslation();
  const count = badgeCount(channel);
  const unread = showsUnread(channel);
  return (
    <span className={`channel-label${unread ? ' unread' : ''}${channel.muted ? ' muted-channel' : ''}`}>
      <span className="channel-name">{title}</span>
      {unread && count === 0 && <span className="visually-hidden">{t('unread.unreadHint')}</span>}
      {channel.muted && <span className="visually-hidden">{t('unread.mutedHint')}</span>}
      {count > 0 && (
        <>
          <span className="badge" aria-hidden="true">
            {capped(count)}
          </span>
          <span className="visually-hidden">{t('unread.mentions', { count, shown: capped(count) })}</span>
        </>
      )}
    </span>
  );
}
