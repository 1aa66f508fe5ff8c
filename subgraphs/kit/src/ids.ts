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

/** The last id's time and random tail, so ids made in the same millisecond still sort in the order they were made. */
let lastTime = -1;
const lastTail: number[] = new Array<number>(16).fill(0);

function randomTail(): void {
  const random = randomBytes(10);
  for (let index = 0; index < 16; index += 1) {
    const bit = index * 5;
    const byte = bit >> 3;
    const shift = bit & 7;
    const word = ((random[byte] ?? 0) << 8) | (random[byte + 1] ?? 0);
    lastTail[index] = (word >> (11 - shift)) & 31;
  }
}

/** Adds one to the tail; false when it was all 31s (then the time moves on instead). */
function incrementTail(): boolean {
  for (let index = 15; index >= 0; index -= 1) {
    if (lastTail[index]! < 31) {
      lastTail[index]! += 1;
      return true;
    }
    lastTail[index] = 0;
  }
  return false;
}

/**
 * An opaque, type-prefixed id that sorts by creation time (`org_01hx...`), the way Stripe's ids
 * read: 10 characters of time then 16 of randomness (80 bits). Within one process, ids sort in the
 * order they were made even inside one millisecond (or when the clock steps back): the tail of the
 * previous id plus one, as monotonic ULIDs do. Ids are names, not secrets; newSecret() makes those.
 */
export function newId(prefix: string): string {
  const now = Date.now();
  if (now > lastTime) {
    lastTime = now;
    randomTail();
  } else if (!incrementTail()) {
    lastTime += 1;
    randomTail();
  }
  let tail = '';
  for (const digit of lastTail) tail += ALPHABET[digit];
  return `${prefix}_${encodeTime(lastTime, 10)}${tail}`;
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
