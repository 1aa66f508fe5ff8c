import type { UserError } from '@platform/kit';
import type { ComponentKind, MeterName, PriceComponentData, Scheme, Tier } from '../entities/catalog.ts';
import { assertNonNegativeInteger, PricingError } from './errors.ts';
import { sumAmounts } from './money.ts';

const KINDS: readonly ComponentKind[] = ['base', 'seats', 'usage'];
const SCHEMES: readonly Scheme[] = ['flat', 'per_unit', 'graduated', 'volume'];
const METERS: readonly MeterName[] = ['api_points'];

/** The schemes each kind may use: a base fee is one amount per period, usage is never flat. */
const ALLOWED_SCHEMES: Record<ComponentKind, readonly Scheme[]> = {
  base: ['flat'],
  seats: ['flat', 'per_unit', 'graduated', 'volume'],
  usage: ['per_unit', 'graduated', 'volume'],
};

/** A tier as an operator sends it; unit and flat amounts default to 0 as in the GraphQL input. */
export interface TierDraft {
  upTo?: number | null;
  unitAmount?: number | null;
  flatAmount?: number | null;
}

/**
 * A price component as an operator sends it (PriceComponentInput). Kind, scheme and meter are
 * matched without regard to case, so the GraphQL enum values (PER_UNIT, API_POINTS) can be passed
 * as they come. A stored PriceComponentData is a valid draft too.
 */
export interface PriceComponentDraft {
  kind: string;
  scheme: string;
  unitAmount?: number | null;
  tiers?: readonly TierDraft[] | null;
  meter?: string | null;
  includedUnits?: number | null;
  packageSize?: number | null;
}

const isTiered = (scheme: string) => scheme === 'graduated' || scheme === 'volume';
const isAmount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const lower = (value: string | null | undefined) => (typeof value === 'string' ? value.toLowerCase() : value);

/**
 * Every problem of a list of price components at once, each on its field (`[...field, index,
 * 'tiers', tierIndex, 'upTo']`), for priceCreate's userErrors. An empty list means the components
 * are valid. Codes: NO_COMPONENTS, DUPLICATE_COMPONENT, UNKNOWN_KIND, UNKNOWN_SCHEME,
 * SCHEME_NOT_ALLOWED, AMOUNT_REQUIRED, INVALID_AMOUNT, AMOUNT_NOT_ALLOWED, TIERS_REQUIRED,
 * TIERS_NOT_ALLOWED, INVALID_TIER_LIMIT, TIERS_NOT_INCREASING, LAST_TIER_NOT_OPEN, METER_REQUIRED,
 * UNKNOWN_METER, USAGE_ONLY, INVALID_PACKAGE_SIZE.
 * `field` is the path of the list itself; default `['input', 'components']`.
 */
export function validateComponents(components: readonly PriceComponentDraft[], field: readonly string[] = ['input', 'components']): UserError[] {
  const problems: UserError[] = [];
  const problem = (code: string, message: string, path: readonly (string | number)[]) =>
    problems.push({ code, message, field: [...field, ...path.map(String)] });

  if (components.length === 0) problem('NO_COMPONENTS', 'A price needs at least one component.', []);

  const seen = new Map<string, number>();
  components.forEach((component, index) => {
    const kind = lower(component.kind);
    const scheme = lower(component.scheme);
    const meter = lower(component.meter);

    if (!KINDS.includes(kind as ComponentKind)) {
      problem('UNKNOWN_KIND', `Unknown component kind '${String(component.kind)}'; use one of ${KINDS.join(', ')}.`, [index, 'kind']);
    } else {
      const key = kind === 'usage' ? `usage:${String(meter)}` : String(kind);
      const first = seen.get(key);
      if (first === undefined) seen.set(key, index);
      else problem('DUPLICATE_COMPONENT', `Component ${index + 1} repeats component ${first + 1}: a price has at most one ${kind === 'usage' ? 'usage component per meter' : `${kind} component`}.`, [index, 'kind']);
    }

    if (!SCHEMES.includes(scheme as Scheme)) {
      problem('UNKNOWN_SCHEME', `Unknown pricing scheme '${String(component.scheme)}'; use one of ${SCHEMES.join(', ')}.`, [index, 'scheme']);
    } else if (KINDS.includes(kind as ComponentKind) && !ALLOWED_SCHEMES[kind as ComponentKind].includes(scheme as Scheme)) {
      problem('SCHEME_NOT_ALLOWED', `A ${kind} component cannot use the ${scheme} scheme; use ${ALLOWED_SCHEMES[kind as ComponentKind].join(' or ')}.`, [index, 'scheme']);
    }

    const tiers = component.tiers ?? [];
    if (scheme === 'flat' || scheme === 'per_unit') {
      if (component.unitAmount === null || component.unitAmount === undefined) {
        problem('AMOUNT_REQUIRED', `A ${scheme} component needs a unitAmount.`, [index, 'unitAmount']);
      } else if (!isAmount(component.unitAmount)) {
        problem('INVALID_AMOUNT', `unitAmount must be a non-negative integer in minor units, got ${String(component.unitAmount)}.`, [index, 'unitAmount']);
      }
      if (tiers.length > 0) problem('TIERS_NOT_ALLOWED', `A ${scheme} component has no tiers; use graduated or volume for tiered pricing.`, [index, 'tiers']);
    } else if (isTiered(String(scheme))) {
      if (component.unitAmount !== null && component.unitAmount !== undefined) {
        problem('AMOUNT_NOT_ALLOWED', `A ${scheme} component is priced by its tiers; leave unitAmount out.`, [index, 'unitAmount']);
      }
      if (tiers.length === 0) problem('TIERS_REQUIRED', `A ${scheme} component needs at least one tier.`, [index, 'tiers']);
      validateTiers(tiers, (code, message, path) => problem(code, message, [index, 'tiers', ...path]));
    }

    if (kind === 'usage') {
      if (meter === null || meter === undefined) problem('METER_REQUIRED', 'A usage component needs the meter it counts.', [index, 'meter']);
      else if (!METERS.includes(meter as MeterName)) problem('UNKNOWN_METER', `Unknown meter '${String(component.meter)}'; use one of ${METERS.join(', ')}.`, [index, 'meter']);
      if (component.includedUnits !== null && component.includedUnits !== undefined && !isAmount(component.includedUnits)) {
        problem('INVALID_AMOUNT', `includedUnits must be a non-negative integer, got ${String(component.includedUnits)}.`, [index, 'includedUnits']);
      }
      if (component.packageSize !== null && component.packageSize !== undefined && !(isAmount(component.packageSize) && component.packageSize > 0)) {
        problem('INVALID_PACKAGE_SIZE', `packageSize must be a positive integer, got ${String(component.packageSize)}.`, [index, 'packageSize']);
      }
    } else if (KINDS.includes(kind as ComponentKind)) {
      for (const name of ['meter', 'includedUnits', 'packageSize'] as const) {
        if (component[name] !== null && component[name] !== undefined) problem('USAGE_ONLY', `${name} applies to usage components only.`, [index, name]);
      }
    }
  });
  return problems;
}

function validateTiers(tiers: readonly TierDraft[], problem: (code: string, message: string, path: (string | number)[]) => void): void {
  let previous = 0;
  tiers.forEach((tier, index) => {
    const last = index === tiers.length - 1;
    for (const name of ['unitAmount', 'flatAmount'] as const) {
      const value = tier[name];
      if (value !== null && value !== undefined && !isAmount(value)) {
        problem('INVALID_AMOUNT', `Tier ${index + 1}: ${name} must be a non-negative integer in minor units, got ${String(value)}.`, [index, name]);
      }
    }
    const upTo = tier.upTo ?? null;
    if (upTo === null) {
      if (!last) problem('LAST_TIER_NOT_OPEN', `Tier ${index + 1} has no upper limit, so it must be the last tier.`, [index, 'upTo']);
      return;
    }
    if (!Number.isSafeInteger(upTo) || upTo < 1) {
      problem('INVALID_TIER_LIMIT', `Tier ${index + 1}: upTo must be a positive integer, got ${String(upTo)}.`, [index, 'upTo']);
    } else if (upTo <= previous) {
      problem('TIERS_NOT_INCREASING', `Tier ${index + 1}: upTo (${upTo}) must be greater than the previous tier's (${previous}).`, [index, 'upTo']);
    } else {
      previous = upTo;
    }
    if (last) problem('LAST_TIER_NOT_OPEN', `The last tier must have no upper limit (upTo null) so that every quantity is priced.`, [index, 'upTo']);
  });
}

/**
 * Valid drafts as they are stored: lowercase kind, scheme and meter, tiers only on tiered
 * schemes, and a usage component's includedUnits (default 0) and packageSize (default 1) filled in.
 * Throws a PricingError (INVALID_PRICE_COMPONENTS) when validateComponents finds a problem.
 */
export function normalizeComponents(components: readonly PriceComponentDraft[]): PriceComponentData[] {
  const problems = validateComponents(components, []);
  if (problems.length > 0) {
    throw new PricingError('INVALID_PRICE_COMPONENTS', problems.map((problem) => `${problem.field?.join('.') ?? ''}: ${problem.message}`).join(' '));
  }
  return components.map((component) => {
    const kind = component.kind.toLowerCase() as ComponentKind;
    const scheme = component.scheme.toLowerCase() as Scheme;
    const usage = kind === 'usage';
    return {
      kind,
      scheme,
      unitAmount: isTiered(scheme) ? null : (component.unitAmount ?? null),
      tiers: isTiered(scheme)
        ? (component.tiers ?? []).map((tier): Tier => ({ upTo: tier.upTo ?? null, unitAmount: tier.unitAmount ?? 0, flatAmount: tier.flatAmount ?? 0 }))
        : [],
      meter: usage ? ((component.meter?.toLowerCase() ?? null) as MeterName | null) : null,
      includedUnits: usage ? (component.includedUnits ?? 0) : null,
      packageSize: usage ? (component.packageSize ?? 1) : null,
    };
  });
}

function assertValid(component: PriceComponentData): void {
  const problems = validateComponents([component], []);
  if (problems.length > 0) {
    throw new PricingError('INVALID_PRICE_COMPONENTS', `A stored price component is invalid: ${problems.map((problem) => problem.message).join(' ')}`);
  }
}

/**
 * The quantity a component's scheme prices. For usage: the units beyond `includedUnits`, counted in
 * packages of `packageSize` with a partial package rounded up (1,001 points in packages of 1,000
 * are 2 packages). For base and seats: the quantity itself.
 */
export function billableQuantity(component: PriceComponentData, quantity: number): number {
  assertNonNegativeInteger(quantity, 'The quantity');
  if (component.kind !== 'usage') return quantity;
  const beyond = Math.max(0, quantity - (component.includedUnits ?? 0));
  const packageSize = component.packageSize ?? 1;
  return Math.ceil(beyond / packageSize);
}

/**
 * What a component costs for one period at `quantity` (seats, or units used for usage), in minor
 * units. flat: unitAmount whatever the quantity. per_unit: unitAmount × quantity. graduated: each
 * tier prices the units that fall into it, plus its flatAmount once when any unit does. volume: the
 * tier the whole quantity reaches prices every unit, plus its flatAmount. A quantity of 0 costs
 * nothing except on a flat component. Usage is counted by billableQuantity first.
 */
export function componentAmount(component: PriceComponentData, quantity: number): number {
  assertValid(component);
  const units = billableQuantity(component, quantity);
  let amount: number;
  switch (component.scheme) {
    case 'flat':
      amount = component.unitAmount ?? 0;
      break;
    case 'per_unit':
      amount = (component.unitAmount ?? 0) * units;
      break;
    case 'graduated':
      amount = graduatedAmount(component.tiers, units);
      break;
    case 'volume':
      amount = volumeAmount(component.tiers, units);
      break;
  }
  if (!Number.isSafeInteger(amount)) throw new PricingError('AMOUNT_TOO_LARGE', 'The amount is too large to represent exactly.');
  return amount;
}

function graduatedAmount(tiers: readonly Tier[], units: number): number {
  let amount = 0;
  let floor = 0;
  for (const tier of tiers) {
    if (units <= floor) break;
    const ceiling = tier.upTo === null ? units : Math.min(units, tier.upTo);
    amount += (ceiling - floor) * tier.unitAmount + tier.flatAmount;
    if (tier.upTo === null) break;
    floor = tier.upTo;
  }
  return amount;
}

function volumeAmount(tiers: readonly Tier[], units: number): number {
  if (units === 0) return 0;
  const tier = tiers.find((candidate) => candidate.upTo === null || units <= candidate.upTo)!;
  return units * tier.unitAmount + tier.flatAmount;
}

/** Base and seats components: billed in advance, and the only ones that prorate. */
export function isLicensed(component: PriceComponentData): boolean {
  return component.kind !== 'usage';
}

/**
 * What a price costs for one period at `seats`, usage left out: Price.amountFor, the amount that
 * prorates, and (at one seat) the amount classifyChange compares.
 */
export function licensedAmount(components: readonly PriceComponentData[], seats: number): number {
  return sumAmounts(components.filter(isLicensed).map((component) => componentAmount(component, seats)));
}

/** Whether the price charges by the seat; proration lines then show the seat count. */
export function hasSeats(components: readonly PriceComponentData[]): boolean {
  return components.some((component) => component.kind === 'seats');
}
