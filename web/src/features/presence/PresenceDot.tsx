import { useTranslation } from 'react-i18next';
import { useStatus } from './api';

/** A person's status as a small mark of its own shape and a name (title for pointers, label for readers). */
export function PresenceDot({ userId }: { userId: string }) {
  const { t } = useTranslation();
  const status = useStatus(userId);
  if (!status) return null;
  const label = t(`presence.${status}`);
  return <span className={`presence-dot ${status}`} role="img" aria-label={label} title={label} />;
}
