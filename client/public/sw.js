/*
 * The web app's service worker, at the root scope: browser push only (no caching, no fetch
 * handler). A push carries JSON { title, body, link, id }; it is shown as a system notification,
 * and clicking one brings the app to the front at the notification's link.
 */
/* eslint-env serviceworker */
'use strict';

const FALLBACK_TITLE = 'Platform';
const FALLBACK_PATH = '/notifications';

self.addEventListener('install', () => {
  self.skipWaiting();
});

self.addEventListener('activate', (event) => {
  event.waitUntil(self.clients.claim());
});

/** A path inside the app, never another site; anything else opens the notification center. */
function appUrl(link) {
  if (typeof link === 'string' && link.startsWith('/') && !link.startsWith('//') && !link.startsWith('/\\')) {
    return new URL(link, self.location.origin).href;
  }
  return new URL(FALLBACK_PATH, self.location.origin).href;
}

function readPayload(event) {
  if (!event.data) return {};
  try {
    const value = event.data.json();
    return value && typeof value === 'object' ? value : {};
  } catch {
    return { body: event.data.text() };
  }
}

self.addEventListener('push', (event) => {
  const payload = readPayload(event);
  const title = typeof payload.title === 'string' && payload.title ? payload.title : FALLBACK_TITLE;
  const options = {
    body: typeof payload.body === 'string' ? payload.body : '',
    icon: '/icons/icon-192.png',
    badge: '/icons/icon-192.png',
    data: { link: appUrl(payload.link), id: typeof payload.id === 'string' ? payload.id : null },
  };
  // One system notification per platform notification: a repeated delivery replaces, not duplicates.
  if (options.data.id) options.tag = options.data.id;
  event.waitUntil(self.registration.showNotification(title, options));
});

self.addEventListener('notificationclick', (event) => {
  event.notification.close();
  const target = (event.notification.data && event.notification.data.link) || appUrl(null);
  event.waitUntil(
    (async () => {
      const windows = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
      const open = windows.find((client) => new URL(client.url).origin === self.location.origin);
      if (open) {
        await open.focus();
        // The app routes there itself, without a reload (see usePushNavigation in the web app).
        open.postMessage({ type: 'platform:navigate', link: new URL(target).pathname + new URL(target).search });
        return;
      }
      await self.clients.openWindow(target);
    })(),
  );
});
