import { DomainService, errors, newId, userError, UserInputError, validateInput, type UserError } from '@platform/kit';
import { z } from 'zod';
import { Membership, Organization, User } from '../entities/index.ts';
import { hashPassword, verifyPassword } from './passwords.ts';
import { lockedError, SessionService, type IssuedSession } from './sessions.ts';
import { normalizeEmail, requireUser, type IdentityDeps } from './support.ts';
import { LoginThrottleService } from './throttle.ts';

export const passwordRule = z
  .string()
  .min(10, 'Use at least 10 characters.')
  .max(200, 'Use at most 200 characters.');
export const personNameRule = z.string().trim().min(1, 'Enter a name.').max(100, 'Use at most 100 characters.');
export const organizationNameRule = z.string().trim().min(1, 'Enter the organization\'s name.').max(100, 'Use at most 100 characters.');
export const emailRule = z.string().trim().max(254).pipe(z.email('Enter a valid email address.'));

const signUpInput = z.object({
  email: emailRule,
  password: passwordRule,
  name: personNameRule,
  organizationName: organizationNameRule,
});

const userUpdateInput = z.object({ name: personNameRule });

const passwordChangeInput = z
  .object({
    currentPassword: z.string().min(1, 'Enter your current password.').max(200),
    newPassword: passwordRule,
  })
  // Passwords are compared as scrypt sees them (NFKC), so a look-alike spelling is not "different".
  .refine((input) => input.newPassword.normalize('NFKC') !== input.currentPassword.normalize('NFKC'), {
    message: 'Choose a new password that differs from the current one.',
    path: ['newPassword'],
  });

const CURRENT_PASSWORD = ['input', 'currentPassword'];

export function slugify(name: string): string {
  const slug = name
    .normalize('NFKD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 48);
  return slug || 'organization';
}

export class AccountService extends DomainService<IdentityDeps> {

  async signUp(input: unknown): Promise<{ session: IssuedSession }> {
    const { email: rawEmail, password, name, organizationName } = validateInput(signUpInput, input);
    const email = normalizeEmail(rawEmail);
    const { em } = this.context;
    if (await em.count(User, { email })) {
      throw UserInputError.of('EMAIL_TAKEN', 'An account with this email already exists. Sign in instead.', ['input', 'email']);
    }
    const now = new Date();
    const user = em.create(User, { id: newId('usr'), email, name, passwordHash: await hashPassword(password, this.deps.settings.passwordHashCost), createdAt: now });
    const organization = await this.createOrganization(organizationName);
    em.create(Membership, { id: newId('mem'), organization, user, role: 'owner', createdAt: now });
    this.context.emit('user.signed_up', { userId: user.id }, organization.id);
    this.context.emit('organization.created', { organizationId: organization.id, ownerId: user.id }, organization.id);
    const session = await new SessionService(this.context, this.deps).start(user, organization.id, 'owner');
    return { session };
  }

  /** The signed-in person changes their own name; API keys have no profile. */
  async update(input: unknown): Promise<{ user: User }> {
    const principal = requireUser(this.context);
    const { name } = validateInput(userUpdateInput, input);
    const user = await this.em.findOne(User, { id: principal.userId });
    if (!user) throw errors.unauthenticated();
    user.name = name;
    this.context.emit('user.updated', { userId: user.id, fields: ['name'] });
    return { user };
  }

  /**
   * The signed-in person changes their password. The current password is checked under the log-in
   * throttle (a stolen access token must not become a way to guess it), and every other session of
   * theirs is signed out, since one of them may be whoever learned the old password.
   */
  async changePassword(input: unknown): Promise<{ revokedSessions: number | null; userErrors?: UserError[] }> {
    const principal = requireUser(this.context);
    const { currentPassword, newPassword } = validateInput(passwordChangeInput, input);
    const user = await this.em.findOne(User, { id: principal.userId }, { populate: ['passwordHash'] });
    if (!user) throw errors.unauthenticated();
    const throttle = new LoginThrottleService(this.em, this.deps.settings.login);
    const keys = throttle.keysFor(user.email, this.context.clientIp);
    const locked = await throttle.secondsLocked(keys);
    if (locked > 0) return { revokedSessions: null, userErrors: [lockedError(locked, CURRENT_PASSWORD)] };
    if (!(await verifyPassword(currentPassword, user.passwordHash))) {
      // Returned rather than thrown: the failure has to commit for the throttle to count it.
      const lock = await throttle.recordFailure(keys);
      this.context.log.info({ locked: lock > 0 }, 'wrong current password on password change');
      return {
        revokedSessions: null,
        userErrors: [lock > 0 ? lockedError(lock, CURRENT_PASSWORD) : userError('INVALID_CREDENTIALS', 'The current password is incorrect.', CURRENT_PASSWORD)],
      };
    }
    await throttle.recordSuccess(user.email);
    user.passwordHash = await hashPassword(newPassword, this.deps.settings.passwordHashCost);
    const revokedSessions = await new SessionService(this.context, this.deps).revokeOthers(user.id, principal.sessionId, 'password_changed');
    this.context.emit('user.password_changed', { userId: user.id, revokedSessions });
    // Told by mail, so that a change the owner did not make does not go unnoticed.
    this.context.sendMail({
      to: user.email,
      subject: 'Your password was changed',
      text: `The password of your account ${user.email} was changed on ${new Date().toUTCString()}${this.context.clientIp ? ` from the address ${this.context.clientIp}` : ''}, and ${revokedSessions === 1 ? '1 other session was' : `${revokedSessions} other sessions were`} signed out.\n\nIf you did not make this change, someone else has your password: tell your organization's owner at once.`,
      kind: 'password_changed',
    });
    return { revokedSessions };
  }

  /** Creates a user without an organization of their own (someone accepting an invitation). */
  async createUser(email: string, name: string, password: string): Promise<User> {
    return this.context.em.create(User, {
      id: newId('usr'),
      email: normalizeEmail(email),
      name,
      passwordHash: await hashPassword(password, this.deps.settings.passwordHashCost),
      createdAt: new Date(),
    });
  }

  async createOrganization(name: string): Promise<Organization> {
    const { em } = this.context;
    const base = slugify(name);
    let slug = base;
    // Slugs are unique across tenants, so this lookup deliberately ignores the tenant filter.
    for (let attempt = 0; await em.count(Organization, { slug }, { filters: { tenant: false } }); attempt += 1) {
      slug = `${base}-${newId('x').slice(-6)}`;
      if (attempt > 5) throw new Error('Could not find a free slug');
    }
    return em.create(Organization, { id: newId('org'), name, slug, createdAt: new Date() });
  }
}
