import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import {
  PushSubscriptionRegisterDocument,
  PushSubscriptionRemoveDocument,
  PushSubscriptionsDocument,
  type NotificationPreferencesQuery,
  type PushSubscriptionFieldsFragment,
} from '../../graphql/__generated__/operations.ts';
import { describeError } from '../../graphql/errors.ts';
import { useFormat } from '../../i18n/format.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import {
  notificationPermission,
  PushOptInError,
  pushSupported,
  rememberedRegistration,
  rememberRegistration,
  subscribeThisBrowser,
  unsubscribeThisBrowser,
} from './push.ts';

type PushConfig = NotificationPreferencesQuery['pushConfig'];

/**
 * Browser notifications: the opt-in for this browser (permission, service worker, the push
 * service's subscription, registered with the server) and every browser registered, with removal.
 */
export function PushSection({ config }: { config: PushConfig }) {
  const { t } = useTranslation();
  const format = useFormat();
  const id = useId();
  const query = useQuery(PushSubscriptionsDocument);
  const [register] = useMutation(PushSubscriptionRegisterDocument);
  const [remove] = useMutation(PushSubscriptionRemoveDocument);
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ tone: 'success' | 'error' | 'info'; text: string } | null>(null);
  const [thisBrowser, setThisBrowser] = useState(() => rememberedRegistration());
  const subscriptions = query.data?.pushSubscriptions ?? [];
  const registeredHere = thisBrowser !== null && subscriptions.some((subscription) => subscription.id === thisBrowser);
  const supported = pushSupported();
  const blocked = notificationPermission() === 'denied';

  async function enable() {
    if (busy || !config.vapidPublicKey) return;
    setBusy(true);
    setMessage(null);
    try {
      const subscription = await subscribeThisBrowser(config.vapidPublicKey);
      const { data } = await register({
        variables: { input: subscription },
        refetchQueries: [PushSubscriptionsDocument],
        awaitRefetchQueries: true,
      });
      const payload = data?.pushSubscriptionRegister;
      if (payload?.pushSubscription) {
        rememberRegistration(payload.pushSubscription.id);
        setThisBrowser(payload.pushSubscription.id);
        setMessage({ tone: 'success', text: t('notifications:push.enabled') });
      } else {
        setMessage({ tone: 'error', text: (payload?.userErrors ?? []).map((userError) => userError.message).join(' ') || t('errors:unexpected') });
      }
    } catch (failure) {
      setMessage({ tone: failure instanceof PushOptInError && failure.problem === 'dismissed' ? 'info' : 'error', text: failure instanceof PushOptInError ? t(`notifications:push.problems.${failure.problem}`) : describeError(failure, t) });
    } finally {
      setBusy(false);
    }
  }

  async function removeRegistration(subscription: PushSubscriptionFieldsFragment) {
    setMessage(null);
    try {
      const { data } = await remove({
        variables: { input: { id: subscription.id } },
        update(cache, result) {
          const removedId = result.data?.pushSubscriptionRemove.removedId;
          if (!removedId) return;
          cache.updateQuery({ query: PushSubscriptionsDocument }, (current) =>
            current ? { ...current, pushSubscriptions: current.pushSubscriptions.filter((candidate) => candidate.id !== removedId) } : undefined,
          );
        },
      });
      const payload = data?.pushSubscriptionRemove;
      if (payload?.removedId) {
        if (payload.removedId === thisBrowser) {
          await unsubscribeThisBrowser();
          rememberRegistration(null);
          setThisBrowser(null);
        }
        setMessage({ tone: 'success', text: t('notifications:push.removed', { host: subscription.endpointHost }) });
      } else {
        setMessage({ tone: 'error', text: (payload?.userErrors ?? []).map((userError) => userError.message).join(' ') || t('errors:unexpected') });
      }
    } catch (failure) {
      setMessage({ tone: 'error', text: describeError(failure, t) });
    }
  }

  let state: ReactNode;
  if (!config.enabled || !config.vapidPublicKey) state = <p className="muted">{t('notifications:push.off')}</p>;
  else if (!supported) state = <p className="muted">{t('notifications:push.unsupported')}</p>;
  else if (registeredHere) state = <p>{t('notifications:push.thisBrowserOn')}</p>;
  else if (blocked) state = <p className="muted">{t('notifications:push.problems.denied')}</p>;
  else
    state = (
      <div className="actions">
        <Button busy={busy} onClick={() => void enable()}>
          {t('notifications:push.enable')}
        </Button>
      </div>
    );

  return (
    <section className="card settings-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('notifications:push.title')}</h2>
      <p className="muted">{t('notifications:push.intro')}</p>
      {message && <Alert tone={message.tone}>{message.text}</Alert>}
      {state}
      <h3>{t('notifications:push.listTitle')}</h3>
      <QueryState loading={query.loading} error={query.error} hasData={Boolean(query.data)} retry={() => void query.refetch()}>
        {subscriptions.length === 0 ? (
          <p className="empty-state">{t('notifications:push.none')}</p>
        ) : (
          <ul className="push-list">
            {subscriptions.map((subscription) => (
              <li key={subscription.id}>
                <span>
                  <strong>{subscription.endpointHost}</strong>
                  {subscription.id === thisBrowser && <span className="muted"> {t('notifications:push.thisBrowser')}</span>}
                  <span className="field__hint">
                    {subscription.userAgent ? `${subscription.userAgent} · ` : ''}
                    {t('notifications:push.since', { date: format.date(subscription.createdAt) })}
                  </span>
                </span>
                <Button variant="secondary" aria-label={t('notifications:push.removeLabel', { host: subscription.endpointHost })} onClick={() => void removeRegistration(subscription)}>
                  {t('notifications:push.remove')}
                </Button>
              </li>
            ))}
          </ul>
        )}
      </QueryState>
    </section>
  );
}
