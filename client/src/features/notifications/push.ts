/**
 * Browser push: the service worker (public/sw.js, at the app's root scope), the permission prompt
 * and the browser's PushSubscription, turned into what `pushSubscriptionRegister` takes.
 */

/** The service worker's address; at the root, so its scope is the whole app. */
export const SERVICE_WORKER_URL = '/sw.js';

const REGISTRATION_KEY = 'platform.push.registration';

export type PushProblem = 'unsupported' | 'denied' | 'dismissed' | 'worker' | 'subscribe';

/** A failure of the opt-in, named by the step that failed. */
export class PushOptInError extends Error {
  readonly problem: PushProblem;
  constructor(problem: PushProblem, cause?: unknown) {
    super(`Browser push opt-in failed: ${problem}`, { cause });
    this.name = 'PushOptInError';
    this.problem = problem;
  }
}

export function pushSupported(): boolean {
  return typeof navigator !== 'undefined' && 'serviceWorker' in navigator && typeof window !== 'undefined' && 'PushManager' in window && 'Notification' in window;
}

export function notificationPermission(): NotificationPermission | null {
  return typeof window !== 'undefined' && 'Notification' in window ? window.Notification.permission : null;
}

/** A VAPID public key (base64url, as the server gives it) as the bytes `applicationServerKey` wants. */
export function applicationServerKey(base64url: string): Uint8Array<ArrayBuffer> {
  const base64 = base64url.replace(/-/g, '+').replace(/_/g, '/').padEnd(Math.ceil(base64url.length / 4) * 4, '=');
  const binary = atob(base64);
  const bytes = new Uint8Array(new ArrayBuffer(binary.length));
  for (let index = 0; index < binary.length; index += 1) bytes[index] = binary.charCodeAt(index);
  return bytes;
}

export interface BrowserPushSubscription {
  endpoint: string;
  p256dh: string;
  auth: string;
  expirationTime: string | null;
}

/** This browser's subscription, if it has one. */
export async function currentSubscription(): Promise<PushSubscription | null> {
  if (!pushSupported()) return null;
  const registration = await navigator.serviceWorker.getRegistration('/');
  return registration ? registration.pushManager.getSubscription() : null;
}

/**
 * Asks for permission, registers the service worker and subscribes with the server's VAPID key.
 * Throws PushOptInError naming the step that failed.
 */
export async function subscribeThisBrowser(vapidPublicKey: string): Promise<BrowserPushSubscription> {
  if (!pushSupported()) throw new PushOptInError('unsupported');
  const permission = await window.Notification.requestPermission();
  if (permission === 'denied') throw new PushOptInError('denied');
  if (permission !== 'granted') throw new PushOptInError('dismissed');
  let registration: ServiceWorkerRegistration;
  try {
    await navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: '/' });
    registration = await navigator.serviceWorker.ready;
  } catch (error) {
    throw new PushOptInError('worker', error);
  }
  let subscription: PushSubscription;
  try {
    subscription =
      (await registration.pushManager.getSubscription()) ??
      (await registration.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(vapidPublicKey) }));
  } catch (error) {
    throw new PushOptInError('subscribe', error);
  }
  const json = subscription.toJSON();
  const p256dh = json.keys?.['p256dh'];
  const auth = json.keys?.['auth'];
  if (!json.endpoint || !p256dh || !auth) throw new PushOptInError('subscribe');
  return {
    endpoint: json.endpoint,
    p256dh,
    auth,
    expirationTime: subscription.expirationTime ? new Date(subscription.expirationTime).toISOString() : null,
  };
}

/** Stops this browser's subscription with its push service (the server's registration is removed separately). */
export async function unsubscribeThisBrowser(): Promise<void> {
  const subscription = await currentSubscription().catch(() => null);
  await subscription?.unsubscribe().catch(() => false);
}

/** The id of the registration this browser made, to tell it apart in the list. */
export function rememberedRegistration(storage: Pick<Storage, 'getItem'> | null = safeStorage()): string | null {
  try {
    return storage?.getItem(REGISTRATION_KEY) ?? null;
  } catch {
    return null;
  }
}

export function rememberRegistration(id: string | null, storage: Pick<Storage, 'setItem' | 'removeItem'> | null = safeStorage()): void {
  try {
    if (id) storage?.setItem(REGISTRATION_KEY, id);
    else storage?.removeItem(REGISTRATION_KEY);
  } catch {
    // Private browsing may refuse storage: the list then just does not mark this browser.
  }
}

function safeStorage(): Storage | null {
  try {
    return typeof window === 'undefined' ? null : window.localStorage;
  } catch {
    return null;
  }
}
