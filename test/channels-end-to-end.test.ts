import { execFile } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import type { CaseEvent } from '../src/domain/case-event.ts';
import { runPrintBatch } from '../src/channels/letter/print-house.ts';
import { zbpQrPayload } from '../src/rendering/payment-codes.ts';

// The contract events through the pipeline and the real clients, one channel each, to local
// servers that speak the protocols: twilio-node to the Twilio stand-in (SMS and WhatsApp),
// nodemailer to an SMTP server (parsed, DKIM verified independently), Chromium to PDF, ssh2 to an
// SFTP print house. Then a fallback across three real channels.

const run = promisify(execFile);
const DOMAIN = 'demo-collect.example';
const SELECTOR = 'dco';
const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const dnsRecord = `v=DKIM1; k=rsa; p=${keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;
const resolver = async (name: string, rrtype: string): Promise<string[][]> => {
  if (rrtype === 'TXT' && name === `${SELECTOR}._domainkey.${DOMAIN}`) return [[dnsRecord]];
  throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
};

let h: Harness;
let work: string;
beforeAll(async () => {
  h = await createHarness({
    workers: true,
    channels: ['sms', 'whatsapp', 'email', 'letter'],
    env: { DKIM_PRIVATE_KEY: keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), DKIM_DOMAIN: DOMAIN, DKIM_SELECTOR: SELECTOR, SENDER_EMAIL: `help@${DOMAIN}` },
  });
  work = await mkdtemp(path.join(tmpdir(), 'e2e-letters-'));
});
afterAll(async () => {
  await h.close();
  await rm(work, { recursive: true, force: true });
});

const messageOf = (caseId: string, status?: string) =>
  eventually(async () => {
    const { rows } = await h.services.db.query<{ id: string; channel: string; status: string; to_address: string; parts: Record<string, string> | null }>(
      `select id, channel, status, to_address, parts from messages where case_id = $1 order by created_at`,
      [caseId],
    );
    const last = rows.at(-1);
    return last && (!status || last.status === status) ? last : null;
  });

const standinMessages = async () =>
  (await (await fetch(`${h.standin.url}/__standin/messages`)).json()) as { messages: Array<{ to: string; kind?: string; contentSid?: string | null; contentVariables?: unknown; bodyParam?: string | null }> };

describe('each channel through its real client', () => {
  it('SMS: the Polish example goes to Twilio as text', async () => {
    expect((await h.postEvent(JSON.stringify(contractEvent('pl-payment-missed')))).statusCode).toBe(202);
    const m = await messageOf('PL-2026-000123', 'delivered');
    expect(m.channel).toBe('sms');
  });

  it('email: the Finnish example parses with both parts and passes DKIM with both list headers signed', async () => {
    expect((await h.postEvent(JSON.stringify(contractEvent('fi-case-opened')))).statusCode).toBe(202);
    const m = await messageOf('FI-2026-004711', 'sent');
    expect(m.channel).toBe('email');
    const raw = h.smtp?.messages().find((b) => b.toString('latin1').includes(`<${m.id}@${DOMAIN}>`));
    expect(raw).toBeDefined();
    const mail = await simpleParser(raw!);
    expect(mail.subject).toBeTruthy();
    expect(mail.text).toContain('191,55');
    expect(mail.html).toContain('191,55');
    expect(mail.messageId).toBe(`<${m.id}@${DOMAIN}>`);
    const headers = raw!.toString('latin1').split('\r\n\r\n')[0]!.replace(/\r\n[ \t]+/g, ' ');
    expect(headers).toMatch(new RegExp(`^List-Unsubscribe: <http://127\\.0\\.0\\.1:\\d+/v1/unsubscribe/${m.id}\\?[^>]+>, <mailto:[^>]+>$`, 'm'));
    expect(headers).toMatch(/^List-Unsubscribe-Post: List-Unsubscribe=One-Click$/m);
    const verdict = await dkimVerify(raw!, { resolver, sender: `help@${DOMAIN}` });
    expect(verdict.results[0]?.status.result).toBe('pass');
    const signed = (verdict.results[0]?.signingHeaders?.keys ?? '').toLowerCase().split(/:\s*/);
    expect(signed).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post', 'from', 'subject']));
  });

  it('WhatsApp: outside the 24-hour window the approved template, without a body', async () => {
    expect((await h.postEvent(JSON.stringify(contractEvent('it-payment-due')))).statusCode).toBe(202);
    const m = await messageOf('IT-2026-889900', 'read');
    expect(m.channel).toBe('whatsapp');
    // The timeline says which form went: the approved template, not the free text shown as the message.
    const { rows: statuses } = await h.services.db.query(`select provider_status from message_statuses where message_id = $1 and source = 'dispatcher' and provider_status is not null`, [m.id]);
    expect(statuses).toEqual([{ provider_status: 'queued (template)' }]);
    const sent = (await standinMessages()).messages.filter((x) => x.to === 'whatsapp:+393471234567');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ kind: 'template', contentSid: m.parts?.contentSid });
    const variables = sent[0]?.contentVariables;
    expect(typeof variables === 'string' ? JSON.parse(variables) : variables).toMatchObject({ '1': 'PR-889900', '2': 'Banca Esempio S.p.A.' });
  });

  it('WhatsApp: inside the window (the debtor wrote today) free text', async () => {
    const base = contractEvent('it-payment-due');
    const debtor = { ...base.debtor, id: 'deb-it-open', contactPoints: [{ channel: 'whatsapp' as const, address: '+393471230001', verified: true, optIn: true }] };
    const kase = { ...base.case, id: 'IT-OPEN-1' };
    expect((await h.postEvent(JSON.stringify({ ...base, id: 'evt-it-open-0', type: 'debtor.updated', case: kase, debtor, data: {} }))).statusCode).toBe(202);
    await eventually(async () => (await h.services.db.query(`select 1 from contact_points where debtor_id = 'deb-it-open'`)).rowCount === 2);
    await h.services.db.query(`update contact_points set last_inbound_at = $1 where debtor_id = 'deb-it-open' and channel = 'whatsapp'`, [h.services.now()]);
    expect((await h.postEvent(JSON.stringify({ ...base, id: 'evt-it-open-1', case: kase, debtor }))).statusCode).toBe(202);
    await messageOf('IT-OPEN-1', 'read');
    const sent = (await standinMessages()).messages.filter((x) => x.to === 'whatsapp:+393471230001');
    expect(sent).toEqual([expect.objectContaining({ kind: 'free-form', contentSid: null })]);
    expect(sent[0]?.bodyParam).toContain('420,00');
  });

  it('letter: a debtor with only a postal address gets a PDF, handed to the print house with a manifest', async () => {
    const base = contractEvent('pl-payment-missed');
    const event: CaseEvent = { ...base, id: 'evt-letter-1', case: { ...base.case, id: 'PL-LETTER-1' }, debtor: { ...base.debtor, id: 'deb-letter-1', contactPoints: [], preferredChannel: undefined } };
    expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
    const m = await messageOf('PL-LETTER-1', 'queued');
    expect(m.channel).toBe('letter');
    const cutoff = { cutoff: '23:59', cutoffTimeZone: 'Europe/Warsaw' };
    const result = await runPrintBatch({ db: h.services.db, sftp: { url: h.sftp!.url }, now: new Date(h.services.now().getTime() + 24 * 3600_000), ...cutoff });
    expect(result?.letters).toBeGreaterThanOrEqual(1);
    const batch = result!.batches[0]!;
    const dir = path.join(h.sftp!.root, batch.remoteDir);
    const manifest = JSON.parse(await readFile(path.join(dir, 'manifest.json'), 'utf8')) as { letters: Array<{ messageId: string; file: string }> };
    const entry = manifest.letters.find((l) => l.messageId === m.id);
    expect(entry).toBeDefined();
    expect(await readdir(dir)).toEqual(expect.arrayContaining(['manifest.json', 'manifest.csv', entry!.file]));
    expect((await messageOf('PL-LETTER-1')).status).toBe('sent');

    const pdf = path.join(dir, entry!.file);
    const text = (await run('pdftotext', ['-layout', pdf, '-'])).stdout.replace(/[\s\u00A0\u202F]+/g, ' ');
    expect(text).toContain('Jan Kowalski');
    expect(text).toContain('ul. Długa');
    expect(text).toContain('250,00 zł');
    const fonts = (await run('pdffonts', [pdf])).stdout.split('\n').slice(2).filter(Boolean);
    expect(fonts.length).toBeGreaterThan(0);
    for (const line of fonts) expect(line).toMatch(/\syes\s+yes\s+(yes|no)\s+\d+\s+\d+\s*$/);
    await run('pdftoppm', ['-r', '200', '-png', '-f', '1', '-l', '2', pdf, path.join(work, 'page')]);
    const decoded: string[] = [];
    for (const png of (await readdir(work)).filter((f) => f.endsWith('.png'))) {
      try {
        decoded.push((await run('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', path.join(work, png)])).stdout.trim());
      } catch {
        // exit 4: no code on this page
      }
    }
    const c = event.case;
    expect(decoded).toContain(zbpQrPayload({ iban: c.payment.iban, amount: '250.00', name: c.creditor.name, title: c.payment.reference }));
  });
});

describe('a fallback across three real channels', () => {
  it('SMS undelivered → email refused (550) → letter, on the timeline, inside the caps', async () => {
    const base = contractEvent('pl-payment-missed');
    const event: CaseEvent = {
      ...base,
      id: 'evt-e2e-fallback',
      case: { ...base.case, id: 'PL-E2E-FALLBACK' },
      debtor: {
        ...base.debtor,
        id: 'deb-e2e-fallback',
        preferredChannel: 'sms',
        contactPoints: [
          { channel: 'sms', address: '+48600000004', verified: true },
          { channel: 'email', address: 'reject-550@example.pl', verified: true, kind: 'personal' },
        ],
      },
    };
    expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
    const rows = await eventually(async () => {
      const { rows } = await h.services.db.query<{ channel: string; status: string; last_error_code: string | null }>(
        `select channel, status, last_error_code from messages where case_id = 'PL-E2E-FALLBACK' order by created_at`,
      );
      return rows.length === 3 && rows[2]?.status === 'queued' ? rows : null;
    });
    expect(rows).toEqual([
      { channel: 'sms', status: 'undelivered', last_error_code: '30003' },
      { channel: 'email', status: 'failed', last_error_code: expect.stringMatching(/550/) },
      { channel: 'letter', status: 'queued', last_error_code: null },
    ]);
    const { rows: invalid } = await h.services.db.query(`select channel from contact_points where debtor_id = 'deb-e2e-fallback' and invalid_at is not null`);
    expect(invalid).toEqual([{ channel: 'email' }]);
    const res = await h.app.inject({ method: 'GET', url: '/v1/cases/PL-E2E-FALLBACK/timeline', headers: { authorization: `Bearer ${h.apiKey}` } });
    const plans = (res.json().entries as Array<Record<string, unknown>>).filter((e) => e.kind === 'decision' && e.stage === 'plan');
    expect(plans.map((d) => [d.channel, d.outcome])).toEqual([['sms', 'allow'], ['email', 'allow'], ['letter', 'allow']]);
  });
});

// Keeps a copy of what the print house got, for a person to look at when a run fails.
afterAll(async () => {
  if (process.env.KEEP_E2E_LETTERS) await writeFile(path.join(tmpdir(), 'e2e-letters-kept.txt'), h.sftp?.root ?? '');
});
