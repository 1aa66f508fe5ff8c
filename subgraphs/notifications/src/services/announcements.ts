import { DomainService, UserInputError, userError, validateInput, type RequestContext } from '@platform/kit';
import { isRole, type Role } from '@platform/schema';
import { z } from 'zod';
import { kindOf } from '../registry.ts';
import type { NotifyService } from './notify.ts';
import type { NotificationsDeps } from './support.ts';

/** The most members an announcement names one by one. */
export const MAX_ANNOUNCEMENT_USER_IDS = 1000;

/** An app path such as /billing or /members?tab=invitations: no scheme, no host, no control characters. */
const APP_PATH = /^\/(?!\/)[^\s\\\p{Cc}]*$/u;

const announcementInput = z.object({
  title: z.string().trim().min(1, 'Give the announcement a title.').max(200, 'The title can be at most 200 characters.'),
  body: z.string().trim().min(1, 'Write what the announcement says.').max(5000, 'The text can be at most 5000 characters.'),
  link: z
    .string()
    .trim()
    .max(500, 'The link can be at most 500 characters.')
    .regex(APP_PATH, "The link must be a path in the app that starts with '/', such as /billing.")
    .nullish()
    .transform((value) => value || null),
  roles: z.array(z.string()).max(10).nullish(),
  userIds: z.array(z.string().max(64)).max(MAX_ANNOUNCEMENT_USER_IDS, `Name at most ${MAX_ANNOUNCEMENT_USER_IDS} members.`).nullish(),
  critical: z.boolean().nullish(),
});

export type AnnouncementInput = z.input<typeof announcementInput>;

/** Codes for each field's problems, so that clients can tell them apart. */
const FIELD_CODES: Record<string, string> = { title: 'INVALID_TITLE', body: 'INVALID_BODY', link: 'INVALID_LINK', userIds: 'TOO_MANY_RECIPIENTS' };

/** Announcements: an admin's message to the organization's members, through each member's channels. */
export class AnnouncementService extends DomainService<NotificationsDeps> {
  private readonly notify: NotifyService;

  constructor(context: RequestContext, deps: NotificationsDeps, notify: NotifyService) {
    super(context, deps);
    this.notify = notify;
  }

  async send(raw: AnnouncementInput): Promise<{ recipients: number }> {
    let input: z.output<typeof announcementInput>;
    try {
      input = validateInput(announcementInput, raw);
    } catch (error) {
      if (!(error instanceof UserInputError)) throw error;
      throw new UserInputError(error.userErrors.map((problem) => ({ ...problem, code: FIELD_CODES[problem.field?.[1] ?? ''] ?? problem.code })));
    }
    const roles = (input.roles ?? []).map((role) => role.toLowerCase());
    const unknownRole = roles.find((role) => !isRole(role));
    if (unknownRole) throw UserInputError.of('INVALID_ROLE', `'${unknownRole}' is not a role.`, ['input', 'roles']);
    const userIds = input.userIds ? [...new Set(input.userIds)] : null;
    const organizationId = this.context.organizationId!;
    const everyone = roles.length === 0 && !userIds;
    const directory = await this.deps.identity.members(organizationId, everyone ? {} : { roles: roles as Role[], userIds: userIds ?? undefined });
    if (userIds) {
      const members = new Set(directory.members.map((member) => member.userId));
      const strangers = userIds.filter((id) => !members.has(id));
      if (strangers.length > 0) {
        throw new UserInputError(strangers.map((id) => userError('NOT_A_MEMBER', `'${id}' is not a member of this organization.`, ['input', 'userIds', String(input.userIds!.indexOf(id))])));
      }
    }
    if (directory.members.length === 0) throw UserInputError.of('NO_RECIPIENTS', 'No member matches this audience.', ['input', 'roles']);

    const kind = kindOf('announcement')!;
    const actorId = this.context.principal.kind === 'user' ? this.context.principal.userId : null;
    const content = { title: input.title, body: input.body };
    await this.notify.deliver(
      directory.members.map((member) => ({
        kind,
        recipient: { userId: member.userId, email: member.email, name: member.name },
        critical: Boolean(input.critical),
        content: () => content,
        link: input.link,
        actorId,
        data: { audience: everyone ? 'everyone' : { roles, userIds: userIds ?? [] } },
        sourceEventId: null,
        organizationName: directory.organizationName,
      })),
    );
    this.context.emit('announcement.sent', { recipients: directory.members.length, critical: Boolean(input.critical), actorId });
    return { recipients: directory.members.length };
  }
}
