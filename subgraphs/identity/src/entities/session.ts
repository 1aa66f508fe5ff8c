import { defineEntity, p } from '@mikro-orm/core';
import { User } from './user.ts';

/**
 * A signed-in session: one refresh-token family. It belongs to a user and is pointed at one of their
 * organizations at a time (switching moves it), so it is scoped by user, not by the tenant filter.
 */
export const SessionSchema = defineEntity({
  name: 'Session',
  tableName: 'user_session',
  properties: {
    id: p.string().primary(),
    user: () => p.manyToOne(User).ref().index(),
    organizationId: p.string(),
    createdAt: p.datetime(),
    lastRefreshedAt: p.datetime().nullable(),
    expiresAt: p.datetime(),
    revokedAt: p.datetime().nullable(),
    revokedReason: p.string().nullable(),
    clientIp: p.string().nullable(),
    userAgent: p.string().length(512).nullable(),
  },
});
export class Session extends SessionSchema.class {}
SessionSchema.setClass(Session);

/** Every refresh token ever issued for a session; a used one presented again betrays a theft. */
export const RefreshTokenSchema = defineEntity({
  name: 'RefreshToken',
  properties: {
    id: p.string().primary(),
    session: () => p.manyToOne(Session).ref().index(),
    /** SHA-256 of the token; the token itself is never stored. */
    tokenHash: p.string().length(64).unique(),
    createdAt: p.datetime(),
    usedAt: p.datetime().nullable(),
  },
});
export class RefreshToken extends RefreshTokenSchema.class {}
RefreshTokenSchema.setClass(RefreshToken);
