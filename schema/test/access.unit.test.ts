import { accessRuleFor, readAccessMap, shieldRuleOf, unknownPermissions } from '../src/access.ts';
import { OPERATOR_PERMISSIONS, PERMISSIONS, ROLE_PERMISSIONS, ROLES } from '../src/permissions.ts';
import { deny } from '../src/shield.ts';

const sdl = /* GraphQL */ `
  type Query {
    open: String @access(public: true)
    mine: Thing @access
    admin: String @access(permission: "member.invite")
    forgotten: String
  }
  type Thing @access(permission: "organization.read") {
    name: String
    secret: String @access(permission: "apikey.manage")
  }
  type Bare { field: String }
`;

describe('reading @access', () => {
  const map = readAccessMap(sdl);

  it('finds public, authenticated and permission rules on fields and types', () => {
    expect(accessRuleFor(map, 'Query', 'open')).toEqual({ kind: 'public' });
    expect(accessRuleFor(map, 'Query', 'mine')).toEqual({ kind: 'authenticated' });
    expect(accessRuleFor(map, 'Query', 'admin')).toEqual({ kind: 'permission', permission: 'member.invite' });
  });

  it('lets a field inherit its type\'s rule and override it', () => {
    expect(accessRuleFor(map, 'Thing', 'name')).toEqual({ kind: 'permission', permission: 'organization.read' });
    expect(accessRuleFor(map, 'Thing', 'secret')).toEqual({ kind: 'permission', permission: 'apikey.manage' });
  });

  it('gives a field with no rule, on a type with none, the deny rule', () => {
    expect(accessRuleFor(map, 'Query', 'forgotten')).toBeUndefined();
    expect(accessRuleFor(map, 'Bare', 'field')).toBeUndefined();
    expect(shieldRuleOf(undefined)).toBe(deny);
  });

  it('reports permissions missing from the registry', () => {
    expect(unknownPermissions(readAccessMap('type Query { a: String @access(permission: "made.up") }'))).toEqual(['made.up']);
    expect(unknownPermissions(map)).toEqual([]);
  });
});

describe('the permission registry', () => {
  it('describes every permission', () => {
    for (const description of Object.values(PERMISSIONS)) expect(description.length).toBeGreaterThan(10);
  });

  it('gives every role only known permissions, owners all but the operators\' ones, and billing management to owners and billing managers only', () => {
    for (const role of ROLES) for (const permission of ROLE_PERMISSIONS[role]) expect(PERMISSIONS).toHaveProperty([permission]);
    expect([...ROLE_PERMISSIONS.owner, ...OPERATOR_PERMISSIONS].sort()).toEqual(Object.keys(PERMISSIONS).sort());
    for (const role of ROLES) expect(ROLE_PERMISSIONS[role].filter((permission) => OPERATOR_PERMISSIONS.includes(permission))).toEqual([]);
    expect(ROLES.filter((role) => ROLE_PERMISSIONS[role].includes('billing.manage'))).toEqual(['owner', 'billing_manager']);
  });

});
