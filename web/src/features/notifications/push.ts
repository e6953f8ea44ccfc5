import { api, data } from '../../lib/api/client';

const SUBSCRIPTION_KEY = 'jokkaer.push.subscription';

/** Whether this browser can receive Web Push: a service worker and the Push API (not in every browser). */
const pushSupported = (): boolean =>
  'serviceWorker' in navigator && 'PushManager' in window && 'Notification' in window;

const base64url = (key: ArrayBuffer | null): string =>
  key
    ? btoa(String.fromCharCode(...new Uint8Array(key)))
        .replace(/\+/g, '-')
        .replace(/\//g, '_')
        .replace(/=+$/, '')
    : '';

/**
 * Subscribes this browser to the server's Web Push for the signed-in person, once they allowed notifications:
 * mentions and DMs then reach them with the tab closed. Saving the subscription again is harmless (the server
 * keeps one per endpoint, for whoever saved it last), so this runs at every sign-in.
 */
export async function syncPushSubscription(): Promise<void> {
  if (!pushSupported() || Notification.permission !== 'granted') return;
  const registration = await navigator.serviceWorker.getRegistration();
  if (!registration) return; // the service worker is not there (Vite's dev server): no push
  const { publicKey } = await data(api.GET('/api/v1/push/vapid-key'));
  let subscription = await registration.pushManager.getSubscription();
  // A subscription made for another server key cannot carry this server's pushes.
  if (subscription && base64url(subscription.options.applicationServerKey) !== publicKey) {
    await subscription.unsubscribe();
    subscription = null;
  }
  subscription ??= await registration.pushManager.subscribe({
    userVisibleOnly: true,
    applicationServerKey: publicKey,
  });
  const json = subscription.toJSON();
  const saved = await data(
    api.POST('/api/v1/me/push-subscriptions', {
      body: {
        endpoint: json.endpoint ?? '',
        keys: { p256dh: json.keys?.p256dh ?? '', auth: json.keys?.auth ?? '' },
      },
    }),
  );
  localStorage.setItem(SUBSCRIPTION_KEY, saved.id);
}

/** Signing out: this browser stops receiving the person's pushes (before the session ends). */
export async function dropPushSubscription(): Promise<void> {
  const id = localStorage.getItem(SUBSCRIPTION_KEY);
  if (!id) return;
  localStorage.removeItem(SUBSCRIPTION_KEY);
  await api.DELETE('/api/v1/me/push-subscriptions/{subscriptionId}', {
    params: { path: { subscriptionId: id } },
  });
}
