// SMS through Twilio's Messages API. Errors are classified by type, HTTP status and Twilio error
// code (twilio-errors.ts), never by message text, and never carry Twilio's own message, which
// echoes the phone number.
import type { ChannelAdapter, OutboundMessage, SendResult, SentLookup } from './channel-adapter.ts';
import type { TwilioClient } from './twilio-client.ts';
import { classifyTwilioFailure, type TwilioErrorCodes } from './twilio-errors.ts';
import { findRecentMessages, toSendResult } from './twilio-messages.ts';
import { ConfigError, PermanentChannelError, TransientChannelError } from '../errors.ts';

export { mayHaveBeenSent } from './twilio-errors.ts';
export { mapTwilioStatus } from './twilio-messages.ts';

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

/** Twilio error codes that say something about the contact point. */
const SMS_CODES: TwilioErrorCodes = {
  contactPointEffects: new Map([
    [21211, 'invalid'], // invalid 'To' number
    [21614, 'invalid'], // 'To' is not a mobile number
    [21610, 'opted-out'], // recipient replied STOP
  ]),
};

/** Turns whatever twilio-node threw on an SMS request into TransientChannelError or PermanentChannelError. */
export function classifyTwilioError(err: unknown): TransientChannelError | PermanentChannelError {
  return classifyTwilioFailure(err, SMS_CODES);
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

    // See findRecentMessages for why there is no DateSent filter.
    async findSent(lookup: SentLookup): Promise<SendResult[]> {
      try {
        return await findRecentMessages(client, lookup.to, lookup.sentAfter.getTime() - slackMs, (m) => m.body === lookup.body);
      } catch (err) {
        throw classifyTwilioError(err);
      }
    },
  };
}
