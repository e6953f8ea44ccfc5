import { X } from 'lucide-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { notificationsSupported } from './notify';
import { syncPushSubscription } from './push';

const DISMISSED_KEY = 'jokkaer.notifications.dismissed';

/**
 * Offers desktop notifications once, as a choice the person makes (browsers ignore or punish a permission
 * asked for on load); dismissed, it stays away on this browser.
 */
export function NotificationPrompt() {
  const { t } = useTranslation();
  const [shown, setShown] = useState(
    () =>
      notificationsSupported() &&
      Notification.permission === 'default' &&
      localStorage.getItem(DISMISSED_KEY) === null,
  );
  if (!shown) return null;
  const dismiss = () => {
    localStorage.setItem(DISMISSED_KEY, '1');
    setShown(false);
  };
  return (
    <div className="notification-prompt" role="region" aria-label={t('notifications.region')}>
      <button
        type="button"
        className="button small"
        onClick={() =>
          void Notification.requestPermission()
            .then(() => syncPushSubscription())
            .catch(() => undefined) // push is a bonus: desktop notifications work without it
            .finally(() => setShown(false))
        }
      >
        {t('notifications.enable')}
      </button>
      <button type="button" className="icon-button" aria-label={t('notifications.dismiss')} onClick={dismiss}>
        <X />
      </button>
    </div>
  );
}
