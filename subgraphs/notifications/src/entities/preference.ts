import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';
import type { NotificationChannel } from './notification.ts';

/** The organization's default for a kind on a channel; applies to every member without a choice of their own. */
export const OrganizationDefaultSchema = defineEntity({
  name: 'OrganizationDefault',
  tableName: 'notification_organization_default',
  filters: tenantScoped('organizationId'),
  uniques: [{ properties: ['organizationId', 'kind', 'channel'] }],
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    kind: p.string().length(64),
    channel: p.string().length(8).$type<NotificationChannel>(),
    enabled: p.boolean(),
    updatedAt: p.datetime(),
  },
});
export class OrganizationDefault extends OrganizationDefaultSchema.class {}
OrganizationDefaultSchema.setClass(OrganizationDefault);

/** A member's own choice for a kind on a channel, in one organization. */
export const UserPreferenceSchema = defineEntity({
  name: 'UserPreference',
  tableName: 'notification_preference',
  filters: tenantScoped('organizationId'),
  uniques: [{ properties: ['organizationId', 'userId', 'kind', 'channel'] }],
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    userId: p.string(),
    kind: p.string().length(64),
    channel: p.string().length(8).$type<NotificationChannel>(),
    enabled: p.boolean(),
    updatedAt: p.datetime(),
  },
});
export class UserPreference extends UserPreferenceSchema.class {}
UserPreferenceSchema.setClass(UserPreference);

export type EmailDelivery = 'instant' | 'daily_digest';
export type Locale = 'en' | 'de';
export const LOCALES: readonly Locale[] = ['en', 'de'];

/** How a member gets email (at once or in a daily digest) and in which language, per organization. */
export const RecipientSettingsSchema = defineEntity({
  name: 'RecipientSettings',
  tableName: 'notification_settings',
  filters: tenantScoped('organizationId'),
  uniques: [{ properties: ['organizationId', 'userId'] }],
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    userId: p.string(),
    emailDelivery: p.string().length(16).$type<EmailDelivery>(),
    locale: p.string().length(8).$type<Locale>(),
    /** The digest cut-off last sent: a digest goes out once per day, even with two workers. */
    lastDigestAt: p.datetime().nullable(),
    updatedAt: p.datetime(),
  },
});
export class RecipientSettings extends RecipientSettingsSchema.class {}
RecipientSettingsSchema.setClass(RecipientSettings);
