import { randomBytes } from 'node:crypto';

const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';

function encodeTime(milliseconds: number, length: number): string {
  let out = '';
  let value = milliseconds;
  for (let index = 0; index < length; index += 1) {
    out = ALPHABET[value % 32] + out;
    value = Math.floor(value / 32);
  }
  return out;
}

/**
 * An opaque, type-prefixed id that sorts by creation time (`org_01hx...`), the way Stripe's ids
 * read: 10 characters of time then 16 of randomness (80 bits).
 */
export function newId(prefix: string): string {
  const random = randomBytes(10);
  let tail = '';
  for (let index = 0; index < 16; index += 1) {
    const bit = index * 5;
    const byte = bit >> 3;
    const shift = bit & 7;
    const word = ((random[byte] ?? 0) << 8) | (random[byte + 1] ?? 0);
    tail += ALPHABET[(word >> (11 - shift)) & 31];
  }
  return `${prefix}_${encodeTime(Date.now(), 10)}${tail}`;
}

/** When an id from newId() was made, in milliseconds since the epoch. */
export function idTime(id: string): number {
  const time = id.slice(id.indexOf('_') + 1, id.indexOf('_') + 11);
  let value = 0;
  for (const character of time) value = value * 32 + ALPHABET.indexOf(character);
  return value;
}

/** The smallest id of `prefix` made at `milliseconds`: every id made then or later sorts after it. */
export function idFloor(prefix: string, milliseconds: number): string {
  return `${prefix}_${encodeTime(Math.max(0, milliseconds), 10)}${'0'.repeat(16)}`;
}

/** Whether `id` looks like an id of the given prefix; a cheap check before any lookup. */
export function hasPrefix(id: string, prefix: string): boolean {
  return id.startsWith(`${prefix}_`) && /^[a-z]+_[0-9a-z]{26}$/.test(id);
}

/** A secret token of `bytes` random bytes, URL-safe. */
export function newSecret(bytes = 32): string {
  return randomBytes(bytes).toString('base64url');
}
