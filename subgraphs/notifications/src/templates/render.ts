import type { Locale } from '../entities/index.ts';
import { kindTexts, MESSAGES, type MessageVars } from './messages.ts';

/** The path of the web app's notification preferences page; every email links to it. */
export const PREFERENCES_PATH = '/settings/notifications';

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text made safe for HTML element content and quoted attribute values. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (character) => HTML_ESCAPES[character]!);
}

/** Paragraphs on blank lines, line breaks within them; everything escaped. */
function paragraphs(body: string): string {
  return body
    .split(/\r?\n\s*\r?\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean)
    .map((paragraph) => `<p style="margin:0 0 16px">${escapeHtml(paragraph).replace(/\r?\n/g, '<br>')}</p>`)
    .join('\n');
}

const INTL_LOCALES: Record<Locale, string> = { en: 'en-US', de: 'de-DE' };

/** An amount in minor units as the locale writes it: $15.00, 15,00 €. */
export function formatMoney(amount: number, currency: string, locale: Locale): string {
  return new Intl.NumberFormat(INTL_LOCALES[locale], { style: 'currency', currency }).format(amount / 100);
}

/** A day as the locale writes it, in UTC: November 21, 2026 / 21. November 2026. */
export function formatDate(date: Date, locale: Locale): string {
  return new Intl.DateTimeFormat(INTL_LOCALES[locale], { dateStyle: 'long', timeZone: 'UTC' }).format(date);
}

export function roleName(role: string, locale: Locale): string {
  return MESSAGES[locale].layout.roles[role] ?? role;
}

/** A kind's title and body in a locale. Throws for a kind without texts: that is a bug in the registry. */
export function renderKind(key: string, audience: string | null, locale: Locale, vars: MessageVars): { title: string; body: string } {
  const texts = (audience ? kindTexts(locale, `${key}:${audience}`) : undefined) ?? kindTexts(locale, key);
  if (!texts) throw new Error(`No texts for notification kind '${key}'`);
  return { title: texts.title(vars).slice(0, 200), body: texts.body(vars) };
}

export interface MailContent {
  subject: string;
  text: string;
  html: string;
}

interface Frame {
  locale: Locale;
  recipientName: string | null;
  organizationName: string;
  publicUrl: string;
}

function layout(frame: Frame, content: { text: string; html: string }): { text: string; html: string } {
  const words = MESSAGES[frame.locale].layout;
  const preferencesUrl = `${frame.publicUrl}${PREFERENCES_PATH}`;
  const text = [words.greeting(frame.recipientName), '', content.text, '', '--', words.footer(frame.organizationName), `${words.preferences}: ${preferencesUrl}`, ''].join('\n');
  const html = [
    '<!doctype html>',
    `<html lang="${frame.locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width"></head>`,
    '<body style="margin:0;padding:24px;background:#f4f5f7;font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;color:#1f2328">',
    '<div style="max-width:560px;margin:0 auto;background:#ffffff;border-radius:8px;padding:24px">',
    `<p style="margin:0 0 16px">${escapeHtml(words.greeting(frame.recipientName))}</p>`,
    content.html,
    '<hr style="border:none;border-top:1px solid #d0d7de;margin:24px 0 12px">',
    `<p style="margin:0;font-size:12px;color:#57606a">${escapeHtml(words.footer(frame.organizationName))} <a href="${escapeHtml(preferencesUrl)}" style="color:#0969da">${escapeHtml(words.preferences)}</a></p>`,
    '</div></body></html>',
  ].join('\n');
  return { text, html };
}

/** One notification as an email: its title as the subject, its body, a button to its link. */
export function renderNotificationMail(frame: Frame, notification: { title: string; body: string; link: string | null }): MailContent {
  const words = MESSAGES[frame.locale].layout;
  const url = notification.link ? `${frame.publicUrl}${notification.link}` : null;
  const text = [notification.body, ...(url ? ['', `${words.open}: ${url}`] : [])].join('\n');
  const html = [
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(notification.title)}</h1>`,
    paragraphs(notification.body),
    url
      ? `<p style="margin:24px 0"><a href="${escapeHtml(url)}" style="background:#0969da;color:#ffffff;padding:10px 16px;border-radius:6px;text-decoration:none">${escapeHtml(words.open)}</a></p>`
      : '',
  ].join('\n');
  return { subject: notification.title, ...layout(frame, { text, html }) };
}

/** The daily digest: every waiting notification of one recipient, oldest first, in one email. */
export function renderDigestMail(frame: Frame, items: readonly { title: string; body: string; link: string | null; createdAt: Date }[]): MailContent {
  const words = MESSAGES[frame.locale].layout;
  const when = new Intl.DateTimeFormat(INTL_LOCALES[frame.locale], { dateStyle: 'medium', timeStyle: 'short', timeZone: 'UTC' });
  const text = [
    words.digestIntro(items.length, frame.organizationName),
    '',
    ...items.flatMap((item) => [
      `* ${item.title} (${when.format(item.createdAt)} UTC)`,
      `  ${item.body.replace(/\r?\n/g, '\n  ')}`,
      ...(item.link ? [`  ${frame.publicUrl}${item.link}`] : []),
      '',
    ]),
  ].join('\n');
  const html = [
    `<h1 style="font-size:20px;margin:0 0 16px">${escapeHtml(words.digestSubject(items.length))}</h1>`,
    `<p style="margin:0 0 16px">${escapeHtml(words.digestIntro(items.length, frame.organizationName))}</p>`,
    '<ul style="padding-left:20px;margin:0">',
    ...items.map((item) => {
      const title = item.link ? `<a href="${escapeHtml(`${frame.publicUrl}${item.link}`)}" style="color:#0969da">${escapeHtml(item.title)}</a>` : escapeHtml(item.title);
      return `<li style="margin:0 0 12px"><strong>${title}</strong> <span style="color:#57606a;font-size:12px">${escapeHtml(when.format(item.createdAt))} UTC</span><br>${escapeHtml(item.body).replace(/\r?\n/g, '<br>')}</li>`;
    }),
    '</ul>',
  ].join('\n');
  return { subject: words.digestSubject(items.length), ...layout(frame, { text, html }) };
}
