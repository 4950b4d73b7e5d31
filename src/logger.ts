import pino, { type Logger, type LoggerOptions } from 'pino';

export type { Logger };

// Defence in depth: the code never logs personal data on purpose, and these paths catch it
// if a payload, a contact point or a rendered message ever reaches a log call.
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.headers["x-api-key"]',
  'req.headers["webhook-signature"]',
  'req.headers["x-twilio-signature"]',
  'req.headers.cookie',
  'req.headers["x-csrf-token"]',
  'res.headers["set-cookie"]',
  'password', '*.password', 'csrfToken', '*.csrfToken',
  'body', '*.body', 'payload', '*.payload', 'event', '*.event',
  'to', '*.to', 'from', '*.from', 'address', '*.address', 'addresses', '*.addresses',
  'name', '*.name', 'given', '*.given', 'family', '*.family',
  'phone', '*.phone', 'email', '*.email', 'debtor', '*.debtor', 'contactPoints', '*.contactPoints',
  'amount', '*.amount', 'balance', '*.balance', 'total', '*.total', 'iban', '*.iban',
];

interface LoggableError {
  name?: string;
  code?: unknown;
  status?: unknown;
  stack?: string;
}

/**
 * Error messages from providers and drivers quote what they were given (a phone number, a
 * duplicate key); only the type, code and stack frames are logged, never the message.
 */
export function errorWithoutMessage(err: unknown): Record<string, unknown> {
  if (!err || typeof err !== 'object') return { type: typeof err };
  const e = err as LoggableError;
  const frames = (e.stack ?? '').split('\n').filter((l) => l.trimStart().startsWith('at ')).slice(0, 8).join('\n');
  return { type: e.name ?? 'Error', ...(e.code !== undefined ? { code: String(e.code) } : {}), ...(typeof e.status === 'number' ? { status: e.status } : {}), stack: frames };
}

interface LoggableRequest {
  method?: string;
  url?: string;
  ip?: string;
  id?: unknown;
}

/** A request is logged without its query string: a search (`?q=+48…`) would otherwise write a phone number. */
export function requestWithoutQuery(req: LoggableRequest): Record<string, unknown> {
  return { method: req.method, url: (req.url ?? '').split('?')[0], remoteAddress: req.ip };
}

export function loggerOptions(level: string): LoggerOptions {
  return {
    level,
    redact: { paths: REDACT_PATHS, censor: '[redacted]' },
    serializers: { err: errorWithoutMessage, error: errorWithoutMessage, req: requestWithoutQuery },
    base: { service: 'debtor-comms' },
  };
}

export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return destination ? pino(loggerOptions(level), destination) : pino(loggerOptions(level));
}
