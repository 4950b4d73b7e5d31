import { randomUUID } from 'node:crypto';
import type { Queryable } from '../store/db.ts';

// The forwarding outbox: facts for the case system are rows of forward_events, written by the code
// that produces the facts inside its own transaction. A rolled-back fact forwards nothing; a
// committed one cannot be lost, whatever happens to the process or the case system afterwards.
// forwarder.ts delivers them; the operator functions below serve the dead letters and the switch.

/**
 * What we forward, and the shape of each payload (`data` in the webhook body, beside `caseId` and
 * `debtorId`). Ids, types, statuses, intents with their confidence, and the dates and amounts of
 * promises (the case system owns the debt) travel; the debtor's words travel in reply.received only.
 *
 * - reply.received      { inboundId, channel: 'sms'|'whatsapp'|'email', text, replyTo: messageId|null,
 *                         attachments: [{ filename, contentType, size, sha256 }] }
 * - reply.classified    { inboundId, intent: 'dispute'|'vulnerability'|'promise'|'preference'|'question',
 *                         confidence: 0..1, language: 'pl'|'fi'|'it'|'nl'|'en', promise?, preference?,
 *                         vulnerabilityKind? }
 * - consent.opted_out   { inboundId?, channel, contactPointId, source?: 'keyword'|'link'|'provider' }
 * - consent.opted_in    { inboundId?, channel, contactPointId, source? }
 * - message.status      { messageId, channel, status, errorCode: string|null, at: ISO instant }
 * - promise_to_pay.made { inboundId, date: 'YYYY-MM-DD'|null, amount: decimal string|null, currency: string|null }
 * - hold.set            { inboundId?, reason: 'dispute'|'vulnerable'|…, source: 'reply'|… }
 * - preference.changed  { inboundId?, channel?: Channel, language?: string }
 */
export type ForwardType =
  | 'reply.received'
  | 'reply.classified'
  | 'consent.opted_out'
  | 'consent.opted_in'
  | 'message.status'
  | 'promise_to_pay.made'
  | 'hold.set'
  | 'preference.changed';

export const FORWARD_TYPES: readonly ForwardType[] = [
  'reply.received',
  'reply.classified',
  'consent.opted_out',
  'consent.opted_in',
  'message.status',
  'promise_to_pay.made',
  'hold.set',
  'preference.changed',
];

export interface ForwardFact {
  type: ForwardType;
  caseId: string | null;
  debtorId: string | null;
  payload: Record<string, unknown>;
  occurredAt: Date;
}

/**
 * Writes the fact to the outbox, in the caller's transaction. Ids order the events of a case, so
 * forward_enqueue (009_forwarding.sql) takes a lock per case, held to the caller's commit: without
 * it a transaction that drew a lower id could commit after one with a higher id, and the later fact
 * would be sent first. Producers holding the debtor's lock are serialised already and never wait
 * here. A transaction enqueuing for several cases must do so in a fixed order (by case id).
 */
export async function enqueueForward(db: Queryable, e: ForwardFact): Promise<void> {
  await db.query({
    name: 'forward-enqueue',
    text: 'select forward_enqueue($1, $2, $3, $4, $5::jsonb, $6)',
    values: [`msg_${randomUUID().replaceAll('-', '')}`, e.type, e.caseId, e.debtorId, JSON.stringify(e.payload), e.occurredAt],
  });
}

export interface DeadLetter {
  id: string;
  webhookId: string;
  type: string;
  caseId: string | null;
  attempts: number;
  lastStatus: number | null;
  lastError: string | null;
  createdAt: Date;
  deadAt: Date;
}

interface DeadRow {
  id: string;
  webhook_id: string;
  type: string;
  case_id: string | null;
  attempts: number;
  last_status: number | null;
  last_error: string | null;
  created_at: Date;
  dead_at: Date;
}

/** The dead letters, newest first, `limit` at a time; `before` is the last id of the previous page. */
export async function listDeadLetters(db: Queryable, page: { limit: number; before?: string }): Promise<{ items: DeadLetter[]; next: string | null }> {
  const { rows } = await db.query<DeadRow>(
    `select id::text, webhook_id, type, case_id, attempts, last_status, last_error, created_at, dead_at
       from forward_events where status = 'dead' and ($1::bigint is null or id < $1) order by id desc limit $2`,
    [page.before ?? null, page.limit + 1],
  );
  const items = rows.slice(0, page.limit).map((r) => ({
    id: r.id, webhookId: r.webhook_id, type: r.type, caseId: r.case_id, attempts: r.attempts,
    lastStatus: r.last_status, lastError: r.last_error, createdAt: r.created_at, deadAt: r.dead_at,
  }));
  return { items, next: rows.length > page.limit ? (items.at(-1)?.id ?? null) : null };
}

// Replays (forward_replay) put dead letters back to pending with a fresh start: attempts from zero,
// a new retry window from the next attempt, due at once unless an earlier event of the case is
// pending. The webhook id stays, so a receiver that did get it before drops it.

export type ReplayOutcome = 'replayed' | 'not-found' | 'not-dead';

export async function replayDeadLetter(db: Queryable, id: string): Promise<ReplayOutcome> {
  const { rows } = await db.query<{ replayed: number }>('select forward_replay(array[$1::bigint]) as replayed from forward_events where id = $1', [id]);
  const row = rows[0];
  return !row ? 'not-found' : row.replayed ? 'replayed' : 'not-dead';
}

/** Each replay takes the lock of every case it touches: batches keep that number bounded. */
const REPLAY_BATCH = 500;

/** Replays every dead letter created in [from, to) of the given type (each filter optional). */
export async function replayDeadLetters(db: Queryable, filter: { from?: Date; to?: Date; type?: string }): Promise<number> {
  let replayed = 0;
  let after = '0';
  for (;;) {
    const { rows } = await db.query<{ id: string }>(
      `select id::text from forward_events
        where status = 'dead' and id > $1 and ($2::timestamptz is null or created_at >= $2) and ($3::timestamptz is null or created_at < $3)
          and ($4::text is null or type = $4)
        order by id limit $5`,
      [after, filter.from ?? null, filter.to ?? null, filter.type ?? null, REPLAY_BATCH],
    );
    const last = rows.at(-1);
    if (!last) return replayed;
    const { rows: done } = await db.query<{ n: number }>('select forward_replay($1::bigint[]) as n', [rows.map((r) => r.id)]);
    replayed += done[0]?.n ?? 0;
    after = last.id;
  }
}

export interface ForwardingStatus {
  pending: number;
  /** Seconds since the oldest pending event was written (database clock); null when none waits. */
  oldestPendingAgeSeconds: number | null;
  dead: number;
  endpoint: { disabled: boolean; disabledAt: Date | null; disabledReason: string | null; pausedUntil: Date | null };
}

export async function forwardingStatus(db: Queryable): Promise<ForwardingStatus> {
  const { rows } = await db.query<{ pending: string; oldest: number | null; dead: string; disabled_at: Date | null; disabled_reason: string | null; paused_until: Date | null }>(
    `select (select count(*) from forward_events where status = 'pending') as pending,
            (select extract(epoch from now() - min(created_at))::float8 from forward_events where status = 'pending') as oldest,
            (select count(*) from forward_events where status = 'dead') as dead,
            e.disabled_at, e.disabled_reason, e.paused_until
       from forward_endpoint e`,
  );
  const r = rows[0];
  return {
    pending: Number(r?.pending ?? 0),
    oldestPendingAgeSeconds: r?.oldest === null || r?.oldest === undefined ? null : Math.max(0, Math.floor(r.oldest)),
    dead: Number(r?.dead ?? 0),
    endpoint: { disabled: !!r?.disabled_at, disabledAt: r?.disabled_at ?? null, disabledReason: r?.disabled_reason ?? null, pausedUntil: r?.paused_until ?? null },
  };
}

/**
 * Clears a 410 Gone. The events that waited get a new retry window from their next attempt: the
 * time the endpoint was off is not held against them. Returns whether it was disabled.
 */
export async function enableEndpoint(db: Queryable, actor: string, now: Date): Promise<boolean> {
  const { rows } = await db.query<{ was_disabled: boolean }>(
    `with e as (select disabled_at is not null as was_disabled from forward_endpoint),
          u as (update forward_endpoint set disabled_at = null, disabled_reason = null, paused_until = null, enabled_at = $2, enabled_by = $1),
          w as (update forward_events set retry_from = null where status = 'pending' and retry_from is not null and (select was_disabled from e))
     select was_disabled from e`,
    [actor, now],
  );
  return rows[0]?.was_disabled ?? false;
}

// The debtor's words travel in reply.received only (the text, and attachment names, which may hold
// a name): erasure and retention take them out of the outbox as they do from the replies. What
// remains (ids, types, intents, statuses) is what the case system already owns.
const WITHOUT_WORDS = `payload = (payload - 'text') || jsonb_build_object('textRemoved', true)
  || case when jsonb_typeof(payload->'attachments') = 'array'
          then jsonb_build_object('attachments', (select coalesce(jsonb_agg(a - 'filename'), '[]') from jsonb_array_elements(payload->'attachments') a))
          else '{}' end`;

/** For an erasure: the debtor's words leave every forward event, sent or not (a pending one goes without them). */
export async function eraseForwardTexts(db: Queryable, debtorId: string): Promise<number> {
  const { rowCount } = await db.query(`update forward_events set ${WITHOUT_WORDS} where debtor_id = $1 and type = 'reply.received' and payload ? 'text'`, [debtorId]);
  return rowCount ?? 0;
}

/** For the body retention: the words of replies delivered before `before` (dead and pending ones keep them for a replay). */
export async function purgeDeliveredForwardTexts(db: Queryable, before: Date): Promise<number> {
  const { rowCount } = await db.query(
    `update forward_events set ${WITHOUT_WORDS} where type = 'reply.received' and payload ? 'text' and status = 'delivered' and delivered_at < $1`,
    [before],
  );
  return rowCount ?? 0;
}
