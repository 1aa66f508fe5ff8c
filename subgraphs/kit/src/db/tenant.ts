/** The MikroORM filter that scopes tenant-owned entities to the caller's organization. */
export const TENANT_FILTER = 'tenant';

export interface TenantFilterArguments {
  organizationId: string;
}

/**
 * The `filters` of a tenant-owned entity (`defineEntity({ filters: tenantScoped(), ... })`): on by
 * default, fed per request from the verified principal. A query run without an organization in the
 * context fails instead of returning every tenant's rows; a service that must cross tenants (the
 * caller's own memberships) says so with `filters: { tenant: false }`.
 */
export function tenantScoped(column = 'organization') {
  return {
    [TENANT_FILTER]: {
      name: TENANT_FILTER,
      cond: (args: TenantFilterArguments) => ({ [column]: args.organizationId }),
      default: true,
    },
  };
}
