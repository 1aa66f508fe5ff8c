import type { Locale } from '../entities/index.ts';

/** What a kind's texts are made from: the event's facts, already looked up and formatted. */
export type MessageVars = Record<string, string | number | null | undefined>;

export interface KindTexts {
  title(vars: MessageVars): string;
  body(vars: MessageVars): string;
}

/** The words around every email, and the digest's. */
export interface LayoutTexts {
  greeting(name: string | null): string;
  open: string;
  footer(organizationName: string): string;
  preferences: string;
  digestSubject(count: number): string;
  digestIntro(count: number, organizationName: string): string;
  roles: Record<string, string>;
}

const text = (value: MessageVars[string], fallback = ''): string => (value === null || value === undefined || value === '' ? fallback : String(value));

const en: { layout: LayoutTexts; kinds: Record<string, KindTexts> } = {
  layout: {
    greeting: (name) => (name ? `Hello ${name},` : 'Hello,'),
    open: 'Open in the app',
    footer: (organizationName) => `You get this email as a member of ${organizationName}.`,
    preferences: 'Choose which notifications you get',
    digestSubject: (count) => (count === 1 ? 'Your daily summary: 1 notification' : `Your daily summary: ${count} notifications`),
    digestIntro: (count, organizationName) => `${count === 1 ? 'This happened' : `These ${count} things happened`} in ${organizationName} since your last summary:`,
    roles: { owner: 'owner', admin: 'admin', member: 'member', billing_manager: 'billing manager', support_agent: 'support agent', analyst: 'analyst' },
  },
  kinds: {
    'member.joined': {
      title: (v) => `${text(v.memberName, text(v.memberEmail, 'Someone'))} joined ${text(v.organizationName)}`,
      body: (v) => `${text(v.memberName, text(v.memberEmail, 'A new member'))} accepted the invitation and joined as ${text(v.role)}.`,
    },
    'member.removed': {
      title: (v) => `${text(v.memberName, text(v.memberEmail, 'A member'))} was removed from ${text(v.organizationName)}`,
      body: (v) => `${text(v.actorName, 'An admin')} removed ${text(v.memberName, text(v.memberEmail, 'a member'))} (${text(v.role)}).`,
    },
    'member.removed:former-member': {
      title: (v) => `You were removed from ${text(v.organizationName)}`,
      body: (v) => `${text(v.actorName, 'An admin')} removed you from ${text(v.organizationName)}. You can no longer sign in to it. If you think this is a mistake, ask one of its owners.`,
    },
    'member.role_changed': {
      title: (v) => `Your role in ${text(v.organizationName)} is now ${text(v.to)}`,
      body: (v) => `${text(v.actorName, 'An admin')} changed your role from ${text(v.from)} to ${text(v.to)}. Sign in again to use your new permissions.`,
    },
    'invitation.created': {
      title: (v) => `${text(v.email)} was invited`,
      body: (v) => `${text(v.actorName, 'An admin')} invited ${text(v.email)} to join ${text(v.organizationName)} as ${text(v.role)}.`,
    },
    'user.password_changed': {
      title: () => 'Your password was changed',
      body: (v) => `Your password was changed and ${text(v.revokedSessions, '0')} other session(s) were signed out. If you did not do this, tell an owner of your organization at once.`,
    },
    'api_key.created': {
      title: (v) => `API key "${text(v.name)}" was created`,
      body: (v) => `${text(v.actorName, 'Someone')} created the API key "${text(v.name)}" with ${text(v.permissionCount, '0')} permission(s).`,
    },
    'invoice.paid': {
      title: (v) => `Invoice ${text(v.number)} is paid`,
      body: (v) => `Invoice ${text(v.number)} was paid: ${text(v.amount)}.`,
    },
    'payment.failed': {
      title: (v) => `Payment for invoice ${text(v.number)} failed`,
      body: (v) =>
        `We could not collect ${text(v.amount)} for invoice ${text(v.number)}${v.code ? ` (${text(v.code)})` : ''}. ${v.nextAttempt ? `We will try again on ${text(v.nextAttempt)}.` : 'We will not try again automatically.'} Update the payment method to keep the subscription.`,
    },
    'trial.will_end': {
      title: (v) => `Your trial ends on ${text(v.trialEnd)}`,
      body: (v) => `The trial of ${text(v.organizationName)} ends on ${text(v.trialEnd)}. Add a payment method to continue without interruption.`,
    },
    'subscription.canceled': {
      title: (v) => `The ${text(v.plan)} subscription was canceled`,
      body: (v) => `The ${text(v.plan)} subscription of ${text(v.organizationName)} has ended. You can subscribe again at any time on the billing page.`,
    },
    'usage.quota_warning': {
      title: (v) => `${text(v.organizationName)} used ${text(v.threshold)}% of this month's API quota`,
      body: (v) => `${text(v.quotaUsed)} of ${text(v.quota)} API points are used this month on the ${text(v.plan)} plan. Calls beyond the quota are billed, or refused on plans without overage: see the usage page.`,
    },
    'usage.quota_exceeded': {
      title: (v) => `${text(v.organizationName)} used all of this month's API quota`,
      body: (v) => `${text(v.quotaUsed)} of ${text(v.quota)} API points are used this month on the ${text(v.plan)} plan. See the usage page, or choose a larger plan on the billing page.`,
    },
  },
};

const de: typeof en = {
  layout: {
    greeting: (name) => (name ? `Hallo ${name},` : 'Hallo,'),
    open: 'In der App öffnen',
    footer: (organizationName) => `Sie erhalten diese E-Mail als Mitglied von ${organizationName}.`,
    preferences: 'Wählen Sie, welche Benachrichtigungen Sie erhalten',
    digestSubject: (count) => (count === 1 ? 'Ihre tägliche Zusammenfassung: 1 Benachrichtigung' : `Ihre tägliche Zusammenfassung: ${count} Benachrichtigungen`),
    digestIntro: (count, organizationName) => `${count === 1 ? 'Das ist' : `Diese ${count} Dinge sind`} seit Ihrer letzten Zusammenfassung in ${organizationName} passiert:`,
    roles: { owner: 'Inhaber', admin: 'Administrator', member: 'Mitglied', billing_manager: 'Abrechnungsverantwortlicher', support_agent: 'Support-Mitarbeiter', analyst: 'Analyst' },
  },
  kinds: {
    'member.joined': {
      title: (v) => `${text(v.memberName, text(v.memberEmail, 'Jemand'))} ist ${text(v.organizationName)} beigetreten`,
      body: (v) => `${text(v.memberName, text(v.memberEmail, 'Ein neues Mitglied'))} hat die Einladung angenommen und ist als ${text(v.role)} beigetreten.`,
    },
    'member.removed': {
      title: (v) => `${text(v.memberName, text(v.memberEmail, 'Ein Mitglied'))} wurde aus ${text(v.organizationName)} entfernt`,
      body: (v) => `${text(v.actorName, 'Ein Administrator')} hat ${text(v.memberName, text(v.memberEmail, 'ein Mitglied'))} (${text(v.role)}) entfernt.`,
    },
    'member.removed:former-member': {
      title: (v) => `Sie wurden aus ${text(v.organizationName)} entfernt`,
      body: (v) => `${text(v.actorName, 'Ein Administrator')} hat Sie aus ${text(v.organizationName)} entfernt. Sie können sich dort nicht mehr anmelden. Wenn das ein Irrtum ist, wenden Sie sich an einen Inhaber.`,
    },
    'member.role_changed': {
      title: (v) => `Ihre Rolle in ${text(v.organizationName)} ist jetzt ${text(v.to)}`,
      body: (v) => `${text(v.actorName, 'Ein Administrator')} hat Ihre Rolle von ${text(v.from)} zu ${text(v.to)} geändert. Melden Sie sich erneut an, um Ihre neuen Berechtigungen zu nutzen.`,
    },
    'invitation.created': {
      title: (v) => `${text(v.email)} wurde eingeladen`,
      body: (v) => `${text(v.actorName, 'Ein Administrator')} hat ${text(v.email)} als ${text(v.role)} zu ${text(v.organizationName)} eingeladen.`,
    },
    'user.password_changed': {
      title: () => 'Ihr Passwort wurde geändert',
      body: (v) => `Ihr Passwort wurde geändert und ${text(v.revokedSessions, '0')} andere Sitzung(en) wurden abgemeldet. Wenn Sie das nicht waren, informieren Sie sofort einen Inhaber Ihrer Organisation.`,
    },
    'api_key.created': {
      title: (v) => `API-Schlüssel „${text(v.name)}“ wurde erstellt`,
      body: (v) => `${text(v.actorName, 'Jemand')} hat den API-Schlüssel „${text(v.name)}“ mit ${text(v.permissionCount, '0')} Berechtigung(en) erstellt.`,
    },
    'invoice.paid': {
      title: (v) => `Rechnung ${text(v.number)} ist bezahlt`,
      body: (v) => `Rechnung ${text(v.number)} wurde bezahlt: ${text(v.amount)}.`,
    },
    'payment.failed': {
      title: (v) => `Zahlung für Rechnung ${text(v.number)} fehlgeschlagen`,
      body: (v) =>
        `Wir konnten ${text(v.amount)} für Rechnung ${text(v.number)} nicht einziehen${v.code ? ` (${text(v.code)})` : ''}. ${v.nextAttempt ? `Wir versuchen es am ${text(v.nextAttempt)} erneut.` : 'Wir versuchen es nicht automatisch erneut.'} Aktualisieren Sie die Zahlungsmethode, um das Abonnement zu behalten.`,
    },
    'trial.will_end': {
      title: (v) => `Ihre Testphase endet am ${text(v.trialEnd)}`,
      body: (v) => `Die Testphase von ${text(v.organizationName)} endet am ${text(v.trialEnd)}. Hinterlegen Sie eine Zahlungsmethode, um ohne Unterbrechung weiterzumachen.`,
    },
    'subscription.canceled': {
      title: (v) => `Das Abonnement ${text(v.plan)} wurde gekündigt`,
      body: (v) => `Das Abonnement ${text(v.plan)} von ${text(v.organizationName)} ist beendet. Sie können jederzeit auf der Abrechnungsseite erneut abonnieren.`,
    },
    'usage.quota_warning': {
      title: (v) => `${text(v.organizationName)} hat ${text(v.threshold)} % des API-Kontingents dieses Monats verbraucht`,
      body: (v) => `${text(v.quotaUsed)} von ${text(v.quota)} API-Punkten sind in diesem Monat im Tarif ${text(v.plan)} verbraucht. Aufrufe über das Kontingent hinaus werden berechnet oder, in Tarifen ohne Mehrverbrauch, abgelehnt: siehe die Nutzungsseite.`,
    },
    'usage.quota_exceeded': {
      title: (v) => `${text(v.organizationName)} hat das API-Kontingent dieses Monats aufgebraucht`,
      body: (v) => `${text(v.quotaUsed)} von ${text(v.quota)} API-Punkten sind in diesem Monat im Tarif ${text(v.plan)} verbraucht. Siehe die Nutzungsseite, oder wählen Sie auf der Abrechnungsseite einen größeren Tarif.`,
    },
  },
};

export const MESSAGES: Record<Locale, typeof en> = { en, de };

/** The texts of a kind (or of one of its audiences, `<kind>:<audience>`) in a locale; English when the locale lacks them. */
export function kindTexts(locale: Locale, key: string): KindTexts | undefined {
  return MESSAGES[locale].kinds[key] ?? MESSAGES.en.kinds[key];
}
