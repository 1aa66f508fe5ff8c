import type { Permission, Role } from './permissions.ts';

/**
 * Who is calling, as the gateway established it. Subgraphs receive it signed and never trust a
 * caller-supplied header for any of these fields.
 */
export type Principal =
  | { kind: 'anonymous' }
  | {
      kind: 'user';
      userId: string;
      organizationId: string;
      role: Role;
      permissions: readonly Permission[];
      sessionId: string;
    }
  | {
      kind: 'apiKey';
      apiKeyId: string;
      organizationId: string;
      permissions: readonly Permission[];
      /** The user who created the key; actions are attributed to the key, not to them. */
      createdByUserId: string;
      /**
       * The third-party app the key belongs to, when it names one. With `safelist`, the key may run
       * only the operations that app published (trusted documents), by id; anything else is refused.
       */
      client?: { name: string; safelist: boolean } | null;
    }
  | {
      /**
       * The platform itself acting for one organization: scheduled renewals, provider webhooks. Made
       * only inside a subgraph for its own background work; the gateway never issues it, so it never
       * arrives over HTTP, and it holds no permissions.
       */
      kind: 'system';
      organizationId: string;
      permissions: readonly Permission[];
      /** What is acting, for logs and audit: 'billing.scheduler', 'billing.webhook'. */
      actor: string;
    };

export type AuthenticatedPrincipal = Exclude<Principal, { kind: 'anonymous' }>;

export const ANONYMOUS: Principal = Object.freeze({ kind: 'anonymous' });

export function isAuthenticated(principal: Principal): principal is AuthenticatedPrincipal {
  return principal.kind !== 'anonymous';
}

/** The principal background work of a subgraph runs as, for one organization. */
export function systemPrincipal(organizationId: string, actor: string): Principal {
  return { kind: 'system', organizationId, permissions: [], actor };
}
