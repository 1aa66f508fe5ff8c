import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/**
 * A browser's push registration. The endpoint and its keys are bearer capabilities (whoever holds
 * them can push to that browser), so they are stored encrypted; `endpointHash` finds a registration
 * again without decrypting.
 */
export const PushRegistrationSchema = defineEntity({
  name: 'PushRegistration',
  tableName: 'push_subscription',
  filters: tenantScoped('organizationId'),
  uniques: [{ properties: ['organizationId', 'endpointHash'] }],
  properties: {
    id: p.string().primary(),
    organizationId: p.string(),
    userId: p.string().index(),
    /** SHA-256 of the endpoint, hex. */
    endpointHash: p.string().length(64),
    /** The push service's host, for display. */
    endpointHost: p.string().length(255),
    /** AES-256-GCM of `{ endpoint, p256dh, auth }` JSON. */
    secretBox: p.text(),
    userAgent: p.string().length(255).nullable(),
    expiresAt: p.datetime().nullable(),
    createdAt: p.datetime(),
    lastDeliveredAt: p.datetime().nullable(),
  },
});
export class PushRegistration extends PushRegistrationSchema.class {}
PushRegistrationSchema.setClass(PushRegistration);

/** The embedded default's VAPID key pair, made once and kept so that browsers' registrations survive restarts. */
export const VapidKeySchema = defineEntity({
  name: 'VapidKey',
  tableName: 'push_vapid_key',
  properties: {
    id: p.string().primary(),
    publicKey: p.string().length(120),
    /** AES-256-GCM of the private key, with a key derived from the platform's secret. */
    privateKeyBox: p.text(),
    createdAt: p.datetime(),
  },
});
export class VapidKey extends VapidKeySchema.class {}
VapidKeySchema.setClass(VapidKey);
