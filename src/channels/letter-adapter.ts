// Letters: "sending" one renders its A4 page to PDF and stores it in the outbox, where it waits
// for the day's print batch (src/channels/letter/print-batch.ts). The outbox is the provider here:
// a letter stored is a letter handed over, so a send is idempotent on the message id and a lost
// send is found again in the outbox, never rendered twice.
import { createHash } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import type { ChannelAdapter, OutboundMessage, SendResult, SentLookup } from './channel-adapter.ts';
import type { Queryable } from '../store/db.ts';
import type { PdfRenderer } from './letter/pdf-renderer.ts';
import { PermanentChannelError, TransientChannelError } from '../errors.ts';

export type { PdfRenderer };

export interface LetterAdapterOptions {
  db: Queryable;
  pdf: PdfRenderer;
  /** The service clock: the outbox time is compared with the print house's cut-off. */
  now?: () => Date;
  /** The postal class the print house uses for a letter (default `standard`). */
  postalClass?: (message: OutboundMessage) => string;
}

export const letterProviderId = (messageId: string): string => `letter:${messageId}`;

/**
 * The page count of a PDF: the largest /Count of its page tree (the root counts every page),
 * looking inside compressed object streams too. Zero when the bytes are not a PDF with pages.
 */
export function countPdfPages(pdf: Buffer): number {
  if (pdf.subarray(0, 5).toString('latin1') !== '%PDF-') return 0;
  const texts = [pdf.toString('latin1')];
  // Object streams (PDF 1.5) hide dictionaries in Flate-compressed streams; Chromium writes none today.
  const streams = /\/Type\s*\/ObjStm[^]*?stream\r?\n/g;
  for (let m = streams.exec(texts[0] ?? ''); m; m = streams.exec(texts[0] ?? '')) {
    const start = m.index + m[0].length;
    const end = pdf.indexOf('endstream', start, 'latin1');
    try {
      texts.push(inflateSync(pdf.subarray(start, end)).toString('latin1'));
    } catch {
      // Not Flate or damaged: the pages are counted from what can be read.
    }
  }
  let pages = 0;
  for (const text of texts) {
    for (const object of text.split('endobj')) {
      if (!/\/Type\s*\/Pages\b/.test(object)) continue;
      const count = /\/Count\s+(\d+)/.exec(object);
      if (count) pages = Math.max(pages, Number(count[1]));
    }
  }
  return pages;
}

export function createLetterAdapter(opts: LetterAdapterOptions): ChannelAdapter {
  const { db, pdf } = opts;
  const now = opts.now ?? (() => new Date());
  const result = (messageId: string): SendResult => ({ providerId: letterProviderId(messageId), status: 'queued' });

  async function stored(messageId: string): Promise<boolean> {
    const { rowCount } = await db.query('select 1 from letter_outbox where message_id = $1', [messageId]);
    return (rowCount ?? 0) > 0;
  }

  return {
    channel: 'letter',

    async send(message: OutboundMessage): Promise<SendResult> {
      const page = message.parts.page;
      if (!page) throw new PermanentChannelError('letter: the message has no rendered page', 'NO_PAGE', null);
      try {
        if (await stored(message.messageId)) return result(message.messageId);
      } catch (err) {
        throw new TransientChannelError('letter: the outbox could not be read', databaseCode(err), { mayHaveBeenSent: false });
      }
      let bytes: Buffer;
      try {
        bytes = await pdf.render(page);
      } catch {
        // Nothing was stored: the retry may render at once. The renderer's error is not passed on,
        // as browser errors can quote the page (name, address, amounts).
        throw new TransientChannelError('letter: the PDF could not be rendered', 'PDF_RENDER', { mayHaveBeenSent: false });
      }
      const pages = countPdfPages(bytes);
      if (pages === 0) throw new TransientChannelError('letter: the renderer returned no PDF pages', 'PDF_INVALID', { mayHaveBeenSent: false });
      try {
        await db.query(
          `insert into letter_outbox (message_id, pdf, pages, bytes, sha256, postal_class, created_at)
           values ($1, $2, $3, $4, $5, $6, $7) on conflict (message_id) do nothing`,
          [message.messageId, bytes, pages, bytes.length, createHash('sha256').update(bytes).digest('hex'), opts.postalClass?.(message) ?? 'standard', now()],
        );
      } catch (err) {
        // The insert may have committed before the connection failed: the retry looks in the outbox first.
        throw new TransientChannelError('letter: the PDF could not be stored', databaseCode(err), { mayHaveBeenSent: true });
      }
      return result(message.messageId);
    },

    // The lookup carries no message id yet (channel-adapter.ts); when it does, the outbox row is
    // found by it. Until then: letters stored for the same address and text since the send began.
    async findSent(lookup: SentLookup & { messageId?: string }): Promise<SendResult[]> {
      try {
        if (lookup.messageId !== undefined) return (await stored(lookup.messageId)) ? [result(lookup.messageId)] : [];
        const { rows } = await db.query<{ message_id: string }>(
          `select o.message_id from letter_outbox o join messages m on m.id = o.message_id
            where m.to_address = $1 and m.body = $2 and o.created_at >= $3 order by o.created_at desc`,
          [lookup.to, lookup.body, lookup.sentAfter],
        );
        return rows.map((r) => result(r.message_id));
      } catch (err) {
        throw new TransientChannelError('letter: the outbox could not be read', databaseCode(err));
      }
    },
  };
}

/** The SQLSTATE of a database error, or the Node error code (ECONNREFUSED …); never its message. */
function databaseCode(err: unknown): string {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : 'DB';
}
