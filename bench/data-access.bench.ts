/**
 * `npm run bench:data`: listing 100 members with their users must cost the same number of SQL
 * statements as listing 10 (no N+1). An organization of 120 members is seeded through the identity
 * subgraph; the owner then lists `members(first: N)` through the gateway, and the statements the
 * identity database runs during each request are counted. Exits 1 if the counts differ.
 *
 * The outbox relay polls its two tables every 250 ms whatever the traffic; those statements are not
 * the request's and are left out (and reported).
 */
import { seedDemo } from '@platform/identity';
import { expectData, postGraphQL, signIn, startBenchPlatform, watchdog } from './support/platform.ts';

const MEMBERS = 120;
const SIZES = [10, 100] as const;
const OWNER = { email: 'owner@members.test', password: 'bench-owner-password', name: 'Olivia Owner' };
const RELAY_STATEMENT = /\b(outbox_event|mail_message)\b/;

watchdog(120, 'The data-access benchmark');

let recording = false;
let statements: string[] = [];
let relayStatements = 0;
function onQuery(sql: string): void {
  if (!recording) return;
  if (RELAY_STATEMENT.test(sql)) relayStatements += 1;
  else statements.push(sql);
}

const membersQuery = (first: number) => `{ viewer { organization { members(first: ${first}) { nodes { id role user { id name email } } } } } }`;

type MembersData = { viewer: { organization: { members: { nodes: { id: string; role: string; user: { id: string; name: string; email: string } | null }[] } } } };

async function main(): Promise<number> {
  const bench = await startBenchPlatform({ seedDemo: false, onQuery });
  try {
    const members = Array.from({ length: MEMBERS - 1 }, (_, index) => ({
      email: `member-${String(index + 1).padStart(3, '0')}@members.test`,
      name: `Member ${index + 1}`,
      role: 'member' as const,
    }));
    await seedDemo(bench.platform.identity, { settings: bench.identitySettings }, { organizationName: 'Hundred Members Inc', owner: OWNER, members });
    const token = await signIn(bench.graphqlUrl, OWNER.email, OWNER.password);
    // One request first, so that nothing that happens once per process is counted against N = 10.
    expectData(await postGraphQL(bench.graphqlUrl, membersQuery(1), token), 'The warm-up request');
    // Relay what seeding and sign-in committed now, so the relay's own writes do not land in a count.
    await bench.platform.identity.flushOutbox();

    const counts = new Map<number, { statements: string[]; relay: number }>();
    for (const size of SIZES) {
      statements = [];
      relayStatements = 0;
      recording = true;
      const answer = await postGraphQL(bench.graphqlUrl, membersQuery(size), token);
      recording = false;
      const data = expectData(answer, `members(first: ${size})`) as MembersData;
      const nodes = data.viewer.organization.members.nodes;
      if (nodes.length !== size || nodes.some((node) => !node.user?.email)) {
        throw new Error(`members(first: ${size}) returned ${nodes.length} members, ${nodes.filter((node) => !node.user?.email).length} without their user`);
      }
      counts.set(size, { statements, relay: relayStatements });
    }

    console.log(`Organization of ${MEMBERS} members; SQL statements run by the identity database during one gateway request:\n`);
    for (const [size, { statements: run, relay }] of counts) {
      console.log(`members(first: ${size}) with user { id name email }: ${run.length} SQL statements${relay ? ` (+${relay} outbox relay polls, not counted)` : ''}`);
      run.forEach((sql, index) => console.log(`  ${index + 1}. ${sql.replace(/\s+/g, ' ').slice(0, 260)}`));
      console.log('');
    }
    const [small, large] = SIZES.map((size) => counts.get(size)!.statements.length) as [number, number];
    const equal = small === large;
    console.log(`N = ${SIZES[0]}: ${small} statements, N = ${SIZES[1]}: ${large} statements -> ${equal ? 'equal: no N+1' : 'DIFFERENT: the statement count grows with the page size (N+1)'}`);
    return equal ? 0 : 1;
  } finally {
    await bench.close();
  }
}

let code = 1;
try {
  code = await main();
} catch (error) {
  console.error(`Data-access benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
}
process.exit(code);
