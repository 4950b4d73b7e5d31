import { createHash, generateKeyPairSync } from 'node:crypto';
import { readdir, readFile, writeFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from '../support/harness.ts';
import { startSftpStandin, type SftpStandin } from '../../scripts/standins/sftp-standin.ts';
import { countPdfPages, createLetterAdapter, type PdfRenderer } from '../../src/channels/letter-adapter.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/channels/channel-adapter.ts';
import { nextCutoff, openSftp, pollAcknowledgements, previousCutoff, runPrintBatch, startPrintHouse, type SftpTarget } from '../../src/channels/letter/print-house.ts';
import type { Manifest } from '../../src/channels/letter/print-manifest.ts';
import { applyStatuses } from '../../src/store/messages-repo.ts';
import { PermanentChannelError, TransientChannelError } from '../../src/errors.ts';

/** A small valid PDF (correct xref offsets) with `pages` pages, padded to about `size` bytes. */
function minimalPdf(label: string, pages = 1, size = 0): Buffer {
  const objects: string[] = ['<< /Type /Catalog /Pages 2 0 R >>', ''];
  const kids: string[] = [];
  for (let p = 0; p < pages; p++) {
    const pageObj = objects.length + 1;
    const content = `BT /F1 12 Tf 72 720 Td (${label} ${p + 1}) Tj ET\n${p === 0 && size > 0 ? `% ${'x'.repeat(size)}\n` : ''}`;
    objects.push(`<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents ${pageObj + 1} 0 R /Resources << /Font << /F1 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >> >> >> >>`);
    objects.push(`<< /Length ${Buffer.byteLength(content)} >>\nstream\n${content}endstream`);
    kids.push(`${pageObj} 0 R`);
  }
  objects[1] = `<< /Type /Pages /Kids [${kids.join(' ')}] /Count ${pages} >>`;
  let out = '%PDF-1.4\n';
  const offsets: number[] = [];
  objects.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out));
    out += `${i + 1} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out);
  out += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Renders the page's <title> into a PDF; counts calls; can be told to fail. */
function fakeRenderer(): PdfRenderer & { calls: number; failNext: boolean } {
  return {
    calls: 0,
    failNext: false,
    async render(html: string) {
      this.calls++;
      if (this.failNext) {
        this.failNext = false;
        throw new Error(`browser crashed while printing ${html}`);
      }
      return minimalPdf(/<title>(.*?)<\/title>/.exec(html)?.[1] ?? 'letter', html.includes('two-pages') ? 2 : 1);
    },
    async close() {},
  };
}

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');
const CUTOFF = { cutoff: '15:00', cutoffTimeZone: 'Europe/Amsterdam' };
// Wednesday 18 November 2026: 15:00 in Amsterdam (CET) is 14:00 UTC.
const CUTOFF_AT = new Date('2026-11-18T14:00:00Z');

let h: Harness;
let standin: SftpStandin;
let sftp: SftpTarget;
let clock = new Date('2026-11-18T10:00:00Z');
let renderer: ReturnType<typeof fakeRenderer>;
let adapter: ChannelAdapter;
let seq = 0;

beforeAll(async () => {
  h = await createHarness();
  await h.services.db.query(
    `insert into events (id, webhook_id, type, case_id, debtor_id, occurred_at, payload) values ('evt-letters', 'wh-letters', 'payment.missed', 'case-letters', 'deb-letters', now(), '{}')`,
  );
});
afterAll(async () => h?.close());

beforeEach(async () => {
  await h.services.db.query('delete from print_acknowledgements; update letter_outbox set batch_id = null; delete from print_batches; delete from letter_outbox');
  standin = await startSftpStandin({ port: 0 });
  sftp = { url: standin.url, hostKeyFingerprint: standin.hostKeyFingerprint };
  clock = new Date('2026-11-18T10:00:00Z');
  renderer = fakeRenderer();
  adapter = createLetterAdapter({ db: h.services.db, pdf: renderer, now: () => clock });
});
afterEach(async () => standin?.close());

/** A letter message as dispatch leaves it before the adapter call: debtor, case and row, status `sending`. */
async function letterMessage(country = 'PL', page = '<html><title>Wezwanie Jan Kowalski</title><body>…</body></html>'): Promise<OutboundMessage> {
  const n = ++seq;
  const id = `msg_letter_${n.toString().padStart(4, '0')}`;
  const debtor = `deb-letter-${n}`;
  const db = h.services.db;
  await db.query(`insert into debtors (id, locale, address_country, flags, personal, last_event_at) values ($1, 'pl', $2, '{}', '{"name": "Jan Kowalski"}', now())`, [debtor, country]);
  await db.query(`insert into cases (id, debtor_id, creditor_id, country, currency, reference, snapshot, last_event_at) values ($1, $1, 'cred', $2, 'EUR', 'REF', '{}', now())`, [debtor, country]);
  await db.query(
    `insert into messages (id, event_id, case_id, debtor_id, step, channel, to_address, body, parts, status)
     values ($1, 'evt-letters', $2, $2, 'letter', 'letter', 'postal:' || $2, 'letter', jsonb_build_object('page', $3::text), 'sending')`,
    [id, debtor, page],
  );
  return { messageId: id, channel: 'letter', to: `postal:${debtor}`, body: 'letter', country, statusCallbackUrl: '', parts: { page }, locale: 'pl', conversationOpen: false };
}

/** Sends through the adapter and records the result as dispatch does. */
async function storeLetter(country?: string, page?: string): Promise<string> {
  const message = await letterMessage(country, page);
  const result = await adapter.send(message);
  await applyStatuses(h.services.db, [{ messageId: message.messageId, status: result.status, source: 'dispatcher', providerId: result.providerId }]);
  return message.messageId;
}

async function statusOf(id: string): Promise<{ status: string; last_error_code: string | null }> {
  const { rows } = await h.services.db.query<{ status: string; last_error_code: string | null }>('select status, last_error_code from messages where id = $1', [id]);
  return rows[0] ?? { status: 'missing', last_error_code: null };
}

const batchDir = (id: string): string => path.join(standin.root, 'inbox', id);
const readManifest = async (id: string): Promise<Manifest> => JSON.parse(await readFile(path.join(batchDir(id), 'manifest.json'), 'utf8')) as Manifest;
const runBatch = (now: Date) => runPrintBatch({ db: h.services.db, sftp, now, ...CUTOFF, log: h.services.log });

describe('the letter adapter', () => {
  it('stores the rendered PDF once per message and answers queued with a letter: id', async () => {
    const message = await letterMessage('PL', '<html><title>two-pages</title></html>');
    expect(await adapter.send(message)).toEqual({ providerId: `letter:${message.messageId}`, status: 'queued' });
    expect(await adapter.send(message)).toEqual({ providerId: `letter:${message.messageId}`, status: 'queued' });
    expect(renderer.calls).toBe(1);
    const { rows } = await h.services.db.query<{ pages: number; bytes: number; sha256: string; pdf: Buffer; created_at: Date }>('select pages, bytes, sha256, pdf, created_at from letter_outbox where message_id = $1', [message.messageId]);
    expect(rows[0]?.pages).toBe(2);
    expect(rows[0]?.bytes).toBe(rows[0]?.pdf.length);
    expect(rows[0]?.sha256).toBe(sha256(rows[0]?.pdf ?? Buffer.alloc(0)));
    expect(rows[0]?.created_at.toISOString()).toBe(clock.toISOString());
  });

  it('finds a stored letter for a lost send, by message id or by address and text', async () => {
    const message = await letterMessage();
    const since = new Date(clock.getTime() - 60_000);
    expect(await adapter.findSent({ to: message.to, body: message.body, sentAfter: since })).toEqual([]);
    await adapter.send(message);
    const found = [{ providerId: `letter:${message.messageId}`, status: 'queued' }];
    expect(await adapter.findSent({ to: message.to, body: message.body, sentAfter: since, messageId: message.messageId } as Parameters<ChannelAdapter['findSent']>[0])).toEqual(found);
    expect(await adapter.findSent({ to: message.to, body: message.body, sentAfter: since })).toEqual(found);
    expect(await adapter.findSent({ to: message.to, body: message.body, sentAfter: new Date(clock.getTime() + 1) })).toEqual([]);
  });

  it('a render failure is transient, stores nothing and does not quote the page; a missing page is permanent', async () => {
    const message = await letterMessage();
    renderer.failNext = true;
    const err = await adapter.send(message).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: 'PDF_RENDER', mayHaveBeenSent: false });
    expect((err as Error).message).not.toContain('Kowalski');
    expect((err as Error).cause).toBeUndefined();
    expect(await h.count(`letter_outbox where message_id = '${message.messageId}'`)).toBe(0);
    await expect(adapter.send(message)).resolves.toMatchObject({ status: 'queued' });
    await expect(adapter.send({ ...message, parts: {} })).rejects.toBeInstanceOf(PermanentChannelError);
  });

  it('counts the pages of a PDF', () => {
    expect(countPdfPages(minimalPdf('a', 3))).toBe(3);
    expect(countPdfPages(Buffer.from('<html>not a pdf</html>'))).toBe(0);
  });
});

describe('the daily print batch', () => {
  it('uploads the PDFs and a manifest at the cut-off and marks the letters sent', async () => {
    const ids = [await storeLetter('PL'), await storeLetter('FI', '<html><title>two-pages</title></html>'), await storeLetter('NL')];
    const result = await runBatch(new Date(CUTOFF_AT.getTime() + 1000));
    expect(result?.batches.map((b) => [b.id, b.letters, b.pages])).toEqual([['2026-11-18-001', 3, 4]]);

    const manifest = await readManifest('2026-11-18-001');
    expect(manifest).toMatchObject({ format: 'dco-print-manifest/1', batchId: '2026-11-18-001', cutoffAt: CUTOFF_AT.toISOString(), totals: { letters: 3, pages: 4 } });
    expect(manifest.letters.map((l) => [l.messageId, l.file, l.country, l.postalClass])).toEqual(ids.map((id, i) => [id, `${id}.pdf`, ['PL', 'FI', 'NL'][i], 'standard']));
    for (const letter of manifest.letters) {
      const pdf = await readFile(path.join(batchDir('2026-11-18-001'), letter.file));
      expect(sha256(pdf)).toBe(letter.sha256);
      expect(pdf.length).toBe(letter.bytes);
    }
    // The name is in the letters, and only there.
    expect((await readFile(path.join(batchDir('2026-11-18-001'), `${ids[0]}.pdf`))).toString('latin1')).toContain('Kowalski');
    expect((await readdir(batchDir('2026-11-18-001'))).sort()).toEqual([...ids.map((id) => `${id}.pdf`), 'manifest.csv', 'manifest.json'].sort());
    const csv = (await readFile(path.join(batchDir('2026-11-18-001'), 'manifest.csv'), 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('message_id,file,pages,bytes,sha256,country,postal_class');
    expect(csv.slice(1).map((l) => l.split(',')[4])).toEqual(manifest.letters.map((l) => l.sha256));
    expect(JSON.stringify(manifest) + csv.join('\n')).not.toContain('Kowalski');

    for (const id of ids) expect(await statusOf(id)).toMatchObject({ status: 'sent' });
    const { rows } = await h.services.db.query<{ source: string; provider_status: string }>(`select source, provider_status from message_statuses where message_id = $1 and status = 'sent'`, [ids[0]]);
    expect(rows).toEqual([{ source: 'dispatcher', provider_status: 'batch:2026-11-18-001' }]);
    expect(await runBatch(new Date(CUTOFF_AT.getTime() + 5000))).toBeNull();
  });

  it('leaves a letter stored after the cut-off for the next day', async () => {
    const early = await storeLetter();
    clock = new Date(CUTOFF_AT.getTime() + 60_000);
    const late = await storeLetter();
    const first = await runBatch(new Date(CUTOFF_AT.getTime() + 120_000));
    expect((await readManifest('2026-11-18-001')).letters.map((l) => l.messageId)).toEqual([early]);
    expect(first?.letters).toBe(1);
    expect(await statusOf(late)).toMatchObject({ status: 'queued' });
    // The evening, and the next morning: still before the next cut-off.
    expect(await runBatch(new Date('2026-11-19T09:00:00Z'))).toBeNull();
    const next = await runBatch(new Date('2026-11-19T14:00:00Z'));
    expect(next?.batches.map((b) => b.id)).toEqual(['2026-11-19-001']);
    expect((await readManifest('2026-11-19-001')).letters.map((l) => l.messageId)).toEqual([late]);
    expect(await statusOf(late)).toMatchObject({ status: 'sent' });
  });

  it('an upload that fails midway marks nothing and the next run uploads the same batch whole', async () => {
    const ids = [await storeLetter(), await storeLetter(), await storeLetter(), await storeLetter()];
    standin.refuseWritesAfter(2);
    const failed = await runBatch(new Date(CUTOFF_AT.getTime() + 1000));
    expect(failed).toMatchObject({ batches: [], failed: ['2026-11-18-001'], letters: 0 });
    expect(await readdir(batchDir('2026-11-18-001'))).not.toContain('manifest.json');
    for (const id of ids) expect(await statusOf(id)).toMatchObject({ status: 'queued' });
    expect(await h.count('print_batches where uploaded_at is null')).toBe(1);

    // The print house is unreachable now: the run fails before anything is written.
    const reachable = sftp;
    sftp = { url: 'sftp://printhouse:printhouse@127.0.0.1:1/inbox' };
    await expect(runBatch(new Date(CUTOFF_AT.getTime() + 2000))).rejects.toMatchObject({ code: 'ECONNREFUSED' });
    sftp = reachable;
    standin.refuseWritesAfter(null);

    const retried = await runBatch(new Date(CUTOFF_AT.getTime() + 3000));
    expect(retried?.batches.map((b) => [b.id, b.letters, b.foundComplete])).toEqual([['2026-11-18-001', 4, false]]);
    expect(await h.count('print_batches')).toBe(1);
    expect((await readManifest('2026-11-18-001')).letters).toHaveLength(4);
    for (const id of ids) expect(await statusOf(id)).toMatchObject({ status: 'sent' });
  });

  it('two runs at once never put a letter in two batches', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 30; i++) ids.push(await storeLetter());
    const after = new Date(CUTOFF_AT.getTime() + 1000);
    const [a, b] = await Promise.all([runBatch(after), runBatch(after)]);
    const batches = [...(a?.batches ?? []), ...(b?.batches ?? [])];
    const listed = (await Promise.all(batches.map((x) => readManifest(x.id)))).flatMap((m) => m.letters.map((l) => l.messageId));
    expect(listed.sort()).toEqual([...ids].sort());
    const { rows } = await h.services.db.query<{ n: string }>(`select count(*) as n from message_statuses where status = 'sent' and message_id = any($1)`, [ids]);
    expect(Number(rows[0]?.n)).toBe(30);
  });
});

describe("the print house's acknowledgements", () => {
  it('moves letters to printed, posted and returned (undelivered), once per file', async () => {
    const [printed, posted, returned] = [await storeLetter(), await storeLetter(), await storeLetter()];
    await runBatch(new Date(CUTOFF_AT.getTime() + 1000));
    const ackDir = path.join(standin.root, 'inbox', 'ack');
    await mkdir(ackDir, { recursive: true });
    const file = [
      'message_id,status,at',
      `${printed},printed,2026-11-19T07:00:00Z`,
      `${posted},printed,2026-11-19T07:00:00Z`,
      `${posted},posted,2026-11-19T16:00:00+01:00`,
      `${returned},printed,2026-11-19T07:00:00Z`,
      `${returned},posted,2026-11-19T16:00:00Z`,
      `${returned},returned,2026-11-27T10:00:00Z`,
      'msg_never_ours,posted,2026-11-19T16:00:00Z',
      `${printed},shredded,2026-11-19T16:00:00Z`,
      'not a row',
    ].join('\r\n');
    await writeFile(path.join(ackDir, '2026-11-18-001.csv'), file);
    await writeFile(path.join(ackDir, '.2026-11-18-002.csv'), 'still being written');

    const now = new Date('2026-11-27T12:00:00Z');
    expect(await pollAcknowledgements({ db: h.services.db, sftp, now })).toEqual({ files: 1, applied: 6, rejected: 2, unknown: 1 });
    expect(await statusOf(printed)).toMatchObject({ status: 'printed' });
    expect(await statusOf(posted)).toMatchObject({ status: 'posted' });
    expect(await statusOf(returned)).toEqual({ status: 'undelivered', last_error_code: 'returned' });
    expect((await readdir(ackDir)).sort()).toEqual(['.2026-11-18-002.csv', 'done']);
    expect(await readdir(path.join(ackDir, 'done'))).toEqual(['2026-11-18-001.csv']);
    const { rows } = await h.services.db.query<{ acknowledged_at: Date | null }>('select acknowledged_at from print_batches');
    expect(rows[0]?.acknowledged_at?.toISOString()).toBe(now.toISOString());

    // Read once: polled again, and the same file delivered again, nothing is applied twice.
    const history = await h.count('message_statuses');
    expect(await pollAcknowledgements({ db: h.services.db, sftp, now })).toEqual({ files: 0, applied: 0, rejected: 0, unknown: 0 });
    await writeFile(path.join(ackDir, '2026-11-18-001.csv'), file);
    expect(await pollAcknowledgements({ db: h.services.db, sftp, now })).toEqual({ files: 1, applied: 0, rejected: 0, unknown: 0 });
    expect(await h.count('message_statuses')).toBe(history);
    expect(await readdir(ackDir)).not.toContain('2026-11-18-001.csv');
  });

  it('the stand-in acting as the print house acknowledges a batch: printed, then posted, one returned', async () => {
    const ids = [await storeLetter(), await storeLetter()];
    await standin.close();
    standin = await startSftpStandin({ port: 0, printHouse: { printDelayMs: 5, postDelayMs: 5, returned: (id) => id === ids[1] } });
    sftp = { url: standin.url, hostKeyFingerprint: standin.hostKeyFingerprint };
    const bothAcks = new Promise<void>((resolve) => {
      let n = 0;
      standin.events.on('ack', () => ++n === 2 && resolve());
    });
    await runBatch(new Date(CUTOFF_AT.getTime() + 1000));
    await bothAcks;
    expect(await pollAcknowledgements({ db: h.services.db, sftp, now: clock })).toMatchObject({ files: 2, applied: 5, rejected: 0, unknown: 0 });
    const history = async (id: string) => (await h.services.db.query<{ status: string }>('select status from message_statuses where message_id = $1 order by id', [id])).rows.map((r) => r.status);
    expect(await history(ids[0] ?? '')).toEqual(['queued', 'sent', 'printed', 'posted']);
    expect(await history(ids[1] ?? '')).toEqual(['queued', 'sent', 'printed', 'posted', 'undelivered']);
    expect(await statusOf(ids[1] ?? '')).toEqual({ status: 'undelivered', last_error_code: 'returned' });
  });
});

describe('the schedule', () => {
  it('keeps the cut-off at 15:00 Amsterdam time across the change to summer time', () => {
    const z = CUTOFF.cutoffTimeZone;
    // Saturday 28 March 2026 is CET (UTC+1); clocks go forward in the night to Sunday 29 March (UTC+2).
    expect(nextCutoff(new Date('2026-03-28T10:00:00Z'), '15:00', z).toISOString()).toBe('2026-03-28T14:00:00.000Z');
    expect(nextCutoff(new Date('2026-03-28T14:00:00Z'), '15:00', z).toISOString()).toBe('2026-03-29T13:00:00.000Z');
    expect(previousCutoff(new Date('2026-03-29T12:59:59Z'), '15:00', z).toISOString()).toBe('2026-03-28T14:00:00.000Z');
    expect(previousCutoff(new Date('2026-03-29T13:00:00Z'), '15:00', z).toISOString()).toBe('2026-03-29T13:00:00.000Z');
    // And back to winter time on Sunday 25 October 2026.
    expect(nextCutoff(new Date('2026-10-24T13:30:00Z'), '15:00', z).toISOString()).toBe('2026-10-25T14:00:00.000Z');
    // A cut-off in the skipped hour happens right after it.
    expect(nextCutoff(new Date('2026-03-28T12:00:00Z'), '02:30', z).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it('catches up at start on a cut-off that passed, runs at the next cut-off, and polls acknowledgements', async () => {
    const missed = await storeLetter();
    // The service clock reads 1.5 s before Thursday's cut-off: Wednesday's passed with no batch.
    clock = new Date('2026-11-19T13:59:58.500Z');
    const shift = clock.getTime() - Date.now();
    const waiting = await storeLetter();
    const house = startPrintHouse({ db: h.services.db, sftp, ...CUTOFF, ackPollMs: 50, log: h.services.log, now: () => new Date(Date.now() + shift) });
    try {
      await eventually(async () => (await statusOf(missed)).status === 'sent');
      expect((await readManifest('2026-11-18-001')).letters.map((l) => l.messageId)).toEqual([missed]);
      expect(await statusOf(waiting)).toMatchObject({ status: 'queued' });
      await eventually(async () => (await statusOf(waiting)).status === 'sent');
      expect((await readManifest('2026-11-19-001')).letters.map((l) => l.messageId)).toEqual([waiting]);
      await mkdir(path.join(standin.root, 'inbox', 'ack'), { recursive: true });
      await writeFile(path.join(standin.root, 'inbox', 'ack', 'p.csv'), `${waiting},posted,2026-11-20T10:00:00Z\n`);
      await eventually(async () => (await statusOf(waiting)).status === 'posted');
    } finally {
      await house.stop();
    }
    expect(h.logLines.join('\n')).not.toContain('Kowalski');
  });
});

describe('the SFTP login', () => {
  it('takes a private key instead of a password, and refuses an unknown host key', async () => {
    const key = generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    await standin.close();
    standin = await startSftpStandin({ port: 0, authorizedKeys: [key.privateKey] });
    const url = standin.url.replace(/:[^:@/]*@/, '@');
    const session = await openSftp({ url, privateKey: key.privateKey, hostKeyFingerprint: standin.hostKeyFingerprint });
    expect(session.dir).toBe('/inbox');
    await session.close();
    await expect(openSftp({ url, privateKey: generateKeyPairSync('rsa', { modulusLength: 2048, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } }).privateKey })).rejects.toThrow();
    await expect(openSftp({ url: standin.url, hostKeyFingerprint: 'SHA256:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' })).rejects.toThrow();
  });
});
