import { LocalMailSchema } from './mailbox.ts';
import { NotificationDeliverySchema, NotificationSchema } from './notification.ts';
import { OrganizationDefaultSchema, RecipientSettingsSchema, UserPreferenceSchema } from './preference.ts';
import { PushRegistrationSchema, VapidKeySchema } from './push.ts';

export * from './mailbox.ts';
export * from './notification.ts';
export * from './preference.ts';
export * from './push.ts';

export const entities = [
  NotificationSchema,
  NotificationDeliverySchema,
  OrganizationDefaultSchema,
  UserPreferenceSchema,
  RecipientSettingsSchema,
  PushRegistrationSchema,
  VapidKeySchema,
  LocalMailSchema,
];
