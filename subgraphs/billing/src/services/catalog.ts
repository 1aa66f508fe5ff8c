import { DomainService, newId, UserInputError, userError, type UserError } from '@platform/kit';
import { Coupon, Plan, Price, type CouponDuration, type EntitlementsData, type Interval, type PriceComponentData } from '../entities/index.ts';
import { normalizeComponents, validateComponents } from '../pricing/index.ts';
import type { BillingDeps } from './support.ts';

const PLAN_KEY = /^[a-z][a-z0-9_-]{1,39}$/;
const CURRENCIES = new Set(['USD', 'EUR', 'GBP', 'CHF', 'CAD', 'AUD', 'JPY', 'SEK', 'NOK', 'DKK']);

export interface EntitlementsInput {
  seats?: number | null;
  apiPointsPerMonth?: number | null;
  apiPointsPerSecond: number;
  storageBytes?: number | null;
  features: string[];
}

function entitlementProblems(input: EntitlementsInput): UserError[] {
  const problems: UserError[] = [];
  const field = (name: string) => ['input', 'entitlements', name];
  for (const name of ['seats', 'apiPointsPerMonth', 'storageBytes'] as const) {
    const value = input[name];
    if (value !== null && value !== undefined && (!Number.isInteger(value) || value < 0)) {
      problems.push(userError('INVALID', `${name} must be a whole number of at least 0, or null for unlimited.`, field(name)));
    }
  }
  if (!Number.isInteger(input.apiPointsPerSecond) || input.apiPointsPerSecond < 1) {
    problems.push(userError('INVALID', 'apiPointsPerSecond must be a whole number of at least 1.', field('apiPointsPerSecond')));
  }
  if (input.features.some((feature) => !/^[a-z][a-z0-9_]{0,39}$/.test(feature))) {
    problems.push(userError('INVALID', 'Feature flags are lower_snake_case names of up to 40 characters.', field('features')));
  }
  return problems;
}

function toEntitlements(input: EntitlementsInput): EntitlementsData {
  return {
    seats: input.seats ?? null,
    apiPointsPerMonth: input.apiPointsPerMonth ?? null,
    apiPointsPerSecond: input.apiPointsPerSecond,
    storageBytes: input.storageBytes ?? null,
    features: [...new Set(input.features)].sort(),
  };
}

/** The plan catalog: read by anyone, changed by platform operators only (checked by @access). */
export class CatalogService extends DomainService<BillingDeps> {
  plans(includeArchived: boolean): Promise<Plan[]> {
    return this.em.find(Plan, includeArchived ? {} : { archivedAt: null }, { orderBy: { rank: 'asc', id: 'asc' } });
  }

  planByKey(key: string): Promise<Plan | null> {
    return this.em.findOne(Plan, { key });
  }

  planById(id: string): Promise<Plan | null> {
    return this.context.loaders
      .get<string, Plan | null>('planById', async (ids) => {
        const plans = await this.em.find(Plan, { id: { $in: [...ids] } });
        return ids.map((planId) => plans.find((plan) => plan.id === planId) ?? null);
      })
      .load(id);
  }

  priceById(id: string): Promise<Price | null> {
    return this.context.loaders
      .get<string, Price | null>('priceById', async (ids) => {
        const prices = await this.em.find(Price, { id: { $in: [...ids] } });
        return ids.map((priceId) => prices.find((price) => price.id === priceId) ?? null);
      })
      .load(id);
  }

  /** Prices of a plan, one query for every plan of the list. */
  async pricesOf(plan: Plan, filter: { currency?: string | null; interval?: Interval | null }): Promise<Price[]> {
    const all = await this.context.loaders
      .get<string, Price[]>('pricesByPlan', async (planIds) => {
        const prices = await this.em.find(Price, { plan: { $in: [...planIds] }, archivedAt: null }, { orderBy: { currency: 'asc', interval: 'asc', id: 'asc' } });
        return planIds.map((planId) => prices.filter((price) => price.plan.id === planId));
      })
      .load(plan.id);
    return all.filter((price) => (!filter.currency || price.currency === filter.currency.toUpperCase()) && (!filter.interval || price.interval === filter.interval));
  }

  async couponByCode(code: string): Promise<Coupon | null> {
    return this.em.findOne(Coupon, { code: code.trim().toUpperCase() });
  }

  async createPlan(input: { key: string; name: string; description: string; trialDays?: number | null; rank: number; entitlements: EntitlementsInput }): Promise<{ plan: Plan }> {
    const problems: UserError[] = [];
    if (!PLAN_KEY.test(input.key)) problems.push(userError('INVALID', 'A plan key is 2 to 40 lower-case letters, digits, - or _, starting with a letter.', ['input', 'key']));
    if (!input.name.trim() || input.name.length > 100) problems.push(userError('INVALID', 'Give the plan a name of up to 100 characters.', ['input', 'name']));
    const trialDays = input.trialDays ?? 0;
    if (!Number.isInteger(trialDays) || trialDays < 0 || trialDays > 730) problems.push(userError('INVALID', 'trialDays must be between 0 and 730.', ['input', 'trialDays']));
    problems.push(...entitlementProblems(input.entitlements));
    if (problems.length > 0) throw new UserInputError(problems);
    if (await this.em.findOne(Plan, { key: input.key })) throw UserInputError.of('TAKEN', `A plan with key '${input.key}' already exists.`, ['input', 'key']);
    const plan = this.em.create(Plan, {
      id: newId('plan'),
      key: input.key,
      name: input.name.trim(),
      description: input.description.trim(),
      trialDays,
      rank: input.rank,
      entitlements: toEntitlements(input.entitlements),
      archivedAt: null,
      createdAt: this.deps.clock.now(),
    });
    this.context.emit('plan.created', { planId: plan.id, key: plan.key }, null);
    return { plan };
  }

  private async plan(id: string): Promise<Plan> {
    const plan = await this.em.findOne(Plan, { id });
    if (!plan) throw UserInputError.of('NOT_FOUND', `No plan with id '${id}'.`, ['input', 'id']);
    return plan;
  }

  async updatePlan(input: { id: string; name?: string | null; description?: string | null; trialDays?: number | null; rank?: number | null; entitlements?: EntitlementsInput | null }): Promise<{ plan: Plan }> {
    const plan = await this.plan(input.id);
    if (input.entitlements) {
      const problems = entitlementProblems(input.entitlements);
      if (problems.length > 0) throw new UserInputError(problems);
      plan.entitlements = toEntitlements(input.entitlements);
    }
    if (input.name != null) plan.name = input.name.trim();
    if (input.description != null) plan.description = input.description.trim();
    if (input.trialDays != null) {
      if (!Number.isInteger(input.trialDays) || input.trialDays < 0 || input.trialDays > 730) throw UserInputError.of('INVALID', 'trialDays must be between 0 and 730.', ['input', 'trialDays']);
      plan.trialDays = input.trialDays;
    }
    if (input.rank != null) plan.rank = input.rank;
    this.context.emit('plan.updated', { planId: plan.id, key: plan.key }, null);
    return { plan };
  }

  async archivePlan(input: { id: string }): Promise<{ plan: Plan }> {
    const plan = await this.plan(input.id);
    if (plan.key === 'free') throw UserInputError.of('REQUIRED_PLAN', 'The free plan is what lapsed subscriptions fall back to; it cannot be archived.', ['input', 'id']);
    plan.archivedAt ??= this.deps.clock.now();
    this.context.emit('plan.archived', { planId: plan.id, key: plan.key }, null);
    return { plan };
  }

  async createPrice(input: { planId: string; currency: string; interval: Interval; components: PriceComponentData[] }): Promise<{ price: Price }> {
    const plan = await this.em.findOne(Plan, { id: input.planId });
    if (!plan) throw UserInputError.of('NOT_FOUND', `No plan with id '${input.planId}'.`, ['input', 'planId']);
    const currency = input.currency.trim().toUpperCase();
    if (!CURRENCIES.has(currency)) throw UserInputError.of('UNSUPPORTED_CURRENCY', `'${input.currency}' is not a supported currency (${[...CURRENCIES].join(', ')}).`, ['input', 'currency']);
    const problems = validateComponents(input.components);
    if (problems.length > 0) throw new UserInputError(problems);
    const price = this.em.create(Price, { id: newId('price'), plan, currency, interval: input.interval, components: normalizeComponents(input.components), archivedAt: null, createdAt: this.deps.clock.now() });
    this.context.emit('price.created', { priceId: price.id, planId: plan.id }, null);
    return { price };
  }

  async archivePrice(input: { id: string }): Promise<{ price: Price }> {
    const price = await this.em.findOne(Price, { id: input.id });
    if (!price) throw UserInputError.of('NOT_FOUND', `No price with id '${input.id}'.`, ['input', 'id']);
    price.archivedAt ??= this.deps.clock.now();
    this.context.emit('price.archived', { priceId: price.id }, null);
    return { price };
  }

  async createCoupon(input: { code: string; name: string; percentOff?: number | null; amountOff?: number | null; currency?: string | null; duration: CouponDuration; durationInMonths?: number | null }): Promise<{ coupon: Coupon }> {
    const code = input.code.trim().toUpperCase();
    const problems: UserError[] = [];
    if (!/^[A-Z0-9_-]{3,40}$/.test(code)) problems.push(userError('INVALID', 'A coupon code is 3 to 40 letters, digits, - or _.', ['input', 'code']));
    const hasPercent = input.percentOff != null;
    const hasAmount = input.amountOff != null;
    if (hasPercent === hasAmount) problems.push(userError('INVALID', 'Give either percentOff or amountOff.', ['input', 'percentOff']));
    if (hasPercent && (!Number.isInteger(input.percentOff) || input.percentOff! < 1 || input.percentOff! > 100)) problems.push(userError('INVALID', 'percentOff is between 1 and 100.', ['input', 'percentOff']));
    if (hasAmount && (!Number.isInteger(input.amountOff) || input.amountOff! < 1)) problems.push(userError('INVALID', 'amountOff is a positive amount in minor units.', ['input', 'amountOff']));
    if (hasAmount && !input.currency) problems.push(userError('REQUIRED', 'amountOff needs a currency.', ['input', 'currency']));
    if (input.duration === 'repeating' && (!input.durationInMonths || input.durationInMonths < 1)) problems.push(userError('REQUIRED', 'A repeating coupon needs durationInMonths.', ['input', 'durationInMonths']));
    if (problems.length > 0) throw new UserInputError(problems);
    if (await this.em.findOne(Coupon, { code })) throw UserInputError.of('TAKEN', `The code '${code}' is taken.`, ['input', 'code']);
    const coupon = this.em.create(Coupon, {
      id: newId('coupon'),
      code,
      name: input.name.trim(),
      percentOff: input.percentOff ?? null,
      amountOff: input.amountOff ?? null,
      currency: input.currency?.toUpperCase() ?? null,
      duration: input.duration,
      durationInMonths: input.duration === 'repeating' ? input.durationInMonths! : null,
      createdAt: this.deps.clock.now(),
    });
    return { coupon };
  }
}
