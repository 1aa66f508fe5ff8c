import { DomainService, newId, newSecret, revocations, signAccessToken, userError, UserInputError } from '@platform/kit';
import { isRole, type Role } from '@platform/schema';
import { z } from 'zod';
import { validateInput } from '@platform/kit';
import { Membership, RefreshToken, Session, User } from '../entities/index.ts';
import { burnPasswordCheck, verifyPassword } from './passwords.ts';
import { LoginThrottleService } from './throttle.ts';
import { describeWait, normalizeEmail, requireUser, sha256, type IdentityDeps } from './support.ts';

export interface IssuedSession {
  accessToken: string;
  refreshToken: string;
  expiresAt: Date;
  refreshTokenExpiresAt: Date;
  organizationId: string;
}

const sessionCreateInput = z.object({
  email: z.string().trim().min(1, 'Enter your email address.').max(254),
  password: z.string().min(1, 'Enter your password.').max(200),
  organizationId: z.string().max(64).nullish(),
});

const INVALID_CREDENTIALS = 'The email or password is incorrect.';

export class SessionService extends DomainService<IdentityDeps> {

  /** Starts a session (a refresh-token family) for a user in one of their organizations. */
  async start(user: User, organizationId: string, role: Role): Promise<IssuedSession> {
    const now = new Date();
    const session = this.em.create(Session, {
      id: newId('ses'),
      user,
      organizationId,
      createdAt: now,
      lastRefreshedAt: null,
      expiresAt: new Date(now.getTime() + this.deps.settings.refreshTokenTtlSeconds * 1000),
      revokedAt: null,
      revokedReason: null,
      clientIp: this.context.clientIp,
      userAgent: this.context.userAgent?.slice(0, 512) ?? null,
    });
    return this.issue(session, user.id, role);
  }

  private async issue(session: Session, userId: string, role: Role): Promise<IssuedSession> {
    const refreshToken = `rt_${newSecret(32)}`;
    this.em.create(RefreshToken, {
      id: newId('rtk'),
      session,
      tokenHash: sha256(refreshToken),
      createdAt: new Date(),
      usedAt: null,
    });
    const user = await this.em.findOneOrFail(User, { id: userId });
    const operator = this.deps.settings.platformOperatorEmails.includes(user.email);
    const access = await signAccessToken(
      this.deps.settings.accessTokenSecret,
      { userId, organizationId: session.organizationId, sessionId: session.id, role, operator },
      this.deps.settings.accessTokenTtlSeconds,
    );
    return {
      accessToken: access.token,
      refreshToken,
      expiresAt: access.expiresAt,
      refreshTokenExpiresAt: session.expiresAt,
      organizationId: session.organizationId,
    };
  }

  /** The user's memberships across every organization: the one query that crosses tenants on purpose. */
  async membershipsOf(userId: string): Promise<Membership[]> {
    return this.em.find(
      Membership,
      { user: userId },
      { filters: { tenant: false }, populate: ['organization'], orderBy: { createdAt: 'asc', id: 'asc' } },
    );
  }

  async signIn(input: unknown): Promise<{ session: IssuedSession | null; userErrors?: ReturnType<typeof userError>[] }> {
    const { email: rawEmail, password, organizationId } = validateInput(sessionCreateInput, input);
    const email = normalizeEmail(rawEmail);
    const throttle = new LoginThrottleService(this.em, this.deps.settings.login);
    const keys = throttle.keysFor(email, this.context.clientIp);
    const locked = await throttle.secondsLocked(keys);
    if (locked > 0) return { session: null, userErrors: [lockedError(locked)] };

    const user = await this.em.findOne(User, { email }, { populate: ['passwordHash'] });
    let valid = false;
    if (user) valid = await verifyPassword(password, user.passwordHash);
    else await burnPasswordCheck(password, this.deps.settings.passwordHashCost);
    const memberships = user && valid ? await this.membershipsOf(user.id) : [];
    if (!user || !valid || memberships.length === 0) {
      const lock = await throttle.recordFailure(keys);
      this.context.log.info({ locked: lock > 0 }, 'failed log-in');
      return { session: null, userErrors: [lock > 0 ? lockedError(lock) : userError('INVALID_CREDENTIALS', INVALID_CREDENTIALS, ['input', 'password'])] };
    }
    await throttle.recordSuccess(email);
    const membership = organizationId
      ? memberships.find((candidate) => candidate.organization.id === organizationId)
      : memberships[0];
    if (!membership) {
      return { session: null, userErrors: [userError('NOT_A_MEMBER', `You are not a member of the organization '${organizationId}'.`, ['input', 'organizationId'])] };
    }
    const session = await this.start(user, membership.organization.id, roleOf(membership));
    this.context.emit('session.created', { userId: user.id }, membership.organization.id);
    return { session };
  }

  async refresh(input: { refreshToken?: string }): Promise<{ session: IssuedSession | null; userErrors?: ReturnType<typeof userError>[] }> {
    const invalid = { session: null, userErrors: [userError('INVALID_REFRESH_TOKEN', 'This refresh token is not valid; sign in again.', ['input', 'refreshToken'])] };
    const token = input.refreshToken ?? '';
    if (!token.startsWith('rt_') || token.length > 100) return invalid;
    const stored = await this.em.findOne(RefreshToken, { tokenHash: sha256(token) }, { populate: ['session'] });
    if (!stored) return invalid;
    const session = stored.session.getEntity();
    const now = new Date();
    if (stored.usedAt) {
      // A refresh token works once: seeing it again means it was copied, so the whole family goes.
      await this.revokeSession(session, 'refresh_token_reused');
      this.context.log.warn({ sessionId: session.id }, 'refresh token reused; session revoked');
      return { session: null, userErrors: [userError('REFRESH_TOKEN_REUSED', 'This refresh token was already used; for your safety the session has been signed out. Sign in again.', ['input', 'refreshToken'])] };
    }
    if (session.revokedAt || session.expiresAt <= now) return invalid;
    const membership = await this.em.findOne(
      Membership,
      { user: session.user.id, organization: session.organizationId },
      { filters: { tenant: false } },
    );
    if (!membership) {
      await this.revokeSession(session, 'membership_ended');
      return invalid;
    }
    stored.usedAt = now;
    session.lastRefreshedAt = now;
    return { session: await this.issue(session, session.user.id, roleOf(membership)) };
  }

  async revoke(input: { everywhere?: boolean | null } | null): Promise<{ revokedSessions: number }> {
    const principal = requireUser(this.context);
    const sessions = input?.everywhere
      ? await this.em.find(Session, { user: principal.userId, revokedAt: null })
      : await this.em.find(Session, { id: principal.sessionId, user: principal.userId, revokedAt: null });
    for (const session of sessions) await this.revokeSession(session, 'signed_out');
    return { revokedSessions: sessions.length };
  }

  async switchOrganization(input: { organizationId: string }): Promise<{ session: IssuedSession | null; userErrors?: ReturnType<typeof userError>[] }> {
    const principal = requireUser(this.context);
    const membership = await this.em.findOne(
      Membership,
      { user: principal.userId, organization: input.organizationId },
      { filters: { tenant: false } },
    );
    if (!membership) throw UserInputError.of('NOT_A_MEMBER', `You are not a member of the organization '${input.organizationId}'.`, ['input', 'organizationId']);
    const session = await this.em.findOne(Session, { id: principal.sessionId, user: principal.userId, revokedAt: null });
    if (!session) throw UserInputError.of('SESSION_ENDED', 'Your session has ended; sign in again.');
    session.organizationId = input.organizationId;
    // Outstanding refresh tokens were for the old organization: forget them (not "used", which would mean theft).
    await this.em.nativeDelete(RefreshToken, { session: session.id, usedAt: null });
    return { session: await this.issue(session, principal.userId, roleOf(membership)) };
  }

  /** Signs out every live session of the user except one (the caller's, after a password change); returns how many. */
  async revokeOthers(userId: string, keepSessionId: string, reason: string): Promise<number> {
    const now = new Date();
    const sessions = await this.em.find(Session, { user: userId, id: { $ne: keepSessionId }, revokedAt: null, expiresAt: { $gt: now } });
    for (const session of sessions) {
      session.revokedAt = now;
      session.revokedReason = reason;
    }
    await this.em.flush();
    const ttlMs = this.deps.settings.accessTokenTtlSeconds * 1000;
    await Promise.all(sessions.map((session) => revocations.revokeSession(this.context.infra.kv, session.id, ttlMs)));
    return sessions.length;
  }

  async revokeSession(session: Session, reason: string): Promise<void> {
    session.revokedAt ??= new Date();
    session.revokedReason ??= reason;
    await this.em.flush();
    await revocations.revokeSession(this.context.infra.kv, session.id, this.deps.settings.accessTokenTtlSeconds * 1000);
  }
}

export function roleOf(membership: Membership): Role {
  if (!isRole(membership.role)) throw new Error(`Membership ${membership.id} has an unknown role`);
  return membership.role;
}

/** The answer while the log-in throttle holds a lock, on the field the caller typed the password or email into. */
export function lockedError(seconds: number, field = ['input', 'email']) {
  const at = new Date(Date.now() + seconds * 1000).toISOString().slice(11, 19);
  return userError(
    'RATE_LIMITED',
    `Too many failed log-in attempts. Try again in ${describeWait(seconds)} (at ${at} UTC).`,
    field,
  );
}
