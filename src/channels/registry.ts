import type { Config } from '../config.ts';
import type { Channel } from '../domain/case-event.ts';
import type { Logger } from '../logger.ts';
import { unsubscribeUrl } from '../http/unsubscribe-route.ts';
import type { ChannelAdapter } from './channel-adapter.ts';
import { createSmtpEmailAdapter } from './smtp-email.ts';
import { createTwilioClient } from './twilio-client.ts';
import { createTwilioSmsAdapter } from './twilio-sms.ts';
import { createTwilioWhatsappAdapter } from './twilio-whatsapp.ts';
import { createLetterAdapter } from './letter-adapter.ts';
import { createPdfRenderer, type PdfRenderer } from './letter/pdf-renderer.ts';
import type { Db } from '../store/db.ts';

// The channel registry: explicit, one adapter per channel, each on when it is configured. SMS is
// always on (Twilio is required); WhatsApp needs TWILIO_WHATSAPP_FROM, email SMTP_URL, letters
// SFTP_URL. The planner only chooses channels that have an adapter here.

/** Unsubscribe links in email headers stay valid this long. */
const UNSUBSCRIBE_LINK_DAYS = 90;

export function sendingChannels(config: Config): ReadonlySet<Channel> {
  const channels = new Set<Channel>(['sms']);
  if (config.twilio.whatsappFrom) channels.add('whatsapp');
  if (config.email) channels.add('email');
  if (config.letters) channels.add('letter');
  return channels;
}

/**
 * `contentTexts` (approved Content template id → its text with {{n}}) lets the WhatsApp adapter
 * recognise a template it sent when an outcome was lost.
 */
export function createAdapters(config: Config, db: Db, log: Logger, now: () => Date, contentTexts: ReadonlyMap<string, string> = new Map()): Map<Channel, ChannelAdapter> {
  const { twilio } = config;
  const client = createTwilioClient({ accountSid: twilio.accountSid, authToken: twilio.authToken, apiUrl: twilio.apiUrl });
  const adapters = new Map<Channel, ChannelAdapter>([
    ['sms', createTwilioSmsAdapter({ client, sendersByCountry: twilio.sendersByCountry, ...(twilio.messagingServiceSid ? { messagingServiceSid: twilio.messagingServiceSid } : {}) })],
  ]);
  if (twilio.whatsappFrom) {
    adapters.set('whatsapp', createTwilioWhatsappAdapter({ client, from: twilio.whatsappFrom, ...(twilio.messagingServiceSid ? { messagingServiceSid: twilio.messagingServiceSid } : {}), contentTexts }));
  }
  if (config.email) {
    const email = config.email;
    adapters.set(
      'email',
      createSmtpEmailAdapter({
        smtpUrl: email.smtpUrl,
        from: email.from,
        fromName: config.sender.name,
        unsubscribeMailbox: email.unsubscribeMailbox,
        poolSize: email.poolSize,
        ...(email.dkim ? { dkim: email.dkim } : {}),
        unsubscribeUrl: (messageId) => unsubscribeUrl(config.publicUrl, config.linkSigningSecret, messageId, new Date(now().getTime() + UNSUBSCRIBE_LINK_DAYS * 86_400_000)),
        onConfigProblem: (code) => log.error({ code }, 'email cannot be sent: check SMTP credentials and TLS'),
      }),
    );
  }
  if (config.letters) {
    const pdf = lazyPdfRenderer({ chromiumPath: config.letters.chromiumPath, pages: config.letters.pages });
    adapters.set('letter', { ...createLetterAdapter({ db, pdf, now }), close: () => pdf.close() });
  }
  return adapters;
}

/**
 * Chromium starts with the first letter, not with the worker: a worker that never renders a
 * letter never runs a browser. A failed start is tried again at the next letter.
 */
function lazyPdfRenderer(opts: { chromiumPath: string; pages: number }): PdfRenderer {
  let started: Promise<PdfRenderer> | null = null;
  const renderer = (): Promise<PdfRenderer> =>
    (started ??= createPdfRenderer(opts).catch((err: unknown) => {
      started = null;
      throw err;
    }));
  return {
    render: async (html) => (await renderer()).render(html),
    close: async () => {
      if (started) await (await started.catch(() => null))?.close();
    },
  };
}

export async function closeAdapters(adapters: ReadonlyMap<Channel, ChannelAdapter>): Promise<void> {
  await Promise.all([...adapters.values()].map((a) => a.close?.()));
}
