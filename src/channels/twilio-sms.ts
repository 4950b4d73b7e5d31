// SMS through Twilio's Messages API. Errors are classified by type, HTTP status and Twilio error
// code, never by message text. Twilio's error messages echo the phone number, so neither they nor
// the underlying error objects (axios errors carry the request body) are passed on: our errors
// carry only status and code.
import { createRequire } from 'node:module';
import twilio from 'twilio';
import type tseModule from 'twilio/lib/base/TwilioServiceException.js';
import type { ChannelAdapter, OutboundMessage, ProviderStatus, SendResult, SentLookup } from './channel-adapter.ts';
import type { TwilioClient } from './twilio-client.ts';
import { ConfigError, PermanentChannelError, TransientChannelError, type ContactPointEffect } from '../errors.ts';

// RFC 9457-shaped errors from newer Twilio APIs; not re-exported by the package index. A CommonJS
// module with `exports.default`, loaded with require so the class is found the same way under
// Node and under vitest's ESM interop.
const TwilioServiceException = (
  createRequire(import.meta.url)('twilio/lib/base/TwilioServiceException.js') as typeof tseModule
).default;

export interface TwilioSmsAdapterOptions {
  client: TwilioClient;
  /** When set, Twilio picks the sender from the service's pool (geo-match); `From` is not sent. */
  messagingServiceSid?: string;
  /** Sender (number or alphanumeric id) per case country, ISO 3166-1 alpha-2. */
  sendersByCountry?: Record<string, string>;
  defaultSender?: string;
  /** Clock slack when comparing Twilio's date_created (whole seconds) with `sentAfter` (default 5 s). */
  clockSlackMs?: number;
}

const STATUS_MAP: Readonly<Record<string, ProviderStatus>> = {
  accepted: 'queued',
  scheduled: 'queued',
  queued: 'queued',
  sending: 'queued',
  sent: 'sent',
  delivered: 'delivered',
  undelivered: 'undelivered',
  failed: 'failed',
  read: 'read',
  canceled: 'failed', // a canceled scheduled message will never go out
};

/** Twilio message status (API resource or status callback) → our provider status; null for inbound/unknown. */
export function mapTwilioStatus(s: string): ProviderStatus | null {
  return Object.hasOwn(STATUS_MAP, s) ? (STATUS_MAP[s] ?? null) : null;
}

/** Twilio error codes that say something about the contact point. */
const CONTACT_POINT_EFFECTS: ReadonlyMap<number, ContactPointEffect> = new Map([
  [21211, 'invalid'], // invalid 'To' number
  [21614, 'invalid'], // 'To' is not a mobile number
  [21610, 'opted-out'], // recipient replied STOP
]);

const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ENOTFOUND',
  'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** Turns whatever twilio-node threw into TransientChannelError or PermanentChannelError. */
export function classifyTwilioError(err: unknown): TransientChannelError | PermanentChannelError {
  if (err instanceof twilio.RestException || err instanceof TwilioServiceException) {
    const status: number = err.status;
    const code: number | undefined = typeof err.code === 'number' ? err.code : undefined;
    const codeText = code === undefined ? `HTTP_${status}` : String(code);
    const what = `Twilio answered HTTP ${status}${code === undefined ? '' : `, error ${code}`}`;
    const effect = code === undefined ? undefined : CONTACT_POINT_EFFECTS.get(code);
    if (effect !== undefined) return new PermanentChannelError(what, codeText, effect);
    if (status === 429 || status >= 500) return new TransientChannelError(what, codeText, { mayHaveBeenSent: !NOT_SENT_CODES.has(codeText) && status !== 429 });
    if (status >= 400) return new PermanentChannelError(what, codeText, null);
    return new TransientChannelError(what, codeText);
  }
  const netCode = networkCode(err);
  if (netCode !== undefined) {
    return new TransientChannelError(`Twilio unreachable (${netCode})`, netCode, { mayHaveBeenSent: !NOT_SENT_CODES.has(netCode) });
  }
  const name = err instanceof Error ? err.name : typeof err;
  return new TransientChannelError(`Twilio request failed (${name})`, 'UNKNOWN');
}

/** The system error code of an axios/Node network error, also when wrapped (AggregateError, cause). */
function networkCode(err: unknown, depth = 0): string | undefined {
  if (typeof err !== 'object' || err === null || depth > 3) return undefined;
  const code = (err as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return code;
  if (err instanceof AggregateError) {
    for (const inner of err.errors) {
      const found = networkCode(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return networkCode((err as { cause?: unknown }).cause, depth + 1);
}

/** Transient failures where the request cannot have reached Twilio (nothing was sent). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '20429', 'HTTP_429']);

/**
 * Whether a failed send may nevertheless have gone out: a connection reset or timeout after the
 * request was written, or a 5xx. Before retrying such a message, ask `findSent` first.
 */
export function mayHaveBeenSent(err: unknown): boolean {
  if (err instanceof PermanentChannelError) return false;
  if (err instanceof TransientChannelError) return err.mayHaveBeenSent;
  return true;
}

interface TwilioMessageLike {
  sid: string;
  status: string;
}

interface ListPage {
  instances: Array<TwilioMessageLike & { body: string; dateCreated: Date }>;
  nextPage(): Promise<ListPage> | undefined;
}

function toSendResult(m: TwilioMessageLike): SendResult {
  return { providerId: m.sid, status: mapTwilioStatus(m.status) ?? 'queued' };
}

export function createTwilioSmsAdapter(opts: TwilioSmsAdapterOptions): ChannelAdapter {
  const { client, messagingServiceSid } = opts;
  const senders = new Map(Object.entries(opts.sendersByCountry ?? {}).map(([c, s]) => [c.toUpperCase(), s]));
  const slackMs = opts.clockSlackMs ?? 5_000;
  if (!messagingServiceSid && !opts.defaultSender && senders.size === 0) {
    throw new ConfigError('twilio-sms: set a messaging service SID, a default sender or senders by country');
  }

  function sender(country: string): { messagingServiceSid: string } | { from: string } {
    if (messagingServiceSid) return { messagingServiceSid };
    const from = senders.get(country.toUpperCase()) ?? opts.defaultSender;
    if (!from) throw new PermanentChannelError(`twilio-sms: no sender for country ${country}`, 'NO_SENDER', null);
    return { from };
  }

  return {
    channel: 'sms',

    async send(message: OutboundMessage): Promise<SendResult> {
      const params = {
        to: message.to,
        body: message.body,
        statusCallback: message.statusCallbackUrl,
        ...sender(message.country),
      };
      try {
        return toSendResult(await client.messages.create(params));
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },

    // Lists the recipient's messages newest first and stops at the first one created before the
    // window. No DateSent filter on purpose: Twilio filters on date_sent, which is empty while a
    // message is still accepted/queued, and such a message must be found too.
    async findSent(lookup: SentLookup): Promise<SendResult[]> {
      const cutoff = lookup.sentAfter.getTime() - slackMs;
      const found: SendResult[] = [];
      try {
        let page: ListPage = await client.messages.page({ to: lookup.to, pageSize: 100 });
        for (let pages = 0; pages < 20; pages++) {
          for (const m of page.instances) {
            const created = m.dateCreated instanceof Date ? m.dateCreated.getTime() : Number.NaN;
            if (created < cutoff) return found;
            if (m.body === lookup.body) found.push(toSendResult(m));
          }
          const next = page.nextPage();
          if (next === undefined) return found;
          page = await next;
        }
        return found;
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },
  };
}
