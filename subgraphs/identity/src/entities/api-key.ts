import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';
import { Organization } from './organization.ts';
import { User } from './user.ts';

export const ApiKeySchema = defineEntity({
  name: 'ApiKey',
  filters: tenantScoped(),
  properties: {
    id: p.string().primary(),
    organization: () => p.manyToOne(Organization).ref(),
    name: p.string().length(100),
    /** The first characters of the secret, shown to tell keys apart. */
    prefix: p.string().length(16),
    /** SHA-256 of the secret (a 256-bit random value, so a slow hash adds nothing). */
    secretHash: p.string().length(64).unique(),
    permissions: p.json<string[]>(),
    /** The third-party app the key belongs to; its published operations are the key's safelist. */
    clientName: p.string().length(64).nullable(),
    /** Safelist mode: the key may run only its app's published operations, by id. */
    safelist: p.boolean().default(false),
    createdBy: () => p.manyToOne(User).ref().nullable(),
    createdAt: p.datetime(),
    lastUsedAt: p.datetime().nullable(),
    expiresAt: p.datetime().nullable(),
    revokedAt: p.datetime().nullable(),
  },
});
export class ApiKey extends ApiKeySchema.class {}
ApiKeySchema.setClass(ApiKey);
