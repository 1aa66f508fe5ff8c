import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import type { NotificationCategory, NotificationChannel, NotificationPreferencesQuery } from '../../graphql/__generated__/operations.ts';
import { CATEGORIES, CHANNELS } from './notifications.ts';

export type NotificationKind = NotificationPreferencesQuery['notificationKinds'][number];

/** A kind's name for people: the app's translation, else the server's description. */
export function kindLabel(t: TFunction, kind: Pick<NotificationKind, 'key' | 'description'>): string {
  return t(`notifications:kinds.${kind.key}`, { defaultValue: kind.description });
}

export function channelLabel(t: TFunction, channel: NotificationChannel): string {
  return t(`notifications:channels.${channel}`);
}

interface ChannelMatrixProps {
  caption: string;
  kinds: readonly NotificationKind[];
  /** The explanation under a kind's name (e.g. why it is locked); its id describes the row's switches. */
  note?(kind: NotificationKind): string | null;
  cell(kind: NotificationKind, channel: NotificationChannel, noteId: string | undefined): ReactNode;
  /** Prefix of the ids the notes get, unique on the page. */
  idPrefix: string;
}

/** Kinds down, channels across, grouped by category: the shape of both the user's preferences and the organization's defaults. */
export function ChannelMatrix({ caption, kinds, note, cell, idPrefix }: ChannelMatrixProps) {
  const { t } = useTranslation();
  const groups = CATEGORIES.map((category: NotificationCategory) => ({ category, kinds: kinds.filter((kind) => kind.category === category) })).filter((group) => group.kinds.length > 0);
  return (
    <div className="table-wrap">
      <table className="responsive channel-matrix">
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('notifications:settings.kind')}</th>
            {CHANNELS.map((channel) => (
              <th key={channel} scope="col">
                {channelLabel(t, channel)}
              </th>
            ))}
          </tr>
        </thead>
        {groups.map((group) => (
          <tbody key={group.category}>
            <tr className="channel-matrix__category">
              <th scope="colgroup" colSpan={CHANNELS.length + 1}>
                {t(`notifications:categories.${group.category}`)}
              </th>
            </tr>
            {group.kinds.map((kind) => {
              const explanation = note?.(kind) ?? null;
              const noteId = explanation ? `${idPrefix}-${kind.key.replace(/[^\w-]/g, '-')}-note` : undefined;
              return (
                <tr key={kind.key}>
                  <th scope="row">
                    {kindLabel(t, kind)}
                    {explanation && (
                      <span className="kind-note" id={noteId}>
                        {explanation}
                      </span>
                    )}
                  </th>
                  {CHANNELS.map((channel) => (
                    <td key={channel} data-label={channelLabel(t, channel)}>
                      {cell(kind, channel, noteId)}
                    </td>
                  ))}
                </tr>
              );
            })}
          </tbody>
        ))}
      </table>
    </div>
  );
}

interface SwitchProps {
  label: string;
  checked: boolean;
  disabled?: boolean;
  describedBy?: string;
  onChange(checked: boolean): void;
}

/** A checkbox that reads as an on/off switch; its name says what it turns on. */
export function Switch({ label, checked, disabled, describedBy, onChange }: SwitchProps) {
  return (
    <label className="switch">
      <input type="checkbox" role="switch" checked={checked} disabled={disabled} aria-describedby={describedBy} onChange={(event) => onChange(event.target.checked)} />
      <span className="visually-hidden">{label}</span>
    </label>
  );
}
