// Web Push in the service worker (imported into Workbox's sw.js by vite.config.ts): shows what the server pushed
// (core/src/push/push-dispatcher.ts: {title, body, url, tag}) and, on a click, opens that channel in a tab of
// the app already open, or in a new one.
/* global self, clients */
self.addEventListener('push', (event) => {
  let payload = {};
  try {
    payload = event.data ? event.data.json() : {};
  } catch {
    payload = { body: event.data ? event.data.text() : '' };
  }
  event.waitUntil(
    self.registration.showNotification(payload.title || 'Jōkkær', {
      body: payload.body || '',
      tag: payload.tag,
      icon: '/icons/icon-192.png',
      data: { url: payload.url || '/' },
    }),
  );
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = new URL(event.notification.data?.url || '/', self.location.origin).href;
  event.waitUntil(
    clients.matchAll({ type: 'window', includeUncontrolled: true }).then((windows) => {
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) return open.focus().then((client) => client.navigate(target));
      return clients.openWindow(target);
    }),
  );
});
