/**
 * A billing calculation refused its input: a programming error or corrupt stored data, never a
 * customer's mistake (those are checked first and returned as userErrors). `code` names the rule.
 */
export class PricingError extends Error {
  readonly code: string;

  constructor(code: string, message: string) {
    super(message);
    this.name = 'PricingError';
    this.code = code;
  }
}

export function assertNonNegativeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new PricingError('INVALID_QUANTITY', `${what} must be a non-negative integer, got ${String(value)}.`);
  }
}

export function assertSafeInteger(value: number, what: string): void {
  if (!Number.isSafeInteger(value)) {
    throw new PricingError('INVALID_AMOUNT', `${what} must be an integer amount in minor units, got ${String(value)}.`);
  }
}

export function assertValidDate(value: Date, what: string): void {
  if (!(value instanceof Date) || Number.isNaN(value.getTime())) {
    throw new PricingError('INVALID_DATE', `${what} must be a valid date.`);
  }
}
