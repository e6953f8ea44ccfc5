import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api/client';
import { useMute } from './hooks';

/** Mute or unmute the channel: a muted channel is dimmed, never bold, and never notifies; mentions still badge. */
export function MuteButton({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const mute = useMute(channel);
  return (
    <button
      type="button"
      className="button small mute-button"
      disabled={mute.isPending}
      onClick={() => mute.mutate(!channel.muted)}
    >
      {channel.muted ? t('unread.unmute') : t('unread.mute')}
    </button>
  );
}
