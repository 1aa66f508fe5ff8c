import { buildSchema, parse, validate } from 'graphql';
import { aliasLimit, depthLimit, directiveLimit } from '../src/limits.ts';

const schema = buildSchema('type Query { node: Node } type Node { child: Node name: String }');
const nested = (depth: number) => `{ ${'node { '.repeat(depth)}name${' }'.repeat(depth)} }`;

describe('request limits', () => {
  it('count depth through fragments and ignore introspection', () => {
    expect(validate(schema, parse(nested(3)), [depthLimit(4)])).toEqual([]);
    expect(validate(schema, parse(nested(5)), [depthLimit(4)])[0]?.message).toMatch(/deeper than the limit of 4/);
    const viaFragment = parse('{ node { ...A } } fragment A on Node { child { child { child { child { name } } } } }');
    expect(validate(schema, viaFragment, [depthLimit(4)])).toHaveLength(1);
    const introspection = parse('{ __schema { types { fields { type { ofType { ofType { ofType { name } } } } } } } }');
    expect(validate(schema, introspection, [depthLimit(2)])).toEqual([]);
  });

  it('survive fragment cycles', () => {
    const cycle = parse('{ node { ...A } } fragment A on Node { child { ...A } }');
    expect(() => validate(schema, cycle, [depthLimit(4)])).not.toThrow();
  });

  it('count aliases and directives', () => {
    const aliases = parse(`{ ${Array.from({ length: 4 }, (_, index) => `a${index}: node { name }`).join(' ')} }`);
    expect(validate(schema, aliases, [aliasLimit(3)])[0]?.message).toBe('The document uses 4 aliases; the limit is 3.');
    expect(validate(schema, aliases, [aliasLimit(4)])).toEqual([]);
    const directives = parse('{ node { name @include(if: true) child @skip(if: false) { name } } }');
    expect(validate(schema, directives, [directiveLimit(1)])[0]?.message).toBe('The document uses 2 directives; the limit is 1.');
  });
});
