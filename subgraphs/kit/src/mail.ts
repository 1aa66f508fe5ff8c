import { createTransport } from 'nodemailer';
import { ConfigError, type PlatformEnvironment } from './config.ts';
import type { MailAttachment } from './db/entities.ts';
import { createInternalClient, InternalCallError } from './internal-client.ts';
import type { Logger } from './logger.ts';
import { ANONYMOUS } from '@platform/schema';

/** One mail as the relay hands it to a transport. */
export interface OutgoingMail {
  /** The mail_message id; also the Message-ID's local part, so a resent mail can be recognised. */
  id: string;
  to: string;
  subject: string;
  text: string;
  html: string | null;
  attachments: MailAttachment[];
  kind: string;
  /** The organization the mail was sent for, when it was. */
  organizationId: string | null;
  /** The subgraph that sent it: identity, billing, notifications. */
  source: string;
}

/** How mail leaves the platform. The outbox relay calls it, never a request. */
export interface MailTransport {
  readonly kind: 'outbox' | 'smtp' | 'local-mailbox';
  /** Delivers one mail, or rejects with a MailDeliveryError; the relay retries later. */
  send(mail: OutgoingMail, log: Logger): Promise<void>;
  close(): Promise<void>;
}

/** A delivery that did not happen. Its message is short and safe to store: no credentials, no body. */
export class MailDeliveryError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = 'MailDeliveryError';
    this.code = code;
  }
}

/**
 * The embedded default: the mail stays in mail_message, the local outbox, and a line without the body
 * goes to the log (bodies can hold single-use links, which have no place in logs).
 */
export function createOutboxTransport(): MailTransport {
  return {
    kind: 'outbox',
    async send(mail, log) {
      log.info(
        { mailId: mail.id, to: mail.to, subject: mail.subject, kind: mail.kind, attachments: mail.attachments.length },
        'mail delivered to the local outbox',
      );
    },
    async close() {},
  };
}

/** The signed route of the notifications subgraph that keeps the local mailbox. */
export const LOCAL_MAILBOX_ROUTE = '/internal/mailbox/deliver';

export interface LocalMailboxTransport extends MailTransport {
  /** Where the mailbox is (the notifications subgraph's URL), once it is up; mail waits for it until then. */
  connect(url: string): void;
}

/**
 * The embedded default's local mailbox: each mail goes, signed, to the notifications subgraph, which
 * keeps it for the web app to show (attachments by name only). Like the outbox transport it logs a
 * line without the body. Until the mailbox is connected, or while it cannot be reached, delivery
 * fails and the relay retries, so nothing is lost.
 */
export function createLocalMailboxTransport(options: { signingSecret: string; waitMs?: number }): LocalMailboxTransport {
  const client = createInternalClient({ secret: options.signingSecret, userAgent: 'mail-relay' });
  let target: string | null = null;
  let connected: () => void = () => {};
  const ready = new Promise<void>((resolve) => (connected = resolve));
  return {
    kind: 'local-mailbox',
    connect(url) {
      target = url;
      connected();
    },
    async send(mail, log) {
      if (!target) {
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([ready, new Promise<void>((resolve) => (timer = setTimeout(resolve, options.waitMs ?? 10_000)))]);
        clearTimeout(timer);
      }
      if (!target) throw new MailDeliveryError('EUNAVAILABLE', 'EUNAVAILABLE: the local mailbox is not running yet');
      try {
        await client.post(
          target,
          LOCAL_MAILBOX_ROUTE,
          {
            mailId: mail.id,
            organizationId: mail.organizationId,
            source: mail.source,
            kind: mail.kind,
            to: mail.to,
            subject: mail.subject,
            text: mail.text,
            html: mail.html,
            attachments: mail.attachments.map((attachment) => attachment.filename),
          },
          { principal: ANONYMOUS, requestId: `mail-${mail.id}` },
        );
      } catch (error) {
        const reason = error instanceof InternalCallError ? error.reason : 'UNREACHABLE';
        throw new MailDeliveryError('EMAILBOX', `EMAILBOX: the local mailbox did not take the mail (${reason})`);
      }
      log.info({ mailId: mail.id, to: mail.to, subject: mail.subject, kind: mail.kind, attachments: mail.attachments.length }, 'mail delivered to the local mailbox');
    },
    async close() {},
  };
}

export interface SmtpTransportOptions {
  /** smtp://user:password@host:port (STARTTLS when the server offers it) or smtps:// (TLS from the start). */
  url: string;
  /** The From header: an address, or `Name <address>`. */
  from: string;
  /** Time to open the TCP (and TLS) connection; default 10 s. */
  connectionTimeoutMs?: number;
  /** Time for the server's greeting once connected; default 10 s. */
  greetingTimeoutMs?: number;
  /** Longest silence on an open connection; default 10 s. */
  socketTimeoutMs?: number;
}

const SMTP_TIMEOUT_MS = 10_000;

function domainOf(from: string): string {
  const address = /<([^<>]+)>\s*$/.exec(from)?.[1] ?? from;
  return address.split('@')[1]?.trim() || 'localhost';
}

/** SMTP through nodemailer; one connection per mail, every wait bounded by a timeout. */
export function createSmtpTransport(options: SmtpTransportOptions): MailTransport {
  let parsed: URL;
  try {
    parsed = new URL(options.url);
  } catch {
    throw new Error('SMTP_URL is not a valid URL');
  }
  const secure = parsed.protocol === 'smtps:';
  if (!secure && parsed.protocol !== 'smtp:') throw new Error('SMTP_URL must start with smtp:// or smtps://');
  const user = decodeURIComponent(parsed.username);
  const pass = decodeURIComponent(parsed.password);
  const transporter = createTransport({
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 465 : 587,
    secure,
    auth: user ? { user, pass } : undefined,
    connectionTimeout: options.connectionTimeoutMs ?? SMTP_TIMEOUT_MS,
    greetingTimeout: options.greetingTimeoutMs ?? SMTP_TIMEOUT_MS,
    socketTimeout: options.socketTimeoutMs ?? SMTP_TIMEOUT_MS,
    dnsTimeout: options.connectionTimeoutMs ?? SMTP_TIMEOUT_MS,
    // Content comes only from the mail row: never let a message make the transport read files or URLs.
    disableFileAccess: true,
    disableUrlAccess: true,
  });
  const domain = domainOf(options.from);
  const secrets = [pass, parsed.password, user, parsed.username].filter((value) => value.length >= 3);

  function describe(error: unknown): MailDeliveryError {
    const failure = error as { code?: unknown; responseCode?: unknown; message?: unknown };
    const code = typeof failure.code === 'string' ? failure.code : 'ESEND';
    let message = typeof failure.message === 'string' ? failure.message : 'delivery failed';
    for (const secret of secrets) message = message.split(secret).join('[redacted]');
    message = message.replace(/\s+/g, ' ').trim();
    const reply = typeof failure.responseCode === 'number' ? ` (${failure.responseCode})` : '';
    return new MailDeliveryError(code, `${code}${reply}: ${message}`.slice(0, 255));
  }

  return {
    kind: 'smtp',
    async send(mail, log) {
      try {
        const info = await transporter.sendMail({
          from: options.from,
          to: mail.to,
          subject: mail.subject,
          text: mail.text,
          ...(mail.html !== null ? { html: mail.html } : {}),
          attachments: mail.attachments.map((attachment) => ({
            filename: attachment.filename,
            contentType: attachment.contentType,
            content: attachment.contentBase64,
            encoding: 'base64',
          })),
          messageId: `<${mail.id}@${domain}>`,
        });
        log.info({ mailId: mail.id, to: mail.to, subject: mail.subject, kind: mail.kind, messageId: info.messageId }, 'mail sent');
      } catch (error) {
        throw describe(error);
      }
    },
    async close() {
      transporter.close();
    },
  };
}

export type MailSettings = { transport: 'outbox' } | { transport: 'smtp'; smtpUrl: string; from: string };

/** The mail part of a parsed platform environment; smtp is the default once SMTP_URL is set. */
export function mailSettings(env: Pick<PlatformEnvironment, 'MAIL_TRANSPORT' | 'SMTP_URL' | 'MAIL_FROM'>): MailSettings {
  const transport = env.MAIL_TRANSPORT ?? (env.SMTP_URL ? 'smtp' : 'outbox');
  if (transport === 'outbox') return { transport };
  if (!env.SMTP_URL) throw new ConfigError(['SMTP_URL: required when MAIL_TRANSPORT=smtp']);
  return { transport, smtpUrl: env.SMTP_URL, from: env.MAIL_FROM };
}

export function createMailTransport(settings: MailSettings): MailTransport {
  return settings.transport === 'smtp' ? createSmtpTransport({ url: settings.smtpUrl, from: settings.from }) : createOutboxTransport();
}
