import type { Channel } from '../domain/case-event.ts';
import type { Queryable } from '../store/db.ts';
import type { IncomingReply, ReplyChannel } from './reply.ts';

// Storage and matching of debtors' replies.

export interface SenderMatch {
  debtorId: string;
  caseId: string | null;
  contactPointId: string;
  replyToMessageId: string | null;
}

export type MatchResult = { kind: 'matched'; match: SenderMatch } | { kind: 'unknown' } | { kind: 'ambiguous'; debtors: number };

/** Phone replies may come on the other phone channel than the number was given for. */
const SAME_ADDRESS: Record<ReplyChannel, Channel[]> = { sms: ['sms', 'whatsapp'], whatsapp: ['whatsapp', 'sms'], email: ['email'] };

/**
 * Who wrote: by thread first (an email naming one of our messages), else by the address among the
 * contact points still listed. An address two debtors share is ambiguous: nobody gets debt
 * details from it, a person looks.
 */
export async function matchSender(db: Queryable, reply: IncomingReply): Promise<MatchResult> {
  if (reply.inReplyTo.length) {
    const { rows } = await db.query<{ id: string; debtor_id: string; case_id: string; contact_point_id: string | null }>(
      `select id, debtor_id, case_id, contact_point_id::text from messages where id = any($1::text[]) order by created_at desc limit 1`,
      [reply.inReplyTo],
    );
    const m = rows[0];
    if (m) {
      const own = await db.query<{ id: string }>(
        `select id::text from contact_points where debtor_id = $1 and channel = $2 and lower(address) = lower($3) order by removed_at nulls first limit 1`,
        [m.debtor_id, reply.channel, reply.from],
      );
      const contactPointId = own.rows[0]?.id ?? m.contact_point_id;
      if (contactPointId) return { kind: 'matched', match: { debtorId: m.debtor_id, caseId: m.case_id, contactPointId, replyToMessageId: m.id } };
    }
  }
  const { rows } = await db.query<{ id: string; debtor_id: string; channel: Channel }>(
    `select id::text, debtor_id, channel from contact_points
      where channel = any($1::text[]) and lower(address) = lower($2) and removed_at is null
      order by array_position($1::text[], channel), id`,
    [SAME_ADDRESS[reply.channel], reply.from],
  );
  const debtors = new Set(rows.map((r) => r.debtor_id));
  if (!rows[0]) return { kind: 'unknown' };
  if (debtors.size > 1) return { kind: 'ambiguous', debtors: debtors.size };
  const point = rows[0];
  // The case of the latest message to this point, else the debtor's latest case.
  const latest = await db.query<{ case_id: string; id: string | null }>(
    `select coalesce((select case_id from messages where contact_point_id = $1 order by created_at desc limit 1),
                     (select id from cases where debtor_id = $2 order by last_event_at desc limit 1)) as case_id,
            (select id from messages where contact_point_id = $1 order by created_at desc limit 1) as id`,
    [point.id, point.debtor_id],
  );
  return { kind: 'matched', match: { debtorId: point.debtor_id, caseId: latest.rows[0]?.case_id ?? null, contactPointId: point.id, replyToMessageId: latest.rows[0]?.id ?? null } };
}

export interface StoredReply {
  id: string;
  reply: IncomingReply;
  match: SenderMatch | null;
  keyword: string | null;
  intent: string | null;
  confidence: number | null;
  details: Record<string, unknown>;
}

/** Stores a reply once (its provider id is unique); false when it was stored before. */
export async function insertReply(db: Queryable, r: StoredReply): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into inbound_messages (id, channel, provider_id, from_address, to_address, debtor_id, case_id, contact_point_id, reply_to_message_id,
                                   body, keyword, intent, confidence, details, status, received_at)
     values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     on conflict (provider_id) do nothing`,
    [
      r.id, r.reply.channel, r.reply.providerId, r.reply.from, r.reply.to, r.match?.debtorId ?? null, r.match?.caseId ?? null, r.match?.contactPointId ?? null,
      r.match?.replyToMessageId ?? null, r.reply.text, r.keyword, r.intent, r.confidence, JSON.stringify(r.details), r.match ? 'handled' : 'review', r.reply.receivedAt,
    ],
  );
  if (!rowCount) return false;
  for (const a of r.reply.attachments) {
    await db.query(`insert into inbound_attachments (inbound_id, filename, content_type, size, sha256, data) values ($1, $2, $3, $4, $5, $6)`, [r.id, a.filename, a.contentType, a.size, a.sha256, a.data]);
  }
  return true;
}

export async function findReplyId(db: Queryable, providerId: string): Promise<string | null> {
  const { rows } = await db.query<{ id: string }>(`select id from inbound_messages where provider_id = $1`, [providerId]);
  return rows[0]?.id ?? null;
}
