import { LOCALES } from '../src/entities/index.ts';
import { NOTIFICATION_KINDS } from '../src/registry.ts';
import { MESSAGES } from '../src/templates/messages.ts';
import { escapeHtml, formatMoney, renderDigestMail, renderKind, renderNotificationMail } from '../src/templates/render.ts';

const frame = { recipientName: 'Mia <Member>', organizationName: 'Acme & Co', publicUrl: 'https://app.example' };

describe('notification templates', () => {
  it('have a title and body for every kind that an event makes, in every language', () => {
    for (const locale of LOCALES) {
      for (const kind of NOTIFICATION_KINDS.filter((candidate) => candidate.event)) {
        expect(MESSAGES[locale].kinds[kind.key]).toBeDefined();
        const { title, body } = renderKind(kind.key, null, locale, {});
        expect(title.length).toBeGreaterThan(0);
        expect(body.length).toBeGreaterThan(0);
      }
      expect(Object.keys(MESSAGES[locale].layout.roles).sort()).toEqual(['admin', 'analyst', 'billing_manager', 'member', 'owner', 'support_agent']);
    }
  });

  it('escape everything that goes into HTML, and keep the text as written', () => {
    expect(escapeHtml(`<script>alert("x") & 'y'</script>`)).toBe('&lt;script&gt;alert(&quot;x&quot;) &amp; &#39;y&#39;&lt;/script&gt;');
    const mail = renderNotificationMail({ ...frame, locale: 'en' }, { title: 'Hi <b>there</b>', body: 'Line one\nline two\n\n<img src=x onerror=alert(1)>', link: '/billing?tab="x"' });
    expect(mail.subject).toBe('Hi <b>there</b>');
    expect(mail.html).not.toMatch(/<img|<b>there/);
    expect(mail.html).toContain('<h1 style="font-size:20px;margin:0 0 16px">Hi &lt;b&gt;there&lt;/b&gt;</h1>');
    expect(mail.html).toContain('Line one<br>line two</p>');
    expect(mail.html).toContain('href="https://app.example/billing?tab=&quot;x&quot;"');
    expect(mail.html).toContain('Hello Mia &lt;Member&gt;,');
    expect(mail.html).toContain('member of Acme &amp; Co.');
    expect(mail.text).toBe(
      [
        'Hello Mia <Member>,',
        '',
        'Line one\nline two\n\n<img src=x onerror=alert(1)>',
        '',
        'Open in the app: https://app.example/billing?tab="x"',
        '',
        '--',
        'You get this email as a member of Acme & Co.',
        'Choose which notifications you get: https://app.example/settings/notifications',
        '',
      ].join('\n'),
    );
  });

  it('speak German, with German money and dates', () => {
    const { title, body } = renderKind('payment.failed', null, 'de', { number: 'ACME-7', amount: formatMoney(4900, 'EUR', 'de'), code: 'card_declined', nextAttempt: '12. März 2031' });
    expect(title).toBe('Zahlung für Rechnung ACME-7 fehlgeschlagen');
    // German puts a no-break space between the amount and the currency sign.
    expect(body).toContain('Wir konnten 49,00\u00a0€ für Rechnung ACME-7 nicht einziehen (card_declined). Wir versuchen es am 12. März 2031 erneut.');
    expect(renderKind('member.removed', 'former-member', 'de', { organizationName: 'Acme' }).title).toBe('Sie wurden aus Acme entfernt');
    const mail = renderNotificationMail({ ...frame, locale: 'de' }, { title: 'T', body: 'B', link: null });
    expect(mail.text).toContain('Hallo Mia <Member>,');
    expect(mail.text).not.toContain('In der App öffnen');
    expect(mail.html).toContain('<html lang="de">');
  });

  it('gather a digest, oldest first, each item with its time and link', () => {
    const items = [
      { title: 'First', body: 'One', link: '/members', createdAt: new Date('2031-03-10T06:00:00Z') },
      { title: 'Second <2>', body: 'Two', link: null, createdAt: new Date('2031-03-10T07:30:00Z') },
    ];
    const en = renderDigestMail({ ...frame, locale: 'en' }, items);
    expect(en.subject).toBe('Your daily summary: 2 notifications');
    expect(en.text).toContain('* First (Mar 10, 2031, 6:00 AM UTC)\n  One\n  https://app.example/members');
    expect(en.html).toContain('Second &lt;2&gt;');
    const de = renderDigestMail({ ...frame, locale: 'de' }, items.slice(0, 1));
    expect(de.subject).toBe('Ihre tägliche Zusammenfassung: 1 Benachrichtigung');
    expect(de.text).toContain('Das ist seit Ihrer letzten Zusammenfassung in Acme & Co passiert:');
  });
});
