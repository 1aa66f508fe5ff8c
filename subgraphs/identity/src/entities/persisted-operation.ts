import { defineEntity, p } from '@mikro-orm/core';
import { tenantScoped } from '@platform/kit';
import { Organization } from './organization.ts';

/**
 * An operation a third-party app published (trusted documents): API keys bound to the app in safelist
 * mode may run these, by id, and nothing else. The id is the SHA-256 of the body, as in Apollo's
 * persisted-query manifests, so a document can never change under its id.
 */
export const PersistedOperationSchema = defineEntity({
  name: 'PersistedOperation',
  filters: tenantScoped(),
  uniques: [{ properties: ['organization', 'clientName', 'operationId'] }],
  properties: {
    id: p.string().primary(),
    organization: () => p.manyToOne(Organization).ref(),
    clientName: p.string().length(64),
    /** The app version that first published it. */
    clientVersion: p.string().length(64),
    /** SHA-256 of `body`, lower-case hex. */
    operationId: p.string().length(64),
    operationName: p.string().length(200).nullable(),
    operationType: p.string().length(16),
    body: p.text(),
    /** Who published it: a user or an API key id. */
    publishedBy: p.string().length(64),
    createdAt: p.datetime(),
  },
});
export class PersistedOperation extends PersistedOperationSchema.class {}
PersistedOperationSchema.setClass(PersistedOperation);
