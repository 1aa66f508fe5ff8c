import { systemPrincipal } from '@platform/schema';
import { Notification } from './entities/index.ts';
import type { RunningNotifications } from './index.ts';

/**
 * The demo organization's first announcement, from its owner to everyone, so that a newcomer finds
 * the bell, the center and the local mailbox with something in them. Sent once: never when the
 * organization already has notifications.
 */
export async function seedDemoNotifications(running: RunningNotifications, organizationId: string): Promise<boolean> {
  const context = running.subgraph.context(systemPrincipal(organizationId, 'notifications.demo-seed'));
  if ((await context.em.count(Notification, {})) > 0) return false;
  const owner = (await running.deps.identity.members(organizationId, { roles: ['owner'] })).members[0];
  if (!owner) return false;
  const asOwner = running.subgraph.context({ kind: 'user', userId: owner.userId, organizationId, role: 'owner', permissions: [], sessionId: 'demo-seed' });
  await asOwner.em.begin();
  try {
    await asOwner.services.announcements.send({
      title: 'Welcome to the demo',
      body: 'This is an announcement: owners and admins send them from the Announcements page, and every member gets it in the app, by email and, once they allow it, as a browser push.\n\nChoose what reaches you on the notification preferences page; the emails the platform sends are in the local mailbox.',
      link: '/notifications',
    });
    await asOwner.em.commit();
  } catch (error) {
    await asOwner.em.rollback();
    throw error;
  }
  return true;
}
