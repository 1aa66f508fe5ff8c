import { DomainService, paginate, revocations, UserInputError, type Connection, type PageArguments, type RequestContext } from '@platform/kit';
import { isRole, type Role } from '@platform/schema';
import { Membership, Organization } from '../entities/index.ts';
import { actorIdOf, requireAuthenticated, type IdentityDeps } from './support.ts';

function callerRole(context: RequestContext): Role | null {
  return context.principal.kind === 'user' ? context.principal.role : null;
}

export class MemberService extends DomainService<IdentityDeps> {

  /** Members of the caller's organization with their users, in one query whatever the page size. */
  list(page: PageArguments): Promise<Connection<Membership>> {
    return paginate(this.context.em, Membership, {}, page, { populate: ['user'] });
  }

  find(id: string): Promise<Membership | null> {
    return this.context.em.findOne(Membership, { id }, { populate: ['user'] });
  }

  /** How many owners the caller's organization has; counted once per request. */
  ownerCount(): Promise<number> {
    return this.context.loaders
      .get<string, number>('ownerCount', async (keys) => {
        const count = await this.context.em.count(Membership, { role: 'owner' });
        return keys.map(() => count);
      })
      .load('owners');
  }

  /**
   * The members of any organization: the seats billing charges for. Only a signed internal route calls
   * this, for the organization it names, so this one count looks past the caller's tenant.
   */
  /**
   * What billing needs to know about an organization: its name, its members (the seats in use) and its
   * owners' emails (the default billing contact). Asked by billing for a named organization, so the
   * tenant filter is off for exactly these lookups.
   */
  async billingFacts(organizationId: string): Promise<{ name: string; activeMembers: number; ownerEmails: string[] }> {
    const across = { filters: { tenant: false } } as const;
    const [organization, activeMembers, owners] = await Promise.all([
      this.context.em.findOne(Organization, { id: organizationId }, across),
      this.context.em.count(Membership, { organization: organizationId }, across),
      this.context.em.find(Membership, { organization: organizationId, role: 'owner' }, { ...across, populate: ['user'], orderBy: { createdAt: 'asc' } }),
    ]);
    return { name: organization?.name ?? '', activeMembers, ownerEmails: owners.map((owner) => owner.user.getEntity().email) };
  }

  /**
   * The members of a named organization with their email, name and role (all of them, or those with the
   * given ids or roles): who notifications reaches. Asked by notifications for one organization, so
   * the tenant filter is off for exactly these lookups.
   */
  async directoryOf(
    organizationId: string,
    filter: { userIds?: readonly string[]; roles?: readonly Role[] } = {},
  ): Promise<{ organizationName: string; members: { userId: string; email: string; name: string; role: Role }[] }> {
    const across = { filters: { tenant: false } } as const;
    const narrowed = filter.userIds !== undefined || filter.roles !== undefined;
    const either = [
      ...(filter.userIds?.length ? [{ user: { $in: [...filter.userIds] } }] : []),
      ...(filter.roles?.length ? [{ role: { $in: [...filter.roles] } }] : []),
    ];
    const [organization, memberships] = await Promise.all([
      this.context.em.findOne(Organization, { id: organizationId }, across),
      narrowed && either.length === 0
        ? Promise.resolve([])
        : this.context.em.find(Membership, { organization: organizationId, ...(narrowed ? { $or: either } : {}) }, { ...across, populate: ['user'], orderBy: { createdAt: 'asc' } }),
    ]);
    return {
      organizationName: organization?.name ?? '',
      members: memberships.map((membership) => {
        const user = membership.user.getEntity();
        return { userId: user.id, email: user.email, name: user.name, role: membership.role as Role };
      }),
    };
  }

  async isLastOwner(membership: Membership): Promise<boolean> {
    return membership.role === 'owner' && (await this.ownerCount()) <= 1;
  }

  private async target(id: string): Promise<Membership> {
    const membership = await this.find(id);
    if (!membership) throw UserInputError.of('NOT_FOUND', `No member with id '${id}' in this organization.`, ['input', 'id']);
    return membership;
  }

  /** Only owners hand out or take away ownership. */
  private assertMayTouchOwnership(membership: Membership, newRole?: Role): void {
    if ((membership.role === 'owner' || newRole === 'owner') && callerRole(this.context) !== 'owner') {
      throw UserInputError.of('OWNER_ONLY', 'Only an owner can grant or take away the owner role.', ['input', 'role']);
    }
  }

  async changeRole(input: { id: string; role: Role }): Promise<{ member: Membership }> {
    requireAuthenticated(this.context);
    if (!isRole(input.role)) throw UserInputError.of('INVALID', `'${input.role}' is not a role.`, ['input', 'role']);
    const membership = await this.target(input.id);
    if (membership.role === input.role) return { member: membership };
    this.assertMayTouchOwnership(membership, input.role);
    if (membership.role === 'owner' && (await this.ownerCount()) <= 1) {
      throw UserInputError.of('LAST_OWNER', 'This is the organization\'s only owner. Make someone else an owner first.', ['input', 'role']);
    }
    const previousRole = membership.role;
    membership.role = input.role;
    this.context.emit('member.role_changed', { memberId: membership.id, userId: membership.user.id, from: previousRole, to: input.role, actorId: actorIdOf(this.context) });
    await this.revokeTokens(membership);
    return { member: membership };
  }

  async remove(input: { id: string }): Promise<{ removedMemberId: string }> {
    requireAuthenticated(this.context);
    const membership = await this.target(input.id);
    this.assertMayTouchOwnership(membership);
    if (membership.role === 'owner' && (await this.ownerCount()) <= 1) {
      throw UserInputError.of('LAST_OWNER', 'This is the organization\'s only owner and cannot be removed. Make someone else an owner first.', ['input', 'id']);
    }
    this.context.em.remove(membership);
    const removed = membership.user.getEntity();
    // The removed person is no longer a member, so the event carries how to reach them.
    this.context.emit('member.removed', { memberId: membership.id, userId: removed.id, role: membership.role, email: removed.email, name: removed.name, actorId: actorIdOf(this.context) });
    await this.revokeTokens(membership);
    return { removedMemberId: membership.id };
  }

  /** Tokens carry the role, so a change of role or a removal ends the member's current tokens. */
  private async revokeTokens(membership: Membership): Promise<void> {
    await revocations.revokeMembershipTokens(
      this.context.infra.kv,
      membership.user.id,
      membership.organization.id,
      this.deps.settings.accessTokenTtlSeconds * 1000,
    );
  }
}
