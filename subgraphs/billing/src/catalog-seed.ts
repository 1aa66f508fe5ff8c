import { newId, type EntityManager } from '@platform/kit';
import { Plan, Price, type EntitlementsData, type Interval, type PriceComponentData } from './entities/index.ts';

interface SeedPlan {
  key: string;
  name: string;
  description: string;
  trialDays: number;
  rank: number;
  entitlements: EntitlementsData;
  /** Monthly components in USD cents; EUR and yearly prices are derived below. */
  monthly: PriceComponentData[];
}

const component = (partial: Partial<PriceComponentData> & Pick<PriceComponentData, 'kind' | 'scheme'>): PriceComponentData => ({
  unitAmount: null,
  tiers: [],
  meter: null,
  includedUnits: null,
  packageSize: null,
  ...partial,
});

const GIB = 1024 ** 3;

/** The catalog a new platform starts with. Operators change it through the API afterwards. */
export const SEED_PLANS: readonly SeedPlan[] = [
  {
    key: 'free',
    name: 'Free',
    description: 'For trying the product with a small team.',
    trialDays: 0,
    rank: 0,
    entitlements: { seats: 3, apiPointsPerMonth: 10_000, apiPointsPerSecond: 50, storageBytes: 1 * GIB, features: [] },
    monthly: [component({ kind: 'base', scheme: 'flat', unitAmount: 0 })],
  },
  {
    key: 'pro',
    name: 'Pro',
    description: 'For growing teams: priced per seat, with API usage beyond the included points.',
    trialDays: 14,
    rank: 10,
    entitlements: { seats: 50, apiPointsPerMonth: 1_000_000, apiPointsPerSecond: 200, storageBytes: 50 * GIB, features: ['audit_log', 'webhooks'] },
    monthly: [
      component({ kind: 'seats', scheme: 'per_unit', unitAmount: 1_500 }),
      component({
        kind: 'usage',
        scheme: 'graduated',
        meter: 'api_points',
        includedUnits: 100_000,
        packageSize: 1_000,
        tiers: [
          { upTo: 1_000, unitAmount: 10, flatAmount: 0 },
          { upTo: null, unitAmount: 5, flatAmount: 0 },
        ],
      }),
    ],
  },
  {
    key: 'business',
    name: 'Business',
    description: 'For organizations: volume seat pricing, SSO and priority support.',
    trialDays: 14,
    rank: 20,
    entitlements: {
      seats: 500,
      apiPointsPerMonth: 10_000_000,
      apiPointsPerSecond: 1_000,
      storageBytes: 500 * GIB,
      features: ['audit_log', 'webhooks', 'sso', 'audit_log_export', 'priority_support'],
    },
    monthly: [
      component({
        kind: 'seats',
        scheme: 'volume',
        tiers: [
          { upTo: 10, unitAmount: 3_000, flatAmount: 0 },
          { upTo: 50, unitAmount: 2_500, flatAmount: 0 },
          { upTo: null, unitAmount: 2_000, flatAmount: 0 },
        ],
      }),
    ],
  },
  {
    key: 'enterprise',
    name: 'Enterprise',
    description: 'A platform fee with unlimited seats, the highest limits and every feature.',
    trialDays: 0,
    rank: 30,
    entitlements: {
      seats: null,
      apiPointsPerMonth: null,
      apiPointsPerSecond: 2_000,
      storageBytes: null,
      features: ['audit_log', 'webhooks', 'sso', 'audit_log_export', 'priority_support', 'custom_roles', 'dedicated_support'],
    },
    monthly: [
      component({ kind: 'base', scheme: 'flat', unitAmount: 200_000 }),
      component({
        kind: 'usage',
        scheme: 'graduated',
        meter: 'api_points',
        includedUnits: 10_000_000,
        packageSize: 1_000,
        tiers: [{ upTo: null, unitAmount: 2, flatAmount: 0 }],
      }),
    ],
  },
];

/** Yearly prices are ten months' worth (two months free); EUR prices are the USD figures. */
function scaled(components: PriceComponentData[], interval: Interval): PriceComponentData[] {
  if (interval === 'month') return components;
  return components.map((part) =>
    part.kind === 'usage'
      ? part
      : {
          ...part,
          unitAmount: part.unitAmount === null ? null : part.unitAmount * 10,
          tiers: part.tiers.map((tier) => ({ ...tier, unitAmount: tier.unitAmount * 10, flatAmount: tier.flatAmount * 10 })),
        },
  );
}

/** Seeds the catalog when it is empty; safe to run on every start and from several processes. */
export async function seedCatalog(em: EntityManager, now = new Date()): Promise<number> {
  const fork = em.fork();
  if ((await fork.count(Plan, {})) > 0) return 0;
  try {
    await fork.transactional(async (tx) => {
      for (const seed of SEED_PLANS) {
        const plan = tx.create(Plan, {
          id: newId('plan'),
          key: seed.key,
          name: seed.name,
          description: seed.description,
          trialDays: seed.trialDays,
          rank: seed.rank,
          entitlements: seed.entitlements,
          archivedAt: null,
          createdAt: now,
        });
        for (const currency of ['USD', 'EUR']) {
          for (const interval of ['month', 'year'] as const) {
            tx.create(Price, { id: newId('price'), plan, currency, interval, components: scaled(seed.monthly, interval), archivedAt: null, createdAt: now });
          }
        }
      }
    });
  } catch (error) {
    // Another process seeded at the same moment: the unique plan keys refused our copy.
    if ((await em.fork().count(Plan, {})) > 0) return 0;
    throw error;
  }
  return SEED_PLANS.length;
}
