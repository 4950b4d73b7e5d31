import { withTransaction, type Db, type Queryable } from './db.ts';
import { eraseForwardTexts } from '../forwarding/outbox.ts';

// A debtor's right of access (export) and right to erasure. Erasure removes what identifies the
// person and keeps the facts an audit needs: which message went when, on which channel, what the
// policy decided and why, what the provider reported, and the creditor's own case record.

export const EXPORT_FORMAT = 'debtor-export/1';

type Json = Record<string, unknown>;

export interface DebtorExport {
  format: typeof EXPORT_FORMAT;
  exportedAt: string;
  debtor: Json;
  contactPoints: Json[];
  cases: Json[];
  events: Json[];
  messages: Json[];
  messageStatuses: Json[];
  decisions: Json[];
  tasks: Json[];
  /** The debtor's replies (attachments listed, their bytes not included). */
  replies: Json[];
  erasures: Json[];
}

const camel = (key: string): string => key.replace(/_([a-z])/g, (_, c: string) => c.toUpperCase());
const plain = (value: unknown): unknown => (value instanceof Date ? value.toISOString() : value);
const toJson = (row: Json): Json => Object.fromEntries(Object.entries(row).map(([k, v]) => [camel(k), plain(v)]));

// `select *` on purpose: an export lists everything we hold, including columns added later.
const OF_DEBTOR = {
  contactPoints: 'select * from contact_points where debtor_id = $1 order by id',
  cases: 'select * from cases where debtor_id = $1 order by id',
  events: 'select * from events where debtor_id = $1 order by occurred_at, id',
  messages: 'select * from messages where debtor_id = $1 order by created_at, id',
  messageStatuses: 'select * from message_statuses where message_id in (select id from messages where debtor_id = $1) order by id',
  decisions: 'select * from decisions where message_id in (select id from messages where debtor_id = $1) order by id',
  tasks: 'select * from tasks where debtor_id = $1 order by id',
  replies: `select r.*, (select coalesce(json_agg(json_build_object('filename', a.filename, 'contentType', a.content_type, 'size', a.size, 'sha256', a.sha256) order by a.id), '[]')
                          from inbound_attachments a where a.inbound_id = r.id) as attachments
              from inbound_messages r where r.debtor_id = $1 order by received_at, id`,
  erasures: 'select * from erasures where debtor_id = $1 order by id',
} as const;

/** Everything we hold about a debtor as one JSON document, read from one snapshot; null if unknown. */
export async function exportDebtor(db: Db, debtorId: string, now: Date = new Date()): Promise<DebtorExport | null> {
  return withTransaction(db, async (tx) => {
    // One snapshot for all tables: a status or an erasure committing meanwhile shows everywhere or nowhere.
    await tx.query('set transaction isolation level repeatable read, read only');
    const { rows } = await tx.query<Json>('select * from debtors where id = $1', [debtorId]);
    const debtor = rows[0];
    if (!debtor) return null;
    const parts: Partial<Record<keyof typeof OF_DEBTOR, Json[]>> = {};
    for (const [part, sql] of Object.entries(OF_DEBTOR) as Array<[keyof typeof OF_DEBTOR, string]>) {
      parts[part] = (await tx.query<Json>(sql, [debtorId])).rows.map(toJson);
    }
    return {
      format: EXPORT_FORMAT,
      exportedAt: now.toISOString(),
      debtor: toJson(debtor),
      contactPoints: parts.contactPoints ?? [],
      cases: parts.cases ?? [],
      events: parts.events ?? [],
      messages: parts.messages ?? [],
      messageStatuses: parts.messageStatuses ?? [],
      decisions: parts.decisions ?? [],
      tasks: parts.tasks ?? [],
      replies: parts.replies ?? [],
      erasures: parts.erasures ?? [],
    };
  });
}

/**
 * `erased:` and the first 16 hex digits of a keyed SHA-256 of the address, as SQL. Stable, so the
 * unique (debtor, channel, address) key stays valid and an address sent again is recognised; keyed
 * (the key is set for the transaction, see PSEUDONYM_KEY_SETTING), because phone numbers are few
 * enough to hash them all and undo a plain hash. Applied to a pseudonym it returns it unchanged,
 * so erasing twice changes nothing.
 */
const PSEUDONYM_KEY_SETTING = 'dco.pseudonym_key';

const pseudonym = (expr: string): string =>
  `(case when ${expr} like 'erased:%' then ${expr} else 'erased:' || left(encode(sha256(convert_to(current_setting('${PSEUDONYM_KEY_SETTING}') || ${expr}, 'UTF8')), 'hex'), 16) end)`;

// The debtor part of an event keeps only what is not personal (an allowlist, so that fields a case
// system adds beyond the contract go too); names and address lines become empty rather than absent
// so that code reading stored payloads as CaseEvent still finds the shape it expects. A hold's note
// is free text about the debtor and goes as well. Case, amounts and the rest of `data` stay: they
// are the creditor's record.
const ERASED_PAYLOAD = `jsonb_set(payload #- '{data,hold,note}', '{debtor}', jsonb_strip_nulls(jsonb_build_object(
  'id', payload->'debtor'->'id',
  'name', jsonb_build_object('given', '', 'family', ''),
  'locale', payload->'debtor'->'locale',
  'address', jsonb_build_object('lines', '[]'::jsonb, 'postalCode', '', 'city', '', 'country', payload->'debtor'->'address'->'country'),
  'contactPoints', coalesce((
     select jsonb_agg(jsonb_strip_nulls(jsonb_build_object('channel', cp->'channel', 'address', to_jsonb(${pseudonym(`(cp->>'address')`)}),
                      'verified', cp->'verified', 'kind', cp->'kind', 'optIn', cp->'optIn')) order by n)
       from jsonb_array_elements(payload->'debtor'->'contactPoints') with ordinality as t(cp, n)), '[]'::jsonb),
  'preferredChannel', payload->'debtor'->'preferredChannel',
  'flags', payload->'debtor'->'flags')))`;

export interface ErasureCounts {
  debtor: number;
  contactPoints: number;
  events: number;
  messages: number;
  cancelled: number;
}

export interface ErasureResult {
  erasureId: string;
  debtorId: string;
  erasedAt: Date;
  /** True when an earlier erasure had left nothing to change. */
  alreadyErased: boolean;
  counts: ErasureCounts;
}

const changed = async (tx: Queryable, sql: string, values: unknown[]): Promise<number> => (await tx.query(sql, values)).rowCount ?? 0;

/**
 * Removes or pseudonymises the debtor's personal data in one transaction, under the debtor's
 * advisory lock (the one dispatch takes before claiming a send), so no send is claimed half-way
 * through. Messages still waiting are cancelled and the contact points marked removed, so that
 * nothing planned or retried later can go out. Erasing again is harmless and says so.
 */
export async function eraseDebtor(db: Db, debtorId: string, opts: { actor: string; reason?: string; now: Date; pseudonymKey: string }): Promise<ErasureResult | null> {
  const { actor, reason = '', now } = opts;
  return withTransaction(db, async (tx) => {
    await tx.query(`select set_config('${PSEUDONYM_KEY_SETTING}', $1, true)`, [opts.pseudonymKey]);
    await tx.query('select pg_advisory_xact_lock(hashtextextended($1, 0))', [debtorId]);
    const found = await tx.query<{ erased_at: Date | null }>('select erased_at from debtors where id = $1 for update', [debtorId]);
    const before = found.rows[0];
    if (!before) return null;
    const args = [debtorId, now];

    const cancelled = await tx.query<{ n: number }>(
      `with c as (update messages set status = 'cancelled', updated_at = now() where debtor_id = $1 and status in ('pending', 'held') returning id),
            s as (insert into message_statuses (message_id, status, error_code, source) select id, 'cancelled', 'erased', 'policy' from c)
       select count(*)::int as n from c`,
      [debtorId],
    );
    const debtor = await changed(
      tx,
      `update debtors set personal = '{}', time_zone = null, erased_at = $2, updated_at = now()
        where id = $1 and (personal <> '{}'::jsonb or time_zone is not null or erased_at is null)`,
      args,
    );
    const contactPoints = await eraseContactPoints(tx, debtorId);
    const events = await changed(
      tx,
      `update events e set payload = x.erased
         from (select id, ${ERASED_PAYLOAD} as erased from events where debtor_id = $1) x
        where e.id = x.id and e.payload is distinct from x.erased`,
      [debtorId],
    );
    const messages = await changed(
      tx,
      `update messages set body = null, parts = null, body_purged_at = coalesce(body_purged_at, $2), to_address = ${pseudonym('to_address')}, updated_at = now()
        where debtor_id = $1 and (body is not null or parts is not null or to_address not like 'erased:%')`,
      args,
    );

    // The debtor's replies: their words and attachments go, the facts (when, channel, intent) stay.
    await tx.query(
      `update inbound_messages set body = null, from_address = ${pseudonym('from_address')} where debtor_id = $1 and (body is not null or from_address not like 'erased:%')`,
      [debtorId],
    );
    await tx.query(`update inbound_attachments set data = null, filename = 'erased' where data is not null and inbound_id in (select id from inbound_messages where debtor_id = $1)`, [debtorId]);
    // Reply texts waiting in the forwarding outbox (delivered ones too) lose their words.
    await eraseForwardTexts(tx, debtorId);
    // A letter's PDF carries the name and address; one not handed over yet is cancelled above.
    await tx.query(`update letter_outbox set pdf = null where pdf is not null and message_id in (select id from messages where debtor_id = $1)`, [debtorId]);
    const counts: ErasureCounts = { debtor, contactPoints, events, messages, cancelled: cancelled.rows[0]?.n ?? 0 };
    const alreadyErased = before.erased_at !== null && Object.values(counts).every((n) => n === 0);
    const erasedAt = debtor ? now : (before.erased_at ?? now);
    const { rows } = await tx.query<{ id: string }>(
      'insert into erasures (debtor_id, actor, reason, erased_at, counts) values ($1, $2, $3, $4, $5) returning id::text',
      [debtorId, actor, reason, now, JSON.stringify(counts)],
    );
    return { erasureId: rows[0]?.id ?? '', debtorId, erasedAt, alreadyErased, counts };
  });
}

/**
 * Addresses become pseudonyms and the points are marked removed, so the policy never chooses them
 * again (a removed point is blocked at planning and at dispatch). Opt-outs and invalid marks stay:
 * they are consent facts. An address the case system sent again after an earlier erasure already
 * has its pseudonym row; it is folded into that row (messages pointed at it, consent facts merged).
 */
async function eraseContactPoints(tx: Queryable, debtorId: string): Promise<number> {
  const again = `from contact_points p join contact_points e on e.debtor_id = p.debtor_id and e.channel = p.channel and e.address = ${pseudonym('p.address')}
                where p.debtor_id = $1 and p.address not like 'erased:%'`;
  await tx.query(
    `with dup as (select p.id as old_id, e.id as keep_id, p.opted_out_at, p.invalid_at, p.invalid_reason ${again}),
          moved as (update messages m set contact_point_id = dup.keep_id from dup where m.debtor_id = $1 and m.contact_point_id = dup.old_id)
     update contact_points k set opted_out_at = least(k.opted_out_at, dup.opted_out_at), invalid_at = least(k.invalid_at, dup.invalid_at),
            invalid_reason = coalesce(k.invalid_reason, dup.invalid_reason), updated_at = now()
       from dup where k.id = dup.keep_id`,
    [debtorId],
  );
  const folded = await changed(tx, `delete from contact_points d where d.id in (select p.id ${again})`, [debtorId]);
  const renamed = await changed(
    tx,
    `update contact_points set address = ${pseudonym('address')}, removed_at = coalesce(removed_at, now()), updated_at = now()
      where debtor_id = $1 and (address not like 'erased:%' or removed_at is null)`,
    [debtorId],
  );
  return folded + renamed;
}

/**
 * Body retention: the text of finished messages created before `olderThan` is dropped, at most
 * `limit` rows per call (the caller loops). Walks messages_retention (created_at where body is not
 * null), so purged rows are not scanned again; rows another worker is purging are skipped.
 */
export async function purgeExpiredBodies(db: Queryable, olderThan: Date, limit: number): Promise<number> {
  // Replies keep their words and attachments as long as messages keep theirs.
  await db.query(`update inbound_messages set body = null where id = any(array(select id from inbound_messages where body is not null and received_at < $1 limit $2))`, [olderThan, limit]);
  await db.query(`update inbound_attachments set data = null where data is not null and inbound_id in (select id from inbound_messages where received_at < $1 and body is null)`, [olderThan]);
  // Letters handed to the print house keep their PDF only as long as their text.
  await db.query(
    `update letter_outbox set pdf = null
      where message_id = any(array(select message_id from letter_outbox where pdf is not null and batch_id is not null and created_at < $1 limit $2))`,
    [olderThan, limit],
  );
  return changed(
    db,
    // An array, not a join: joined to the batch, the planner hashed a scan of the whole table.
    `update messages set body = null, parts = null, body_purged_at = now(), updated_at = now()
      where id = any(array(
        select id from messages
         where body is not null and created_at < $1 and status not in ('pending', 'held', 'sending', 'unknown')
         order by created_at limit $2
           for update skip locked))`,
    [olderThan, limit],
  );
}
