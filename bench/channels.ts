import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { parseArgs } from 'node:util';
import { loadContent } from './channels/content.ts';
import { runEmail } from './channels/email.ts';
import { runLetters } from './channels/letters.ts';
import { line } from './channels/lib.ts';
import { printSummary, type Figures } from './channels/measure.ts';
import { runTwilio } from './channels/twilio.ts';

// npm run bench:channels — messages per second through each channel adapter to its local server
// (the Twilio stand-in, the SMTP stand-in, each in its own process), and letters (PDFs) per second
// through the page pool of one Chromium. The goals: SMS and email at least 1,000/s each on
// 2 cores, letters at least 20 PDFs/s. Prints figures; asserts nothing.
//   --sms 10000  --whatsapp 10000  --emails 5000 (per variant)  --letters 300 (per pool size)
//   --concurrency 64 (sends in flight, SMS/WhatsApp/email)  --warmup 500
//   --email-pools 5,10  --dkim both|on|off  --email-threads 1,2 (sender threads, each one standing for a
//   dispatch process: 2 shows what the second core adds)  --letter-pools 2,4  --chromium /usr/bin/chromium
//   --only sms,whatsapp,email,letters  --outbox (also the letter adapter into a throwaway schema;
//   DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test)  --outbox-pages 4

const { values: opts } = parseArgs({
  options: {
    sms: { type: 'string', default: '10000' },
    whatsapp: { type: 'string', default: '10000' },
    emails: { type: 'string', default: '5000' },
    letters: { type: 'string', default: '300' },
    concurrency: { type: 'string', default: '64' },
    warmup: { type: 'string', default: '500' },
    'email-pools': { type: 'string', default: '5,10' },
    dkim: { type: 'string', default: 'both' },
    'email-threads': { type: 'string', default: '1,2' },
    'letter-pools': { type: 'string', default: '2,4' },
    chromium: { type: 'string', default: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium' },
    only: { type: 'string', default: 'sms,whatsapp,email,letters' },
    outbox: { type: 'boolean', default: false },
    'outbox-pages': { type: 'string', default: '4' },
  },
});

const count = (name: string, value: string | undefined): number => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new RangeError(`--${name} must be a whole number, not ${value}`);
  return n;
};
const list = (name: string, value: string): number[] => value.split(',').map((v) => count(name, v.trim()));
const only = new Set(opts.only.split(',').map((s) => s.trim()));
const signing = ({ both: [false, true], on: [true], off: [false] } as Record<string, boolean[]>)[opts.dkim];
if (!signing) throw new RangeError('--dkim must be both, on or off');

const loadavg = (): string => readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');

const concurrency = count('concurrency', opts.concurrency);
const warmup = count('warmup', opts.warmup);
line(`channel benchmark: ${cpus().length} CPUs (${cpus()[0]?.model ?? 'unknown'}), Node ${process.version}; load average at start ${loadavg()}`);
line(`  ${concurrency} sends in flight, ${warmup} warm-up sends per run (not counted); stand-ins run as child processes`);
const started = performance.now();
const content = await loadContent();
const figures: Figures[] = [];

if (only.has('sms') || only.has('whatsapp')) {
  line('');
  line('SMS and WhatsApp: adapter → createTwilioClient (keep-alive, 64 sockets) → scripts/twilio-standin.ts, callbacks off');
  const sms = only.has('sms') ? count('sms', opts.sms) : 0;
  const whatsapp = only.has('whatsapp') ? count('whatsapp', opts.whatsapp) : 0;
  figures.push(...(await runTwilio(content, { sms, whatsapp, concurrency, warmup })));
}
if (only.has('email')) {
  line('');
  line('email: adapter → pooled nodemailer → scripts/smtp-standin.ts (smtp-server); payment-missed in pl, fi, it, nl; DKIM RSA-2048; senders in worker threads');
  figures.push(...(await runEmail(content, { emails: count('emails', opts.emails), concurrency, warmup, pools: list('email-pools', opts['email-pools']), signing, threads: list('email-threads', opts['email-threads']) })));
}
if (only.has('letters')) {
  line('');
  line(`letters: createPdfRenderer (${opts.chromium}, one browser, a pool of pages) → A4 PDF`);
  const outbox = opts.outbox ? { databaseUrl: process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test', pages: count('outbox-pages', opts['outbox-pages']) } : null;
  figures.push(...(await runLetters(content, { letters: count('letters', opts.letters), pools: list('letter-pools', opts['letter-pools']), chromiumPath: opts.chromium, outbox })));
}

printSummary(figures);
line('');
line(`done in ${((performance.now() - started) / 1000).toFixed(0)} s; load average at the end ${loadavg()}`);
