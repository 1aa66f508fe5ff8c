import { pino, type Logger } from 'pino';

export type { Logger };

export interface LoggerOptions {
  /** The service name stamped on every line. */
  service: string;
  /** pino level; default 'info'. */
  level?: string;
}

/** Structured JSON logs; request-scoped children carry the request id. Secrets never reach a line. */
export function createLogger({ service, level = 'info' }: LoggerOptions): Logger {
  return pino({
    level,
    base: { service },
    redact: {
      paths: [
        'password',
        '*.password',
        'input.password',
        'authorization',
        'headers.authorization',
        '*.refreshToken',
        '*.accessToken',
        '*.secret',
        '*.token',
      ],
      censor: '[redacted]',
    },
  });
}
