import { useMutation } from '@apollo/client/react';
import { useCallback, useEffect } from 'react';
import { useNavigate } from 'react-router';
import { NotificationSettingsUpdateDocument } from '../../graphql/__generated__/operations.ts';
import type { Language } from '../../i18n/index.ts';
import { appPath } from './notifications.ts';

/**
 * When the user changes the app's language, email and push follow: the choice is saved as the
 * language of their notifications too. Best effort: the app's language changes either way.
 */
export function useSaveNotificationLanguage(): (language: Language) => void {
  const [update] = useMutation(NotificationSettingsUpdateDocument);
  return useCallback(
    (language: Language) => {
      update({ variables: { input: { locale: language } } }).catch(() => {
        // The preferences page shows and saves the language as well.
      });
    },
    [update],
  );
}

/** A click on a push notification in an open tab: the service worker asks the app to go to its link. */
export function usePushNavigation(): void {
  const navigate = useNavigate();
  useEffect(() => {
    if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
    const listener = (event: MessageEvent) => {
      const message = event.data as { type?: unknown; link?: unknown } | null;
      if (message?.type !== 'platform:navigate' || typeof message.link !== 'string') return;
      const path = appPath(message.link);
      if (path) void navigate(path);
    };
    navigator.serviceWorker.addEventListener('message', listener);
    return () => navigator.serviceWorker.removeEventListener('message', listener);
  }, [navigate]);
}
