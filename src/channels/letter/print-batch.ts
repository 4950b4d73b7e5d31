// The daily print batch. Two steps, so that a failure never leaves a letter in two batches nor a
// batch half-known to the print house:
// 1. assign: the letters stored before the cut-off and in no batch become one batch, in one
//    transaction (`for update skip locked`: a letter another worker is batching is left to it);
//    the manifest is fixed then, so every retry uploads the same batch.
// 2. upload: each batch not yet uploaded, under its row lock (a second worker skips it): the PDFs,
//    then manifest.csv, then manifest.json last, each manifest under a temporary name and renamed.
//    Only then, in the same transaction, the batch is marked uploaded and its letters `sent`. A
//    failure anywhere rolls that back; the next run uploads the whole batch again.
import path from 'node:path';
import { withTransaction, type Db, type DbClient } from '../../store/db.ts';
import { applyStatuses } from '../../store/messages-repo.ts';
import type { Logger } from '../../logger.ts';
import { cutoffDate, previousCutoff } from './cutoff.ts';
import { buildManifest, letterFile, manifestCsv, manifestJson, type Manifest } from './print-manifest.ts';
import { openSftp, parseSftpUrl, type SftpSession, type SftpTarget } from './sftp.ts';

export interface PrintBatchOptions {
  db: Db;
  sftp: SftpTarget;
  /** The service clock's reading: the batch takes the letters stored before the last cut-off. */
  now: Date;
  /** 'HH:MM', local time in `cutoffTimeZone`. */
  cutoff: string;
  cutoffTimeZone: string;
  log?: Logger;
}

export interface UploadedBatch {
  id: string;
  cutoffAt: Date;
  remoteDir: string;
  letters: number;
  pages: number;
  bytes: number;
  /** The manifest was already in place (a run that uploaded it failed before recording so). */
  foundComplete: boolean;
  ms: number;
}

export interface BatchResult {
  /** Batches uploaded by this run, oldest first: earlier ones whose upload had failed, then the new one. */
  batches: UploadedBatch[];
  /** Batches whose upload failed in this run: not marked, uploaded whole again next run. */
  failed: string[];
  /** Letters handed over by this run. */
  letters: number;
}

/** PDFs read from the database and written at once: bounds memory for any batch size. */
const UPLOAD_CHUNK = 64;

interface Candidate {
  message_id: string;
  pages: number;
  bytes: number;
  sha256: string;
  postal_class: string;
  country: string;
}

/** Step 1. The new batch's id, or null when no letter waits. */
export async function assignBatch(db: Db, opts: { cutoffAt: Date; now: Date; timeZone: string; remoteDir: string }): Promise<string | null> {
  return withTransaction(db, async (tx) => {
    // Letters of cancelled, blocked or failed messages, of erased debtors, or whose PDF was cleared, stay out.
    const { rows } = await tx.query<Candidate>(
      `select o.message_id, o.pages, o.bytes, o.sha256, o.postal_class, d.address_country as country
         from letter_outbox o join messages m on m.id = o.message_id join debtors d on d.id = m.debtor_id
        where o.batch_id is null and o.created_at < $1 and o.pdf is not null
          and m.status not in ('cancelled', 'blocked', 'failed') and d.erased_at is null
        order by o.created_at, o.message_id
          for update of o skip locked`,
      [opts.cutoffAt],
    );
    if (!rows.length) return null;
    // Numbering batches of one day is the only thing two workers must not do at once.
    await tx.query(`select pg_advisory_xact_lock(hashtext(current_schema() || '.print_batches'))`);
    const date = cutoffDate(opts.cutoffAt, opts.timeZone);
    const { rows: seq } = await tx.query<{ n: number }>(
      `select coalesce(max(substr(id, 12)::int), 0) + 1 as n from print_batches where id like $1 || '-%'`,
      [date],
    );
    const id = `${date}-${String(seq[0]?.n ?? 1).padStart(3, '0')}`;
    const manifest = buildManifest(id, opts.now, opts.cutoffAt, rows.map((r) => ({ messageId: r.message_id, pages: r.pages, bytes: r.bytes, sha256: r.sha256, country: r.country, postalClass: r.postal_class })));
    await tx.query(
      `insert into print_batches (id, cutoff_at, created_at, remote_dir, letters, manifest) values ($1, $2, $3, $4, $5, $6)`,
      [id, opts.cutoffAt, opts.now, path.posix.join(opts.remoteDir, id), rows.length, JSON.stringify(manifest)],
    );
    await tx.query('update letter_outbox set batch_id = $1 where message_id = any($2::text[])', [id, rows.map((r) => r.message_id)]);
    return id;
  });
}

async function pendingBatchIds(db: Db): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>('select id from print_batches where uploaded_at is null order by id');
  return rows.map((r) => r.id);
}

async function uploadFiles(tx: DbClient, session: SftpSession, remoteDir: string, manifest: Manifest): Promise<boolean> {
  const json = Buffer.from(manifestJson(manifest));
  const manifestPath = path.posix.join(remoteDir, 'manifest.json');
  if ((await session.client.exists(manifestPath)) === '-') {
    const there = await session.client.get(manifestPath);
    if (Buffer.isBuffer(there) && there.equals(json)) return true;
  }
  await session.client.mkdir(remoteDir, true);
  for (let i = 0; i < manifest.letters.length; i += UPLOAD_CHUNK) {
    const ids = manifest.letters.slice(i, i + UPLOAD_CHUNK).map((l) => l.messageId);
    const { rows } = await tx.query<{ message_id: string; pdf: Buffer | null }>('select message_id, pdf from letter_outbox where message_id = any($1::text[])', [ids]);
    if (rows.length !== ids.length || rows.some((r) => r.pdf === null)) throw new Error('a letter of the batch has no PDF any more');
    await session.writeFiles(rows.map((r) => ({ path: path.posix.join(remoteDir, letterFile(r.message_id)), data: r.pdf as Buffer })));
  }
  await session.putAtomically(Buffer.from(manifestCsv(manifest)), path.posix.join(remoteDir, 'manifest.csv'));
  await session.putAtomically(json, manifestPath);
  return false;
}

/** Step 2 for one batch; null when another worker holds it or it is uploaded already. */
export async function uploadBatch(db: Db, session: SftpSession, batchId: string, now: Date): Promise<UploadedBatch | null> {
  const started = performance.now();
  return withTransaction(db, async (tx) => {
    const { rows } = await tx.query<{ remote_dir: string; cutoff_at: Date; manifest: Manifest }>(
      'select remote_dir, cutoff_at, manifest from print_batches where id = $1 and uploaded_at is null for update skip locked',
      [batchId],
    );
    const batch = rows[0];
    if (!batch) return null;
    const foundComplete = await uploadFiles(tx, session, batch.remote_dir, batch.manifest);
    const ms = performance.now() - started;
    await tx.query('update print_batches set uploaded_at = $2 where id = $1', [batchId, new Date(now.getTime() + ms)]);
    await applyStatuses(tx, batch.manifest.letters.map((l) => ({ messageId: l.messageId, status: 'sent' as const, source: 'dispatcher' as const, providerStatus: `batch:${batchId}` })));
    const { totals } = batch.manifest;
    return { id: batchId, cutoffAt: batch.cutoff_at, remoteDir: batch.remote_dir, letters: totals.letters, pages: totals.pages, bytes: totals.bytes, foundComplete, ms };
  });
}

/**
 * Batches the letters stored before the last cut-off, then uploads every batch not yet uploaded
 * (this one and any whose upload failed before). Null when there was nothing to upload. A batch
 * that fails is logged and reported in `failed`; failing to connect at all throws.
 */
export async function runPrintBatch(opts: PrintBatchOptions): Promise<BatchResult | null> {
  const { db, now } = opts;
  const cutoffAt = previousCutoff(now, opts.cutoff, opts.cutoffTimeZone);
  await assignBatch(db, { cutoffAt, now, timeZone: opts.cutoffTimeZone, remoteDir: parseSftpUrl(opts.sftp.url).dir });
  const pending = await pendingBatchIds(db);
  if (!pending.length) return null;
  const session = await openSftp(opts.sftp);
  const batches: UploadedBatch[] = [];
  const failed: string[] = [];
  try {
    for (const id of pending) {
      // One batch that cannot go (its PDF was erased, a file refused) must not hold back the next days'.
      try {
        const uploaded = await uploadBatch(db, session, id, now);
        if (!uploaded) continue;
        batches.push(uploaded);
        opts.log?.info({ batchId: id, letters: uploaded.letters, pages: uploaded.pages, bytes: uploaded.bytes, ms: Math.round(uploaded.ms), foundComplete: uploaded.foundComplete }, 'print batch uploaded');
      } catch (err) {
        failed.push(id);
        opts.log?.warn({ batchId: id, err }, 'print batch upload failed; the whole batch is uploaded again next run');
      }
    }
  } finally {
    await session.close();
  }
  return batches.length || failed.length ? { batches, failed, letters: batches.reduce((n, b) => n + b.letters, 0) } : null;
}
