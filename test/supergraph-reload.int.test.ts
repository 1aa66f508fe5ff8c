import { readCheckedInSupergraph } from '@platform/schema/compose.ts';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataOf, startTestPlatform, type TestPlatform } from './support/platform.ts';

const path = join(mkdtempSync(join(tmpdir(), 'supergraph-')), 'supergraph.graphql');
const original = readCheckedInSupergraph();
let platform: TestPlatform;

beforeAll(async () => {
  writeFileSync(path, original);
  platform = await startTestPlatform({ NODE_ENV: 'development', SUPERGRAPH_PATH: path });
});
afterAll(() => platform.close());

async function rolesDescription(): Promise<string> {
  const result = await platform.graphql<any>('{ __type(name: "Query") { fields { name description } } }');
  return dataOf(result).__type.fields.find((field: { name: string }) => field.name === 'roles').description;
}

it('in development, the gateway picks up a new supergraph without a restart', async () => {
  expect(await rolesDescription()).toBe('Every role and the permissions it holds.');
  writeFileSync(path, original.replace('Every role and the permissions it holds.', 'Every role, reloaded.'));
  const deadline = Date.now() + 10_000;
  let description = '';
  while (Date.now() < deadline && description !== 'Every role, reloaded.') {
    await new Promise((resolve) => setTimeout(resolve, 100));
    description = await rolesDescription();
  }
  expect(description).toBe('Every role, reloaded.');
  expect(dataOf(await platform.graphql<any>('{ roles { role } }')).roles).toHaveLength(6);
});
