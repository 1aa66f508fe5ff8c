import { Supergraph } from '@apollo/federation-internals';
import { readCheckedInSupergraph } from '@platform/schema/compose.ts';
import { OPERATOR_PERMISSIONS, ROLE_PERMISSIONS, readAccessMap, accessRuleFor, type Principal } from '@platform/schema';
import { buildSchema, parse, type GraphQLObjectType, type OperationDefinitionNode, getNamedType, isLeafType, isObjectType } from 'graphql';
import { OperationAuthorizer } from '../src/authorization.ts';

const anonymous: Principal = { kind: 'anonymous' };
const member: Principal = { kind: 'user', userId: 'usr_1', organizationId: 'org_1', role: 'member', permissions: ROLE_PERMISSIONS.member, sessionId: 'ses_1' };
const owner: Principal = { ...member, role: 'owner', permissions: ROLE_PERMISSIONS.owner } as Principal;
/** An owner who also runs the platform: holds every permission there is. */
const operator: Principal = { ...member, role: 'owner', permissions: [...ROLE_PERMISSIONS.owner, ...OPERATOR_PERMISSIONS] } as Principal;

const ACCESS = 'directive @access(public: Boolean = false, permission: String) on FIELD_DEFINITION | OBJECT | INTERFACE\n';

function operationOf(source: string) {
  const document = parse(source);
  return { document, operation: document.definitions[0] as OperationDefinitionNode };
}

describe('deny by default, across the whole supergraph', () => {
  const supergraph = readCheckedInSupergraph();
  const apiSchema = Supergraph.build(supergraph).apiSchema().toGraphQLJSSchema();
  const authorizer = new OperationAuthorizer(supergraph, apiSchema, 'on');
  const access = readAccessMap(supergraph);
  const roots = [apiSchema.getQueryType()!, apiSchema.getMutationType()!];

  it.each(roots.flatMap((root) => Object.values(root.getFields()).map((field) => [`${root.name}.${field.name}`, root, field] as const)))(
    '%s has a rule, and refuses callers who do not meet it',
    async (_name, root, field) => {
      const rule = accessRuleFor(access, root.name, field.name);
      expect(rule).toBeDefined();
      const named = getNamedType(field.type);
      const selection = isLeafType(named) ? '' : '{ __typename }';
      const keyword = root.name === 'Mutation' ? 'mutation' : 'query';
      const { document, operation } = operationOf(`${keyword} { ${field.name} ${selection} }`);
      const asAnonymous = await authorizer.authorize(document, operation, { principal: anonymous });
      if (rule!.kind === 'public') {
        expect(asAnonymous).toBeNull();
      } else {
        expect(asAnonymous?.extensions.code).toBe('UNAUTHENTICATED');
        const asOperator = await authorizer.authorize(document, operation, { principal: operator });
        expect(asOperator).toBeNull();
      }
      if (rule!.kind === 'permission' && OPERATOR_PERMISSIONS.includes(rule!.permission as never)) {
        const asOwner = await authorizer.authorize(document, operation, { principal: owner });
        expect(asOwner?.extensions.code).toBe('FORBIDDEN');
      }
      if (rule!.kind === 'permission' && !ROLE_PERMISSIONS.member.includes(rule!.permission as never)) {
        const asMember = await authorizer.authorize(document, operation, { principal: member });
        expect(asMember?.extensions.code).toBe('FORBIDDEN');
      }
    },
  );
});

describe('every field of the supergraph', () => {
  it('has a rule of its own or of its type, so none is denied by accident', () => {
    const supergraph = readCheckedInSupergraph();
    const apiSchema = Supergraph.build(supergraph).apiSchema().toGraphQLJSSchema();
    const access = readAccessMap(supergraph);
    const missing = Object.values(apiSchema.getTypeMap())
      .filter((type) => isObjectType(type) && !type.name.startsWith('__'))
      .flatMap((type) => Object.keys((type as GraphQLObjectType).getFields()).map((field) => `${type.name}.${field}`))
      .filter((name) => !accessRuleFor(access, ...(name.split('.') as [string, string])));
    expect(missing).toEqual([]);
  });
});

describe('a field without a rule', () => {
  const sdl = `
    type Query { open: Thing @access(public: true) forgotten: String }
    type Thing @access { name: String }
    type Other { x: String }
  `;
  const authorizer = new OperationAuthorizer(sdl, buildSchema(ACCESS + sdl), 'on');

  it('is refused even to a caller who holds every permission', async () => {
    const { document, operation } = operationOf('{ forgotten }');
    const refusal = await authorizer.authorize(document, operation, { principal: owner });
    expect(refusal?.extensions.code).toBe('FORBIDDEN');
    expect(refusal?.message).toMatch(/Query\.forgotten/);
  });

  it('is found through fragments too', async () => {
    const { document, operation } = operationOf('{ ...F } fragment F on Query { forgotten }');
    expect((await authorizer.authorize(document, operation, { principal: owner }))?.extensions.code).toBe('FORBIDDEN');
  });

  it('inherits the rule of its type when it has one', async () => {
    const { document, operation } = operationOf('{ open { name } }');
    expect((await authorizer.authorize(document, operation, { principal: anonymous }))?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await authorizer.authorize(document, operation, { principal: member })).toBeNull();
  });
});

describe('introspection', () => {
  const sdl = 'type Query { open: String @access(public: true) }';
  it('follows the policy', async () => {
    const { document, operation } = operationOf('{ __schema { queryType { name } } }');
    expect(await new OperationAuthorizer(sdl, buildSchema(ACCESS + sdl), 'on').authorize(document, operation, { principal: anonymous })).toBeNull();
    expect((await new OperationAuthorizer(sdl, buildSchema(ACCESS + sdl), 'authenticated').authorize(document, operation, { principal: anonymous }))?.extensions.code).toBe('UNAUTHENTICATED');
    expect(await new OperationAuthorizer(sdl, buildSchema(ACCESS + sdl), 'authenticated').authorize(document, operation, { principal: member })).toBeNull();
    expect((await new OperationAuthorizer(sdl, buildSchema(ACCESS + sdl), 'off').authorize(document, operation, { principal: owner }))?.extensions.code).toBe('FORBIDDEN');
  });
});
