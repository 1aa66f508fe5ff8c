import { ROLE_PERMISSIONS, ROLES, type Permission, type Role } from '@platform/schema';
import type { NotificationCategory, NotificationChannel } from './entities/index.ts';

/** Who among the organization's members receives a kind. */
export type Audience =
  /** Members holding a permission (their role grants it, per schema/src/permissions.ts). */
  | { to: 'permission'; permission: Permission }
  /** The user the event is about (`payload.userId`), while still a member. */
  | { to: 'subject' }
  /** The user the event is about, reached at `payload.email` because they are no longer a member. */
  | { to: 'former-member' }
  /** Chosen by the sender (announcements). */
  | { to: 'chosen' };

/** The subgraphs whose domain events make notifications. */
export const EVENT_SOURCES = ['identity', 'billing', 'usage'] as const;
export type EventSource = (typeof EVENT_SOURCES)[number];

export interface AudienceRule {
  audience: Audience;
  /** Channels this audience may get at all; default every channel of the kind. */
  channels?: readonly NotificationChannel[];
}

export interface NotificationKind {
  key: string;
  category: NotificationCategory;
  /** For the preferences page. */
  description: string;
  /** Always delivered on its default channels; those cannot be turned off. */
  critical: boolean;
  defaultChannels: readonly NotificationChannel[];
  /** Where in the web app it leads. */
  link: string | null;
  /** The domain event that makes it (`<subgraph>:<type>`); none for announcements. */
  event: { source: EventSource; type: string } | null;
  recipients: readonly AudienceRule[];
}

const billingManagers: AudienceRule = { audience: { to: 'permission', permission: 'billing.manage' } };
const usageReaders: AudienceRule = { audience: { to: 'permission', permission: 'analytics.read' } };

/**
 * Every kind of notification the platform sends. Adding a kind: an entry here, its texts in
 * templates/messages.ts (every locale), and, when an event makes it, that event in the consumer's types.
 */
export const NOTIFICATION_KINDS: readonly NotificationKind[] = [
  {
    key: 'announcement',
    category: 'announcement',
    description: "Announcements from the organization's admins.",
    critical: false,
    defaultChannels: ['in_app', 'email', 'push'],
    link: null,
    event: null,
    recipients: [{ audience: { to: 'chosen' } }],
  },
  {
    key: 'member.joined',
    category: 'membership',
    description: 'Someone accepted an invitation and joined the organization.',
    critical: false,
    defaultChannels: ['in_app', 'email'],
    link: '/members',
    event: { source: 'identity', type: 'member.joined' },
    recipients: [{ audience: { to: 'permission', permission: 'member.invite' } }],
  },
  {
    key: 'member.removed',
    category: 'membership',
    description: 'A member was removed from the organization (the member is told by email).',
    critical: false,
    defaultChannels: ['in_app', 'email'],
    link: '/members',
    event: { source: 'identity', type: 'member.removed' },
    recipients: [
      { audience: { to: 'former-member' }, channels: ['email'] },
      { audience: { to: 'permission', permission: 'member.remove' }, channels: ['in_app'] },
    ],
  },
  {
    key: 'member.role_changed',
    category: 'membership',
    description: 'Your role in the organization changed.',
    critical: false,
    defaultChannels: ['in_app', 'email'],
    link: '/profile',
    event: { source: 'identity', type: 'member.role_changed' },
    recipients: [{ audience: { to: 'subject' } }],
  },
  {
    key: 'invitation.created',
    category: 'membership',
    description: 'Someone was invited to the organization.',
    critical: false,
    defaultChannels: ['in_app'],
    link: '/members',
    event: { source: 'identity', type: 'invitation.created' },
    recipients: [{ audience: { to: 'permission', permission: 'member.invite' } }],
  },
  {
    key: 'user.password_changed',
    category: 'security',
    // Identity mails the user itself when the password changes, so email is not one of its channels here.
    description: 'Your password was changed (identity also tells you by email).',
    critical: true,
    defaultChannels: ['in_app', 'push'],
    link: '/profile',
    event: { source: 'identity', type: 'user.password_changed' },
    recipients: [{ audience: { to: 'subject' } }],
  },
  {
    key: 'api_key.created',
    category: 'security',
    description: 'An API key was created for the organization.',
    critical: false,
    defaultChannels: ['in_app', 'email'],
    link: '/api-keys',
    event: { source: 'identity', type: 'api_key.created' },
    recipients: [{ audience: { to: 'permission', permission: 'apikey.manage' } }],
  },
  {
    key: 'invoice.paid',
    category: 'billing',
    description: 'An invoice was paid (the invoice itself goes to the billing contact).',
    critical: false,
    defaultChannels: ['in_app'],
    link: '/billing',
    event: { source: 'billing', type: 'invoice.paid' },
    recipients: [billingManagers],
  },
  {
    key: 'payment.failed',
    category: 'billing',
    description: 'A payment failed: the subscription is at risk until it is paid.',
    critical: true,
    defaultChannels: ['in_app', 'email', 'push'],
    link: '/billing',
    event: { source: 'billing', type: 'payment.failed' },
    recipients: [billingManagers],
  },
  {
    key: 'trial.will_end',
    category: 'billing',
    description: 'The trial ends in a few days.',
    critical: false,
    defaultChannels: ['in_app', 'email'],
    link: '/billing',
    event: { source: 'billing', type: 'trial.will_end' },
    recipients: [billingManagers],
  },
  {
    key: 'subscription.canceled',
    category: 'billing',
    description: 'The subscription was canceled.',
    critical: false,
    defaultChannels: ['in_app', 'email'],
    link: '/billing',
    event: { source: 'billing', type: 'subscription.canceled' },
    recipients: [billingManagers],
  },
  {
    key: 'usage.quota_warning',
    category: 'billing',
    description: "The organization used 80% of the month's API quota.",
    critical: false,
    defaultChannels: ['in_app', 'email'],
    link: '/usage',
    event: { source: 'usage', type: 'usage.quota_warning' },
    recipients: [usageReaders],
  },
  {
    key: 'usage.quota_exceeded',
    category: 'billing',
    description: "The organization used all of the month's API quota.",
    critical: false,
    defaultChannels: ['in_app', 'email', 'push'],
    link: '/usage',
    event: { source: 'usage', type: 'usage.quota_exceeded' },
    recipients: [usageReaders],
  },
];

const byKey = new Map(NOTIFICATION_KINDS.map((kind) => [kind.key, kind]));

export function kindOf(key: string): NotificationKind | undefined {
  return byKey.get(key);
}

/** The kinds an event of `source` and `type` makes. */
export function kindsForEvent(source: string, type: string): NotificationKind[] {
  return NOTIFICATION_KINDS.filter((kind) => kind.event?.source === source && kind.event.type === type);
}

/** The event types of `source` that some kind is made from: what a consumer subscribes to. */
export function eventTypesOf(source: EventSource): string[] {
  return [...new Set(NOTIFICATION_KINDS.flatMap((kind) => (kind.event?.source === source ? [kind.event.type] : [])))];
}

/** The roles that hold `permission`. */
export function rolesHolding(permission: Permission): Role[] {
  return ROLES.filter((role) => ROLE_PERMISSIONS[role].includes(permission));
}

/** Whether a channel of a kind is locked on: critical kinds on their default channels. */
export function isLocked(kind: NotificationKind, channel: NotificationChannel): boolean {
  return kind.critical && kind.defaultChannels.includes(channel);
}
