import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';

/**
 * The name an API key was created with, from identity's `api_key.created` events: reports name the keys
 * without calling identity (the GraphQL API also offers the live key through federation).
 */
export const ApiKeyNameSchema = defineEntity({
  name: 'ApiKeyName',
  tableName: 'api_key_name',
  filters: tenantScoped('organizationId'),
  properties: {
    apiKeyId: p.string().length(64).primary(),
    organizationId: p.string().index(),
    name: p.string().length(100),
    createdAt: p.datetime(),
  },
});
export class ApiKeyName extends ApiKeyNameSchema.class {}
ApiKeyNameSchema.setClass(ApiKeyName);
