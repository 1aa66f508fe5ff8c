import type { PriceComponentData, Tier } from '../src/entities/catalog.ts';
import type { InvoiceLineData } from '../src/entities/invoice.ts';
import {
  addInterval,
  billableQuantity,
  billingPeriod,
  classifyChange,
  componentAmount,
  currencyDigits,
  formatDate,
  formatMoney,
  formatPeriod,
  invoiceTotals,
  licensedAmount,
  mulDivRound,
  nextPeriod,
  normalizeComponents,
  periodContaining,
  priceLines,
  PricingError,
  prorate,
  prorationLines,
  unusedTimeLine,
  usageLines,
  validateComponents,
  type PlanPosition,
  type PriceComponentDraft,
  type PriceTerms,
} from '../src/pricing/index.ts';

const base = (unitAmount: number): PriceComponentData => ({ kind: 'base', scheme: 'flat', unitAmount, tiers: [], meter: null, includedUnits: null, packageSize: null });
const seats = (unitAmount: number): PriceComponentData => ({ kind: 'seats', scheme: 'per_unit', unitAmount, tiers: [], meter: null, includedUnits: null, packageSize: null });
const tieredSeats = (scheme: 'graduated' | 'volume', tiers: Tier[]): PriceComponentData => ({ kind: 'seats', scheme, unitAmount: null, tiers, meter: null, includedUnits: null, packageSize: null });
const apiPoints = (overrides: Partial<PriceComponentData> = {}): PriceComponentData => ({
  kind: 'usage',
  scheme: 'per_unit',
  unitAmount: 50,
  tiers: [],
  meter: 'api_points',
  includedUnits: 100_000,
  packageSize: 1000,
  ...overrides,
});
const TIERS: Tier[] = [
  { upTo: 5, unitAmount: 1000, flatAmount: 0 },
  { upTo: 10, unitAmount: 800, flatAmount: 500 },
  { upTo: null, unitAmount: 500, flatAmount: 1000 },
];

const pro: PriceTerms = { currency: 'USD', interval: 'month', components: [base(4900), seats(1200), apiPoints()] };
const business: PriceTerms = { currency: 'USD', interval: 'month', components: [base(9900), seats(2500)] };
const utc = (iso: string) => new Date(iso);
const november = { start: utc('2026-11-01T00:00:00Z'), end: utc('2026-12-01T00:00:00Z') };

function expectPricingError(run: () => unknown, code: string): void {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PricingError);
  expect((caught as PricingError).code).toBe(code);
}

describe('componentAmount', () => {
  it('charges a flat component its amount whatever the quantity', () => {
    expect([0, 1, 7].map((quantity) => componentAmount(base(4900), quantity))).toEqual([4900, 4900, 4900]);
  });

  it('charges per unit', () => {
    expect(componentAmount(seats(1200), 5)).toBe(6000);
    expect(componentAmount(seats(1200), 0)).toBe(0);
  });

  it('prices each graduated tier for the units in it, with its flat amount once when a unit reaches it', () => {
    const component = tieredSeats('graduated', TIERS);
    expect(componentAmount(component, 0)).toBe(0);
    expect(componentAmount(component, 3)).toBe(3000);
    expect(componentAmount(component, 5)).toBe(5000);
    expect(componentAmount(component, 6)).toBe(5000 + 800 + 500);
    expect(componentAmount(component, 10)).toBe(5000 + 4000 + 500);
    expect(componentAmount(component, 12)).toBe(5000 + 4000 + 500 + 1000 + 1000);
  });

  it('prices every unit at the volume tier the whole quantity reaches, plus that tier’s flat amount', () => {
    const component = tieredSeats('volume', TIERS);
    expect(componentAmount(component, 0)).toBe(0);
    expect(componentAmount(component, 3)).toBe(3000);
    expect(componentAmount(component, 5)).toBe(5000);
    expect(componentAmount(component, 6)).toBe(6 * 800 + 500);
    expect(componentAmount(component, 12)).toBe(12 * 500 + 1000);
  });

  it('leaves included usage free and counts the rest in packages, a partial package rounded up', () => {
    const component = apiPoints();
    expect(componentAmount(component, 0)).toBe(0);
    expect(componentAmount(component, 100_000)).toBe(0);
    expect(componentAmount(component, 100_001)).toBe(50);
    expect(componentAmount(component, 101_000)).toBe(50);
    expect(componentAmount(component, 112_345)).toBe(13 * 50);
    expect(billableQuantity(component, 112_345)).toBe(13);
  });

  it('prices usage packages through tiers', () => {
    const component = apiPoints({ scheme: 'graduated', unitAmount: null, includedUnits: 0, tiers: [{ upTo: 10, unitAmount: 100, flatAmount: 0 }, { upTo: null, unitAmount: 40, flatAmount: 0 }] });
    expect(componentAmount(component, 25_500)).toBe(10 * 100 + 16 * 40);
  });

  it('counts single units when a usage component has no packages or included units', () => {
    expect(componentAmount(apiPoints({ includedUnits: null, packageSize: null, unitAmount: 2 }), 1234)).toBe(2468);
  });

  it('refuses a negative or fractional quantity', () => {
    expectPricingError(() => componentAmount(seats(100), -1), 'INVALID_QUANTITY');
    expectPricingError(() => componentAmount(seats(100), 1.5), 'INVALID_QUANTITY');
  });

  it('refuses a stored component that is not valid instead of pricing it', () => {
    expectPricingError(() => componentAmount(tieredSeats('graduated', [{ upTo: 5, unitAmount: 100, flatAmount: 0 }]), 9), 'INVALID_PRICE_COMPONENTS');
  });

  it('sums base and seats but not usage in licensedAmount', () => {
    expect(licensedAmount(pro.components, 5)).toBe(4900 + 5 * 1200);
  });
});

describe('validateComponents', () => {
  const valid: PriceComponentDraft[] = [base(4900), seats(1200), apiPoints()];

  it('accepts a valid price', () => {
    expect(validateComponents(valid)).toEqual([]);
    expect(validateComponents([base(0)])).toEqual([]);
    expect(validateComponents([tieredSeats('graduated', TIERS)])).toEqual([]);
  });

  it('accepts GraphQL enum values as they come', () => {
    expect(validateComponents([{ kind: 'USAGE', scheme: 'PER_UNIT', unitAmount: 5, meter: 'API_POINTS', includedUnits: 10, packageSize: 100 }])).toEqual([]);
  });

  it('needs at least one component', () => {
    expect(validateComponents([])).toEqual([{ code: 'NO_COMPONENTS', message: expect.any(String), field: ['input', 'components'] }]);
  });

  it('points at a tier whose limit does not increase', () => {
    const problems = validateComponents([
      tieredSeats('graduated', [
        { upTo: 10, unitAmount: 100, flatAmount: 0 },
        { upTo: 10, unitAmount: 90, flatAmount: 0 },
        { upTo: null, unitAmount: 80, flatAmount: 0 },
      ]),
    ]);
    expect(problems).toEqual([{ code: 'TIERS_NOT_INCREASING', message: expect.stringContaining('greater than'), field: ['input', 'components', '0', 'tiers', '1', 'upTo'] }]);
  });

  it('needs the last tier open and only the last', () => {
    expect(validateComponents([tieredSeats('volume', [{ upTo: 5, unitAmount: 1, flatAmount: 0 }, { upTo: 10, unitAmount: 1, flatAmount: 0 }])])).toEqual([
      { code: 'LAST_TIER_NOT_OPEN', message: expect.any(String), field: ['input', 'components', '0', 'tiers', '1', 'upTo'] },
    ]);
    expect(validateComponents([tieredSeats('volume', [{ upTo: null, unitAmount: 1, flatAmount: 0 }, { upTo: null, unitAmount: 1, flatAmount: 0 }])])).toEqual([
      { code: 'LAST_TIER_NOT_OPEN', message: expect.stringContaining('Tier 1'), field: ['input', 'components', '0', 'tiers', '0', 'upTo'] },
    ]);
  });

  it('refuses negative, fractional and zero-limit amounts with their field', () => {
    const problems = validateComponents([
      seats(-1),
      apiPoints({
        scheme: 'graduated',
        unitAmount: null,
        tiers: [
          { upTo: 0, unitAmount: 1.5, flatAmount: -2 },
          { upTo: null, unitAmount: 1, flatAmount: 0 },
        ],
      }),
    ]);
    expect(problems.map((problem) => [problem.code, problem.field?.slice(2).join('.')])).toEqual([
      ['INVALID_AMOUNT', '0.unitAmount'],
      ['INVALID_AMOUNT', '1.tiers.0.unitAmount'],
      ['INVALID_AMOUNT', '1.tiers.0.flatAmount'],
      ['INVALID_TIER_LIMIT', '1.tiers.0.upTo'],
    ]);
  });

  it('needs a meter on usage and nowhere else', () => {
    const codes = (draft: PriceComponentDraft) => validateComponents([draft]).map((problem) => [problem.code, problem.field?.at(-1)]);
    expect(codes(apiPoints({ meter: null }))).toEqual([['METER_REQUIRED', 'meter']]);
    expect(codes({ ...apiPoints(), meter: 'storage' })).toEqual([['UNKNOWN_METER', 'meter']]);
    expect(codes({ ...seats(100), meter: 'api_points', includedUnits: 5 })).toEqual([
      ['USAGE_ONLY', 'meter'],
      ['USAGE_ONLY', 'includedUnits'],
    ]);
    expect(codes(apiPoints({ packageSize: 0 }))).toEqual([['INVALID_PACKAGE_SIZE', 'packageSize']]);
    expect(codes(apiPoints({ includedUnits: -5 }))).toEqual([['INVALID_AMOUNT', 'includedUnits']]);
  });

  it('keeps each kind to the schemes that make sense for it', () => {
    expect(validateComponents([{ ...base(100), scheme: 'per_unit' }]).map((problem) => problem.code)).toEqual(['SCHEME_NOT_ALLOWED']);
    expect(validateComponents([apiPoints({ scheme: 'flat' })]).map((problem) => problem.code)).toEqual(['SCHEME_NOT_ALLOWED']);
    expect(validateComponents([{ ...base(100), kind: 'storage' }]).map((problem) => problem.code)).toEqual(['UNKNOWN_KIND']);
    expect(validateComponents([{ ...base(100), scheme: 'stairstep' }]).map((problem) => problem.code)).toEqual(['UNKNOWN_SCHEME']);
  });

  it('asks for the amount the scheme needs and refuses the one it ignores', () => {
    const codes = (draft: PriceComponentDraft) => validateComponents([draft]).map((problem) => problem.code);
    expect(codes({ kind: 'seats', scheme: 'per_unit' })).toEqual(['AMOUNT_REQUIRED']);
    expect(codes({ kind: 'seats', scheme: 'per_unit', unitAmount: 5, tiers: TIERS })).toEqual(['TIERS_NOT_ALLOWED']);
    expect(codes({ kind: 'seats', scheme: 'volume', unitAmount: 5, tiers: TIERS })).toEqual(['AMOUNT_NOT_ALLOWED']);
    expect(codes({ kind: 'seats', scheme: 'graduated', tiers: null })).toEqual(['TIERS_REQUIRED']);
  });

  it('refuses two components of the same kind', () => {
    expect(validateComponents([seats(100), seats(200)])).toEqual([{ code: 'DUPLICATE_COMPONENT', message: expect.stringContaining('component 1'), field: ['input', 'components', '1', 'kind'] }]);
  });

  it('reports every problem at once, under the given field', () => {
    const problems = validateComponents([{ kind: 'seats', scheme: 'per_unit' }, apiPoints({ meter: null, packageSize: -1 })], ['components']);
    expect(problems.map((problem) => problem.field?.join('.'))).toEqual(['components.0.unitAmount', 'components.1.meter', 'components.1.packageSize']);
  });

  it('normalizes valid drafts to what is stored', () => {
    expect(
      normalizeComponents([
        { kind: 'BASE', scheme: 'FLAT', unitAmount: 4900, tiers: [] },
        { kind: 'SEATS', scheme: 'GRADUATED', tiers: [{ upTo: 3 }, { upTo: null, unitAmount: 700 }] },
        { kind: 'USAGE', scheme: 'PER_UNIT', unitAmount: 5, meter: 'API_POINTS' },
      ]),
    ).toEqual([
      base(4900),
      tieredSeats('graduated', [{ upTo: 3, unitAmount: 0, flatAmount: 0 }, { upTo: null, unitAmount: 700, flatAmount: 0 }]),
      apiPoints({ unitAmount: 5, includedUnits: 0, packageSize: 1 }),
    ]);
    expectPricingError(() => normalizeComponents([{ kind: 'seats', scheme: 'per_unit' }]), 'INVALID_PRICE_COMPONENTS');
  });
});

describe('billing periods', () => {
  it('keeps a monthly cycle on the anchor day, ending short months on their last day', () => {
    const anchor = utc('2024-01-31T10:30:00Z');
    const ends: string[] = [];
    let end = anchor;
    for (let month = 0; month < 4; month += 1) {
      end = addInterval(end, 'month', 1, anchor);
      ends.push(end.toISOString());
    }
    expect(ends).toEqual(['2024-02-29T10:30:00.000Z', '2024-03-31T10:30:00.000Z', '2024-04-30T10:30:00.000Z', '2024-05-31T10:30:00.000Z']);
    // Without the anchor the short month would pull every later period to the 29th.
    expect(addInterval(utc('2024-02-29T10:30:00Z'), 'month').toISOString()).toBe('2024-03-29T10:30:00.000Z');
    expect(addInterval(utc('2026-01-31T00:00:00Z'), 'month').toISOString()).toBe('2026-02-28T00:00:00.000Z');
  });

  it('moves across years, backwards, and by years in UTC', () => {
    expect(addInterval(utc('2026-12-15T00:00:00Z'), 'month').toISOString()).toBe('2027-01-15T00:00:00.000Z');
    expect(addInterval(utc('2026-11-30T00:00:00Z'), 'month', 3).toISOString()).toBe('2027-02-28T00:00:00.000Z');
    expect(addInterval(utc('2024-03-31T00:00:00Z'), 'month', -1).toISOString()).toBe('2024-02-29T00:00:00.000Z');
    const leapDay = utc('2024-02-29T08:00:00Z');
    expect(addInterval(leapDay, 'year').toISOString()).toBe('2025-02-28T08:00:00.000Z');
    expect(addInterval(leapDay, 'year', 4).toISOString()).toBe('2028-02-29T08:00:00.000Z');
    expect(addInterval(addInterval(leapDay, 'year'), 'year', 3, leapDay).toISOString()).toBe('2028-02-29T08:00:00.000Z');
  });

  it('refuses an invalid date or a fractional count', () => {
    expectPricingError(() => addInterval(new Date('nope'), 'month'), 'INVALID_DATE');
    expectPricingError(() => addInterval(utc('2026-01-01T00:00:00Z'), 'month', 0.5), 'INVALID_COUNT');
  });

  it('numbers periods from the anchor and finds the one containing an instant', () => {
    const anchor = utc('2026-01-31T12:00:00Z');
    expect(billingPeriod(anchor, 'month', 1)).toEqual({ start: utc('2026-02-28T12:00:00Z'), end: utc('2026-03-31T12:00:00Z') });
    expect(nextPeriod(billingPeriod(anchor, 'month', 1), 'month', anchor)).toEqual({ start: utc('2026-03-31T12:00:00Z'), end: utc('2026-04-30T12:00:00Z') });
    expect(periodContaining(anchor, 'month', utc('2026-03-15T00:00:00Z'))).toEqual({ start: utc('2026-02-28T12:00:00Z'), end: utc('2026-03-31T12:00:00Z') });
    expect(periodContaining(anchor, 'month', utc('2026-03-31T12:00:00Z')).start).toEqual(utc('2026-03-31T12:00:00Z'));
    expect(periodContaining(anchor, 'month', utc('2026-03-31T11:59:59Z')).start).toEqual(utc('2026-02-28T12:00:00Z'));
    expect(periodContaining(anchor, 'year', utc('2027-06-01T00:00:00Z'))).toEqual({ start: utc('2027-01-31T12:00:00Z'), end: utc('2028-01-31T12:00:00Z') });
    expect(periodContaining(anchor, 'month', anchor).start).toEqual(anchor);
  });

  it('formats days in UTC whatever the time of day', () => {
    expect(formatDate(utc('2026-11-21T23:30:00Z'))).toBe('Nov 21, 2026');
    expect(formatPeriod({ start: utc('2026-11-21T00:00:00Z'), end: utc('2026-12-21T00:00:00Z') })).toBe('Nov 21, 2026 – Dec 21, 2026');
  });
});

describe('priceLines and usageLines', () => {
  const period = { start: utc('2026-11-21T00:00:00Z'), end: utc('2026-12-21T00:00:00Z') };
  const ended = { start: utc('2026-10-21T00:00:00Z'), end: utc('2026-11-21T00:00:00Z') };

  it('bills the base fee and the seats of the period in advance', () => {
    expect(priceLines(pro, 5, period, 'Pro')).toEqual<InvoiceLineData[]>([
      { kind: 'plan', description: 'Pro (Nov 21, 2026 – Dec 21, 2026)', quantity: 1, unitAmount: 4900, amount: 4900, periodStart: '2026-11-21T00:00:00.000Z', periodEnd: '2026-12-21T00:00:00.000Z' },
      { kind: 'seats', description: '5 × Pro seats (Nov 21, 2026 – Dec 21, 2026)', quantity: 5, unitAmount: 1200, amount: 6000, periodStart: '2026-11-21T00:00:00.000Z', periodEnd: '2026-12-21T00:00:00.000Z' },
    ]);
  });

  it('says seat for one seat and shows no unit price for tiered seats', () => {
    const [line] = priceLines({ currency: 'USD', interval: 'month', components: [tieredSeats('volume', TIERS)] }, 1, period, 'Team');
    expect(line).toMatchObject({ description: '1 × Team seat (Nov 21, 2026 – Dec 21, 2026)', quantity: 1, unitAmount: null, amount: 1000 });
  });

  it('adds usage measured over the same period when it is given', () => {
    const lines = priceLines(pro, 2, period, 'Pro', { api_points: 150_000 });
    expect(lines.map((line) => line.kind)).toEqual(['plan', 'seats', 'usage']);
    expect(lines[2]).toMatchObject({ amount: 50 * 50, periodStart: '2026-11-21T00:00:00.000Z' });
  });

  it('bills usage beyond what is included, in packages', () => {
    expect(usageLines(pro, { api_points: 112_345 }, ended)).toEqual<InvoiceLineData[]>([
      {
        kind: 'usage',
        description: 'API points: 12,345 beyond 100,000 included, billed as 13 × 1,000 (Oct 21, 2026 – Nov 21, 2026)',
        quantity: 13,
        unitAmount: 50,
        amount: 650,
        periodStart: '2026-10-21T00:00:00.000Z',
        periodEnd: '2026-11-21T00:00:00.000Z',
      },
    ]);
  });

  it('shows usage within the allowance as a free line', () => {
    expect(usageLines(pro, { api_points: 50_000 }, ended)).toEqual([expect.objectContaining({ description: 'API points: 50,000 of 100,000 included (Oct 21, 2026 – Nov 21, 2026)', quantity: 0, amount: 0 })]);
    const unbundled: PriceTerms = { ...pro, components: [apiPoints({ includedUnits: 0, packageSize: 1, unitAmount: 1 })] };
    expect(usageLines(unbundled, { api_points: 2500 }, ended)[0]).toMatchObject({ description: 'API points: 2,500 (Oct 21, 2026 – Nov 21, 2026)', quantity: 2500, amount: 2500 });
    expect(usageLines(business, { api_points: 1_000_000 }, ended)).toEqual([]);
  });

  it('refuses negative seats, negative usage and a period that ends before it starts', () => {
    expectPricingError(() => priceLines(pro, -1, period, 'Pro'), 'INVALID_QUANTITY');
    expectPricingError(() => usageLines(pro, { api_points: -1 }, ended), 'INVALID_QUANTITY');
    expectPricingError(() => priceLines(pro, 1, { start: period.end, end: period.start }, 'Pro'), 'INVALID_PERIOD');
  });
});

describe('proration', () => {
  const halfway = utc('2026-11-16T00:00:00Z');

  it('credits the unused time of the old plan and charges the remaining time of the new one', () => {
    const lines = prorationLines({ from: { price: pro, seats: 5, planName: 'Pro' }, to: { price: business, seats: 5, planName: 'Business' }, periodStart: november.start, periodEnd: november.end, at: halfway });
    expect(lines).toEqual<InvoiceLineData[]>([
      { kind: 'proration', description: 'Unused time on Pro × 5 after Nov 16, 2026', quantity: 5, unitAmount: null, amount: -(10900 / 2), periodStart: '2026-11-16T00:00:00.000Z', periodEnd: '2026-12-01T00:00:00.000Z' },
      { kind: 'proration', description: 'Remaining time on Business × 5 after Nov 16, 2026', quantity: 5, unitAmount: null, amount: 22400 / 2, periodStart: '2026-11-16T00:00:00.000Z', periodEnd: '2026-12-01T00:00:00.000Z' },
    ]);
  });

  it('prorates seat changes on the same plan', () => {
    const lines = prorationLines({ from: { price: business, seats: 2, planName: 'Business' }, to: { price: business, seats: 3, planName: 'Business' }, periodStart: november.start, periodEnd: november.end, at: utc('2026-11-21T00:00:00Z') });
    // 10 of 30 days remain.
    expect(lines.map((line) => [line.description, line.amount])).toEqual([
      ['Unused time on Business × 2 after Nov 21, 2026', -mulDivRound(9900 + 2 * 2500, 1, 3)],
      ['Remaining time on Business × 3 after Nov 21, 2026', mulDivRound(9900 + 3 * 2500, 1, 3)],
    ]);
  });

  it('counts whole seconds and rounds half away from zero', () => {
    const period = { start: utc('2026-01-01T00:00:00Z'), end: utc('2026-01-01T00:00:04Z') };
    expect(prorate(2, period, utc('2026-01-01T00:00:03.999Z'))).toBe(1); // 1 of 4 s left: 0.5 rounds up
    expect(prorate(1, period, utc('2026-01-01T00:00:03Z'))).toBe(0); // 0.25
    expect(prorate(3, period, utc('2026-01-01T00:00:02Z'))).toBe(2); // 1.5
    expect(prorate(3, period, period.start)).toBe(3);
    expect(prorate(3, period, period.end)).toBe(0);
  });

  it('stays exact for amounts whose product with a year of seconds passes 2^53', () => {
    const year = { start: utc('2026-01-01T00:00:00Z'), end: utc('2027-01-01T00:00:00Z') };
    const at = utc('2026-03-17T05:43:21Z');
    const amount = 9_000_000_001;
    const remaining = BigInt((year.end.getTime() - at.getTime()) / 1000);
    const total = BigInt((year.end.getTime() - year.start.getTime()) / 1000);
    const expected = (2n * BigInt(amount) * remaining + total) / (2n * total);
    expect(prorate(amount, year, at)).toBe(Number(expected));
  });

  it('leaves usage out and drops lines of nothing', () => {
    const free: PriceTerms = { currency: 'USD', interval: 'month', components: [base(0)] };
    const lines = prorationLines({ from: { price: free, seats: 1, planName: 'Free' }, to: { price: pro, seats: 1, planName: 'Pro' }, periodStart: november.start, periodEnd: november.end, at: halfway });
    expect(lines).toEqual([expect.objectContaining({ description: 'Remaining time on Pro × 1 after Nov 16, 2026', amount: (4900 + 1200) / 2 })]);
    expect(prorationLines({ from: { price: pro, seats: 1, planName: 'Pro' }, to: { price: business, seats: 1, planName: 'Business' }, periodStart: november.start, periodEnd: november.end, at: november.end })).toEqual([]);
    expect(Object.is(unusedTimeLine({ price: free, seats: 1, planName: 'Free' }, november, halfway).amount, 0)).toBe(true);
  });

  it('names no seat count on a price without seats', () => {
    const flat: PriceTerms = { currency: 'USD', interval: 'month', components: [base(3000)] };
    const [line] = prorationLines({ from: { price: flat, seats: 4, planName: 'Starter' }, to: { price: pro, seats: 4, planName: 'Pro' }, periodStart: november.start, periodEnd: november.end, at: halfway });
    expect(line).toMatchObject({ description: 'Unused time on Starter after Nov 16, 2026', quantity: 1, amount: -1500 });
  });

  it('refuses a change outside the period, across currencies or across intervals', () => {
    const item = { price: pro, seats: 1, planName: 'Pro' };
    expectPricingError(() => prorationLines({ from: item, to: item, periodStart: november.start, periodEnd: november.end, at: utc('2026-12-02T00:00:00Z') }), 'OUTSIDE_PERIOD');
    expectPricingError(() => prorationLines({ from: item, to: { ...item, price: { ...pro, currency: 'EUR' } }, periodStart: november.start, periodEnd: november.end, at: halfway }), 'CURRENCY_MISMATCH');
    expectPricingError(() => prorationLines({ from: item, to: { ...item, price: { ...pro, interval: 'year' } }, periodStart: november.start, periodEnd: november.end, at: halfway }), 'INTERVAL_MISMATCH');
  });
});

describe('invoiceTotals', () => {
  const line = (amount: number): InvoiceLineData => ({ kind: 'plan', description: 'x', quantity: 1, unitAmount: amount, amount, periodStart: null, periodEnd: null });

  it('adds the lines up when there is no coupon or credit', () => {
    expect(invoiceTotals([line(4900), line(6000)], { currency: 'USD' })).toEqual({
      subtotal: 10900,
      discountLine: null,
      discountTotal: 0,
      total: 10900,
      creditApplied: 0,
      amountDue: 10900,
      creditGenerated: 0,
      remainingCredit: 0,
      creditBalanceAfter: 0,
    });
  });

  it('takes a percentage off, rounded half away from zero, before credit', () => {
    const totals = invoiceTotals([line(10999)], { currency: 'USD', coupon: { name: 'Launch', percentOff: 20 }, creditBalance: 5000 });
    expect(totals).toEqual({
      subtotal: 10999,
      discountLine: { kind: 'discount', description: 'Launch (20% off)', quantity: 1, unitAmount: null, amount: -2200, periodStart: null, periodEnd: null },
      discountTotal: 2200,
      total: 8799,
      creditApplied: 5000,
      amountDue: 3799,
      creditGenerated: 0,
      remainingCredit: 0,
      creditBalanceAfter: 0,
    });
    expect(invoiceTotals([line(2)], { currency: 'USD', coupon: { percentOff: 25 } }).discountTotal).toBe(1);
  });

  it('takes a fixed amount off, never below zero', () => {
    const totals = invoiceTotals([line(700)], { currency: 'usd', coupon: { name: 'Welcome', amountOff: 1000, currency: 'USD' } });
    expect(totals).toMatchObject({ discountTotal: 700, total: 0, amountDue: 0, discountLine: expect.objectContaining({ description: 'Welcome ($10.00 off)', amount: -700 }) });
  });

  it('uses credit up to the total and keeps the rest', () => {
    expect(invoiceTotals([line(3000)], { currency: 'USD', creditBalance: 5000 })).toMatchObject({ total: 3000, creditApplied: 3000, amountDue: 0, remainingCredit: 2000, creditBalanceAfter: 2000 });
    expect(invoiceTotals([line(3000)], { currency: 'USD', creditBalance: 1000 })).toMatchObject({ total: 3000, creditApplied: 1000, amountDue: 2000, remainingCredit: 0, creditBalanceAfter: 0 });
  });

  it('turns a net credit from proration into customer credit and charges nothing', () => {
    const totals = invoiceTotals([line(-5450), line(2000)], { currency: 'USD', coupon: { percentOff: 50 }, creditBalance: 100 });
    expect(totals).toEqual({ subtotal: -3450, discountLine: null, discountTotal: 0, total: 0, creditApplied: 0, amountDue: 0, creditGenerated: 3450, remainingCredit: 100, creditBalanceAfter: 3550 });
    expect(invoiceTotals([], { currency: 'USD', coupon: { percentOff: 50 } })).toMatchObject({ subtotal: 0, total: 0, discountLine: null, creditGenerated: 0 });
  });

  it('refuses a malformed coupon, a coupon in another currency and a negative balance', () => {
    expectPricingError(() => invoiceTotals([line(100)], { currency: 'USD', coupon: { amountOff: 100, currency: 'EUR' } }), 'COUPON_CURRENCY_MISMATCH');
    expectPricingError(() => invoiceTotals([line(100)], { currency: 'USD', coupon: { percentOff: 10, amountOff: 100, currency: 'USD' } }), 'INVALID_COUPON');
    expectPricingError(() => invoiceTotals([line(100)], { currency: 'USD', coupon: { percentOff: 101 } }), 'INVALID_COUPON');
    expectPricingError(() => invoiceTotals([line(100)], { currency: 'USD', creditBalance: -1 }), 'INVALID_QUANTITY');
  });
});

describe('classifyChange', () => {
  const at = (overrides: Partial<PlanPosition>): PlanPosition => ({ planRank: 2, perPeriodAmount: 4900, interval: 'month', seats: 5, ...overrides });

  it('ranks plans first, whatever the seats', () => {
    expect(classifyChange({ from: at({}), to: at({ planRank: 3, seats: 1 }) })).toBe('UPGRADE');
    expect(classifyChange({ from: at({}), to: at({ planRank: 1, seats: 50, perPeriodAmount: 99_900 }) })).toBe('DOWNGRADE');
  });

  it('compares prices of one plan per month', () => {
    expect(classifyChange({ from: at({}), to: at({ interval: 'year', perPeriodAmount: 49_000 }) })).toBe('DOWNGRADE');
    expect(classifyChange({ from: at({ interval: 'year', perPeriodAmount: 49_000 }), to: at({}) })).toBe('UPGRADE');
    expect(classifyChange({ from: at({}), to: at({ perPeriodAmount: 5900, seats: 2 }) })).toBe('UPGRADE');
  });

  it('treats a longer interval at the same monthly price as an upgrade', () => {
    expect(classifyChange({ from: at({}), to: at({ interval: 'year', perPeriodAmount: 58_800 }) })).toBe('UPGRADE');
    expect(classifyChange({ from: at({ interval: 'year', perPeriodAmount: 58_800 }), to: at({}) })).toBe('DOWNGRADE');
  });

  it('counts seats only on the same price', () => {
    expect(classifyChange({ from: at({}), to: at({ seats: 6 }) })).toBe('SEATS_INCREASE');
    expect(classifyChange({ from: at({}), to: at({ seats: 4 }) })).toBe('SEATS_DECREASE');
    expect(classifyChange({ from: at({}), to: at({}) })).toBe('NONE');
  });
});

describe('money', () => {
  it('formats minor units in the currency’s own digits', () => {
    expect(formatMoney(123_456, 'USD')).toBe('$1,234.56');
    expect(formatMoney(-5, 'usd')).toBe('-$0.05');
    expect(formatMoney(0, 'EUR')).toBe('€0.00');
    expect(formatMoney(1234, 'JPY')).toBe('¥1,234');
    expect(formatMoney(12_345, 'KWD').replace(/\s/g, ' ')).toBe('KWD 12.345');
    expect(formatMoney(123_456, 'EUR', 'de-DE').replace(/\s/g, ' ')).toBe('1.234,56 €');
    expect(formatMoney(99, 'USD', 'en-US', { currencyDisplay: 'code' }).replace(/\s/g, ' ')).toBe('USD 0.99');
    expect([currencyDigits('usd'), currencyDigits('JPY'), currencyDigits('KWD')]).toEqual([2, 0, 3]);
  });

  it('stays exact for the largest safe amount', () => {
    expect(formatMoney(Number.MAX_SAFE_INTEGER, 'USD')).toBe('$90,071,992,547,409.91');
  });

  it('refuses a fractional amount or a malformed currency', () => {
    expectPricingError(() => formatMoney(1.5, 'USD'), 'INVALID_AMOUNT');
    expectPricingError(() => formatMoney(1, 'US'), 'INVALID_CURRENCY');
  });

  it('rounds a × b ÷ c half away from zero on both sides of zero', () => {
    expect([mulDivRound(1, 1, 2), mulDivRound(-1, 1, 2), mulDivRound(5, 1, 4), mulDivRound(-5, 1, 4), mulDivRound(7, 3, -2)]).toEqual([1, -1, 1, -1, -11]);
    expect(Object.is(mulDivRound(-1, 1, 3), 0)).toBe(true);
    expectPricingError(() => mulDivRound(1, 1, 0), 'DIVISION_BY_ZERO');
  });
});
