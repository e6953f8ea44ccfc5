import { useSyncExternalStore } from 'react';
import { useTranslation } from 'react-i18next';
import { useRealtimeStatus } from './realtime';

function subscribeOnline(listener: () => void): () => void {
  window.addEventListener('online', listener);
  window.addEventListener('offline', listener);
  return () => {
    window.removeEventListener('online', listener);
    window.removeEventListener('offline', listener);
  };
}

/** "Reconnecting…" whenever the browser is offline or the realtime socket is down, on every signed-in screen. */
export function ConnectionBanner() {
  const { t } = useTranslation();
  const status = useRealtimeStatus();
  const online = useSyncExternalStore(subscribeOnline, () => navigator.onLine);
  if (online && status !== 'reconnecting') return null;
  return (
    <p className="connection-banner" role="status">
      {t('app.reconnecting')}
    </p>
  );
}
