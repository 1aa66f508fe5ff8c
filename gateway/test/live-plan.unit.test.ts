import { composeServices } from '@apollo/composition';
import { Supergraph } from '@apollo/federation-internals';
import { readCheckedInSupergraph } from '@platform/schema/compose.ts';
import { parse, type GraphQLError } from 'graphql';
import { LivePlanner, type LivePlan } from '../src/subscriptions/plan.ts';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.9", import: ["@key", "@shareable"])';

/** Two small subgraphs: jobs publishes live events, people owns the users they point at. */
function composeJobs(): string {
  const result = composeServices([
    {
      name: 'jobs',
      url: 'http://jobs/graphql',
      typeDefs: parse(`${LINK}
        type Query { job(id: ID!): Job  board: Board }
        type Subscription { jobProgress: Job!  boardChanged: Board!  jobsFinished: [Job!]! }
        type Job @key(fields: "id") { id: ID! percent: Int! kind: JobKind! logs(last: Int): [String!]! owner: User detail: JobDetail }
        type JobDetail { step: String! weight: Float }
        type Board { total: Int! running(first: Int): Int! members: [User!]! }
        type User @key(fields: "id", resolvable: false) { id: ID! }
        enum JobKind { EXPORT IMPORT }`),
    },
    {
      name: 'people',
      url: 'http://people/graphql',
      typeDefs: parse(`${LINK}
        type Query { me: User }
        type User @key(fields: "id") { id: ID! name: String! }`),
    },
  ]);
  if (result.errors) throw new Error(result.errors.map((error) => error.message).join('\n'));
  return result.supergraphSdl;
}

const LIMITS = { maxTokens: 1000, maxDepth: 8, maxAliases: 15, maxDirectives: 50 };

function plannerOf(supergraphSdl: string, hideSchemaDetails = false): LivePlanner {
  return new LivePlanner({ supergraphSdl, apiSchema: Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema() }, LIMITS, { hideSchemaDetails });
}

function planOf(planner: LivePlanner, query: string, operationName?: string): LivePlan {
  const planned = planner.plan(query, operationName);
  if ('errors' in planned) throw new Error(planned.errors.map((error) => error.message).join('\n'));
  return planned.plan;
}

function refusalOf(planner: LivePlanner, query: string): GraphQLError[] {
  const planned = planner.plan(query, undefined);
  if ('plan' in planned) throw new Error('Expected the document to be refused');
  return planned.errors;
}

const normalize = (query: string) => query.replace(/\s+/g, ' ').trim();

describe('LivePlanner: how a subscription document is served', () => {
  const jobs = plannerOf(composeJobs());

  it('serves from the event data a selection of fields the publishing subgraph owns without arguments, other entities by key', () => {
    const plan = planOf(jobs, 'subscription { jobProgress { id percent kind owner { id __typename } detail { step } } }');
    expect(plan).toMatchObject({ field: 'jobProgress', responseKey: 'jobProgress', servedFromData: true });
    expect(plan.fallback).not.toBeNull();
  });

  it('resolves a selection that needs another subgraph or arguments through the query field taking id, keeping aliases, fragments and the variables it uses', () => {
    const plan = planOf(
      jobs,
      `subscription Watch($last: Int) { progress: jobProgress @include(if: true) { ...Basics owner { name } } }
       fragment Basics on Job { id logs(last: $last) }`,
    );
    expect(plan.servedFromData).toBe(false);
    expect(plan.responseKey).toBe('progress');
    expect(normalize(plan.fallback!.query)).toBe(
      normalize(`query LiveEvent($liveEventId: ID!, $last: Int) { progress: job(id: $liveEventId) @include(if: true) { ...Basics owner { name } } }
       fragment Basics on Job { id logs(last: $last) }`),
    );
    expect(plan.fallback!.idVariable).toBe('liveEventId');
  });

  it('names the id variable so it never clashes with one of the document', () => {
    const plan = planOf(jobs, 'subscription ($liveEventId: Int) { jobProgress { id logs(last: $liveEventId) } }');
    expect(plan.fallback!.idVariable).toBe('_liveEventId');
    expect(plan.fallback!.query).toContain('job(id: $_liveEventId)');
  });

  it('serves a type without a query by id only when the events carry everything selected, and refuses the rest at subscribe', () => {
    expect(planOf(jobs, 'subscription { boardChanged { total members { id } } }')).toMatchObject({ servedFromData: true, fallback: null });
    const [notCarried] = refusalOf(jobs, 'subscription { boardChanged { total members { name } } }');
    expect(notCarried!.message).toBe("Live events of 'boardChanged' do not carry User.name, and no query field fetches a Board by id: select only fields the events carry.");
    expect(notCarried!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refusalOf(jobs, 'subscription { boardChanged { running(first: 2) } }')[0]!.message).toMatch(/do not carry Board.running/);
    // A list of entities has no single id to fetch by.
    expect(refusalOf(jobs, 'subscription { jobsFinished { id owner { name } } }')[0]!.message).toMatch(/do not carry User.name/);
  });

  it('answers from the data with graphql-js semantics, and says when the data lacks a selected field', () => {
    const plan = planOf(jobs, 'subscription ($withKind: Boolean!) { p: jobProgress { __typename id kind @include(if: $withKind) detail { step } } }');
    const data = { __typename: 'Job', id: 'job_1', percent: 40, kind: 'EXPORT', detail: { __typename: 'JobDetail', step: 'zip', weight: null } };
    expect(plan.serveFromData(data, { withKind: true })).toEqual({ complete: true, result: { data: { p: { __typename: 'Job', id: 'job_1', kind: 'EXPORT', detail: { step: 'zip' } } } } });
    expect(plan.serveFromData(data, { withKind: false }).result).toEqual({ data: { p: { __typename: 'Job', id: 'job_1', detail: { step: 'zip' } } } });
    const { kind: _kind, ...withoutKind } = data;
    expect(plan.serveFromData(withoutKind, { withKind: true }).complete).toBe(false);
    expect(plan.serveFromData({ ...data, detail: null }, { withKind: true })).toEqual({ complete: true, result: { data: { p: { __typename: 'Job', id: 'job_1', kind: 'EXPORT', detail: null } } } });
  });

  it('refuses what is not one subscription, with the code of each problem', () => {
    expect(refusalOf(jobs, '{ board { total } }')[0]).toMatchObject({ message: 'Only subscriptions are served over WebSocket; send queries with POST /graphql.', extensions: { code: 'BAD_REQUEST' } });
    expect(refusalOf(jobs, 'subscription {')[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    expect(refusalOf(jobs, 'subscription { jobProgress { id } boardChanged { total } }')[0]!.extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(refusalOf(jobs, 'subscription A { jobProgress { id } } subscription B { boardChanged { total } }')[0]!.extensions.code).toBe('BAD_REQUEST');
    expect(refusalOf(jobs, `subscription { jobProgress { ${'id '.repeat(1000)} } }`)[0]!.extensions.code).toBe('GRAPHQL_PARSE_FAILED');
  });

  it('leaves schema hints out of validation errors when asked (production)', () => {
    const query = 'subscription { jobProgress { percnt } }';
    expect(refusalOf(jobs, query)[0]!.message).toMatch(/Did you mean "percent"\?/);
    expect(refusalOf(plannerOf(composeJobs(), true), query)[0]!.message).toBe('Cannot query field "percnt" on type "Job".');
  });

  it('plans the platform schema: notifications served from data, with Query.notification as the fallback; counts from data alone', () => {
    const platform = plannerOf(readCheckedInSupergraph());
    const received = planOf(platform, 'subscription { notificationReceived { id title body createdAt readAt actor { id } deliveries { channel status } } }');
    expect(received.servedFromData).toBe(true);
    expect(received.fallback!.query).toContain('notificationReceived: notification(id: $liveEventId)');
    expect(planOf(platform, 'subscription { notificationReceived { id actor { name email } } }').servedFromData).toBe(false);
    // What the notifications subgraph publishes (test/notifications.int.test.ts checks that shape) answers deliveries too: no query per subscriber.
    const delivery = { __typename: 'NotificationDelivery', channel: 'EMAIL', status: 'PENDING', attempts: 0, lastAttemptAt: null, deliveredAt: null, lastError: null };
    const message = { __typename: 'Notification', id: 'ntf_1', title: 'T', body: 'B', createdAt: '2026-11-22T00:00:00.000Z', readAt: null, actor: { __typename: 'User', id: 'usr_1' }, deliveries: [delivery] };
    expect(received.serveFromData(message, {})).toEqual({
      complete: true,
      result: { data: { notificationReceived: { id: 'ntf_1', title: 'T', body: 'B', createdAt: '2026-11-22T00:00:00.000Z', readAt: null, actor: { id: 'usr_1' }, deliveries: [{ channel: 'EMAIL', status: 'PENDING' }] } } },
    });
    expect(planOf(platform, 'subscription { notificationCountsChanged { unread unseen } }')).toMatchObject({ servedFromData: true, fallback: null });
  });
});
