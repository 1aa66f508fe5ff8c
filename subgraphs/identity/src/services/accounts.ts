import { DomainService, newId, UserInputError, validateInput } from '@platform/kit';
import { z } from 'zod';
import { Membership, Organization, User } from '../entities/index.ts';
import { hashPassword } from './passwords.ts';
import { SessionService, type IssuedSession } from './sessions.ts';
import { normalizeEmail, type IdentityDeps } from './support.ts';

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
