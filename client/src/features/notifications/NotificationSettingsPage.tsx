import type { ApolloCache } from '@apollo/client';
import { useMutation, useQuery } from '@apollo/client/react';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useViewer } from '../../auth/ViewerProvider.tsx';
import {
  NotificationPreferenceResetDocument,
  NotificationPreferencesDocument,
  NotificationPreferenceSetDocument,
  NotificationSettingsUpdateDocument,
  OrganizationNotificationDefaultResetDocument,
  OrganizationNotificationDefaultsDocument,
  OrganizationNotificationDefaultSetDocument,
  type NotificationChannelSettingFieldsFragment,
  type EmailDelivery,
  type NotificationChannel,
  type NotificationPreferencesFieldsFragment,
  type PreferenceSource,
} from '../../graphql/__generated__/operations.ts';
import { describeError, type UserErrorLike } from '../../graphql/errors.ts';
import { LANGUAGES } from '../../i18n/index.ts';
import { Alert } from '../../ui/Alert.tsx';
import { Button } from '../../ui/Button.tsx';
import { SelectField } from '../../ui/Field.tsx';
import { PageHeader } from '../../ui/PageHeader.tsx';
import { QueryState } from '../../ui/QueryState.tsx';
import { ChannelMatrix, channelLabel, kindLabel, Switch, type NotificationKind } from './ChannelMatrix.tsx';
import { PushSection } from './PushSection.tsx';
import './notifications.css';

type Preference = NotificationPreferencesFieldsFragment['preferences'][number];

const SOURCE_KEYS: Record<PreferenceSource, string> = {
  PLATFORM: 'notifications:settings.source.PLATFORM',
  ORGANIZATION: 'notifications:settings.source.ORGANIZATION',
  USER: 'notifications:settings.source.USER',
  CRITICAL: 'notifications:settings.source.CRITICAL',
};

/** Whether a kind's default channels are locked on for everyone. */
function lockedOn(kind: NotificationKind, channel: NotificationChannel): boolean {
  return kind.critical && kind.defaultChannels.includes(channel);
}

/** Runs a save and turns its outcome into a message for the section's live region. */
function useSaver() {
  const { t } = useTranslation();
  const [message, setMessage] = useState<{ tone: 'success' | 'error'; text: string } | null>(null);
  async function save(action: () => Promise<readonly UserErrorLike[] | undefined>, success: string) {
    setMessage(null);
    try {
      const userErrors = (await action()) ?? [];
      setMessage(userErrors.length > 0 ? { tone: 'error', text: userErrors.map((userError) => userError.message).join(' ') } : { tone: 'success', text: success });
    } catch (failure) {
      setMessage({ tone: 'error', text: describeError(failure, t) });
    }
  }
  const alert = message ? <Alert tone={message.tone}>{message.text}</Alert> : null;
  return { save, alert };
}

/**
 * The user's notification settings: what reaches them on which channel (with where each setting
 * comes from), how email is delivered and in which language, browser push, and for those who
 * manage notifications the organization's defaults.
 */
export default function NotificationSettingsPage() {
  const { t } = useTranslation();
  const { can } = useViewer();
  const query = useQuery(NotificationPreferencesDocument);
  const data = query.data;
  return (
    <>
      <PageHeader title={t('notifications:settings.title')} description={t('notifications:settings.description')} />
      <QueryState loading={query.loading} error={query.error} hasData={Boolean(data)} retry={() => void query.refetch()}>
        {data && (
          <>
            <DeliverySection settings={data.notificationPreferences} />
            <PreferencesSection kinds={data.notificationKinds} preferences={data.notificationPreferences.preferences} />
            <PushSection config={data.pushConfig} />
            {can('notification.manage') && <OrganizationDefaultsSection kinds={data.notificationKinds} />}
          </>
        )}
      </QueryState>
    </>
  );
}

function DeliverySection({ settings }: { settings: NotificationPreferencesFieldsFragment }) {
  const { t } = useTranslation();
  const id = useId();
  const [update] = useMutation(NotificationSettingsUpdateDocument);
  const { save, alert } = useSaver();
  const change = (input: { emailDelivery?: EmailDelivery; locale?: string }) =>
    save(async () => (await update({ variables: { input } })).data?.notificationSettingsUpdate.userErrors, t('notifications:settings.saved'));
  return (
    <section className="card settings-section" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('notifications:settings.email.title')}</h2>
      {alert}
      <fieldset>
        <legend>{t('notifications:settings.email.delivery')}</legend>
        <div className="radio-stack">
          {(['INSTANT', 'DAILY_DIGEST'] as const).map((delivery) => (
            <label key={delivery} className="checkbox">
              <input
                type="radio"
                name={`${id}-delivery`}
                value={delivery}
                checked={settings.emailDelivery === delivery}
                aria-describedby={`${id}-${delivery}-hint`}
                onChange={() => void change({ emailDelivery: delivery })}
              />
              <span>
                {t(`notifications:settings.email.${delivery}`)}
                <span className="field__hint" id={`${id}-${delivery}-hint`}>
                  {t(`notifications:settings.email.hints.${delivery}`)}
                </span>
              </span>
            </label>
          ))}
        </div>
      </fieldset>
      <div className="notification-filters">
        <SelectField
          label={t('notifications:settings.email.language')}
          hint={t('notifications:settings.email.languageHint')}
          value={settings.locale}
          onChange={(event) => void change({ locale: event.target.value })}
        >
          {LANGUAGES.map((language) => (
            <option key={language.code} value={language.code} lang={language.code}>
              {language.name}
            </option>
          ))}
        </SelectField>
      </div>
    </section>
  );
}

function PreferencesSection({ kinds, preferences }: { kinds: readonly NotificationKind[]; preferences: readonly Preference[] }) {
  const { t } = useTranslation();
  const id = useId();
  const [setPreference] = useMutation(NotificationPreferenceSetDocument);
  const [resetPreference] = useMutation(NotificationPreferenceResetDocument);
  const { save, alert } = useSaver();
  const [pending, setPending] = useState<Record<string, boolean>>({});
  const byCell = new Map(preferences.map((preference) => [`${preference.kind}/${preference.channel}`, preference]));

  async function toggle(kind: NotificationKind, channel: NotificationChannel, enabled: boolean) {
    const cell = `${kind.key}/${channel}`;
    if (cell in pending) return;
    setPending((current) => ({ ...current, [cell]: enabled }));
    const what = { kind: kindLabel(t, kind), channel: channelLabel(t, channel) };
    await save(
      async () => (await setPreference({ variables: { input: { kind: kind.key, channel, enabled } } })).data?.notificationPreferenceSet.userErrors,
      t(enabled ? 'notifications:settings.turnedOn' : 'notifications:settings.turnedOff', what),
    );
    setPending(({ [cell]: _done, ...rest }) => rest);
  }

  async function reset(kind: NotificationKind, channel: NotificationChannel) {
    const what = { kind: kindLabel(t, kind), channel: channelLabel(t, channel) };
    await save(
      async () => (await resetPreference({ variables: { input: { kind: kind.key, channel } } })).data?.notificationPreferenceReset.userErrors,
      t('notifications:settings.wasReset', what),
    );
  }

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('notifications:settings.matrix.title')}</h2>
      <p className="muted">{t('notifications:settings.matrix.intro')}</p>
      {alert}
      <ChannelMatrix
        caption={t('notifications:settings.matrix.title')}
        kinds={kinds}
        idPrefix={id}
        note={(kind) => (kind.critical ? t('notifications:settings.criticalNote', { channels: kind.defaultChannels.map((channel) => channelLabel(t, channel)).join(', ') }) : null)}
        cell={(kind, channel, noteId) => {
          const preference = byCell.get(`${kind.key}/${channel}`);
          if (!preference) return <span className="muted">{t('notifications:settings.notAvailable')}</span>;
          const cell = `${kind.key}/${channel}`;
          const sourceId = `${id}-${cell.replace(/[^\w-]/g, '-')}-source`;
          const label = t('notifications:settings.switchLabel', { kind: kindLabel(t, kind), channel: channelLabel(t, channel) });
          return (
            <div className="channel-cell">
              <Switch
                label={label}
                checked={pending[cell] ?? preference.enabled}
                disabled={!preference.editable}
                describedBy={[sourceId, !preference.editable ? noteId : null].filter(Boolean).join(' ')}
                onChange={(enabled) => void toggle(kind, channel, enabled)}
              />
              <span className="channel-cell__source" id={sourceId}>
                {t(SOURCE_KEYS[preference.source])}
              </span>
              {preference.source === 'USER' && preference.editable && (
                <Button variant="link" aria-label={t('notifications:settings.resetLabel', { kind: kindLabel(t, kind), channel: channelLabel(t, channel) })} onClick={() => void reset(kind, channel)}>
                  {t('notifications:settings.reset')}
                </Button>
              )}
            </div>
          );
        }}
      />
    </section>
  );
}

/** The organization's defaults as a set or reset returned them: the whole list, in place of the cached one. */
function keepDefaults(cache: ApolloCache, defaults: readonly NotificationChannelSettingFieldsFragment[] | null | undefined): void {
  if (defaults) cache.writeQuery({ query: OrganizationNotificationDefaultsDocument, data: { __typename: 'Query', organizationNotificationDefaults: [...defaults] } });
}

function OrganizationDefaultsSection({ kinds }: { kinds: readonly NotificationKind[] }) {
  const { t } = useTranslation();
  const { viewer } = useViewer();
  const id = useId();
  const query = useQuery(OrganizationNotificationDefaultsDocument);
  const [setDefault] = useMutation(OrganizationNotificationDefaultSetDocument);
  const [resetDefault] = useMutation(OrganizationNotificationDefaultResetDocument);
  const { save, alert } = useSaver();
  // A cell's switch position while its change is saved; null while its reset is.
  const [pending, setPending] = useState<Record<string, boolean | null>>({});
  // Only what the organization set is listed; everything else follows the platform's default channels.
  const explicit = new Map((query.data?.organizationNotificationDefaults ?? []).map((setting) => [`${setting.kind}/${setting.channel}`, setting.enabled]));

  async function change(kind: NotificationKind, channel: NotificationChannel, enabled: boolean | null) {
    const cell = `${kind.key}/${channel}`;
    if (cell in pending) return;
    setPending((current) => ({ ...current, [cell]: enabled }));
    const what = { kind: kindLabel(t, kind), channel: channelLabel(t, channel) };
    const input = { kind: kind.key, channel };
    const success =
      enabled === null ? 'notifications:settings.defaults.wasReset' : enabled ? 'notifications:settings.defaults.turnedOn' : 'notifications:settings.defaults.turnedOff';
    await save(async () => {
      if (enabled === null) {
        const { data } = await resetDefault({
          variables: { input },
          update: (cache, result) => keepDefaults(cache, result.data?.organizationNotificationDefaultReset.defaults),
          refetchQueries: [NotificationPreferencesDocument],
        });
        return data?.organizationNotificationDefaultReset.userErrors;
      }
      const { data } = await setDefault({
        variables: { input: { ...input, enabled } },
        update: (cache, result) => keepDefaults(cache, result.data?.organizationNotificationDefaultSet.defaults),
        // The user's own matrix shows where each setting comes from, the organization included.
        refetchQueries: [NotificationPreferencesDocument],
      });
      return data?.organizationNotificationDefaultSet.userErrors;
    }, t(success, what));
    setPending(({ [cell]: _done, ...rest }) => rest);
  }

  return (
    <section className="card" aria-labelledby={`${id}-heading`}>
      <h2 id={`${id}-heading`}>{t('notifications:settings.defaults.title')}</h2>
      <p className="muted">{t('notifications:settings.defaults.intro', { organization: viewer.organization.name })}</p>
      {alert}
      <QueryState loading={query.loading} error={query.error} hasData={Boolean(query.data)} retry={() => void query.refetch()}>
        <ChannelMatrix
          caption={t('notifications:settings.defaults.title')}
          kinds={kinds}
          idPrefix={`${id}-defaults`}
          note={(kind) => (kind.critical ? t('notifications:settings.criticalNote', { channels: kind.defaultChannels.map((channel) => channelLabel(t, channel)).join(', ') }) : null)}
          cell={(kind, channel, noteId) => {
            const cell = `${kind.key}/${channel}`;
            const locked = lockedOn(kind, channel);
            const set = explicit.get(cell);
            const sourceId = `${id}-defaults-${cell.replace(/[^\w-]/g, '-')}-source`;
            const what = { kind: kindLabel(t, kind), channel: channelLabel(t, channel) };
            const platform = kind.defaultChannels.includes(channel);
            return (
              <div className="channel-cell">
                <Switch
                  label={t('notifications:settings.defaults.switchLabel', what)}
                  checked={locked || (pending[cell] === null ? platform : (pending[cell] ?? set ?? platform))}
                  disabled={locked}
                  describedBy={[sourceId, locked ? noteId : null].filter(Boolean).join(' ')}
                  onChange={(enabled) => void change(kind, channel, enabled)}
                />
                <span className="channel-cell__source" id={sourceId}>
                  {locked ? t(SOURCE_KEYS.CRITICAL) : set === undefined ? t(SOURCE_KEYS.PLATFORM) : t('notifications:settings.defaults.chosen')}
                </span>
                {set !== undefined && !locked && (
                  <Button
                    variant="link"
                    aria-label={t('notifications:settings.defaults.resetLabel', what)}
                    onClick={(event) => {
                      // The button goes once the reset is saved: keep keyboard focus in the cell, on its switch.
                      const button = event.currentTarget;
                      const toggle = button.closest('.channel-cell')?.querySelector<HTMLInputElement>('input[role="switch"]');
                      void change(kind, channel, null).then(() => {
                        if (!button.isConnected) toggle?.focus();
                      });
                    }}
                  >
                    {t('notifications:settings.defaults.reset')}
                  </Button>
                )}
              </div>
            );
          }}
        />
      </QueryState>
    </section>
  );
}
