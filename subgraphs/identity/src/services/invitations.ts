import { DomainService, newId, newSecret, paginate, UserInputError, validateInput, type Connection, type PageArguments } from '@platform/kit';
import { ROLES, type Role } from '@platform/schema';
import { z } from 'zod';
import { Invitation, Membership, Organization, User } from '../entities/index.ts';
import { AccountService, emailRule, passwordRule, personNameRule } from './accounts.ts';
import { roleOf, SessionService, type IssuedSession } from './sessions.ts';
import { actingUserId, actorIdOf, normalizeEmail, requireAuthenticated, sha256, type IdentityDeps } from './support.ts';

export type InvitationStatus = 'PENDING' | 'ACCEPTED' | 'REVOKED' | 'EXPIRED';

export function invitationStatus(invitation: Invitation, now = new Date()): InvitationStatus {
  if (invitation.acceptedAt) return 'ACCEPTED';
  if (invitation.revokedAt) return 'REVOKED';
  if (invitation.expiresAt <= now) return 'EXPIRED';
  return 'PENDING';
}

const createInput = z.object({ email: emailRule, role: z.enum(ROLES) });
const acceptInput = z.object({
  token: z.string().min(1).max(200),
  name: personNameRule.nullish(),
  password: passwordRule.nullish(),
});

export class InvitationService extends DomainService<IdentityDeps> {

  list(page: PageArguments): Promise<Connection<Invitation>> {
    return paginate(this.context.em, Invitation, { acceptedAt: null, revokedAt: null }, page);
  }

  async create(input: { email: string; role: Role }): Promise<{ invitation: Invitation }> {
    const principal = requireAuthenticated(this.context);
    const { email: rawEmail, role } = validateInput(createInput, input);
    const email = normalizeEmail(rawEmail);
    const { em } = this.context;
    if (role === 'owner' && !(principal.kind === 'user' && principal.role === 'owner')) {
      throw UserInputError.of('OWNER_ONLY', 'Only an owner can invite another owner.', ['input', 'role']);
    }
    if (await em.count(Membership, { user: { email } })) {
      throw UserInputError.of('ALREADY_MEMBER', `${email} is already a member of this organization.`, ['input', 'email']);
    }
    // Inviting again replaces the pending invitation, so only the newest link works.
    const pending = await em.find(Invitation, { email, acceptedAt: null, revokedAt: null });
    for (const previous of pending) previous.revokedAt = new Date();
    const token = newSecret(32);
    const now = new Date();
    const organization = await em.findOneOrFail(Organization, { id: this.context.organizationId! });
    const invitation = em.create(Invitation, {
      id: newId('ivt'),
      organization,
      email,
      role,
      tokenHash: sha256(token),
      invitedBy: em.getReference(User, actingUserId(principal)),
      createdAt: now,
      expiresAt: new Date(now.getTime() + this.deps.settings.invitationTtlSeconds * 1000),
      acceptedAt: null,
      revokedAt: null,
    });
    const link = `${this.deps.settings.publicUrl.replace(/\/$/, '')}/invitations/accept?token=${token}`;
    this.context.sendMail({
      to: email,
      subject: `You are invited to join ${organization.name}`,
      text: `You have been invited to join ${organization.name} as ${role.replace('_', ' ')}.\n\nAccept the invitation: ${link}\n\nThe link works once and expires on ${invitation.expiresAt.toUTCString()}.`,
      kind: 'invitation',
    });
    this.context.emit('invitation.created', { invitationId: invitation.id, email, role, actorId: actorIdOf(this.context) });
    return { invitation };
  }

  async revoke(input: { id: string }): Promise<{ invitation: Invitation }> {
    const invitation = await this.context.em.findOne(Invitation, { id: input.id });
    if (!invitation) throw UserInputError.of('NOT_FOUND', `No invitation with id '${input.id}' in this organization.`, ['input', 'id']);
    if (invitationStatus(invitation) !== 'PENDING') {
      throw UserInputError.of('NOT_PENDING', 'Only a pending invitation can be revoked.', ['input', 'id']);
    }
    invitation.revokedAt = new Date();
    this.context.emit('invitation.revoked', { invitationId: invitation.id });
    return { invitation };
  }

  /**
   * Accepts with the mailed token. Someone without an account signs up here; someone with one must be
   * signed in as that account (the token proves the mailbox, the session proves the person).
   */
  async accept(input: unknown): Promise<{ session: IssuedSession }> {
    const { token, name, password } = validateInput(acceptInput, input);
    const { em } = this.context;
    const invalid = UserInputError.of('INVALID_INVITATION', 'This invitation link is not valid. Ask for a new invitation.', ['input', 'token']);
    const invitation = await em.findOne(Invitation, { tokenHash: sha256(token) }, { filters: { tenant: false }, populate: ['organization'] });
    if (!invitation) throw invalid;
    const status = invitationStatus(invitation);
    if (status === 'EXPIRED') throw UserInputError.of('INVITATION_EXPIRED', 'This invitation has expired. Ask for a new one.', ['input', 'token']);
    if (status !== 'PENDING') throw invalid;

    let user: User;
    const { principal } = this.context;
    if (principal.kind === 'user') {
      user = await em.findOneOrFail(User, { id: principal.userId });
      if (user.email !== invitation.email) {
        throw UserInputError.of('EMAIL_MISMATCH', `This invitation is for ${invitation.email}; you are signed in as ${user.email}.`, ['input', 'token']);
      }
    } else {
      const existing = await em.findOne(User, { email: invitation.email });
      if (existing) {
        throw UserInputError.of('SIGN_IN_REQUIRED', `An account for ${invitation.email} exists: sign in, then open the invitation link again.`, ['input', 'token']);
      }
      const missing = [
        ...(name ? [] : [{ code: 'REQUIRED', message: 'Enter your name.', field: ['input', 'name'] }]),
        ...(password ? [] : [{ code: 'REQUIRED', message: 'Choose a password.', field: ['input', 'password'] }]),
      ];
      if (missing.length > 0) throw new UserInputError(missing);
      user = await new AccountService(this.context, this.deps).createUser(invitation.email, name!, password!);
    }
    const organizationId = invitation.organization.id;
    let membership = await em.findOne(Membership, { user: user.id, organization: organizationId }, { filters: { tenant: false } });
    if (!membership) {
      membership = em.create(Membership, { id: newId('mem'), organization: invitation.organization, user, role: invitation.role, createdAt: new Date() });
      this.context.emit('member.joined', { memberId: membership.id, userId: user.id, role: invitation.role, invitationId: invitation.id }, organizationId);
    }
    invitation.acceptedAt = new Date();
    const session = await new SessionService(this.context, this.deps).start(user, organizationId, roleOf(membership));
    return { session };
  }
}
