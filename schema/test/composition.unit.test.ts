import { readFileSync } from 'node:fs';
import { composeSupergraph, readCheckedInSupergraph } from '../src/compose.ts';
import { generateResolverTypes, generatedResolversPath } from '../src/codegen.ts';
import { SUBGRAPHS } from '../src/subgraphs.ts';

describe('the checked-in supergraph', () => {
  it('composes without errors and is what composition produces now (run `npm run compose` if not)', () => {
    const result = composeSupergraph();
    expect(result.errors).toEqual([]);
    expect(readCheckedInSupergraph()).toBe(result.supergraphSdl);
  });

  it('carries the @access directive, linked and composed, instead of Apollo\'s own authorization directives', () => {
    const supergraph = readCheckedInSupergraph();
    expect(supergraph).toMatch(/@link\(url: "https:\/\/specs\.saas-platform\.dev\/access\/v1\.0", import: \["@access"\]\)/);
    expect(supergraph).toMatch(/directive @access\(public: Boolean = false, permission: String\)/);
    expect(supergraph).not.toMatch(/@authenticated|@requiresScopes|@policy/);
  });
});

describe('generated resolver types', () => {
  it.each(SUBGRAPHS.map(({ name }) => name))('of %s are fresh (run `npm run codegen` if not)', async (name) => {
    expect(readFileSync(generatedResolversPath(name), 'utf8')).toBe(await generateResolverTypes(name));
  });
});
