import { DomainService, type DomainEvent, type RequestContext } from '@platform/kit';
import type { Locale } from '../entities/index.ts';
import type { MemberEntry } from '../identity-client.ts';
import { kindsForEvent, rolesHolding, type NotificationKind } from '../registry.ts';
import type { MessageVars } from '../templates/messages.ts';
import { formatDate, formatMoney, renderKind, roleName } from '../templates/render.ts';
import type { NotificationDraft, NotifyService } from './notify.ts';
import type { NotificationsDeps } from './support.ts';

const str = (value: unknown): string | null => (typeof value === 'string' && value.length > 0 ? value : null);
const num = (value: unknown): number | null => (typeof value === 'number' && Number.isFinite(value) ? value : null);

/** Who did it: in the payload when identity names the actor, else the subject for what people do themselves. */
function actorOf(event: DomainEvent): string | null {
  const payload = event.payload;
  if (str(payload.actorId)) return payload.actorId as string;
  if (event.type === 'member.joined' || event.type === 'user.password_changed') return str(payload.userId);
  return null;
}

/** The facts of an event as a kind's texts use them, in one language. */
function varsOf(event: DomainEvent, locale: Locale, people: { organizationName: string; subject: MemberEntry | null; actor: MemberEntry | null }): MessageVars {
  const p = event.payload;
  const date = (value: unknown) => (str(value) ? formatDate(new Date(value as string), locale) : null);
  const money = (amount: unknown) => (num(amount) !== null && str(p.currency) ? formatMoney(amount as number, p.currency as string, locale) : null);
  return {
    organizationName: people.organizationName,
    actorName: people.actor?.name ?? null,
    memberName: people.subject?.name ?? str(p.name),
    memberEmail: people.subject?.email ?? str(p.email),
    email: str(p.email),
    name: str(p.name),
    role: str(p.role) ? roleName(p.role as string, locale) : null,
    from: str(p.from) ? roleName(p.from as string, locale) : null,
    to: str(p.to) ? roleName(p.to as string, locale) : null,
    revokedSessions: num(p.revokedSessions),
    permissionCount: Array.isArray(p.permissions) ? p.permissions.length : null,
    number: str(p.number) ?? str(p.invoiceId),
    amount: money(p.amountPaid ?? p.amount),
    code: str(p.code),
    nextAttempt: date(p.nextPaymentAttemptAt),
    trialEnd: date(p.trialEnd),
    plan: str(p.plan),
    threshold: num(p.threshold),
    quotaUsed: num(p.used) !== null ? new Intl.NumberFormat(locale).format(p.used as number) : null,
    quota: num(p.quota) !== null ? new Intl.NumberFormat(locale).format(p.quota as number) : null,
  };
}

/** Older events are history, not news: a consumer that starts on an outbox with a long past skips them. */
export const MAX_EVENT_AGE_MS = 7 * 24 * 60 * 60 * 1000;

/** Events that say nothing worth telling anyone (now). */
function isNoise(event: DomainEvent, now: Date): boolean {
  if (now.getTime() - Date.parse(event.occurredAt) > MAX_EVENT_AGE_MS) return true;
  return event.type === 'invoice.paid' && num(event.payload.amountPaid) === 0;
}

/**
 * Turns other subgraphs' domain events into notifications: the kinds the registry makes from the
 * event, for the audiences it names, looked up in identity in one call. Runs in the event consumer's
 * transaction, which also records the event as handled: each event notifies once.
 */
export class EventNotificationService extends DomainService<NotificationsDeps> {
  private readonly notify: NotifyService;

  constructor(context: RequestContext, deps: NotificationsDeps, notify: NotifyService) {
    super(context, deps);
    this.notify = notify;
  }

  async handle(event: DomainEvent): Promise<number> {
    const kinds = kindsForEvent(event.source, event.type);
    const organizationId = this.context.organizationId;
    if (kinds.length === 0 || !organizationId || event.organizationId !== organizationId || isNoise(event, this.deps.clock.now())) return 0;
    const subjectId = str(event.payload.userId);
    const actorId = actorOf(event);
    const roles = [...new Set(kinds.flatMap((kind) => kind.recipients.flatMap((rule) => (rule.audience.to === 'permission' ? rolesHolding(rule.audience.permission) : []))))];
    const userIds = [subjectId, actorId].filter((id): id is string => id !== null);
    const directory = await this.deps.identity.members(organizationId, { roles, userIds });
    const byId = new Map(directory.members.map((member) => [member.userId, member]));
    const people = { organizationName: directory.organizationName, subject: subjectId ? (byId.get(subjectId) ?? null) : null, actor: actorId ? (byId.get(actorId) ?? null) : null };
    const drafts = kinds.flatMap((kind) => this.draftsOf(kind, event, directory.members, people, actorId));
    const made = await this.notify.deliver(drafts);
    return made.length;
  }

  private draftsOf(
    kind: NotificationKind,
    event: DomainEvent,
    members: readonly MemberEntry[],
    people: { organizationName: string; subject: MemberEntry | null; actor: MemberEntry | null },
    actorId: string | null,
  ): NotificationDraft[] {
    const subjectId = str(event.payload.userId);
    const draft = (recipient: NotificationDraft['recipient'], audience: string | null, channels: NotificationDraft['channels'], link: string | null): NotificationDraft => ({
      kind,
      recipient,
      channels,
      content: (locale) => renderKind(kind.key, audience, locale, varsOf(event, locale, people)),
      link,
      actorId,
      data: { ...event.payload },
      sourceEventId: `${event.source}:${event.id}`,
      organizationName: people.organizationName,
    });
    const seen = new Set<string>();
    const drafts: NotificationDraft[] = [];
    const add = (made: NotificationDraft) => {
      if (seen.has(made.recipient.userId)) return;
      seen.add(made.recipient.userId);
      drafts.push(made);
    };
    for (const rule of kind.recipients) {
      const audience = rule.audience;
      if (audience.to === 'subject' && people.subject) {
        add(draft({ userId: people.subject.userId, email: people.subject.email, name: people.subject.name }, null, rule.channels, kind.link));
      } else if (audience.to === 'former-member' && subjectId && str(event.payload.email)) {
        add(draft({ userId: subjectId, email: event.payload.email as string, name: str(event.payload.name) }, 'former-member', rule.channels, null));
      } else if (audience.to === 'permission') {
        const holding = new Set(rolesHolding(audience.permission));
        const subjectEmail = str(event.payload.email)?.toLowerCase();
        // Nobody is told about what they did themselves, nor, among the admins, about themselves.
        for (const member of members) {
          const aboutThem = member.userId === subjectId || member.email.toLowerCase() === subjectEmail;
          if (holding.has(member.role) && member.userId !== actorId && !aboutThem) {
            add(draft({ userId: member.userId, email: member.email, name: member.name }, null, rule.channels, kind.link));
          }
        }
      }
    }
    return drafts;
  }
}
