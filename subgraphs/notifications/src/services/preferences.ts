import { DomainService, newId, UserInputError, type EntityManager } from '@platform/kit';
import {
  CHANNELS,
  LOCALES,
  OrganizationDefault,
  RecipientSettings,
  UserPreference,
  type EmailDelivery,
  type Locale,
  type NotificationChannel,
} from '../entities/index.ts';
import { isLocked, kindOf, NOTIFICATION_KINDS, type NotificationKind } from '../registry.ts';
import { latestDigestCutoff, requireUser, userIdOf, type NotificationsDeps } from './support.ts';

export type PreferenceSource = 'platform' | 'organization' | 'user' | 'critical';

export interface PreferenceModel {
  kind: string;
  channel: NotificationChannel;
  enabled: boolean;
  source: PreferenceSource;
  editable: boolean;
}

export interface PreferencesModel {
  emailDelivery: EmailDelivery;
  locale: Locale;
  preferences: PreferenceModel[];
}

export interface ChannelSetting {
  kind: string;
  channel: NotificationChannel;
  enabled: boolean;
}

/** Email at once and English, until the member chooses otherwise. */
export const DEFAULT_SETTINGS: { emailDelivery: EmailDelivery; locale: Locale } = { emailDelivery: 'instant', locale: 'en' };

/** Whether a kind goes out on a channel for one member: the first of critical, their choice, the organization's, the platform's. */
export function resolvePreference(
  kind: NotificationKind,
  channel: NotificationChannel,
  own: ReadonlyMap<string, boolean> | undefined,
  organization: ReadonlyMap<string, boolean>,
): { enabled: boolean; source: PreferenceSource } {
  if (isLocked(kind, channel)) return { enabled: true, source: 'critical' };
  const key = `${kind.key}|${channel}`;
  const mine = own?.get(key);
  if (mine !== undefined) return { enabled: mine, source: 'user' };
  const theirs = organization.get(key);
  if (theirs !== undefined) return { enabled: theirs, source: 'organization' };
  return { enabled: kind.defaultChannels.includes(channel), source: 'platform' };
}

/** What decides, for a set of members of one organization, which channels each kind goes out on. */
export interface PreferenceBook {
  settingsOf(userId: string): { emailDelivery: EmailDelivery; locale: Locale };
  enabled(userId: string, kind: NotificationKind, channel: NotificationChannel): boolean;
}

/** Reads everything that decides the channels of `userIds`, in three queries. */
export async function loadPreferenceBook(em: EntityManager, userIds: readonly string[]): Promise<PreferenceBook> {
  const ids = [...new Set(userIds)];
  const [defaults, own, settings] = await Promise.all([
    em.find(OrganizationDefault, {}),
    ids.length > 0 ? em.find(UserPreference, { userId: { $in: ids } }) : Promise.resolve([]),
    ids.length > 0 ? em.find(RecipientSettings, { userId: { $in: ids } }) : Promise.resolve([]),
  ]);
  const organization = new Map(defaults.map((row) => [`${row.kind}|${row.channel}`, row.enabled]));
  const byUser = new Map<string, Map<string, boolean>>();
  for (const row of own) {
    const map = byUser.get(row.userId) ?? new Map<string, boolean>();
    map.set(`${row.kind}|${row.channel}`, row.enabled);
    byUser.set(row.userId, map);
  }
  const settingsByUser = new Map(settings.map((row) => [row.userId, { emailDelivery: row.emailDelivery, locale: row.locale }]));
  return {
    settingsOf: (userId) => settingsByUser.get(userId) ?? DEFAULT_SETTINGS,
    enabled: (userId, kind, channel) => resolvePreference(kind, channel, byUser.get(userId), organization).enabled,
  };
}

function knownKind(key: string): NotificationKind {
  const kind = kindOf(key);
  if (!kind) throw UserInputError.of('UNKNOWN_KIND', `'${key}' is not a notification kind; see notificationKinds.`, ['input', 'kind']);
  return kind;
}

function refuseTurningOffCritical(kind: NotificationKind, channel: NotificationChannel, enabled: boolean): void {
  if (!enabled && isLocked(kind, channel)) {
    throw UserInputError.of('CRITICAL_KIND', `'${kind.key}' is critical: it cannot be turned off on ${channel === 'in_app' ? 'in-app' : channel}.`, ['input', 'enabled']);
  }
}

/** Preferences: the platform's defaults (the registry), the organization's, and each member's own. */
export class PreferenceService extends DomainService<NotificationsDeps> {
  kinds(): readonly NotificationKind[] {
    return NOTIFICATION_KINDS;
  }

  /** The caller's preferences for every kind and channel, with where each comes from. */
  async mine(): Promise<PreferencesModel> {
    const userId = userIdOf(this.context);
    const [defaults, own, settings] = await Promise.all([
      this.em.find(OrganizationDefault, {}),
      userId ? this.em.find(UserPreference, { userId }) : Promise.resolve([]),
      userId ? this.em.findOne(RecipientSettings, { userId }) : Promise.resolve(null),
    ]);
    const organization = new Map(defaults.map((row) => [`${row.kind}|${row.channel}`, row.enabled]));
    const mine = new Map(own.map((row) => [`${row.kind}|${row.channel}`, row.enabled]));
    return {
      emailDelivery: settings?.emailDelivery ?? DEFAULT_SETTINGS.emailDelivery,
      locale: settings?.locale ?? DEFAULT_SETTINGS.locale,
      preferences: NOTIFICATION_KINDS.flatMap((kind) =>
        CHANNELS.map((channel) => ({ kind: kind.key, channel, ...resolvePreference(kind, channel, mine, organization), editable: !isLocked(kind, channel) })),
      ),
    };
  }

  async set(input: ChannelSetting): Promise<{ preferences: PreferencesModel }> {
    const userId = requireUser(this.context);
    const kind = knownKind(input.kind);
    refuseTurningOffCritical(kind, input.channel, input.enabled);
    const now = this.deps.clock.now();
    const existing = await this.em.findOne(UserPreference, { userId, kind: kind.key, channel: input.channel });
    if (existing) {
      existing.enabled = input.enabled;
      existing.updatedAt = now;
    } else {
      this.em.persist(
        this.em.create(UserPreference, { id: newId('npr'), organizationId: this.context.organizationId!, userId, kind: kind.key, channel: input.channel, enabled: input.enabled, updatedAt: now }),
      );
    }
    await this.em.flush();
    return { preferences: await this.mine() };
  }

  async reset(input: { kind: string; channel: NotificationChannel }): Promise<{ preferences: PreferencesModel }> {
    const userId = requireUser(this.context);
    const kind = knownKind(input.kind);
    await this.em.nativeDelete(UserPreference, { userId, kind: kind.key, channel: input.channel });
    return { preferences: await this.mine() };
  }

  async updateSettings(input: { emailDelivery?: EmailDelivery | null; locale?: string | null }): Promise<{ preferences: PreferencesModel }> {
    const userId = requireUser(this.context);
    if (input.locale != null && !(LOCALES as readonly string[]).includes(input.locale)) {
      throw UserInputError.of('UNSUPPORTED_LOCALE', `'${input.locale}' is not a supported language; choose one of ${LOCALES.join(', ')}.`, ['input', 'locale']);
    }
    const now = this.deps.clock.now();
    const settings =
      (await this.em.findOne(RecipientSettings, { userId })) ??
      this.em.create(RecipientSettings, { id: newId('nst'), organizationId: this.context.organizationId!, userId, ...DEFAULT_SETTINGS, lastDigestAt: null, updatedAt: now });
    if (input.emailDelivery && input.emailDelivery !== settings.emailDelivery) {
      settings.emailDelivery = input.emailDelivery;
      // The first digest waits for the next digest hour rather than going out at once.
      if (input.emailDelivery === 'daily_digest') settings.lastDigestAt = latestDigestCutoff(now, this.deps.settings.digestHourUtc);
    }
    if (input.locale) settings.locale = input.locale as Locale;
    settings.updatedAt = now;
    this.em.persist(settings);
    await this.em.flush();
    return { preferences: await this.mine() };
  }

  /** The organization's explicit defaults (kinds and channels it has not set follow the platform). */
  async organizationDefaults(): Promise<ChannelSetting[]> {
    const rows = await this.em.find(OrganizationDefault, {}, { orderBy: { kind: 'asc', channel: 'asc' } });
    return rows.map((row) => ({ kind: row.kind, channel: row.channel, enabled: row.enabled }));
  }

  async setOrganizationDefault(input: ChannelSetting): Promise<{ defaults: ChannelSetting[] }> {
    const kind = knownKind(input.kind);
    refuseTurningOffCritical(kind, input.channel, input.enabled);
    const now = this.deps.clock.now();
    const existing = await this.em.findOne(OrganizationDefault, { kind: kind.key, channel: input.channel });
    if (existing) {
      existing.enabled = input.enabled;
      existing.updatedAt = now;
    } else {
      this.em.persist(this.em.create(OrganizationDefault, { id: newId('nod'), organizationId: this.context.organizationId!, kind: kind.key, channel: input.channel, enabled: input.enabled, updatedAt: now }));
    }
    await this.em.flush();
    return { defaults: await this.organizationDefaults() };
  }

  /** Drops the organization's default, so members who made no choice of their own follow the platform again. */
  async resetOrganizationDefault(input: { kind: string; channel: NotificationChannel }): Promise<{ defaults: ChannelSetting[] }> {
    const kind = knownKind(input.kind);
    await this.em.nativeDelete(OrganizationDefault, { kind: kind.key, channel: input.channel });
    return { defaults: await this.organizationDefaults() };
  }
}
