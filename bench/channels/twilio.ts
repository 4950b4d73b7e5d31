import { createTwilioClient } from '../../src/channels/twilio-client.ts';
import { createTwilioSmsAdapter } from '../../src/channels/twilio-sms.ts';
import { createTwilioWhatsappAdapter, whatsappAddress } from '../../src/channels/twilio-whatsapp.ts';
import { outbound, phoneNumber, messageIds, type Content } from './content.ts';
import { drive, line, startServer, warmUp } from './lib.ts';
import { INDENT, measure, printFigures, type Figures } from './measure.ts';

// SMS and WhatsApp through the real adapters over createTwilioClient (twilio-node's resources on
// our keep-alive transport) to the Twilio stand-in in its own process, status callbacks off: the
// figure is the send path (request, Twilio's answer, classification), as dispatch calls it.

const ACCOUNT_SID = 'AC' + 'c4'.repeat(16);
const AUTH_TOKEN = 'bench-channels-auth-token';
// Alphanumeric sender ids where the country allows them (PL, FI, NL), a number for Italy, as an operator would configure.
const SENDERS = { PL: 'DemoCollect', FI: 'DemoCollect', NL: 'DemoCollect', IT: '+393401234567' };
const WHATSAPP_FROM = 'whatsapp:+31612300000';

export interface TwilioRunOptions {
  sms: number;
  whatsapp: number;
  concurrency: number;
  warmup: number;
}

interface StandinStats {
  accepted: number;
  duplicates: number;
  rejected: number;
  connections: number;
  whatsapp: { freeForm: number; template: number };
}

export async function runTwilio(content: Content, opts: TwilioRunOptions): Promise<Figures[]> {
  const standin = await startServer(
    'scripts/twilio-standin.ts',
    { TWILIO_STANDIN_PORT: '0', TWILIO_ACCOUNT_SID: ACCOUNT_SID, TWILIO_AUTH_TOKEN: AUTH_TOKEN, TWILIO_STANDIN_CALLBACKS: '0' },
    /listening on (http:\/\/\S+)/,
  );
  const url = standin.ready[1]!;
  const stats = async (): Promise<StandinStats> => (await (await fetch(`${url}/__standin/stats`)).json()) as StandinStats;
  const figures: Figures[] = [];
  try {
    // One client for both adapters, as the registry builds it: one keep-alive pool of 64 sockets.
    const client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: url });
    const id = messageIds();
    let next = 0;

    if (opts.sms > 0) {
      const sms = createTwilioSmsAdapter({ client, sendersByCountry: SENDERS });
      const rendered = content.rendered('payment-missed', 'sms');
      const send = (i: number) => sms.send(outbound('sms', rendered, id, next + i, phoneNumber));
      await warmUp(opts.warmup, opts.concurrency, send);
      next += opts.warmup;
      const before = await stats();
      const f = await measure({ label: 'SMS (Twilio)', goal: 1_000, concurrency: opts.concurrency, serverPids: () => [standin.pid], serverName: 'stand-in', run: () => drive(opts.sms, opts.concurrency, send) });
      next += opts.sms;
      printFigures(f);
      const after = await stats();
      line(`  ${INDENT} stand-in: ${after.accepted - before.accepted} accepted, ${after.rejected - before.rejected} refused, ${after.duplicates} duplicate ids, ${after.connections} TCP connections in all`);
      figures.push(f);
    }

    if (opts.whatsapp > 0) {
      const whatsapp = createTwilioWhatsappAdapter({ client, from: WHATSAPP_FROM });
      const rendered = content.rendered('payment-missed', 'whatsapp');
      // Even i: outside the 24-hour window (the approved Content template, no Body); odd i: inside it (free-form text).
      const send = (i: number) => {
        const n = next + i;
        return whatsapp.send({ ...outbound('whatsapp', rendered, id, n, (c, k) => whatsappAddress(phoneNumber(c, k))), conversationOpen: n % 2 === 1 });
      };
      await warmUp(opts.warmup, opts.concurrency, send);
      next += opts.warmup;
      const before = await stats();
      const f = await measure({ label: 'WhatsApp (Twilio)', goal: null, concurrency: opts.concurrency, serverPids: () => [standin.pid], serverName: 'stand-in', run: () => drive(opts.whatsapp, opts.concurrency, send) });
      printFigures(f);
      const after = await stats();
      line(
        `  ${INDENT} stand-in: ${after.whatsapp.template - before.whatsapp.template} Content template sends, ${after.whatsapp.freeForm - before.whatsapp.freeForm} free-form, ${after.rejected - before.rejected} refused, ${after.duplicates} duplicate ids`,
      );
      figures.push(f);
    }
  } finally {
    await standin.stop();
  }
  return figures;
}

