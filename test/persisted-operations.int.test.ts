import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { PersistedOperation } from '@platform/identity/entities/index.ts';
import { dataOf, startTestPlatform, type GraphQLResult, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';

let platform: TestPlatform;
beforeAll(async () => {
  platform = await startTestPlatform();
});
afterAll(() => platform.close());

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const operation = (body: string) => ({ id: sha256(body), body });

const ORGANIZATION_NAME = 'query OrganizationName { viewer { organization { name } } }';
const VIEWER_ROLE = 'query ViewerRole { viewer { role } }';
const PUBLISH = `mutation Publish($input: PersistedOperationsPublishInput!) {
  persistedOperationsPublish(input: $input) { published alreadyPublished userErrors { field message code } }
}`;
const CREATE_KEY = `mutation CreateKey($input: ApiKeyCreateInput!) {
  apiKeyCreate(input: $input) { apiKey { id clientName safelist } secret userErrors { field message code } }
}`;

type PublishPayload = { persistedOperationsPublish: { published: number | null; alreadyPublished: number | null; userErrors: { field: string[]; code: string; message: string }[] } };

async function publish(owner: SignedIn, clientName: string, operations: { id: string; body: string }[]) {
  return dataOf(await platform.graphql<PublishPayload>(PUBLISH, { input: { clientName, clientVersion: '1.0.0', operations } }, { token: owner.accessToken })).persistedOperationsPublish;
}

async function apiKey(owner: SignedIn, input: Record<string, unknown>): Promise<{ id: string; secret: string }> {
  const created = dataOf(
    await platform.graphql<{ apiKeyCreate: { apiKey: { id: string }; secret: string; userErrors: unknown[] } }>(CREATE_KEY, { input: { name: 'Integration', permissions: ['organization.read'], ...input } }, { token: owner.accessToken }),
  ).apiKeyCreate;
  if (created.userErrors.length > 0) throw new Error(JSON.stringify(created.userErrors));
  return { id: created.apiKey.id, secret: created.secret };
}

/** Posts a raw GraphQL request body (ids instead of documents) with a bearer credential. */
async function send(body: Record<string, unknown>, credential: string): Promise<GraphQLResult> {
  const response = await fetch(`${platform.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${credential}` },
    body: JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: (await response.json()) as GraphQLResult['body'] };
}

const byHash = (body: string, extra: Record<string, unknown> = {}) => ({ extensions: { persistedQuery: { version: 1, sha256Hash: sha256(body) } }, ...extra });
const codeOf = (result: GraphQLResult) => result.body.errors?.[0]?.extensions?.code;

describe('publishing an app\'s operations', () => {
  it('refuses a manifest whose id does not hash its document, and stores none of it', async () => {
    const owner = await given(platform).owner();
    const good = operation(ORGANIZATION_NAME);
    const forged = { id: sha256('query Other { viewer { role } }'), body: VIEWER_ROLE };
    const refused = await publish(owner, 'reports-app', [good, forged]);
    expect(refused.published).toBeNull();
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'PERSISTED_QUERY_HASH_MISMATCH', field: ['input', 'operations', '1', 'id'] })]);
    expect(refused.userErrors[0]!.message).toContain(sha256(VIEWER_ROLE));

    const key = await apiKey(owner, { clientName: 'reports-app', safelist: true });
    // The good operation of the refused publish was not stored either.
    expect(codeOf(await send(byHash(ORGANIZATION_NAME), key.secret))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it.each([
    ['two operations in one document', 'query A { viewer { role } } query B { viewer { role } }', 'INVALID_DOCUMENT'],
    ['a document that does not parse', 'query {', 'INVALID_DOCUMENT'],
  ])('refuses %s', async (_label, body, code) => {
    const owner = await given(platform).owner();
    const refused = await publish(owner, 'broken-app', [operation(body)]);
    expect(refused.userErrors).toEqual([expect.objectContaining({ code, field: ['input', 'operations', '0', 'body'] })]);
  });

  it.each([
    ['a field the API does not have', 'query Ghost { viewer { nickname } }', 'Cannot query field "nickname" on type "Viewer".'],
    ['an argument of the wrong type', 'query Plans { plans(includeArchived: "yes") { key } }', 'Boolean cannot represent a non boolean value: "yes"'],
    ['a subscription without a selection on its object field', 'subscription Inbox { notificationReceived }', 'Field "notificationReceived" of type "Notification!" must have a selection of subfields. Did you mean "notificationReceived { ... }"?'],
    ['a subscription of two fields', 'subscription Both { notificationReceived { id } notificationCountsChanged { __typename } }', 'Subscription "Both" must select only one top level field.'],
    ['a variable of a type only the supergraph knows', 'query Graph($graph: join__Graph) { viewer { role } }', 'Unknown type "join__Graph". Variable "$graph" is never used in operation "Graph".'],
  ])('refuses %s with graphql-js\'s message, and stores none of the publish', async (_label, body, reason) => {
    const owner = await given(platform).owner();
    const refused = await publish(owner, 'invalid-app', [operation(VIEWER_ROLE), operation(body)]);
    expect(refused.published).toBeNull();
    expect(refused.userErrors).toEqual([expect.objectContaining({ code: 'INVALID_DOCUMENT', field: ['input', 'operations', '1', 'body'] })]);
    const name = /^\w+ (\w+)/.exec(body)![1]!;
    expect(refused.userErrors[0]!.message).toBe(`Operation 1 ('${name}', id ${sha256(body)}): ${reason}`);

    const key = await apiKey(owner, { clientName: 'invalid-app', safelist: true });
    expect(codeOf(await send(byHash(VIEWER_ROLE), key.secret))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('accepts operations that use fragments, variables and every root type', async () => {
    const owner = await given(platform).owner();
    const documents = [
      'query Named($first: Int) { viewer { ...Who organization { apiKeys(first: $first) { nodes { id } } } } } fragment Who on Viewer { role }',
      'mutation Rename($input: OrganizationUpdateInput!) { organizationUpdate(input: $input) { userErrors { code } } }',
      'subscription Counts { notificationCountsChanged { __typename } }',
    ];
    expect(await publish(owner, 'valid-app', documents.map(operation))).toMatchObject({ published: 3, alreadyPublished: 0, userErrors: [] });
  });

  it('publishes the same manifest sent several times at once exactly once, and every publish succeeds', async () => {
    const owner = await given(platform).owner();
    const manifest = [operation(ORGANIZATION_NAME), operation(VIEWER_ROLE)];
    const results = await Promise.all(
      Array.from({ length: 5 }, () => platform.graphql<PublishPayload>(PUBLISH, { input: { clientName: 'racing-app', clientVersion: '1.0.0', operations: manifest } }, { token: owner.accessToken })),
    );
    const payloads = results.map((result) => dataOf(result).persistedOperationsPublish);
    for (const payload of payloads) {
      expect(payload.userErrors).toEqual([]);
      expect(payload.published! + payload.alreadyPublished!).toBe(2);
    }
    expect(payloads.reduce((sum, payload) => sum + payload.published!, 0)).toBe(2);

    // Published again later, nothing changes.
    expect(await publish(owner, 'racing-app', manifest)).toMatchObject({ published: 0, alreadyPublished: 2, userErrors: [] });
    const stored = await platform.identity.db.em.fork().find(PersistedOperation, { clientName: 'racing-app' }, { filters: { tenant: false } });
    expect(stored.map((row) => row.operationId).sort()).toEqual(manifest.map((entry) => entry.id).sort());
  });

  it('stores new operations once and counts the ones already there', async () => {
    const owner = await given(platform).owner();
    expect(await publish(owner, 'dash', [operation(ORGANIZATION_NAME)])).toMatchObject({ published: 1, alreadyPublished: 0, userErrors: [] });
    expect(await publish(owner, 'dash', [operation(ORGANIZATION_NAME), operation(VIEWER_ROLE)])).toMatchObject({ published: 1, alreadyPublished: 1, userErrors: [] });
    const key = await apiKey(owner, { clientName: 'dash' });
    const listed = await platform.graphql<{ viewer: { organization: { apiKeys: { nodes: { id: string; publishedOperations: { nodes: { id: string; operationName: string }[] } }[] } } } }>(
      '{ viewer { organization { apiKeys(first: 10) { nodes { id publishedOperations(first: 10) { nodes { id operationName operationType } } } } } } }',
      {},
      { token: owner.accessToken },
    );
    const operations = dataOf(listed).viewer.organization.apiKeys.nodes.find((node) => node.id === key.id)!.publishedOperations.nodes;
    expect(operations.map((entry) => entry.operationName).sort()).toEqual(['OrganizationName', 'ViewerRole']);
    expect(operations.map((entry) => entry.id)).toContain(sha256(VIEWER_ROLE));
  });

  it('reads one key of the organization by id, with its app’s operations; another organization’s key is not found', async () => {
    const owner = await given(platform).owner();
    await publish(owner, 'one-key-app', [operation(VIEWER_ROLE)]);
    const key = await apiKey(owner, { clientName: 'one-key-app', safelist: true });
    const QUERY = 'query ($id: ID!) { apiKey(id: $id) { id clientName safelist publishedOperations(first: 5) { nodes { id operationName } } } }';
    const read = dataOf(
      await platform.graphql<{ apiKey: { id: string; clientName: string; safelist: boolean; publishedOperations: { nodes: { id: string }[] } } | null }>(QUERY, { id: key.id }, { token: owner.accessToken }),
    );
    expect(read.apiKey).toMatchObject({ id: key.id, clientName: 'one-key-app', safelist: true, publishedOperations: { nodes: [{ id: sha256(VIEWER_ROLE) }] } });

    const stranger = await given(platform).owner();
    expect(dataOf(await platform.graphql<{ apiKey: unknown }>(QUERY, { id: key.id }, { token: stranger.accessToken })).apiKey).toBeNull();
  });

  it('is for holders of apikey.manage only', async () => {
    const owner = await given(platform).owner();
    const member = await given(platform).member(owner, 'MEMBER');
    const result = await platform.graphql(PUBLISH, { input: { clientName: 'x', clientVersion: '1', operations: [operation(VIEWER_ROLE)] } }, { token: member.accessToken });
    expect(codeOf(result)).toBe('FORBIDDEN');
  });

  it('refuses a safelisted key that names no app', async () => {
    const owner = await given(platform).owner();
    const created = dataOf(await platform.graphql<{ apiKeyCreate: { userErrors: { field: string[]; code: string }[] } }>(CREATE_KEY, { input: { name: 'No app', safelist: true } }, { token: owner.accessToken })).apiKeyCreate;
    expect(created.userErrors).toEqual([expect.objectContaining({ code: 'INVALID', field: ['input', 'clientName'] })]);
  });
});

describe('a key in safelist mode', () => {
  let owner: SignedIn;
  let safelisted: { id: string; secret: string };
  beforeAll(async () => {
    owner = await given(platform).owner({ organizationName: 'Safelist Inc' });
    await publish(owner, 'crm-sync', [operation(ORGANIZATION_NAME)]);
    safelisted = await apiKey(owner, { clientName: 'crm-sync', safelist: true });
  });

  it('runs its app\'s published operation by hash, and by documentId', async () => {
    const byExtension = await send(byHash(ORGANIZATION_NAME), safelisted.secret);
    expect(byExtension.status).toBe(200);
    expect(byExtension.body.data).toEqual({ viewer: { organization: { name: 'Safelist Inc' } } });
    const byDocumentId = await send({ documentId: `sha256:${sha256(ORGANIZATION_NAME)}` }, safelisted.secret);
    expect(byDocumentId.body.data).toEqual({ viewer: { organization: { name: 'Safelist Inc' } } });
  });

  it('is refused a free-form document, even one its app published, with PERSISTED_QUERY_NOT_ALLOWED', async () => {
    for (const query of [VIEWER_ROLE, ORGANIZATION_NAME]) {
      const refused = await send({ query }, safelisted.secret);
      expect(refused.status).toBe(400);
      expect(codeOf(refused)).toBe('PERSISTED_QUERY_NOT_ALLOWED');
      expect(refused.body.data).toBeUndefined();
    }
  });

  it('gets PERSISTED_QUERY_NOT_FOUND for an id its app never published, the web app\'s included', async () => {
    expect(codeOf(await send(byHash(VIEWER_ROLE), safelisted.secret))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const manifest = JSON.parse(readFileSync(new URL('../client/persisted-operations.json', import.meta.url), 'utf8')) as { operations: { id: string }[] };
    const webAppOperation = manifest.operations[0]!.id;
    expect(codeOf(await send({ extensions: { persistedQuery: { version: 1, sha256Hash: webAppOperation } } }, safelisted.secret))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it("cannot run another organization's operations published under the same app name", async () => {
    const other = await given(platform).owner();
    await publish(other, 'crm-sync', [operation(VIEWER_ROLE)]);
    expect(codeOf(await send(byHash(VIEWER_ROLE), safelisted.secret))).toBe('PERSISTED_QUERY_NOT_FOUND');
  });

  it('refuses an id sent with a different document', async () => {
    const refused = await send(byHash(ORGANIZATION_NAME, { query: VIEWER_ROLE }), safelisted.secret);
    expect(refused.status).toBe(400);
  });
});

describe('trusted documents and automatic persisted queries for everyone else', () => {
  it("runs the web app's operations by id for a signed-in user", async () => {
    const owner = await given(platform).owner();
    const manifest = JSON.parse(readFileSync(new URL('../client/persisted-operations.json', import.meta.url), 'utf8')) as { operations: { id: string; name: string; body: string }[] };
    const viewerOperation = manifest.operations.find((entry) => entry.body.startsWith('query') && !/\$/.test(entry.body.split('{')[0]!));
    expect(viewerOperation).toBeDefined();
    const result = await send({ extensions: { persistedQuery: { version: 1, sha256Hash: viewerOperation!.id } } }, owner.accessToken);
    expect(result.body.errors).toBeUndefined();
    expect(result.body.data).toBeDefined();
  });

  it('registers an automatic persisted query and then runs it by hash alone', async () => {
    const owner = await given(platform).owner();
    const query = `query Apq${Date.now()} { viewer { role } }`;
    expect(codeOf(await send(byHash(query), owner.accessToken))).toBe('PERSISTED_QUERY_NOT_FOUND');
    const registered = await send(byHash(query, { query }), owner.accessToken);
    expect(registered.body.data).toEqual({ viewer: { role: 'OWNER' } });
    const byHashAlone = await send(byHash(query), owner.accessToken);
    expect(byHashAlone.body.data).toEqual({ viewer: { role: 'OWNER' } });
  });

  it('lets a key that names an app without safelist run free-form documents and its app\'s ids', async () => {
    const owner = await given(platform).owner();
    await publish(owner, 'loose-app', [operation(VIEWER_ROLE)]);
    const key = await apiKey(owner, { clientName: 'loose-app' });
    expect((await send({ query: ORGANIZATION_NAME }, key.secret)).body.errors).toBeUndefined();
    expect((await send(byHash(VIEWER_ROLE), key.secret)).body.errors).toBeUndefined();
  });
});
