import { Phone } from 'lucide-react';
import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api/client';
import { useCalls } from './CallsProvider';

/** The channel header's call button: starts the channel's call, or joins the one running (with how many are in it). */
export function CallButton({ channel }: { channel: Channel }) {
  const { t } = useTranslation();
  const { active, running, join } = useCalls();
  if (channel.archived || !channel.isMember) return null;
  const present = running.get(channel.id)?.length ?? 0;
  const label = present > 0 ? t('calls.join', { count: present }) : t('calls.start');
  return (
    <button
      type="button"
      className={present > 0 ? 'icon-button call-button running' : 'icon-button call-button'}
      aria-label={label}
      title={active ? t('calls.busy') : label}
      disabled={active !== undefined}
      onClick={() => join({ workspaceId: channel.workspaceId, channelId: channel.id })}
    >
      <Phone />
      {present > 0 && <span className="call-count">{present}</span>}
    </button>
  );
}
