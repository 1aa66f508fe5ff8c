import { CHANNELS } from '../src/entities/index.ts';
import { eventTypesOf, isLocked, kindOf, kindsForEvent, NOTIFICATION_KINDS, rolesHolding } from '../src/registry.ts';
import { resolvePreference } from '../src/services/preferences.ts';
import { latestDigestCutoff } from '../src/services/support.ts';

describe('the kinds registry', () => {
  it('names each kind once, with default channels it knows and a link into the app', () => {
    const keys = NOTIFICATION_KINDS.map((kind) => kind.key);
    expect(new Set(keys).size).toBe(keys.length);
    for (const kind of NOTIFICATION_KINDS) {
      expect(kind.defaultChannels.every((channel) => CHANNELS.includes(channel))).toBe(true);
      expect(kind.link === null || kind.link.startsWith('/')).toBe(true);
      expect(kind.recipients.length).toBeGreaterThan(0);
    }
  });

  it('subscribes to the events its kinds are made from, with billing\'s real event names', () => {
    expect(eventTypesOf('identity').sort()).toEqual(['api_key.created', 'invitation.created', 'member.joined', 'member.removed', 'member.role_changed', 'user.password_changed']);
    expect(eventTypesOf('billing').sort()).toEqual(['invoice.paid', 'payment.failed', 'subscription.canceled', 'trial.will_end']);
    expect(kindsForEvent('billing', 'payment.failed').map((kind) => kind.key)).toEqual(['payment.failed']);
    expect(kindsForEvent('identity', 'payment.failed')).toEqual([]);
  });

  it('finds recipients by permission through the roles that hold it', () => {
    expect(rolesHolding('billing.manage')).toEqual(['owner', 'billing_manager']);
    expect(rolesHolding('member.invite')).toEqual(['owner', 'admin']);
  });
});

describe('preference resolution', () => {
  const announcement = kindOf('announcement')!;
  const paymentFailed = kindOf('payment.failed')!;
  const none = new Map<string, boolean>();

  it('takes the member\'s choice, else the organization\'s, else the platform\'s default', () => {
    expect(resolvePreference(announcement, 'email', undefined, none)).toEqual({ enabled: true, source: 'platform' });
    const organization = new Map([['announcement|email', false]]);
    expect(resolvePreference(announcement, 'email', undefined, organization)).toEqual({ enabled: false, source: 'organization' });
    expect(resolvePreference(announcement, 'email', new Map([['announcement|email', true]]), organization)).toEqual({ enabled: true, source: 'user' });
    expect(resolvePreference(kindOf('invitation.created')!, 'email', undefined, none)).toEqual({ enabled: false, source: 'platform' });
  });

  it('keeps critical kinds on for their default channels whatever anyone chose', () => {
    const off = new Map([['payment.failed|email', false]]);
    expect(resolvePreference(paymentFailed, 'email', off, off)).toEqual({ enabled: true, source: 'critical' });
    expect(isLocked(paymentFailed, 'push')).toBe(true);
    const password = kindOf('user.password_changed')!;
    expect(isLocked(password, 'email')).toBe(false);
    expect(isLocked(announcement, 'in_app')).toBe(false);
  });
});

describe('the digest hour', () => {
  it('is today\'s at or after it, yesterday\'s before it (UTC)', () => {
    expect(latestDigestCutoff(new Date('2031-03-10T08:00:00Z'), 8).toISOString()).toBe('2031-03-10T08:00:00.000Z');
    expect(latestDigestCutoff(new Date('2031-03-10T07:59:59Z'), 8).toISOString()).toBe('2031-03-09T08:00:00.000Z');
    expect(latestDigestCutoff(new Date('2031-03-10T23:00:00Z'), 0).toISOString()).toBe('2031-03-10T00:00:00.000Z');
  });
});
