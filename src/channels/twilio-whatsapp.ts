// WhatsApp through Twilio's Messages API. Inside the 24-hour customer-service window (the debtor
// wrote to us) free-form text may go; outside it only an approved Content template, sent as
// ContentSid + ContentVariables without Body: since April 2025 Twilio refuses a template sent as
// Body (63016). Errors are classified like SMS (twilio-errors.ts), with WhatsApp's own codes.
import type { ChannelAdapter, OutboundMessage, SendResult, SentLookup } from './channel-adapter.ts';
import type { TwilioClient } from './twilio-client.ts';
import { classifyTwilioFailure, type TwilioErrorCodes } from './twilio-errors.ts';
import { findRecentMessages, toSendResult } from './twilio-messages.ts';
import { ConfigError, PermanentChannelError, TransientChannelError, type ContactPointEffect } from '../errors.ts';

export interface TwilioWhatsappAdapterOptions {
  client: TwilioClient;
  /** The WhatsApp sender, `whatsapp:+E.164`. */
  from: string;
  /** Sent alongside `From` when set (the service's settings, e.g. validity period, apply). */
  messagingServiceSid?: string;
  /**
   * Approved template text by ContentSid, with Twilio's {{1}}, {{2}}… placeholders (the `body` of
   * templates/whatsapp/content.<lang>.yaml). Twilio stores a template message with its filled-in
   * text as `body`: with this, `findSent` recognises a template send too.
   */
  contentTexts?: ReadonlyMap<string, string>;
  /** Clock slack when comparing Twilio's date_created (whole seconds) with `sentAfter` (default 5 s). */
  clockSlackMs?: number;
}

/**
 * A lost send to reconcile. `parts` (the message's rendered parts) is not in SentLookup yet; when a
 * caller passes it, a template send can be matched as well as a free-form one.
 */
export interface WhatsappSentLookup extends SentLookup {
  parts?: Readonly<Record<string, string>>;
}

export interface TwilioWhatsappAdapter extends ChannelAdapter {
  findSent(lookup: WhatsappSentLookup): Promise<SendResult[]>;
}

// https://www.twilio.com/docs/whatsapp/api/error-code-mapping and the per-code pages. Most of these
// usually arrive in a `failed` status callback rather than in the API answer: see
// whatsappContactPointEffect for that path.
const WHATSAPP_CODES: TwilioErrorCodes = {
  contactPointEffects: new Map<number, ContactPointEffect>([
    [21211, 'invalid'], // invalid 'To' number
    [63003, 'invalid'], // channel could not find the To address: inactive or not a WhatsApp user
    [63024, 'invalid'], // Meta: invalid recipient (not on WhatsApp, or terms not accepted)
    [21610, 'opted-out'], // the recipient opted out (STOP)
    [63014, 'opted-out'], // blocked by the recipient's action (blocked us, withdrew consent)
    // Permanent without an effect (default for 4xx), named for the reader: 63016 outside the
    // window / free-form not allowed; 63032 the number is in a Meta marketing experiment; 63049
    // Meta chose not to deliver a marketing template; 63007 the sender is not a WhatsApp channel;
    // 21655/21656 invalid ContentSid/ContentVariables. A fallback channel is the right answer.
  ]),
  transient: new Set([
    63018, // channel rate limit (WhatsApp's per-sender messaging limit)
    63017, // account rate limit
    63038, // account daily message limit
  ]),
};

const OUTSIDE_WINDOW = 63016;

/** Turns whatever twilio-node threw on a WhatsApp request into TransientChannelError or PermanentChannelError. */
export function classifyTwilioWhatsappError(err: unknown): TransientChannelError | PermanentChannelError {
  return classifyTwilioFailure(err, WHATSAPP_CODES);
}

/**
 * What an ErrorCode in a WhatsApp status callback (`failed`/`undelivered`) says about the contact
 * point, for the status route: Meta's refusals usually arrive there, after Twilio accepted the send.
 */
export function whatsappContactPointEffect(errorCode: string | number | null | undefined): ContactPointEffect {
  const code = typeof errorCode === 'number' ? errorCode : Number.parseInt(errorCode ?? '', 10);
  return WHATSAPP_CODES.contactPointEffects.get(code) ?? null;
}

/** `whatsapp:+E.164` for a contact point address that may or may not carry the prefix already. */
export function whatsappAddress(address: string): string {
  return address.startsWith('whatsapp:') ? address : `whatsapp:${address}`;
}

interface TemplateParams {
  contentSid: string;
  contentVariables?: string;
}

function templateOf(parts: Readonly<Record<string, string>>): TemplateParams | null {
  const contentSid = parts.contentSid;
  if (!contentSid) return null;
  const contentVariables = parts.contentVariables;
  return contentVariables ? { contentSid, contentVariables } : { contentSid };
}

/** The text Twilio stores for a template message: the approved text with its variables filled in. */
function templateText(text: string, contentVariables: string | undefined): string | null {
  let values: unknown = {};
  try {
    if (contentVariables) values = JSON.parse(contentVariables);
  } catch {
    return null;
  }
  if (typeof values !== 'object' || values === null) return null;
  const byKey = values as Record<string, unknown>;
  return text.replace(/\{\{\s*([A-Za-z0-9_]+)\s*\}\}/g, (whole, key: string) => {
    const value = Object.hasOwn(byKey, key) ? byKey[key] : undefined;
    return typeof value === 'string' ? value : whole;
  });
}

export function createTwilioWhatsappAdapter(opts: TwilioWhatsappAdapterOptions): TwilioWhatsappAdapter {
  const { client, from, messagingServiceSid } = opts;
  const slackMs = opts.clockSlackMs ?? 5_000;
  if (!/^whatsapp:\+[1-9]\d{1,14}$/.test(from)) throw new ConfigError('twilio-whatsapp: the sender must look like whatsapp:+E.164');

  async function create(params: { to: string; statusCallback: string } & ({ body: string } | TemplateParams)): Promise<SendResult> {
    try {
      return toSendResult(await client.messages.create({ ...params, from, ...(messagingServiceSid ? { messagingServiceSid } : {}) }));
    } catch (err) {
      throw classifyTwilioWhatsappError(err);
    }
  }

  return {
    channel: 'whatsapp',

    async send(message: OutboundMessage): Promise<SendResult> {
      const to = whatsappAddress(message.to);
      const statusCallback = message.statusCallbackUrl;
      const template = templateOf(message.parts);
      const text = message.parts.body ?? message.body;
      if (!message.conversationOpen || !text) {
        if (template) return { ...(await create({ to, statusCallback, ...template })), variant: 'template' };
        if (message.conversationOpen) throw new PermanentChannelError('twilio-whatsapp: no text and no Content template', 'empty-message', null);
        // Free-form text outside the window would be refused (63016) or, worse, break WhatsApp's rules.
        throw new PermanentChannelError('twilio-whatsapp: outside the 24-hour window and no approved Content template', 'no-content-template', null);
      }
      try {
        return { ...(await create({ to, statusCallback, body: text })), variant: 'free-form' };
      } catch (err) {
        // The window is measured from our record of the debtor's last message; Twilio's count is
        // the one that holds. 63016 means nothing went out, so the approved template may go instead.
        if (template && err instanceof PermanentChannelError && err.code === String(OUTSIDE_WINDOW)) {
          return { ...(await create({ to, statusCallback, ...template })), variant: 'template' };
        }
        throw err;
      }
    },

    async findSent(lookup: WhatsappSentLookup): Promise<SendResult[]> {
      // Empty texts never match: Twilio may leave a template message's body empty.
      const expected = new Set(lookup.body ? [lookup.body] : []);
      const template = lookup.parts ? templateOf(lookup.parts) : null;
      const approved = template ? opts.contentTexts?.get(template.contentSid) : undefined;
      if (template && approved !== undefined) {
        const filled = templateText(approved, template.contentVariables);
        if (filled) expected.add(filled);
      }
      try {
        return await findRecentMessages(client, whatsappAddress(lookup.to), lookup.sentAfter.getTime() - slackMs, (m) => expected.has(m.body));
      } catch (err) {
        throw classifyTwilioWhatsappError(err);
      }
    },
  };
}
