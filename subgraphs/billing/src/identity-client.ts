import { createInternalClient } from '@platform/kit';
import { ANONYMOUS } from '@platform/schema';
import type { IdentityClient } from './services/support.ts';

/** Identity's signed internal route for the facts billing needs about an organization. */
export function createIdentityClient(options: { identityUrl: string; signingSecret: string }): IdentityClient {
  const client = createInternalClient({ secret: options.signingSecret });
  return {
    async organization(organizationId) {
      const answer = (await client.post(options.identityUrl, '/internal/organizations/billing-facts', { organizationId }, {
        // The route names the organization; the call carries no one's authority.
        principal: ANONYMOUS,
        requestId: `billing-${Date.now()}`,
      })) as { name?: unknown; activeMembers?: unknown; ownerEmails?: unknown };
      if (typeof answer.activeMembers !== 'number' || typeof answer.name !== 'string' || !Array.isArray(answer.ownerEmails)) {
        throw new Error('identity answered the organization facts in an unexpected shape');
      }
      return { name: answer.name, activeMembers: answer.activeMembers, ownerEmails: answer.ownerEmails.filter((email): email is string => typeof email === 'string') };
    },
  };
}
