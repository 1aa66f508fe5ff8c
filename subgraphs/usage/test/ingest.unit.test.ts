import { parseUsageBatch, reachedThresholds } from '../src/services/ingest.ts';

const NOW = new Date('2026-11-21T14:30:00Z');
const entry = (overrides: Record<string, unknown> = {}) => ({
  organizationId: 'org_a',
  principalKind: 'user',
  principalId: 'usr_alice',
  operationName: 'Members',
  hour: '2026-11-21T14:00:00.000Z',
  calls: 2,
  cost: 20,
  errors: 1,
  ...overrides,
});

describe('a usage batch from the gateway', () => {
  it('is read with its entries added up by key and sorted', () => {
    const batch = parseUsageBatch(
      { batchId: 'ubt_0123456789', entries: [entry({ operationName: 'Viewer' }), entry(), entry({ calls: 1, cost: 5, errors: 0 })] },
      NOW,
    );
    expect(batch).toEqual({
      batchId: 'ubt_0123456789',
      entries: [
        expect.objectContaining({ operationName: 'Members', calls: 3, cost: 25, errors: 1, hour: new Date('2026-11-21T14:00:00Z') }),
        expect.objectContaining({ operationName: 'Viewer', calls: 2, cost: 20, errors: 1 }),
      ],
    });
  });

  it.each([
    ['no batch id', { entries: [entry()] }, /batchId/],
    ['no entries', { batchId: 'ubt_0123456789', entries: [] }, /entries/],
    ['an anonymous principal', { batchId: 'ubt_0123456789', entries: [entry({ principalKind: 'anonymous' })] }, /principalKind/],
    ['an hour that is not whole', { batchId: 'ubt_0123456789', entries: [entry({ hour: '2026-11-21T14:30:00.000Z' })] }, /start of a UTC hour/],
    ['an hour in the future', { batchId: 'ubt_0123456789', entries: [entry({ hour: '2026-11-21T17:00:00.000Z' })] }, /last 35 days/],
    ['a negative cost', { batchId: 'ubt_0123456789', entries: [entry({ cost: -1 })] }, /whole numbers/],
    ['more errors than calls', { batchId: 'ubt_0123456789', entries: [entry({ errors: 3 })] }, /errors at most calls/],
    ['a control character in a name', { batchId: 'ubt_0123456789', entries: [entry({ operationName: 'a\u0000b' })] }, /printable/],
  ])('is refused with %s', (_case, body, message) => {
    expect(parseUsageBatch(body, NOW)).toMatch(message);
  });
});

describe('quota thresholds', () => {
  it('are reached at 80 % and 100 % of the quota', () => {
    expect(reachedThresholds(7_999, 10_000)).toEqual([]);
    expect(reachedThresholds(8_000, 10_000)).toEqual([80]);
    expect(reachedThresholds(10_000, 10_000)).toEqual([80, 100]);
    expect(reachedThresholds(25_000, 10_000)).toEqual([80, 100]);
  });

  it('are never reached on an unlimited plan, or before any use', () => {
    expect(reachedThresholds(1e12, null)).toEqual([]);
    expect(reachedThresholds(0, 0)).toEqual([]);
  });
});
