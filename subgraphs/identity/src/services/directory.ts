import type { IdentityDeps } from './support.ts';
import { DomainService } from '@platform/kit';
import { Membership, User } from '../entities/index.ts';

/**
 * Users as the caller may see them: themselves and the members of their organization. Anyone else,
 * however their id was learned, is invisible (users are global, so the tenant filter alone cannot say).
 */
export class DirectoryService extends DomainService<IdentityDeps> {

  visibleUser(id: string): Promise<User | null> {
    return this.context.loaders
      .get<string, User | null>('visibleUser', async (ids) => {
        const { em, principal } = this.context;
        const self = principal.kind === 'user' ? principal.userId : null;
        const memberIds = new Set(
          principal.kind === 'anonymous'
            ? []
            : (await em.find(Membership, { user: { $in: [...ids] } }, { fields: ['user'] })).map((membership) => membership.user.id),
        );
        const visible = ids.filter((candidate) => candidate === self || memberIds.has(candidate));
        const users = visible.length > 0 ? await em.find(User, { id: { $in: visible } }) : [];
        return ids.map((candidate) => users.find((user) => user.id === candidate) ?? null);
      })
      .load(id);
  }
}
