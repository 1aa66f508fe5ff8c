import { createTransport } from 'nodemailer';
import { ConfigError, type PlatformEnvironment } from './config.ts';
import type { MailAttachment } from './db/entities.ts';
import type { Logger } from './logger.ts';

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
}

/** How mail leaves the platform. The outbox relay calls it, never a request. */
export interface MailTransport {
  readonly kind: 'outbox' | 'smtp';
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
