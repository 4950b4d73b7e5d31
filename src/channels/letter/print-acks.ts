// The print house's acknowledgements: CSV files it puts in `<dir>/ack/`, read once each.
//
// Format (UTF-8, LF or CRLF line ends, one letter event per row, header optional):
//   message_id,status,at
//   msg_0123…,printed,2026-11-19T07:12:00Z
//   msg_0123…,posted,2026-11-19T16:40:00+01:00
//   msg_4567…,returned,2026-11-27T10:05:00Z
// `message_id` is the one in the manifest; `status` is printed | posted | returned (to sender);
// `at` is an ISO 8601 instant with its offset. Files whose name starts with a dot are being
// written and are left alone; so are names not ending in `.csv`.
//
// Each file is recorded by name and content hash in the same transaction as its statuses, then
// moved to `<dir>/ack/done/`: a crash between the two moves it on the next poll without applying
// it twice. Rows that do not parse, and message ids of no uploaded letter, are counted and skipped.
import { createHash } from 'node:crypto';
import path from 'node:path';
import { withTransaction, type Db } from '../../store/db.ts';
import { applyStatuses, type StatusReport } from '../../store/messages-repo.ts';
import type { Logger } from '../../logger.ts';
import { openSftp, type SftpSession, type SftpTarget } from './sftp.ts';

export const ACK_STATUSES = ['printed', 'posted', 'returned'] as const;
export type AckStatus = (typeof ACK_STATUSES)[number];

export interface AckRow {
  messageId: string;
  status: AckStatus;
  at: Date;
}

export interface AckResult {
  /** Files moved to done/ by this poll. */
  files: number;
  /** Rows applied as statuses. */
  applied: number;
  /** Rows that did not parse. */
  rejected: number;
  /** Rows naming no letter of an uploaded batch. */
  unknown: number;
}

const HEADER = 'message_id,status,at';
const MESSAGE_ID = /^[A-Za-z0-9_.:-]{1,200}$/;
const INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/;

export function parseAckCsv(text: string): { rows: AckRow[]; rejected: number } {
  const rows: AckRow[] = [];
  let rejected = 0;
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/).map((l) => l.trim()).filter(Boolean);
  for (const [n, line] of lines.entries()) {
    if (n === 0 && line.toLowerCase().replace(/\s+/g, '') === HEADER) continue;
    const [messageId = '', status = '', at = '', ...extra] = line.split(',').map((f) => f.trim().replace(/^"(.*)"$/, '$1'));
    const when = Date.parse(at);
    if (extra.length || !MESSAGE_ID.test(messageId) || !(ACK_STATUSES as readonly string[]).includes(status) || !INSTANT.test(at) || Number.isNaN(when)) {
      rejected++;
      continue;
    }
    rows.push({ messageId, status: status as AckStatus, at: new Date(when) });
  }
  // In the order things happened (the sort is stable: rows of one instant keep the file's order).
  rows.sort((a, b) => a.at.getTime() - b.at.getTime());
  return { rows, rejected };
}

/** A returned letter did not reach the debtor: `undelivered`, which lets the step fall back. */
const toReport = (row: AckRow): StatusReport =>
  row.status === 'returned'
    ? { messageId: row.messageId, status: 'undelivered', source: 'provider', providerStatus: 'returned', errorCode: 'returned' }
    : { messageId: row.messageId, status: row.status, source: 'provider', providerStatus: row.status };

/** Applies one file's rows once; false when this file (name and content) was applied before. */
async function applyFile(db: Db, file: string, content: Buffer, now: Date): Promise<Omit<AckResult, 'files'> & { fresh: boolean }> {
  const { rows, rejected } = parseAckCsv(content.toString('utf8'));
  const sha256 = createHash('sha256').update(content).digest('hex');
  return withTransaction(db, async (tx) => {
    const { rows: known } = await tx.query<{ message_id: string }>(
      `select o.message_id from letter_outbox o join print_batches b on b.id = o.batch_id
        where o.message_id = any($1::text[]) and b.uploaded_at is not null`,
      [[...new Set(rows.map((r) => r.messageId))]],
    );
    const ours = new Set(known.map((r) => r.message_id));
    const applicable = rows.filter((r) => ours.has(r.messageId));
    const { rowCount } = await tx.query(
      `insert into print_acknowledgements (file, sha256, rows_applied, rows_rejected, processed_at) values ($1, $2, $3, $4, $5)
       on conflict do nothing`,
      [file, sha256, applicable.length, rejected, now],
    );
    if (!rowCount) return { fresh: false, applied: 0, rejected: 0, unknown: 0 };
    await applyStatuses(tx, applicable.map(toReport));
    // A batch is acknowledged once every letter in it is printed or further along.
    await tx.query(
      `update print_batches b set acknowledged_at = $2
        where b.acknowledged_at is null and b.uploaded_at is not null
          and b.id in (select batch_id from letter_outbox where message_id = any($1::text[]))
          and not exists (select 1 from letter_outbox o join messages m on m.id = o.message_id
                           where o.batch_id = b.id and status_rank(m.status) < status_rank('printed'))`,
      [[...ours], now],
    );
    return { fresh: true, applied: applicable.length, rejected, unknown: rows.length - applicable.length };
  });
}

/**
 * Moves a processed file to done/, keeping an earlier file of the same name there. Two workers
 * polling at once may both get here: the second finds the file gone, which is what it wanted.
 */
async function archive(session: SftpSession, ackDir: string, name: string, content: Buffer): Promise<void> {
  const done = path.posix.join(ackDir, 'done');
  if (!(await session.client.exists(done))) await session.client.mkdir(done, true).catch(async (err: unknown) => {
    if ((await session.client.exists(done)) !== 'd') throw err;
  });
  if (!(await session.client.exists(path.posix.join(ackDir, name)))) return;
  let target = path.posix.join(done, name);
  if (await session.client.exists(target)) {
    const sha = createHash('sha256').update(content).digest('hex').slice(0, 12);
    target = path.posix.join(done, `${name.replace(/\.csv$/, '')}-${sha}.csv`);
    // The very same file is archived already: the copy in ack/ is a repeat.
    if (await session.client.exists(target)) return void (await session.client.delete(path.posix.join(ackDir, name)));
  }
  await session.client.rename(path.posix.join(ackDir, name), target);
}

export async function pollAcknowledgements(opts: { db: Db; sftp: SftpTarget; now: Date; log?: Logger }): Promise<AckResult> {
  const result: AckResult = { files: 0, applied: 0, rejected: 0, unknown: 0 };
  const session = await openSftp(opts.sftp);
  try {
    const ackDir = path.posix.join(session.dir, 'ack');
    if ((await session.client.exists(ackDir)) !== 'd') return result;
    // Oldest first, so the history shows what the print house reported in the order it did.
    const names = (await session.client.list(ackDir))
      .filter((f) => f.type === '-' && f.name.endsWith('.csv') && !f.name.startsWith('.'))
      .sort((a, b) => a.modifyTime - b.modifyTime || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((f) => f.name);
    for (const name of names) {
      const content = await session.client.get(path.posix.join(ackDir, name));
      if (!Buffer.isBuffer(content)) throw new Error('acknowledgement file read as a stream');
      const applied = await applyFile(opts.db, name, content, opts.now);
      await archive(session, ackDir, name, content);
      result.files++;
      result.applied += applied.applied;
      result.rejected += applied.rejected;
      result.unknown += applied.unknown;
      opts.log?.info({ file: name, repeated: !applied.fresh, applied: applied.applied, rejected: applied.rejected, unknown: applied.unknown }, 'print house acknowledgement processed');
    }
  } finally {
    await session.close();
  }
  return result;
}
