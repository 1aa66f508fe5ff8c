import type { RunningSubgraph } from '@platform/kit';
import { ANONYMOUS, type Role } from '@platform/schema';
import type { Organization} from './entities/index.ts';
import { Membership, User } from './entities/index.ts';
import { hashPassword } from './services/passwords.ts';
import { AccountService } from './services/accounts.ts';
import type { IdentityDeps, IdentityServices } from './services/index.ts';
import { newId } from '@platform/kit';

export interface DemoSeed {
  organizationName: string;
  owner: { email: string; password: string; name: string };
  /** Further members; they share the owner's password. */
  members: { email: string; name: string; role: Role }[];
}

/**
 * Creates the demo organization, its owner and a few members, unless they exist: running it twice
 * changes nothing. Returns the organization's id.
 */
export async function seedDemo(identity: RunningSubgraph<IdentityServices>, deps: IdentityDeps, seed: DemoSeed): Promise<string> {
  const context = identity.context(ANONYMOUS, 'seed');
  const { em } = context;
  const ownerEmail = seed.owner.email.toLowerCase();
  let owner = await em.findOne(User, { email: ownerEmail });
  const existing = owner
    ? await em.findOne(Membership, { user: owner.id, role: 'owner' }, { filters: { tenant: false }, populate: ['organization'] })
    : null;
  if (existing) return existing.organization.id;

  await em.begin();
  try {
    const passwordHash = await hashPassword(seed.owner.password, deps.settings.passwordHashCost);
    owner ??= em.create(User, { id: newId('usr'), email: ownerEmail, name: seed.owner.name, passwordHash, createdAt: new Date() });
    const organization: Organization = await new AccountService(context, deps).createOrganization(seed.organizationName);
    em.create(Membership, { id: newId('mem'), organization, user: owner, role: 'owner', createdAt: new Date() });
    for (const member of seed.members) {
      const email = member.email.toLowerCase();
      const user =
        (await em.findOne(User, { email })) ??
        em.create(User, { id: newId('usr'), email, name: member.name, passwordHash, createdAt: new Date() });
      em.create(Membership, { id: newId('mem'), organization, user, role: member.role, createdAt: new Date() });
    }
    context.emit('organization.created', { organizationId: organization.id, ownerId: owner.id, seeded: true }, organization.id);
    await em.commit();
    return organization.id;
  } catch (error) {
    await em.rollback();
    throw error;
  }
}
