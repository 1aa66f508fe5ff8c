import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import type { Principal } from '@platform/schema';

/** What the gateway tells a subgraph about a request, signed so that no one else can say it. */
export interface RequestEnvelope {
  principal: Principal;
  requestId: string;
  clientIp: string | null;
  userAgent: string | null;
  /** Milliseconds since the epoch when the gateway signed it. */
  issuedAt: number;
}

export const ENVELOPE_HEADER = 'x-platform-context';
export const SIGNATURE_HEADER = 'x-platform-signature';

/** How far a signature's time may be from ours before it is refused (replay window). */
export const SIGNATURE_TOLERANCE_MS = 60_000;

/** A body as sent: text (hashed as UTF-8) or exact bytes, which hash the same when they are that text. */
export type SignedBody = string | Uint8Array;

function sign(secret: string, envelopeHeader: string, body: SignedBody): string {
  const bodyDigest = createHash('sha256').update(body).digest('base64url');
  return createHmac('sha256', secret).update(`${envelopeHeader}.${bodyDigest}`).digest('base64url');
}

/** Headers that carry `envelope`, bound to this exact request body. */
export function signRequest(secret: string, envelope: RequestEnvelope, body: SignedBody): Record<string, string> {
  const envelopeHeader = encodeEnvelope(envelope);
  return { [ENVELOPE_HEADER]: envelopeHeader, [SIGNATURE_HEADER]: `v1=${sign(secret, envelopeHeader, body)}` };
}

/** Re-signs an already encoded envelope for a new body (the gateway encodes once per operation). */
export function signEncodedEnvelope(secret: string, envelopeHeader: string, body: SignedBody): string {
  return `v1=${sign(secret, envelopeHeader, body)}`;
}

export function encodeEnvelope(envelope: RequestEnvelope): string {
  return Buffer.from(JSON.stringify(envelope)).toString('base64url');
}

export type VerifyResult = { ok: true; envelope: RequestEnvelope } | { ok: false; reason: string };

/** Checks a request's envelope and signature; any doubt is a refusal. */
export function verifyRequest(
  secret: string,
  envelopeHeader: string | undefined,
  signatureHeader: string | undefined,
  body: SignedBody,
  now = Date.now(),
): VerifyResult {
  if (!envelopeHeader || !signatureHeader) return { ok: false, reason: 'missing signature' };
  const provided = signatureHeader.startsWith('v1=') ? signatureHeader.slice(3) : '';
  const expected = sign(secret, envelopeHeader, body);
  const providedBytes = Buffer.from(provided);
  const expectedBytes = Buffer.from(expected);
  if (providedBytes.length !== expectedBytes.length || !timingSafeEqual(providedBytes, expectedBytes)) {
    return { ok: false, reason: 'bad signature' };
  }
  let envelope: RequestEnvelope;
  try {
    envelope = JSON.parse(Buffer.from(envelopeHeader, 'base64url').toString('utf8')) as RequestEnvelope;
  } catch {
    return { ok: false, reason: 'unreadable envelope' };
  }
  if (typeof envelope.issuedAt !== 'number' || Math.abs(now - envelope.issuedAt) > SIGNATURE_TOLERANCE_MS) {
    return { ok: false, reason: 'stale signature' };
  }
  if (!envelope.principal || typeof envelope.principal.kind !== 'string') return { ok: false, reason: 'no principal' };
  return { ok: true, envelope };
}
