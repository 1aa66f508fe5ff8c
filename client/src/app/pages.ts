/**
 * The signed-in app's pages, in menu order. A domain adds its page here, in one place: the route,
 * the menu entry and the permission check all come from this list.
 */
import type { ComponentType, ReactNode } from 'react';
import { MailboxMenuGate } from '../features/outbox/MailboxMenuGate.tsx';

export interface AppPage {
  /** Path below the app's root, without a leading slash; '' is the home page. */
  path: string;
  /** The `nav` namespace key of the menu entry. */
  label: string;
  /** The permission the page needs; without it the page explains what is missing instead. */
  permission?: string;
  /** Reached from elsewhere (a link on another page), not from the menu. */
  hidden?: boolean;
  /** Decides at run time whether the menu entry shows: it renders its children, or nothing. */
  menuGate?: ComponentType<{ children: ReactNode }>;
  load(): Promise<{ default: ComponentType }>;
}

export const APP_PAGES: AppPage[] = [
  { path: '', label: 'home', load: () => import('../features/home/HomePage.tsx') },
  { path: 'notifications', label: 'notifications', load: () => import('../features/notifications/NotificationCenterPage.tsx') },
  { path: 'members', label: 'members', permission: 'member.read', load: () => import('../features/members/MembersPage.tsx') },
  { path: 'api-keys', label: 'apiKeys', permission: 'apikey.read', load: () => import('../features/api-keys/ApiKeysPage.tsx') },
  { path: 'usage', label: 'usage', permission: 'analytics.read', load: () => import('../features/usage/UsagePage.tsx') },
  { path: 'billing', label: 'billing', permission: 'billing.read', load: () => import('../features/billing/BillingPage.tsx') },
  { path: 'announcements', label: 'announcements', permission: 'notification.send', load: () => import('../features/notifications/AnnouncementPage.tsx') },
  { path: 'outbox', label: 'outbox', permission: 'notification.manage', menuGate: MailboxMenuGate, load: () => import('../features/outbox/OutboxPage.tsx') },
  { path: 'profile', label: 'profile', load: () => import('../features/profile/ProfilePage.tsx') },
  { path: 'settings/notifications', label: 'notificationSettings', hidden: true, load: () => import('../features/notifications/NotificationSettingsPage.tsx') },
];
