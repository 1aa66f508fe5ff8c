import { createInternalClient, OutboxEvent, type InternalClient } from '@platform/kit';
import { reportLinkSignature } from '@platform/usage';
import { dataOf, errorCode, startTestPlatform, type TestPlatform } from './support/platform.ts';
import { given, type SignedIn } from './support/seed.ts';
import { connectLive, subscriptionsActive, type LiveClient } from './support/live.ts';

const HOUR = 60 * 60 * 1000;
const USAGE_FIELDS = 'calls cost errors';
const SERIES = `query UsageSeries($from: DateTime!, $to: DateTime!, $granularity: UsageGranularity, $operationName: String, $apiKeyId: ID) {
  usageSeries(from: $from, to: $to, granularity: $granularity, operationName: $operationName, apiKeyId: $apiKeyId) { granularity from to buckets { start ${USAGE_FIELDS} } total { ${USAGE_FIELDS} } } }`;
const TOP = `query UsageTop($from: DateTime!, $to: DateTime!) { usageTopOperations(from: $from, to: $to, first: 50) { operationName ${USAGE_FIELDS} } }`;
const BY_KEY = `query UsageByKey($from: DateTime!, $to: DateTime!) { usageByApiKey(from: $from, to: $to) { apiKeyId name apiKey { id name } ${USAGE_FIELDS} } }`;
const QUOTA = `query UsageQuota { usageQuota { month plan quota used remaining percentUsed periodStart periodEnd alerts { level threshold quota used month } } }`;
const ALERTS = `query UsageAlerts { usageQuotaAlerts(first: 10) { totalCount nodes { level threshold month quota used } } }`;
const REPORT = `query UsageReport($from: DateTime!, $to: DateTime!, $granularity: UsageGranularity) { usageReport(from: $from, to: $to, granularity: $granularity) { from to granularity filename csvUrl expiresAt } }`;
const API_KEY_CREATE = 'mutation($input: ApiKeyCreateInput!) { apiKeyCreate(input: $input) { apiKey { id } secret userErrors { code message } } }';
const BILLING_USAGE = 'query BillingUsage { viewer { organization { usage { meter used } } } }';

let platform: TestPlatform;
let internal: InternalClient;

beforeAll(async () => {
  // Only the tests flush: what a query reads then cannot move under it.
  platform = await startTestPlatform({ USAGE_FLUSH_INTERVAL_MS: '3600000' });
  internal = createInternalClient({ secret: platform.platform.usage.deps.settings.internalSigningSecret });
});

afterAll(async () => {
  await platform?.close();
});

/** A range around now, as the usage page asks for it. */
function aroundNow(): { from: string; to: string } {
  const now = Date.now();
  return { from: new Date(now - 2 * HOUR).toISOString(), to: new Date(now + HOUR).toISOString() };
}

/** Runs a named operation as `who` and returns its actual cost, as extensions.cost reported it. */
async function run(who: { token: string }, document: string): Promise<number> {
  const result = await platform.graphql<any>(document, {}, { token: who.token });
  expect(result.body.errors).toBeUndefined();
  return (result.body.extensions as { cost: { actualQueryCost: number } }).cost.actualQueryCost;
}

async function asUser(who: SignedIn, query: string, variables: Record<string, unknown> = {}): Promise<any> {
  return dataOf(await platform.graphql<any>(query, variables, { token: who.accessToken }));
}

/** What the gateway recorded so far reaches the usage subgraph. */
async function flushUsage(): Promise<void> {
  expect(await platform.platform.gateway.flushUsage()).toBe(true);
}

async function apiKey(owner: SignedIn, name: string, permissions = ['organization.read', 'member.read']): Promise<{ id: string; token: string }> {
  const created = (await asUser(owner, API_KEY_CREATE, { input: { name, permissions } })).apiKeyCreate;
  expect(created.userErrors).toEqual([]);
  return { id: created.apiKey.id, token: created.secret };
}

/** Posts a batch to the usage subgraph's ingest route, as the gateway sends it. */
function ingest(batch: { batchId: string; entries: Record<string, unknown>[] }) {
  return internal.post<{ counted: boolean; alerts: number }>(platform.platform.usage.subgraph.url, '/internal/usage/ingest', batch, { principal: { kind: 'anonymous' }, requestId: batch.batchId });
}

function currentHour(): string {
  return new Date(Math.floor(Date.now() / HOUR) * HOUR).toISOString();
}

describe('usage recording', () => {
  it('counts every operation per organization, principal, operation and hour, and the usage queries show it after a flush', async () => {
    const hour = Date.parse(currentHour());
    const owner = await given(platform).owner();
    const key = await apiKey(owner, 'Nightly sync');
    await platform.platform.usage.subgraph.drainEvents();
    const viewerCost = await run({ token: owner.accessToken }, 'query UsageProbeViewer { viewer { user { id } organization { id name } } }');
    await run({ token: owner.accessToken }, 'query UsageProbeViewer { viewer { user { id } organization { id name } } }');
    const membersCost = await run({ token: owner.accessToken }, 'query UsageProbeMembers { viewer { organization { members(first: 50) { nodes { id role } } } } }');
    const keyCost = await run({ token: key.token }, 'query UsageProbeKey { viewer { organization { id } } }');
    await run({ token: key.token }, 'query UsageProbeKey { viewer { organization { id } } }');
    await run({ token: key.token }, 'query UsageProbeKey { viewer { organization { id } } }');
    // An operation that fails counts as a call with an error.
    const failed = await platform.graphql<any>('query UsageProbeFailing { invoice(id: "in_missing") { id } }', {}, { token: key.token });
    expect(failed.status).toBe(403);
    await flushUsage();

    const top = (await asUser(owner, TOP, aroundNow())).usageTopOperations as { operationName: string }[];
    const byName = Object.fromEntries(top.map((entry) => [entry.operationName, entry]));
    expect(byName.UsageProbeViewer).toEqual({ operationName: 'UsageProbeViewer', calls: 2, cost: 2 * viewerCost, errors: 0 });
    expect(byName.UsageProbeMembers).toEqual({ operationName: 'UsageProbeMembers', calls: 1, cost: membersCost, errors: 0 });
    expect(byName.UsageProbeKey).toEqual({ operationName: 'UsageProbeKey', calls: 3, cost: 3 * keyCost, errors: 0 });
    // Refused before it was priced: authorization failures are not operations the organization ran.
    expect(byName.UsageProbeFailing).toBeUndefined();
    // Most expensive first.
    expect(top.map((entry: any) => entry.cost)).toEqual([...top.map((entry: any) => entry.cost)].sort((a, b) => b - a));

    const perKey = (await asUser(owner, BY_KEY, aroundNow())).usageByApiKey;
    expect(perKey).toEqual([{ apiKeyId: key.id, name: 'Nightly sync', apiKey: { id: key.id, name: 'Nightly sync' }, calls: 3, cost: 3 * keyCost, errors: 0 }]);

    // The hour before the test, the test's own hour, and the next (should the test cross into it).
    const range = { from: new Date(hour - HOUR).toISOString(), to: new Date(hour + 2 * HOUR).toISOString() };
    const hourly = (await asUser(owner, SERIES, { ...range, granularity: 'HOUR', operationName: 'UsageProbeViewer' })).usageSeries;
    expect(hourly).toMatchObject({ granularity: 'HOUR', ...range, total: { calls: 2, cost: 2 * viewerCost, errors: 0 } });
    expect(hourly.buckets.map((bucket: { start: string }) => Date.parse(bucket.start))).toEqual([hour - HOUR, hour, hour + HOUR]);
    expect(hourly.buckets[0].calls).toBe(0);
    expect(hourly.buckets[1].calls + hourly.buckets[2].calls).toBe(2);
    const daily = (await asUser(owner, SERIES, { ...range, operationName: 'UsageProbeViewer' })).usageSeries;
    expect(daily.granularity).toBe('DAY');
    expect(daily.from.endsWith('T00:00:00.000Z')).toBe(true);
    expect(daily.total).toEqual(hourly.total);
    const keyOnly = (await asUser(owner, SERIES, { ...aroundNow(), apiKeyId: key.id })).usageSeries;
    expect(keyOnly.total).toEqual({ calls: 3, cost: 3 * keyCost, errors: 0 });
  });

  it('counts responses with errors, and leaves anonymous operations out', async () => {
    const owner = await given(platform).owner();
    // Priced, then refused as too expensive: a call with an error that cost nothing.
    const bomb = await platform.graphql<any>('query UsageProbeBomb { plans { prices { plan { prices { plan { prices { id } } } } } } }', {}, { token: owner.accessToken });
    expect(errorCode(bomb)).toBe('QUERY_COST_EXCEEDED');
    // Refused by the usage subgraph itself: the error reaches the response, and the call is counted with it.
    const tooLong = await platform.graphql<any>(SERIES.replace('query UsageSeries', 'query UsageProbeTooLong'), { from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, { token: owner.accessToken });
    expect(errorCode(tooLong)).toBe('BAD_USER_INPUT');
    await platform.graphql('query UsageProbeAnonymous { plans { key } }');
    await flushUsage();
    const top = (await asUser(owner, TOP, aroundNow())).usageTopOperations as { operationName: string }[];
    expect(top.find((entry) => entry.operationName === 'UsageProbeAnonymous')).toBeUndefined();
    expect(top.find((entry) => entry.operationName === 'UsageProbeBomb')).toEqual({ operationName: 'UsageProbeBomb', calls: 1, cost: 0, errors: 1 });
    expect(top.find((entry) => entry.operationName === 'UsageProbeTooLong')).toMatchObject({ calls: 1, errors: 1 });
  });

  it('names unnamed operations by the hash of their document', async () => {
    const owner = await given(platform).owner();
    await run({ token: owner.accessToken }, '{ viewer { organization { id } } }');
    await flushUsage();
    const top = (await asUser(owner, TOP, aroundNow())).usageTopOperations as { operationName: string }[];
    expect(top.map((entry) => entry.operationName)).toContainEqual(expect.stringMatching(/^anonymous:[0-9a-f]{12}$/));
  });
});

describe('live usage', () => {
  const clients: LiveClient[] = [];
  const live = (token: string) => {
    const client = connectLive(`${platform.url}/graphql`, `Bearer ${token}`);
    clients.push(client);
    return client;
  };
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((client) => client.dispose()));
  });
  const RECORDED = 'subscription { usageRecorded { recordedAt calls cost errors } }';

  it('tells the organization\'s analytics readers what each batch counted, and nobody else', async () => {
    const owner = await given(platform).owner();
    const analyst = await given(platform).member(owner, 'ANALYST');
    const member = await given(platform).member(owner, 'MEMBER');
    const other = await given(platform).owner();
    // What the sign-ups and invitations cost goes out before anyone listens.
    await flushUsage();
    await platform.platform.usage.subgraph.flushOutbox();
    const before = platform.platform.gateway.subscriptions.stats().subscriptions;

    const analystSub = live(analyst.accessToken).subscribe(RECORDED);
    const otherSub = live(other.accessToken).subscribe(RECORDED);
    const refused = await live(member.accessToken).subscribe(RECORDED).refused();
    expect(refused[0]!.extensions?.code).toBe('FORBIDDEN');
    await subscriptionsActive(platform.platform.gateway, before + 2);

    // Starting a subscription is charged, so the first batch after it holds the subscriptions themselves.
    await flushUsage();
    await platform.platform.usage.subgraph.flushOutbox();
    await Promise.all([analystSub.received(1), otherSub.received(1)]);

    const cost = (await run({ token: owner.accessToken }, 'query LiveOne { viewer { organization { id name } } }')) + (await run({ token: analyst.accessToken }, 'query LiveTwo { viewer { role } }'));
    await flushUsage();
    await platform.platform.usage.subgraph.flushOutbox();
    const events = await analystSub.received(2);
    const recorded = events[1]!.data!.usageRecorded as { recordedAt: string; calls: number; cost: number; errors: number };
    expect(recorded).toEqual({ recordedAt: expect.any(String), calls: 2, cost, errors: 0 });
    expect(Number.isNaN(Date.parse(recorded.recordedAt))).toBe(false);

    // The other organization's next batch reaches its owner alone: the analyst saw nothing of it.
    const theirCost = await run({ token: other.accessToken }, 'query LiveThree { viewer { role } }');
    await flushUsage();
    await platform.platform.usage.subgraph.flushOutbox();
    const theirs = await otherSub.received(2);
    expect(theirs[1]!.data!.usageRecorded).toEqual({ recordedAt: expect.any(String), calls: 1, cost: theirCost, errors: 0 });
    expect(analystSub.results).toHaveLength(2);
  });
});

describe('tenant isolation', () => {
  it('never shows another organization its usage, and a report link cannot be pointed at another organization', async () => {
    const alpha = await given(platform).owner();
    const beta = await given(platform).owner();
    await run({ token: alpha.accessToken }, 'query AlphaOnly { viewer { organization { id } } }');
    await run({ token: beta.accessToken }, 'query BetaOnly { viewer { organization { id } } }');
    await flushUsage();
    const alphaTop = (await asUser(alpha, TOP, aroundNow())).usageTopOperations.map((entry: { operationName: string }) => entry.operationName);
    const betaTop = (await asUser(beta, TOP, aroundNow())).usageTopOperations.map((entry: { operationName: string }) => entry.operationName);
    expect(alphaTop).toContain('AlphaOnly');
    expect(alphaTop).not.toContain('BetaOnly');
    expect(betaTop).toContain('BetaOnly');
    expect(betaTop).not.toContain('AlphaOnly');

    const link = (await asUser(alpha, REPORT, aroundNow())).usageReport.csvUrl as string;
    const own = await fetch(`${platform.url}${new URL(link).pathname}${new URL(link).search}`);
    expect(own.status).toBe(200);
    expect(await own.text()).not.toContain('BetaOnly');
    const pointedAtBeta = new URL(link).pathname.replace(alpha.organizationId, beta.organizationId);
    const stolen = await fetch(`${platform.url}${pointedAtBeta}${new URL(link).search}`);
    expect(stolen.status).toBe(404);
  });

  it('keeps usage to those who may read analytics', async () => {
    const owner = await given(platform).owner();
    const member = await given(platform).member(owner, 'MEMBER');
    const analyst = await given(platform).member(owner, 'ANALYST');
    expect(errorCode(await platform.graphql(QUOTA, {}, { token: member.accessToken }))).toBe('FORBIDDEN');
    expect((await asUser(analyst, QUOTA)).usageQuota.plan).toBe('free');
    // The key's live record is identity's, behind apikey.read, which an analyst does not hold.
    expect(errorCode(await platform.graphql(BY_KEY, aroundNow(), { token: analyst.accessToken }))).toBe('FORBIDDEN');
    expect(dataOf(await platform.graphql<any>(BY_KEY.replace('apiKey { id name }', ''), aroundNow(), { token: analyst.accessToken })).usageByApiKey).toEqual([]);
  });

  it('refuses ranges longer than 93 days', async () => {
    const owner = await given(platform).owner();
    const result = await platform.graphql(SERIES, { from: '2026-01-01T00:00:00Z', to: '2026-06-01T00:00:00Z' }, { token: owner.accessToken });
    expect(errorCode(result)).toBe('BAD_USER_INPUT');
    expect(result.body.errors![0]!.message).toMatch(/at most 93 days/);
  });
});

describe('batches', () => {
  it('counts a batch sent twice once', async () => {
    const owner = await given(platform).owner();
    const entry = { organizationId: owner.organizationId, principalKind: 'user', principalId: 'usr_replayed', operationName: 'Replayed', hour: currentHour(), calls: 4, cost: 40, errors: 1 };
    const batchId = `ubt_replay_${Date.now()}`;
    expect(await ingest({ batchId, entries: [entry] })).toMatchObject({ counted: true });
    expect(await ingest({ batchId, entries: [entry] })).toMatchObject({ counted: false });
    // Two sends of one batch at the same time: still once.
    const racing = `ubt_race_${Date.now()}`;
    const outcomes = await Promise.all([ingest({ batchId: racing, entries: [entry] }), ingest({ batchId: racing, entries: [entry] })]);
    expect(outcomes.map((outcome) => outcome.counted).sort()).toEqual([false, true]);
    const top = (await asUser(owner, TOP, aroundNow())).usageTopOperations;
    expect(top.find((row: { operationName: string }) => row.operationName === 'Replayed')).toEqual({ operationName: 'Replayed', calls: 8, cost: 80, errors: 2 });
  });

  it('refuses a malformed batch with 400, so the gateway does not send it forever', async () => {
    await expect(ingest({ batchId: 'ubt_malformed_1', entries: [{ organizationId: 'nope' }] })).rejects.toMatchObject({ reason: 'HTTP_STATUS', status: 400 });
  });
});

describe('quota alerts', () => {
  it('fire once each at 80 % and at 100 % of the month\'s quota, as events and in the queries', async () => {
    const owner = await given(platform).owner();
    const entry = (cost: number, operationName = 'Bulk') => ({ organizationId: owner.organizationId, principalKind: 'user', principalId: 'usr_bulk', operationName, hour: currentHour(), calls: 1, cost, errors: 0 });
    const stamp = Date.now();
    // The free plan allows 10,000 points a month.
    expect(await ingest({ batchId: `ubt_q1_${stamp}`, entries: [entry(7_999)] })).toMatchObject({ counted: true, alerts: 0 });
    expect(await ingest({ batchId: `ubt_q2_${stamp}`, entries: [entry(1)] })).toMatchObject({ counted: true, alerts: 1 });
    expect(await ingest({ batchId: `ubt_q3_${stamp}`, entries: [entry(500)] })).toMatchObject({ counted: true, alerts: 0 });
    expect(await ingest({ batchId: `ubt_q4_${stamp}`, entries: [entry(1_499), entry(1, 'Other')] })).toMatchObject({ counted: true, alerts: 1 });
    expect(await ingest({ batchId: `ubt_q5_${stamp}`, entries: [entry(5_000)] })).toMatchObject({ counted: true, alerts: 0 });

    const quota = (await asUser(owner, QUOTA)).usageQuota;
    expect(quota).toMatchObject({ plan: 'free', quota: 10_000, remaining: 0, month: currentHour().slice(0, 7) });
    // What the gateway recorded for this page's own operations may already be in; the batches alone are 15,000.
    expect(quota.used).toBeGreaterThanOrEqual(15_000);
    expect(quota.percentUsed).toBeGreaterThanOrEqual(150);
    expect(quota.alerts).toEqual([
      { level: 'WARNING', threshold: 80, quota: 10_000, used: 8_000, month: quota.month },
      { level: 'EXCEEDED', threshold: 100, quota: 10_000, used: 10_000, month: quota.month },
    ]);
    expect((await asUser(owner, ALERTS)).usageQuotaAlerts).toEqual({
      totalCount: 2,
      nodes: [
        { level: 'EXCEEDED', threshold: 100, month: quota.month, quota: 10_000, used: 10_000 },
        { level: 'WARNING', threshold: 80, month: quota.month, quota: 10_000, used: 8_000 },
      ],
    });
    const events = await platform.platform.usage.subgraph.db.em.fork().find(OutboxEvent, { organizationId: owner.organizationId, type: { $like: 'usage.quota_%' } }, { orderBy: { id: 'asc' } });
    expect(events.map((event) => [event.type, event.payload.threshold, event.payload.used])).toEqual([
      ['usage.quota_warning', 80, 8_000],
      ['usage.quota_exceeded', 100, 10_000],
    ]);
  });

  it('never fire for another organization\'s usage', async () => {
    const owner = await given(platform).owner();
    const bystander = await given(platform).owner();
    await ingest({ batchId: `ubt_q_other_${Date.now()}`, entries: [{ organizationId: owner.organizationId, principalKind: 'user', principalId: 'usr_x', operationName: 'Bulk', hour: currentHour(), calls: 1, cost: 12_000, errors: 0 }] });
    expect((await asUser(bystander, QUOTA)).usageQuota.alerts).toEqual([]);
    expect((await asUser(bystander, ALERTS)).usageQuotaAlerts.totalCount).toBe(0);
  });
});

describe('usage reports', () => {
  it('export CSV behind a short-lived signed link, formulas turned into text', async () => {
    const hourBefore = currentHour();
    const owner = await given(platform).owner();
    const key = await apiKey(owner, '=HYPERLINK("http://evil.test","open me")');
    await platform.platform.usage.subgraph.drainEvents();
    await run({ token: key.token }, 'query ReportProbe { viewer { organization { id } } }');
    await run({ token: owner.accessToken }, 'query ReportProbe { viewer { organization { id } } }');
    await flushUsage();

    const report = (await asUser(owner, REPORT, { ...aroundNow(), granularity: 'HOUR' })).usageReport;
    expect(report.granularity).toBe('HOUR');
    expect(report.filename).toMatch(/^usage-\d{4}-\d{2}-\d{2}-\d{2}-to-\d{4}-\d{2}-\d{2}-\d{2}-hourly\.csv$/);
    expect(new Date(report.expiresAt).getTime()).toBeGreaterThan(Date.now());
    const url = new URL(report.csvUrl);
    expect(url.pathname).toMatch(/^\/downloads\/usage\/org_[0-9a-z]+\.\d+\.\d+\.hour\.csv$/);

    const response = await fetch(`${platform.url}${url.pathname}${url.search}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(response.headers.get('content-disposition')).toBe(`attachment; filename="${report.filename}"`);
    expect(response.headers.get('cache-control')).toBe('private, no-store');
    const csv = await response.text();
    const hours = `(${hourBefore}|${currentHour()})`.replaceAll('.', '\\.');
    const lines = csv.split('\r\n');
    expect(lines[0]).toBe('period_start,operation,principal_kind,principal_id,api_key_name,calls,cost,errors');
    expect(lines.at(-1)).toBe('');
    const probeRows = lines.filter((line) => line.includes(',ReportProbe,'));
    expect(probeRows).toHaveLength(2);
    expect(probeRows).toContainEqual(expect.stringMatching(new RegExp(`^${hours},ReportProbe,api_key,${key.id},"'=HYPERLINK\\(""http://evil.test"",""open me""\\)",1,\\d+,0$`)));
    expect(probeRows).toContainEqual(expect.stringMatching(new RegExp(`,ReportProbe,user,[a-z]+_[0-9a-z]+,,1,\\d+,0$`)));

    // Daily rows add the hours up.
    const daily = (await asUser(owner, REPORT, { ...aroundNow(), granularity: 'DAY' })).usageReport;
    const dailyCsv = await (await fetch(`${platform.url}${new URL(daily.csvUrl).pathname}${new URL(daily.csvUrl).search}`)).text();
    const dailyRows = dailyCsv.split('\r\n').filter((line) => line.includes(',ReportProbe,'));
    expect(dailyRows).toHaveLength(2);
    expect(dailyRows.every((line) => /^\d{4}-\d{2}-\d{2}T00:00:00\.000Z,/.test(line))).toBe(true);
  });

  it('refuse an expired link, an altered one and an incomplete one', async () => {
    const owner = await given(platform).owner();
    const report = (await asUser(owner, REPORT, aroundNow())).usageReport;
    const url = new URL(report.csvUrl);
    const name = url.pathname.replace(/^\/downloads\/usage\//, '').replace(/\.csv$/, '');
    const secret = platform.platform.usage.deps.settings.internalSigningSecret;
    const expired = Math.floor(Date.now() / 1000) - 1;
    const expiredLink = `${platform.url}${url.pathname}?expires=${expired}&signature=${reportLinkSignature(secret, name, expired)}`;
    expect((await fetch(expiredLink)).status).toBe(404);
    const later = Number(url.searchParams.get('expires')) + 3600;
    expect((await fetch(`${platform.url}${url.pathname}?expires=${later}&signature=${url.searchParams.get('signature')}`)).status).toBe(404);
    expect((await fetch(`${platform.url}${url.pathname}?expires=${url.searchParams.get('expires')}`)).status).toBe(400);
    // The link as given still works.
    expect((await fetch(`${platform.url}${url.pathname}${url.search}`)).status).toBe(200);
  });
});

describe("billing's API-points meter", () => {
  it('reads the same cost the usage subgraph counted', async () => {
    const owner = await given(platform).owner();
    for (let index = 0; index < 3; index += 1) await run({ token: owner.accessToken }, 'query MeterProbe { viewer { organization { members(first: 20) { nodes { id } } } } }');
    await flushUsage();
    await platform.platform.billing.subgraph.drainEvents();
    const counted = (await asUser(owner, QUOTA)).usageQuota.used as number;
    expect(counted).toBeGreaterThan(0);
    const metered = (await asUser(owner, BILLING_USAGE)) as { viewer: { organization: { usage: { meter: string; used: number }[] } } };
    expect(metered.viewer.organization.usage).toEqual([{ meter: 'API_POINTS', used: counted }]);
    // Billing's own queries are counted too, and reach the meter with the next batch.
    await flushUsage();
    await platform.platform.billing.subgraph.drainEvents();
    const again = (await asUser(owner, QUOTA)).usageQuota.used as number;
    expect(again).toBeGreaterThan(counted);
    const meteredAgain = (await asUser(owner, BILLING_USAGE)).viewer.organization.usage[0].used;
    expect(meteredAgain).toBe(again);
  });
});
