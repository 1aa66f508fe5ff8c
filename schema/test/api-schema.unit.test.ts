import { buildSchema, parse, validate } from 'graphql';
import { apiSchemaOf, platformApiSchema } from '../src/api-schema.ts';
import { readCheckedInSupergraph } from '../src/compose.ts';

describe('the platform API schema', () => {
  it('is built once per process', () => {
    // Compared by identity: a schema is too large and cyclic for jest to print on failure.
    expect(platformApiSchema() === platformApiSchema()).toBe(true);
  });

  it('is what clients may send: the served types without the supergraph\'s join__ machinery', () => {
    const api = platformApiSchema();
    expect(Object.keys(api.getQueryType()!.getFields())).toContain('viewer');
    expect(Object.keys(api.getSubscriptionType()!.getFields())).toContain('notificationReceived');
    expect(Object.keys(api.getTypeMap()).filter((name) => name.startsWith('join__') || name.startsWith('link__'))).toEqual([]);

    const document = parse('query ($graph: join__Graph) { viewer { role } } ');
    expect(validate(buildSchema(readCheckedInSupergraph(), { assumeValidSDL: true }), document).map((error) => error.message)).not.toContain('Unknown type "join__Graph".');
    expect(validate(api, document).map((error) => error.message)).toContain('Unknown type "join__Graph".');
  });

  it('leaves out @inaccessible elements', () => {
    const supergraph = readCheckedInSupergraph()
      .replace(/(@link\(url: "https:\/\/specs\.apollo\.dev\/join\/v0\.\d+", for: EXECUTION\))/, '$1\n  @link(url: "https://specs.apollo.dev/inaccessible/v0.2", for: SECURITY)')
      .replace(/(\n\s*viewer: Viewer [^\n]*)/, '$1 @inaccessible')
      .concat('\ndirective @inaccessible on FIELD_DEFINITION | OBJECT | INTERFACE | UNION | ARGUMENT_DEFINITION | SCALAR | ENUM | ENUM_VALUE | INPUT_OBJECT | INPUT_FIELD_DEFINITION\n');
    expect(supergraph).toContain('@inaccessible');
    expect(Object.keys(apiSchemaOf(supergraph).getQueryType()!.getFields())).not.toContain('viewer');
    expect(Object.keys(apiSchemaOf(readCheckedInSupergraph()).getQueryType()!.getFields())).toContain('viewer');
  });
});
