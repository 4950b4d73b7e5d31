import type { Channel } from '../domain/case-event.ts';

/** What a channel adapter needs to deliver one message. Nothing else leaks in. */
export interface OutboundMessage {
  /** Our deterministic message id; also the BullMQ job id and part of the status callback URL. */
  messageId: string;
  channel: Channel;
  /** Contact point address: E.164 phone number for SMS/WhatsApp, email address, postal address id for letters. */
  to: string;
  body: string;
  /** Case country (ISO 3166-1 alpha-2): picks the sender where senders are per country. */
  country: string;
  /** Where the provider reports delivery statuses for this message. */
  statusCallbackUrl: string;
  /**
   * The rendered parts of the message for its channel: email `subject`, `html`, `text`; WhatsApp
   * `body` (free-form), `contentSid` and `contentVariables` (a JSON object as text) for outside the
   * 24-hour window; letter `page` (the whole A4 HTML page). SMS uses `body` only.
   */
  parts: Readonly<Record<string, string>>;
  /** pl, fi, it, nl: the language the message was rendered in. */
  locale: string | null;
  /** WhatsApp: the debtor wrote to us within the last 24 hours, so free-form text may go. */
  conversationOpen: boolean;
}

/** Provider statuses we store; `accepted`/`scheduled`/`sending` from Twilio fold into `queued`. */
export const PROVIDER_STATUSES = ['queued', 'sent', 'delivered', 'undelivered', 'failed', 'read', 'printed', 'posted'] as const;
export type ProviderStatus = (typeof PROVIDER_STATUSES)[number];

export interface SendResult {
  providerId: string;
  status: ProviderStatus;
  /** What form went, where a channel has several (WhatsApp: `template` or `free-form`): shown on the timeline. */
  variant?: string;
}

export interface SentLookup {
  to: string;
  body: string;
  /** Only messages the provider accepted at or after this instant are considered. */
  sentAfter: Date;
  /** Our id: channels that keep it with the message (letters) match on it exactly. */
  messageId?: string;
  /** The parts that were sent: a WhatsApp template send is found by its filled-in text. */
  parts?: Readonly<Record<string, string>>;
}

/**
 * One narrow interface per channel. `send` throws TransientChannelError (retry with backoff)
 * or PermanentChannelError (fail, maybe mark the contact point); anything else is treated as transient.
 * `findSent` asks the provider which messages matching a lost send (crash mid-send) it holds, newest
 * first; the caller adopts the first one no other message of ours has claimed.
 */
export interface ChannelAdapter {
  readonly channel: Channel;
  send(message: OutboundMessage): Promise<SendResult>;
  findSent(lookup: SentLookup): Promise<SendResult[]>;
  /** Releases connections, browsers, pools: called when the worker stops. */
  close?(): Promise<void>;
}
