import { useTranslation } from 'react-i18next';
import type { Channel } from '../../lib/api/client';
import { useTitleCount } from './hooks';

/** Keeps the tab's title counting the workspace's mentions and unread direct messages: "(3) Jōkkær". */
export function UnreadTitle({ channels }: { channels: Channel[] }) {
  const { t } = useTranslation();
  useTitleCount(channels, t('app.name'));
  return null;
}
