import { encodeEnvelope, signEncodedEnvelope, signRequest, verifyRequest, ENVELOPE_HEADER, SIGNATURE_HEADER, type RequestEnvelope } from '../src/signing.ts';

const secret = 'a signing secret of at least 32 characters';
const envelope: RequestEnvelope = {
  principal: { kind: 'user', userId: 'usr_1', organizationId: 'org_1', role: 'owner', permissions: [], sessionId: 'ses_1' },
  requestId: 'req_1',
  clientIp: '127.0.0.1',
  userAgent: 'jest',
  issuedAt: Date.now(),
};
const body = JSON.stringify({ query: '{ viewer { role } }' });

describe('the gateway signature', () => {
  it('verifies what the gateway signed', () => {
    const headers = signRequest(secret, envelope, body);
    const result = verifyRequest(secret, headers[ENVELOPE_HEADER], headers[SIGNATURE_HEADER], body);
    expect(result).toEqual({ ok: true, envelope });
  });

  it('refuses another body, another principal, another secret, a missing header and an old signature', () => {
    const headers = signRequest(secret, envelope, body);
    expect(verifyRequest(secret, headers[ENVELOPE_HEADER], headers[SIGNATURE_HEADER], body.replace('role', 'user')).ok).toBe(false);
    const otherPrincipal = encodeEnvelope({ ...envelope, principal: { ...envelope.principal, organizationId: 'org_2' } as never });
    expect(verifyRequest(secret, otherPrincipal, headers[SIGNATURE_HEADER], body).ok).toBe(false);
    expect(verifyRequest('another secret, also 32 characters long', headers[ENVELOPE_HEADER], headers[SIGNATURE_HEADER], body).ok).toBe(false);
    expect(verifyRequest(secret, undefined, headers[SIGNATURE_HEADER], body)).toEqual({ ok: false, reason: 'missing signature' });
    const old = encodeEnvelope({ ...envelope, issuedAt: Date.now() - 120_000 });
    expect(verifyRequest(secret, old, signEncodedEnvelope(secret, old, body), body)).toEqual({ ok: false, reason: 'stale signature' });
  });
});
