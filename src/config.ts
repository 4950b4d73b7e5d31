import { readFileSync } from 'node:fs';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { ConfigError } from './errors.ts';

// The only module that reads process.env. Everything else receives a typed Config.

const TWILIO_API = 'https://api.twilio.com';
const LOCAL_DEFAULTS = {
  DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/test',
  REDIS_URL: 'redis://127.0.0.1:6379',
  // Published in the README so the demo can sign events; refused when NODE_ENV=production.
  EVENT_WEBHOOK_SECRETS: 'whsec_ZGVtby1zZWNyZXQtZm9yLWxvY2FsLXVzZS1vbmx5IQ==',
  TWILIO_ACCOUNT_SID: 'AC00000000000000000000000000000000',
  TWILIO_AUTH_TOKEN: 'standin-auth-token',
  TWILIO_MESSAGING_SERVICE_SID: 'MG00000000000000000000000000000000',
  TWILIO_API_URL: 'http://127.0.0.1:4010',
  // Lets `npm run demo` read timelines; documented, and never a default in production.
  BOOTSTRAP_API_KEY: 'dco_local_demo_key_not_for_production',
  // The collection agency messages come from and debtors can reach (demo values).
  SENDER_NAME: 'Demo Collect',
  SENDER_PHONE: '+31 20 123 4567',
  SENDER_EMAIL: 'help@demo-collect.example',
  SENDER_WEB: 'https://demo-collect.example',
  LINK_SIGNING_SECRET: 'local-link-signing-secret-not-for-production',
  // Local stand-ins started by `npm start`: an SMTP server and an SFTP print house.
  TWILIO_WHATSAPP_FROM: 'whatsapp:+31612300000',
  SMTP_URL: 'smtp://127.0.0.1:2525',
  EMAIL_EVENTS_SECRET: 'whsec_ZGVtby1lbWFpbC1ldmVudHMtc2VjcmV0LWxvY2Fs',
  FORWARD_SECRET: 'whsec_ZGVtby1mb3J3YXJkLXNlY3JldC1mb3ItbG9jYWwtdXNl',
  INBOUND_EMAIL_SECRET: 'whsec_ZGVtby1pbmJvdW5kLWVtYWlsLXNlY3JldC1sb2NhbA==',
  SFTP_URL: 'sftp://printhouse:printhouse@127.0.0.1:2222/inbox',
} as const;

const Roles = Type.Union([Type.Literal('api'), Type.Literal('worker'), Type.Literal('all')]);

const ConfigSchema = Type.Object({
  env: Type.Union([Type.Literal('production'), Type.Literal('development'), Type.Literal('test')]),
  role: Roles,
  port: Type.Integer({ minimum: 0, maximum: 65535 }),
  host: Type.String({ minLength: 1 }),
  databaseUrl: Type.String({ pattern: '^postgres(ql)?://' }),
  databaseSchema: Type.String({ pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  databasePoolSize: Type.Integer({ minimum: 1, maximum: 200 }),
  redisUrl: Type.String({ pattern: '^rediss?://' }),
  queuePrefix: Type.String({ pattern: '^[A-Za-z0-9_-]{1,40}$' }),
  /** Signs the pay and unsubscribe links in messages. */
  linkSigningSecret: Type.String({ minLength: 24 }),
  /** A REST API key ensured at start (stored hashed), for a first client or the demo. */
  bootstrapApiKey: Type.Optional(Type.String({ minLength: 24 })),
  eventWebhookSecrets: Type.Array(Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]{16,}$' }), { minItems: 1 }),
  publicUrl: Type.String({ pattern: '^https?://[^\\s/]+(/[^\\s]*)?$' }),
  twilio: Type.Object({
    accountSid: Type.String({ pattern: '^AC[0-9a-fA-F]{32}$' }),
    authToken: Type.String({ minLength: 8 }),
    messagingServiceSid: Type.Optional(Type.String({ pattern: '^MG[0-9a-fA-F]{32}$' })),
    sendersByCountry: Type.Record(Type.String({ pattern: '^[A-Z]{2}$' }), Type.String({ minLength: 1 })),
    apiUrl: Type.String({ pattern: '^https?://' }),
    /** Messages per second per provider account, through BullMQ's limiter. */
    maxPerSecond: Type.Integer({ minimum: 1, maximum: 100000 }),
    /** WhatsApp sender (`whatsapp:+…`); WhatsApp is off without it. */
    whatsappFrom: Type.Optional(Type.String({ pattern: '^whatsapp:\\+[1-9][0-9]{6,14}$' })),
  }),
  /** Email over SMTP; off without SMTP_URL. */
  email: Type.Optional(
    Type.Object({
      smtpUrl: Type.String({ pattern: '^smtps?://' }),
      from: Type.String({ pattern: '^[^@\\s<>]+@[^@\\s<>]+$' }),
      /** Where `mailto:` unsubscribe requests go (List-Unsubscribe). */
      unsubscribeMailbox: Type.String({ pattern: '^[^@\\s<>]+@[^@\\s<>]+$' }),
      poolSize: Type.Integer({ minimum: 1, maximum: 100 }),
      maxPerSecond: Type.Integer({ minimum: 1, maximum: 100000 }),
      dkim: Type.Optional(Type.Object({ domainName: Type.String({ minLength: 3 }), keySelector: Type.String({ minLength: 1 }), privateKey: Type.String({ minLength: 100 }) })),
      /** Signs the mail provider's bounce and complaint reports to POST /v1/providers/email/events (Standard Webhooks). */
      eventsSecret: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]{16,}$' })),
    }),
  ),
  /** Letters: PDFs by headless Chromium, handed to a print house over SFTP; off without SFTP_URL. */
  letters: Type.Optional(
    Type.Object({
      sftpUrl: Type.String({ pattern: '^sftp://' }),
      /** PEM private key for the SFTP login (else the URL's password). */
      sftpPrivateKey: Type.Optional(Type.String({ minLength: 100 })),
      /** The print house's host key (`SHA256:…`, as ssh-keygen -lf prints it): required in production. */
      sftpHostKeyFingerprint: Type.Optional(Type.String({ pattern: '^SHA256:[A-Za-z0-9+/]{43}$' })),
      /** Local time of the daily hand-over: letters rendered by then go in that day's batch. */
      cutoff: Type.String({ pattern: '^([01]\\d|2[0-3]):[0-5]\\d$' }),
      cutoffTimeZone: Type.String({ minLength: 1 }),
      chromiumPath: Type.String({ minLength: 1 }),
      /** Browser pages rendering PDFs at once. */
      pages: Type.Integer({ minimum: 1, maximum: 64 }),
      /** How often the print house's acknowledgement files are looked for. */
      ackPollMs: Type.Integer({ minimum: 1000 }),
    }),
  ),
  /** Where replies, intents, opt-outs, statuses and promises to pay are forwarded (the case system). */
  forwarding: Type.Optional(
    Type.Object({
      url: Type.String({ pattern: '^https?://' }),
      /** Standard Webhooks secret the case system verifies our requests with. */
      secret: Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]{16,}$' }),
      /** How long a webhook is retried before it goes to the dead letters (at least 24 hours). */
      retryForHours: Type.Integer({ minimum: 24, maximum: 24 * 30 }),
    }),
  ),
  /** Signs raw inbound emails posted to POST /v1/inbound/email by the mail provider (Standard Webhooks). */
  inboundEmailSecret: Type.Optional(Type.String({ pattern: '^whsec_[A-Za-z0-9+/=]{16,}$' })),
  /** A message not delivered within this many hours (SMS, WhatsApp, email) moves to the next channel. */
  fallbackAfterHours: Type.Integer({ minimum: 1, maximum: 24 * 30 }),
  workers: Type.Object({
    planConcurrency: Type.Integer({ minimum: 1, maximum: 1000 }),
    dispatchConcurrency: Type.Integer({ minimum: 1, maximum: 1000 }),
    /** How long a job's lock lives without renewal: the time before a killed worker's job is retried. */
    lockDurationMs: Type.Integer({ minimum: 1000 }),
    sweepIntervalMs: Type.Integer({ minimum: 100 }),
    /** Rows younger than this are left to the normal path; older unfinished ones are re-enqueued. */
    sweepGraceMs: Type.Integer({ minimum: 0 }),
  }),
  sender: Type.Object({
    name: Type.String({ minLength: 1 }),
    phone: Type.String({ minLength: 3 }),
    email: Type.String({ pattern: '^[^@\\s]+@[^@\\s]+$' }),
    web: Type.String({ pattern: '^https?://' }),
    hours: Type.String(),
    address: Type.Object({ lines: Type.Array(Type.String()), postalCode: Type.String(), city: Type.String(), country: Type.String() }),
  }),
  logLevel: Type.Enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']),
  /** Message bodies older than this are purged; the facts (template, version, statuses, decisions) stay. */
  messageBodyRetentionDays: Type.Integer({ minimum: 1, maximum: 3650 }),
  /** Debian's Chromium: letters' PDFs, and the console's letter previews even where letters are off. */
  chromiumPath: Type.String({ minLength: 1 }),
  console: Type.Object({
    /** Session cookies only over HTTPS: on in production (behind TLS), off for local http. */
    secureCookies: Type.Boolean(),
    /** The first admin, created at start when no admin exists (STAFF_ADMIN_USERNAME / STAFF_ADMIN_PASSWORD). */
    firstAdmin: Type.Optional(Type.Object({ username: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{1,62}$' }), password: Type.String({ minLength: 12 }) })),
  }),
  /** Tests and demos only: the service's clock starts at this instant and runs on from there. */
  clockStart: Type.Optional(Type.String({ format: 'date-time' })),
});

export type Config = Static<typeof ConfigSchema>;
export type Role = Static<typeof Roles>;
const checker = Compile(ConfigSchema);

type Env = Record<string, string | undefined>;

/** Validation speaks of the variables the operator sets, not of our config object. */
const ENV_NAMES: Record<string, string> = {
  '/role': 'ROLE (api | worker | all)',
  '/port': 'PORT',
  '/databaseUrl': 'DATABASE_URL (postgres://…)',
  '/databaseSchema': 'DATABASE_SCHEMA',
  '/databasePoolSize': 'DATABASE_POOL_SIZE',
  '/redisUrl': 'REDIS_URL (redis://…)',
  '/queuePrefix': 'QUEUE_PREFIX',
  '/bootstrapApiKey': 'BOOTSTRAP_API_KEY (at least 24 characters)',
  '/eventWebhookSecrets': 'EVENT_WEBHOOK_SECRETS (whsec_… secrets, comma-separated)',
  '/publicUrl': 'PUBLIC_URL (https://…)',
  '/twilio/accountSid': 'TWILIO_ACCOUNT_SID (AC + 32 hex)',
  '/twilio/authToken': 'TWILIO_AUTH_TOKEN',
  '/twilio/messagingServiceSid': 'TWILIO_MESSAGING_SERVICE_SID (MG + 32 hex)',
  '/twilio/sendersByCountry': 'TWILIO_SENDERS',
  '/twilio/apiUrl': 'TWILIO_API_URL',
  '/twilio/maxPerSecond': 'TWILIO_MAX_PER_SECOND',
  '/logLevel': 'LOG_LEVEL',
  '/sender/email': 'SENDER_EMAIL',
  '/linkSigningSecret': 'LINK_SIGNING_SECRET (at least 24 characters)',
  '/sender/web': 'SENDER_WEB (https://…)',
  '/messageBodyRetentionDays': 'MESSAGE_BODY_RETENTION_DAYS (1–3650)',
  '/clockStart': 'CLOCK_START (an ISO 8601 instant)',
  '/console/firstAdmin/username': 'STAFF_ADMIN_USERNAME (lower-case letters, digits, . _ -)',
  '/console/firstAdmin/password': 'STAFF_ADMIN_PASSWORD (at least 12 characters)',
  '/twilio/whatsappFrom': 'TWILIO_WHATSAPP_FROM (whatsapp:+E.164)',
  '/email/smtpUrl': 'SMTP_URL (smtp://… or smtps://…)',
  '/email/from': 'EMAIL_FROM',
  '/email/unsubscribeMailbox': 'EMAIL_UNSUBSCRIBE_MAILBOX',
  '/email/poolSize': 'SMTP_POOL_SIZE',
  '/email/maxPerSecond': 'SMTP_MAX_PER_SECOND',
  '/email/dkim/privateKey': 'DKIM_PRIVATE_KEY (PEM)',
  '/email/dkim/domainName': 'DKIM_DOMAIN',
  '/email/dkim/keySelector': 'DKIM_SELECTOR',
  '/email/eventsSecret': 'EMAIL_EVENTS_SECRET (whsec_…)',
  '/letters/sftpUrl': 'SFTP_URL (sftp://user:password@host:port/dir)',
  '/letters/sftpPrivateKey': 'SFTP_PRIVATE_KEY (PEM)',
  '/letters/sftpHostKeyFingerprint': 'SFTP_HOST_KEY_FINGERPRINT (SHA256:…)',
  '/letters/cutoff': 'LETTER_CUTOFF (HH:MM)',
  '/letters/cutoffTimeZone': 'LETTER_CUTOFF_TIME_ZONE',
  '/letters/chromiumPath': 'CHROMIUM_PATH',
  '/chromiumPath': 'CHROMIUM_PATH',
  '/letters/pages': 'PDF_PAGES',
  '/letters/ackPollMs': 'PRINT_ACK_POLL_MS',
  '/fallbackAfterHours': 'FALLBACK_AFTER_HOURS',
  '/forwarding/url': 'FORWARD_URL (https://…)',
  '/forwarding/secret': 'FORWARD_SECRET (whsec_…)',
  '/forwarding/retryForHours': 'FORWARD_RETRY_HOURS (24–720)',
  '/inboundEmailSecret': 'INBOUND_EMAIL_SECRET (whsec_…)',
};

function int(env: Env, key: string, fallback: number): number {
  const raw = env[key];
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw new ConfigError(`${key} must be a whole number, got "${raw}"`);
  return n;
}

/** `PL:+48123456789,FI:Perinta` → { PL: '+48123456789', FI: 'Perinta' } */
function parseSenders(raw: string | undefined): Record<string, string> {
  const senders: Record<string, string> = {};
  for (const pair of (raw ?? '').split(',').map((p) => p.trim()).filter(Boolean)) {
    const [country, sender] = pair.split(':').map((s) => s.trim());
    if (!country || !sender) throw new ConfigError(`TWILIO_SENDERS entry "${pair}" must look like CC:sender`);
    senders[country.toUpperCase()] = sender;
  }
  return senders;
}

/**
 * A channel's setting: the value given, else the local stand-in's outside production; `off` turns
 * the channel off even locally.
 */
function channelValue(value: string | undefined, local: boolean, localDefault: string): string | undefined {
  if (value === 'off') return undefined;
  return value || (local ? localDefault : undefined);
}

function channelSetting<T>(value: string | undefined, local: boolean, localDefault: string, make: (v: string) => T): T | Record<string, never> {
  const v = channelValue(value, local, localDefault);
  return v ? make(v) : {};
}

/** A PEM given inline (with \n escapes, as env files hold them) or as a path to a file. */
function pem(value: string | undefined, name: string): string | undefined {
  if (!value) return undefined;
  if (value.includes('-----BEGIN')) return value.replace(/\\n/g, '\n');
  try {
    return readFileSync(value, 'utf8');
  } catch {
    throw new ConfigError(`${name} must be a PEM key or the path of a readable file`);
  }
}

function emailConfig(env: Env, local: boolean, senderEmail: string): { email?: Config['email'] } {
  const smtpUrl = channelValue(env.SMTP_URL, local, LOCAL_DEFAULTS.SMTP_URL);
  if (!smtpUrl) return {};
  const privateKey = pem(env.DKIM_PRIVATE_KEY, 'DKIM_PRIVATE_KEY');
  const from = env.EMAIL_FROM || senderEmail;
  return {
    email: {
      smtpUrl,
      from,
      unsubscribeMailbox: env.EMAIL_UNSUBSCRIBE_MAILBOX || from,
      poolSize: int(env, 'SMTP_POOL_SIZE', 10),
      maxPerSecond: int(env, 'SMTP_MAX_PER_SECOND', 200),
      ...(env.EMAIL_EVENTS_SECRET || local ? { eventsSecret: env.EMAIL_EVENTS_SECRET || LOCAL_DEFAULTS.EMAIL_EVENTS_SECRET } : {}),
      ...(privateKey ? { dkim: { domainName: env.DKIM_DOMAIN || from.split('@')[1] || '', keySelector: env.DKIM_SELECTOR || 'dco', privateKey } } : {}),
    },
  };
}

function lettersConfig(env: Env, local: boolean): { letters?: Config['letters'] } {
  const sftpUrl = channelValue(env.SFTP_URL, local, LOCAL_DEFAULTS.SFTP_URL);
  if (!sftpUrl) return {};
  const sftpPrivateKey = pem(env.SFTP_PRIVATE_KEY, 'SFTP_PRIVATE_KEY');
  // Letters carry names, addresses and amounts: in production the print house must prove who it is.
  if (!local && !env.SFTP_HOST_KEY_FINGERPRINT) throw new ConfigError('SFTP_URL is set: SFTP_HOST_KEY_FINGERPRINT (SHA256:…) is required in production');
  return {
    letters: {
      sftpUrl,
      ...(sftpPrivateKey ? { sftpPrivateKey } : {}),
      ...(env.SFTP_HOST_KEY_FINGERPRINT ? { sftpHostKeyFingerprint: env.SFTP_HOST_KEY_FINGERPRINT } : {}),
      cutoff: env.LETTER_CUTOFF || '15:00',
      cutoffTimeZone: env.LETTER_CUTOFF_TIME_ZONE || 'Europe/Amsterdam',
      chromiumPath: env.CHROMIUM_PATH || '/usr/bin/chromium',
      pages: int(env, 'PDF_PAGES', 4),
      ackPollMs: int(env, 'PRINT_ACK_POLL_MS', 60_000),
    },
  };
}

function parseAddress(raw: string): { lines: string[]; postalCode: string; city: string; country: string } {
  const parts = raw.split('|').map((p) => p.trim());
  if (parts.length < 4) return { lines: parts.filter(Boolean), postalCode: '', city: '', country: '' };
  const [country = '', city = '', postalCode = ''] = parts.slice(-3).reverse();
  return { lines: parts.slice(0, -3), postalCode, city, country };
}

export function loadConfig(env: Env = process.env): Config {
  const nodeEnv = env.NODE_ENV === 'production' ? 'production' : env.NODE_ENV === 'test' ? 'test' : 'development';
  const local = nodeEnv !== 'production';
  const pick = (key: keyof typeof LOCAL_DEFAULTS): string | undefined => env[key] || (local ? LOCAL_DEFAULTS[key] : undefined);
  const port = int(env, 'PORT', 3000);
  const missing: string[] = (
    ['DATABASE_URL', 'REDIS_URL', 'EVENT_WEBHOOK_SECRETS', 'TWILIO_ACCOUNT_SID', 'TWILIO_AUTH_TOKEN', 'SENDER_NAME', 'SENDER_PHONE', 'SENDER_EMAIL', 'SENDER_WEB', 'LINK_SIGNING_SECRET'] as const
  ).filter((k) => !pick(k));
  if (!env.PUBLIC_URL && !local) missing.push('PUBLIC_URL');
  if (missing.length) throw new ConfigError(`missing required environment: ${missing.join(', ')}`);
  if (env.CLOCK_START && !local) throw new ConfigError('CLOCK_START is for tests and demos; it is refused when NODE_ENV=production');

  const sendersByCountry = parseSenders(env.TWILIO_SENDERS);
  const messagingServiceSid = env.TWILIO_MESSAGING_SERVICE_SID || (local && !Object.keys(sendersByCountry).length ? LOCAL_DEFAULTS.TWILIO_MESSAGING_SERVICE_SID : undefined);
  if (!messagingServiceSid && !Object.keys(sendersByCountry).length) {
    throw new ConfigError('set TWILIO_MESSAGING_SERVICE_SID or TWILIO_SENDERS (a sender per country, e.g. PL:+48123456789,FI:Perinta)');
  }

  const config = {
    env: nodeEnv,
    role: (env.ROLE || 'all') as Role,
    port,
    host: env.HOST || '0.0.0.0',
    databaseUrl: pick('DATABASE_URL'),
    databaseSchema: env.DATABASE_SCHEMA || 'public',
    databasePoolSize: int(env, 'DATABASE_POOL_SIZE', 20),
    redisUrl: pick('REDIS_URL'),
    queuePrefix: env.QUEUE_PREFIX || 'dco',
    linkSigningSecret: pick('LINK_SIGNING_SECRET'),
    ...(pick('BOOTSTRAP_API_KEY') ? { bootstrapApiKey: pick('BOOTSTRAP_API_KEY') } : {}),
    eventWebhookSecrets: (pick('EVENT_WEBHOOK_SECRETS') ?? '').split(',').map((s) => s.trim()).filter(Boolean),
    publicUrl: (env.PUBLIC_URL || `http://127.0.0.1:${port}`).replace(/\/+$/, ''),
    twilio: {
      accountSid: pick('TWILIO_ACCOUNT_SID'),
      authToken: pick('TWILIO_AUTH_TOKEN'),
      ...(messagingServiceSid ? { messagingServiceSid } : {}),
      sendersByCountry,
      apiUrl: (env.TWILIO_API_URL || (local ? LOCAL_DEFAULTS.TWILIO_API_URL : TWILIO_API)).replace(/\/+$/, ''),
      maxPerSecond: int(env, 'TWILIO_MAX_PER_SECOND', 100),
      ...channelSetting(env.TWILIO_WHATSAPP_FROM, local, LOCAL_DEFAULTS.TWILIO_WHATSAPP_FROM, (whatsappFrom) => ({ whatsappFrom })),
    },
    ...emailConfig(env, local, pick('SENDER_EMAIL') ?? ''),
    ...lettersConfig(env, local),
    fallbackAfterHours: int(env, 'FALLBACK_AFTER_HOURS', 48),
    ...(env.FORWARD_URL
      ? { forwarding: { url: env.FORWARD_URL, secret: env.FORWARD_SECRET || (local ? LOCAL_DEFAULTS.FORWARD_SECRET : ''), retryForHours: int(env, 'FORWARD_RETRY_HOURS', 48) } }
      : {}),
    ...(env.INBOUND_EMAIL_SECRET || local ? { inboundEmailSecret: env.INBOUND_EMAIL_SECRET || LOCAL_DEFAULTS.INBOUND_EMAIL_SECRET } : {}),
    workers: {
      planConcurrency: int(env, 'PLAN_CONCURRENCY', 32),
      dispatchConcurrency: int(env, 'DISPATCH_CONCURRENCY', 64),
      lockDurationMs: int(env, 'JOB_LOCK_MS', 30000),
      sweepIntervalMs: int(env, 'SWEEP_INTERVAL_MS', 15000),
      sweepGraceMs: int(env, 'SWEEP_GRACE_MS', 30000),
    },
    sender: {
      name: pick('SENDER_NAME'),
      phone: pick('SENDER_PHONE'),
      email: pick('SENDER_EMAIL'),
      web: (pick('SENDER_WEB') ?? '').replace(/\/+$/, ''),
      hours: env.SENDER_HOURS || (local ? '9.00-17.00' : ''),
      // SENDER_ADDRESS: lines|postal code|city|country, e.g. "Postbus 123|1000 AA|Amsterdam|NL"
      address: parseAddress(env.SENDER_ADDRESS || (local ? 'Postbus 123|1000 AA|Amsterdam|NL' : '')),
    },
    logLevel: env.LOG_LEVEL || (nodeEnv === 'test' ? 'silent' : 'info'),
    messageBodyRetentionDays: int(env, 'MESSAGE_BODY_RETENTION_DAYS', 180),
    chromiumPath: env.CHROMIUM_PATH || '/usr/bin/chromium',
    console: {
      secureCookies: env.CONSOLE_SECURE_COOKIES ? env.CONSOLE_SECURE_COOKIES === 'true' : !local,
      ...(env.STAFF_ADMIN_USERNAME || env.STAFF_ADMIN_PASSWORD ? { firstAdmin: { username: env.STAFF_ADMIN_USERNAME ?? '', password: env.STAFF_ADMIN_PASSWORD ?? '' } } : {}),
    },
    ...(env.CLOCK_START ? { clockStart: env.CLOCK_START } : {}),
  };
  if (!checker.Check(config)) {
    const problems = [...checker.Errors(config)].slice(0, 5).map((e) => `${ENV_NAMES[e.instancePath.replace(/\/\d+$/, '')] ?? e.instancePath} ${e.message}`);
    throw new ConfigError(`invalid configuration: ${problems.join('; ')}`);
  }
  return config;
}
