// Twilio failures → our error classes, shared by the SMS and WhatsApp adapters. Errors are
// classified by type, HTTP status and Twilio error code, never by message text. Twilio's error
// messages echo the phone number, so neither they nor the underlying error objects (axios errors
// carry the request body) are passed on: our errors carry only status and code.
import { createRequire } from 'node:module';
import twilio from 'twilio';
import type tseModule from 'twilio/lib/base/TwilioServiceException.js';
import { PermanentChannelError, TransientChannelError, type ContactPointEffect } from '../errors.ts';

// RFC 9457-shaped errors from newer Twilio APIs; not re-exported by the package index. A CommonJS
// module with `exports.default`, loaded with require so the class is found the same way under
// Node and under vitest's ESM interop.
const TwilioServiceException = (
  createRequire(import.meta.url)('twilio/lib/base/TwilioServiceException.js') as typeof tseModule
).default;

/** What a channel's Twilio error codes mean beyond their HTTP status. */
export interface TwilioErrorCodes {
  /** Permanent, and what the error says about the contact point. */
  contactPointEffects: ReadonlyMap<number, ContactPointEffect>;
  /**
   * Worth retrying later although Twilio answers 4xx (channel rate limits). Twilio refused the
   * request, so nothing went out and the retry may send at once.
   */
  transient?: ReadonlySet<number>;
}

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

/** Transient failures where the request cannot have reached Twilio (nothing was sent). */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', '20429', 'HTTP_429']);

/** Turns whatever twilio-node threw into TransientChannelError or PermanentChannelError. */
export function classifyTwilioFailure(err: unknown, codes: TwilioErrorCodes): TransientChannelError | PermanentChannelError {
  if (err instanceof twilio.RestException || err instanceof TwilioServiceException) {
    const status: number = err.status;
    const code: number | undefined = typeof err.code === 'number' ? err.code : undefined;
    const codeText = code === undefined ? `HTTP_${status}` : String(code);
    const what = `Twilio answered HTTP ${status}${code === undefined ? '' : `, error ${code}`}`;
    const effect = code === undefined ? undefined : codes.contactPointEffects.get(code);
    if (effect !== undefined) return new PermanentChannelError(what, codeText, effect);
    if (code !== undefined && codes.transient?.has(code)) return new TransientChannelError(what, codeText, { mayHaveBeenSent: false });
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

/**
 * Whether a failed send may nevertheless have gone out: a connection reset or timeout after the
 * request was written, or a 5xx. Before retrying such a message, ask `findSent` first.
 */
export function mayHaveBeenSent(err: unknown): boolean {
  if (err instanceof PermanentChannelError) return false;
  if (err instanceof TransientChannelError) return err.mayHaveBeenSent;
  return true;
}
