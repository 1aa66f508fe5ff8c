import { defineEntity, p } from '@mikro-orm/core';

export type Interval = 'month' | 'year';
export type Scheme = 'flat' | 'per_unit' | 'graduated' | 'volume';
export type ComponentKind = 'base' | 'seats' | 'usage';
export type MeterName = 'api_points';

export interface Tier {
  /** The last unit of the tier; null for the last (open-ended) tier. */
  upTo: number | null;
  unitAmount: number;
  flatAmount: number;
}

/** One part of a price, as Stripe would model one subscription item. Amounts in minor units. */
export interface PriceComponentData {
  kind: ComponentKind;
  scheme: Scheme;
  unitAmount: number | null;
  tiers: Tier[];
  meter: MeterName | null;
  includedUnits: number | null;
  packageSize: number | null;
}

export interface EntitlementsData {
  /** null: unlimited. */
  seats: number | null;
  apiPointsPerMonth: number | null;
  apiPointsPerSecond: number;
  storageBytes: number | null;
  features: string[];
}

/** A plan of the catalog; global, not owned by any tenant. Managed by platform operators. */
export const PlanSchema = defineEntity({
  name: 'Plan',
  properties: {
    id: p.string().primary(),
    key: p.string().length(40).unique(),
    name: p.string().length(100),
    description: p.text(),
    trialDays: p.integer(),
    rank: p.integer(),
    entitlements: p.json<EntitlementsData>(),
    archivedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
export class Plan extends PlanSchema.class {}
PlanSchema.setClass(Plan);

/** What a plan costs in one currency and interval. Never edited once created: archive and add another. */
export const PriceSchema = defineEntity({
  name: 'Price',
  properties: {
    id: p.string().primary(),
    plan: () => p.manyToOne(Plan).ref().index(),
    currency: p.string().length(3),
    interval: p.string().length(8).$type<Interval>(),
    components: p.json<PriceComponentData[]>(),
    archivedAt: p.datetime().nullable(),
    createdAt: p.datetime(),
  },
});
export class Price extends PriceSchema.class {}
PriceSchema.setClass(Price);

export type CouponDuration = 'once' | 'repeating' | 'forever';

/** A discount customers redeem by code; global, created by platform operators. */
export const CouponSchema = defineEntity({
  name: 'Coupon',
  properties: {
    id: p.string().primary(),
    code: p.string().length(40).unique(),
    name: p.string().length(100),
    percentOff: p.integer().nullable(),
    amountOff: p.integer().nullable(),
    currency: p.string().length(3).nullable(),
    duration: p.string().length(12).$type<CouponDuration>(),
    durationInMonths: p.integer().nullable(),
    createdAt: p.datetime(),
  },
});
export class Coupon extends CouponSchema.class {}
CouponSchema.setClass(Coupon);
