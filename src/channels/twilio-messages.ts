// What the SMS and WhatsApp adapters read back from Twilio's Messages resource: statuses, and the
// recent messages to one recipient (to reconcile a send whose outcome is unknown).
import type { ProviderStatus, SendResult } from './channel-adapter.ts';
import type { TwilioClient } from './twilio-client.ts';

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

export interface TwilioMessageLike {
  sid: string;
  status: string;
}

export interface ListedMessage extends TwilioMessageLike {
  body: string;
  dateCreated: Date;
}

interface ListPage {
  instances: ListedMessage[];
  nextPage(): Promise<ListPage> | undefined;
}

export function toSendResult(m: TwilioMessageLike): SendResult {
  return { providerId: m.sid, status: mapTwilioStatus(m.status) ?? 'queued' };
}

/**
 * The messages to `to` created at or after `since` (epoch ms) that `matches` accepts, newest first.
 * Lists the recipient's messages newest first and stops at the first one created before `since`.
 * No DateSent filter on purpose: Twilio filters on date_sent, which is empty while a message is
 * still accepted/queued, and such a message must be found too. Twilio's errors are thrown as they
 * are, for the caller to classify.
 */
export async function findRecentMessages(client: TwilioClient, to: string, since: number, matches: (m: ListedMessage) => boolean): Promise<SendResult[]> {
  const found: SendResult[] = [];
  let page: ListPage = await client.messages.page({ to, pageSize: 100 });
  for (let pages = 0; pages < 20; pages++) {
    for (const m of page.instances) {
      const created = m.dateCreated instanceof Date ? m.dateCreated.getTime() : Number.NaN;
      if (created < since) return found;
      if (matches(m)) found.push(toSendResult(m));
    }
    const next = page.nextPage();
    if (next === undefined) return found;
    page = await next;
  }
  return found;
}
