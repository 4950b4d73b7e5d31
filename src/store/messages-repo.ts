import type { Channel } from '../domain/case-event.ts';
import type { Content, Decision, Stage } from '../policy/decision.ts';
import type { Contact } from '../policy/caps.ts';
import type { Queryable } from './db.ts';
import { CONTACT_STATE_COLUMNS, toContactState, type ContactState, type ContactStateRow } from './contact-state-repo.ts';

export type MessageStatus = 'pending' | 'held' | 'sending' | 'unknown' | 'queued' | 'sent' | 'printed' | 'posted' | 'delivered' | 'undelivered' | 'failed' | 'read' | 'blocked' | 'cancelled';
export type StatusSource = 'planner' | 'dispatcher' | 'provider' | 'reconciler' | 'sweeper' | 'policy';

export interface NewMessage {
  id: string;
  eventId: string;
  caseId: string;
  debtorId: string;
  step: string;
  channel: Channel | null;
  contactPointId: string | null;
  toAddress: string | null;
  template: string;
  templateVersion: string | null;
  locale: string | null;
  body: string | null;
  encoding: string | null;
  segments: number | null;
  /** The channel's rendered parts (see OutboundMessage.parts). */
  parts: Record<string, string> | null;
  /** The message this one replaces on the next channel of its step. */
  fallbackOf: string | null;
  /** The reply this message answers (its decision may pass that reply's own hold or opt-out). */
  answers?: string | null;
  status: 'pending' | 'held' | 'blocked' | 'failed';
  notBefore: Date | null;
  lastErrorCode: string | null;
  capExempt: boolean;
  content: Content;
  decision: Decision;
}

// The whole plan of one or more events in one statement: messages (a message seen before is left as it
// is), their first status and decision, and the event marked planned. Atomic without a transaction.
const INSERT_PLAN = `
with m as (
  insert into messages (id, event_id, case_id, debtor_id, step, channel, contact_point_id, to_address, template,
                        template_version, locale, body, encoding, segments, status, not_before, last_error_code, cap_exempt, content,
                        parts, fallback_of, answers)
  select x.id, x.event_id, x.case_id, x.debtor_id, x.step, x.channel, x.contact_point_id::bigint, x.to_address, x.template,
         x.template_version, x.locale, x.body, x.encoding, x.segments, x.status, x.not_before, x.last_error_code, x.cap_exempt, x.content,
         x.parts, x.fallback_of, x.answers
  from jsonb_to_recordset($1::jsonb) as x(id text, event_id text, case_id text, debtor_id text, step text, channel text,
       contact_point_id text, to_address text, template text, template_version text, locale text, body text, encoding text,
       segments int, status text, not_before timestamptz, last_error_code text, cap_exempt boolean, content text,
       parts jsonb, fallback_of text, answers text)
  -- A debtor erased while this plan was being made gets none of its messages (they would carry
  -- the address and text the erasure just removed); planning reads without the debtor's lock.
  where not exists (select 1 from debtors d where d.id = x.debtor_id and d.erased_at >= $3)
  on conflict (id) do nothing
  returning id, status
),
s as (insert into message_statuses (message_id, status, source) select id, status, 'planner' from m),
d as (
  insert into decisions (message_id, event_id, case_id, stage, channel, outcome, defer_until, rule, reason, policy_version, evidence, content)
  select y.message_id, y.event_id, y.case_id, 'plan', y.channel, y.outcome, y.defer_until, y.rule, y.reason, y.policy_version, y.evidence, y.decision_content
  from jsonb_to_recordset($1::jsonb) as y(id text, message_id text, event_id text, case_id text, channel text, outcome text,
       defer_until timestamptz, rule text, reason text, policy_version text, evidence jsonb, decision_content text)
  where y.id in (select id from m)
)
update events set status = 'planned', planned_at = now() where id = any($2::text[]) and status = 'received'`;

export async function insertPlan(db: Queryable, eventIds: readonly string[], messages: readonly NewMessage[], readAt: Date): Promise<void> {
  const rows = messages.map((m) => ({
    id: m.id,
    message_id: m.id,
    event_id: m.eventId,
    case_id: m.caseId,
    debtor_id: m.debtorId,
    step: m.step,
    channel: m.channel,
    contact_point_id: m.contactPointId,
    to_address: m.toAddress,
    template: m.template,
    template_version: m.templateVersion,
    locale: m.locale,
    body: m.body,
    encoding: m.encoding,
    segments: m.segments,
    status: m.status,
    not_before: m.notBefore,
    last_error_code: m.lastErrorCode,
    cap_exempt: m.capExempt,
    content: m.content,
    parts: m.parts,
    fallback_of: m.fallbackOf,
    answers: m.answers ?? null,
    decision_content: m.decision.content,
    outcome: m.decision.outcome,
    defer_until: m.decision.deferUntil,
    rule: m.decision.rule,
    reason: m.decision.reason,
    policy_version: m.decision.policyVersion,
    evidence: m.decision.evidence,
  }));
  await db.query({ name: 'insert-plan', text: INSERT_PLAN, values: [JSON.stringify(rows), eventIds, readAt] });
}

export interface PendingMessageRef {
  id: string;
  channel: Channel;
  notBefore: Date | null;
}

/** Messages of an event still waiting for dispatch: re-enqueued when a plan job runs twice. */
export async function pendingMessagesOfEvent(db: Queryable, eventId: string): Promise<PendingMessageRef[]> {
  const { rows } = await db.query<{ id: string; channel: Channel; not_before: Date | null }>(
    `select id, channel, not_before from messages where event_id = $1 and status in ('pending', 'sending', 'unknown')`,
    [eventId],
  );
  return rows.map((r) => ({ id: r.id, channel: r.channel, notBefore: r.not_before }));
}

/**
 * Messages that waited for a hold of these debtors, where neither the case nor the debtor holds
 * any more: back to `pending`, so dispatch puts them through the policy again.
 */
export async function releaseHeldMessages(db: Queryable, debtorIds: readonly string[]): Promise<PendingMessageRef[]> {
  if (!debtorIds.length) return [];
  const { rows } = await db.query<{ id: string; channel: Channel }>({
    name: 'release-held-messages',
    text: `with r as (
             update messages m set status = 'pending', not_before = null, updated_at = now()
               from cases c, debtors d
              where m.debtor_id = any($1::text[]) and m.status = 'held' and c.id = m.case_id and d.id = m.debtor_id
                and c.hold_reason is null and not coalesce((d.flags->>'dispute')::boolean, false)
             returning m.id, m.channel
           ),
           s as (insert into message_statuses (message_id, status, source) select id, 'pending', 'policy' from r)
           select id, channel from r`,
    values: [debtorIds],
  });
  return rows.map((r) => ({ id: r.id, channel: r.channel, notBefore: null }));
}

/**
 * Messages owed a fallback whose job may be lost, or that waited past the delivery deadline:
 * given up on (failed, undelivered) since `since` and older than `olderThan`, or still queued or
 * sent (no delivery report) before `undeliveredBefore` on a channel that reports deliveries: SMS
 * and WhatsApp. Plain SMTP reports nothing after `sent`, and a letter's proof is the print house's.
 */
export async function findFallbackCandidates(db: Queryable, opts: { since: Date; olderThan: Date; undeliveredBefore: Date; limit: number }): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select m.id from messages m
      where m.channel is not null and m.updated_at >= $1
        and ((m.status in ('failed', 'undelivered') and m.updated_at < $2)
          or (m.status in ('queued', 'sent') and m.channel in ('sms', 'whatsapp') and m.updated_at < $3))
        and not exists (select 1 from messages f where f.fallback_of = m.id)
      order by m.updated_at limit $4`,
    [opts.since, opts.olderThan, opts.undeliveredBefore, opts.limit],
  );
  return rows.map((r) => r.id);
}

/** Unfinished messages older than the grace period: their jobs may be lost. */
export async function findUnfinishedMessages(db: Queryable, olderThan: Date, limit: number): Promise<PendingMessageRef[]> {
  const { rows } = await db.query<{ id: string; channel: Channel; not_before: Date | null }>(
    `select id, channel, not_before from messages
      where status in ('pending', 'sending', 'unknown') and updated_at < $1
      order by updated_at limit $2`,
    [olderThan, limit],
  );
  return rows.map((r) => ({ id: r.id, channel: r.channel, notBefore: r.not_before }));
}

export interface DispatchRow {
  id: string;
  eventId: string;
  caseId: string;
  debtorId: string;
  channel: Channel;
  contactPointId: string;
  toAddress: string;
  body: string;
  parts: Record<string, string> | null;
  locale: string | null;
  /** When the debtor last wrote to us from this contact point (WhatsApp's 24-hour window). */
  lastInboundAt: Date | null;
  template: string;
  /** The reply this message answers, if it is an answer (a confirmation, an acknowledgement). */
  answers: string | null;
  status: MessageStatus;
  capExempt: boolean;
  content: Content;
  attempts: number;
  sendingAt: Date | null;
  country: string;
  /** The case and debtor as they are now, read under the lock. */
  state: ContactState;
}

type DispatchQueryRow = Omit<DispatchRow, 'state'> & ContactStateRow;

/**
 * Takes the debtors' locks (advisory, transaction-scoped, in a fixed order so that two batches
 * never wait on each other in a circle). Anything read after this, in a new statement, sees every
 * send another transaction claimed for these debtors.
 */
export async function lockDebtorsOfMessages(tx: Queryable, messageIds: readonly string[]): Promise<void> {
  await tx.query({
    name: 'lock-debtors-of-messages',
    text: `select pg_advisory_xact_lock(k) from (
             select distinct hashtextextended(debtor_id, 0) as k from messages where id = any($1::text[]) order by 1) s`,
    values: [messageIds],
  });
}

/**
 * Under the debtors' locks: locks the message rows and reads what dispatch and the policy need,
 * with each debtor's ledger since `ledgerSince`, in one round trip for the whole batch.
 */
export async function readMessagesForDispatch(tx: Queryable, messageIds: readonly string[], ledgerSince: Date): Promise<{ rows: Map<string, DispatchRow>; ledger: Map<string, Contact[]> }> {
  const { rows } = await tx.query<DispatchQueryRow & { ledger: Array<[Channel, string, boolean]> | null }>({
    name: 'lock-messages-for-dispatch',
    text: `select m.id, m.event_id as "eventId", m.case_id as "caseId", m.debtor_id as "debtorId", m.channel,
                  m.contact_point_id::text as "contactPointId", m.to_address as "toAddress", m.body, m.parts, m.locale, m.template, m.answers, m.status, m.attempts, m.cap_exempt as "capExempt", m.content,
                  (select p.last_inbound_at from contact_points p where p.id = m.contact_point_id) as "lastInboundAt",
                  m.sending_at as "sendingAt", ${CONTACT_STATE_COLUMNS},
                  (select json_agg(json_build_array(l.channel, l.contacted_at, l.cap_exempt)) from messages l
                    where l.debtor_id = m.debtor_id and l.contacted_at >= $2 and l.status <> 'failed') as ledger
             from messages m join cases c on c.id = m.case_id join debtors d on d.id = c.debtor_id
            where m.id = any($1::text[])
            order by m.id
              for update of m`,
    values: [messageIds, ledgerSince],
  });
  const ledger = new Map<string, Contact[]>();
  const byId = new Map<string, DispatchRow>();
  for (const row of rows) {
    const { hold_reason, hold_since, creditor_id, portfolio, flags, preferred_channel, time_zone, address_country, deceased_since, points, ledger: contacts, ...message } = row;
    const state = toContactState({ hold_reason, hold_since, country: row.country, creditor_id, portfolio, flags, preferred_channel, time_zone, address_country, deceased_since, points });
    byId.set(row.id, { ...message, state });
    if (!ledger.has(row.debtorId)) ledger.set(row.debtorId, (contacts ?? []).map(([channel, at, capExempt]) => ({ channel, at: new Date(at), capExempt })));
  }
  return { rows: byId, ledger };
}

export interface DispatchDecisionRecord {
  row: DispatchRow;
  stage: Stage;
  decision: Decision;
  nextStatus: 'sending' | 'blocked' | 'pending' | 'held';
  /** The decision's instant: the ledger's contact time when the message is claimed. */
  at: Date;
}

/** Records dispatch-time decisions and moves each message: to `sending` if allowed, else as decided. */
export async function recordDispatchDecisions(tx: Queryable, records: readonly DispatchDecisionRecord[]): Promise<void> {
  if (!records.length) return;
  const rows = records.map(({ row, stage, decision, nextStatus, at }) => ({
    message_id: row.id,
    event_id: row.eventId,
    case_id: row.caseId,
    stage,
    channel: row.channel,
    outcome: decision.outcome,
    defer_until: decision.deferUntil,
    rule: decision.rule,
    reason: decision.reason,
    policy_version: decision.policyVersion,
    evidence: decision.evidence,
    content: decision.content,
    next_status: nextStatus,
    at,
  }));
  await tx.query({
    name: 'record-dispatch-decisions',
    text: `with x as (
       select * from jsonb_to_recordset($1::jsonb) as x(message_id text, event_id text, case_id text, stage text, channel text,
              outcome text, defer_until timestamptz, rule text, reason text, policy_version text, evidence jsonb, content text,
              next_status text, at timestamptz)
     ),
     d as (
       insert into decisions (message_id, event_id, case_id, stage, channel, outcome, defer_until, rule, reason, policy_version, evidence, content)
       select message_id, event_id, case_id, stage, channel, outcome, defer_until, rule, reason, policy_version, evidence, content from x
     ),
     s as (insert into message_statuses (message_id, status, source) select message_id, next_status, 'dispatcher' from x where next_status <> 'pending')
     update messages m set status = x.next_status,
            attempts = m.attempts + case when x.next_status = 'sending' then 1 else 0 end,
            sending_at = case when x.next_status = 'sending' then now() else m.sending_at end,
            contacted_at = case when x.next_status = 'sending' then coalesce(m.contacted_at, x.at) else m.contacted_at end,
            not_before = coalesce(x.defer_until, m.not_before),
            updated_at = now()
       from x where m.id = x.message_id`,
    values: [JSON.stringify(rows)],
  });
}

export interface StatusReport {
  messageId: string;
  status: MessageStatus;
  source: StatusSource;
  providerId?: string | null;
  providerStatus?: string | null;
  errorCode?: string | null;
}

/**
 * Applies statuses from any source, many in one statement. History keeps every report in arrival
 * order; a message's own status only moves forward (a late `sent` never overwrites `delivered`),
 * and a provider id is taken only if no other message holds it.
 */
export async function applyStatuses(db: Queryable, reports: readonly StatusReport[]): Promise<void> {
  if (!reports.length) return;
  const rows = reports.map((r, n) => ({ n, message_id: r.messageId, status: r.status, source: r.source, provider_id: r.providerId ?? null, provider_status: r.providerStatus ?? null, error_code: r.errorCode ?? null }));
  await db.query({
    name: 'apply-statuses',
    text: `with x as (
       select * from jsonb_to_recordset($1::jsonb) as x(n int, message_id text, status text, source text, provider_id text, provider_status text, error_code text)
     ),
     s as (
       insert into message_statuses (message_id, status, provider_status, error_code, source)
       select x.message_id, x.status, x.provider_status, x.error_code, x.source from x
        where exists (select 1 from messages m where m.id = x.message_id) order by x.n
     ),
     best as (
       select distinct on (message_id) message_id, status, provider_id, error_code from x
        order by message_id, status_rank(status) desc, n desc
     )
     update messages m set status = case when status_rank(b.status) > status_rank(m.status) then b.status else m.status end,
            provider_id = coalesce(m.provider_id, case when not exists (select 1 from messages o where o.provider_id = b.provider_id) then b.provider_id end),
            last_error_code = coalesce(b.error_code, m.last_error_code),
            updated_at = now()
       from best b where m.id = b.message_id`,
    values: [JSON.stringify(rows)],
  });
}

export async function applyStatus(
  db: Queryable,
  messageId: string,
  status: MessageStatus,
  source: StatusSource,
  extra: { providerId?: string | null; providerStatus?: string | null; errorCode?: string | null } = {},
): Promise<void> {
  await applyStatuses(db, [{ messageId, status, source, ...extra }]);
}

/**
 * Adopts a provider message found for a lost send (a status callback may have named it already).
 * The unique index on provider_id makes it atomic: when two of our messages match the same
 * provider message, only one adopts it.
 */
export async function adoptProviderMessage(db: Queryable, messageId: string, providerId: string, status: MessageStatus): Promise<boolean> {
  try {
    const { rowCount } = await db.query(
      `with s as (insert into message_statuses (message_id, status, provider_status, source) values ($1, $3, $3, 'reconciler'))
       update messages set provider_id = $2, status = case when status_rank($3) > status_rank(status) then $3 else status end, updated_at = now()
        where id = $1 and (provider_id is null or provider_id = $2)`,
      [messageId, providerId, status],
    );
    return (rowCount ?? 0) > 0;
  } catch (err) {
    if ((err as { code?: string }).code === UNIQUE_VIOLATION) return false;
    throw err;
  }
}

const UNIQUE_VIOLATION = '23505';

/** Which of these provider ids already belong to another of our messages. */
export async function claimedProviderIds(db: Queryable, providerIds: readonly string[], exceptMessageId: string): Promise<Set<string>> {
  if (!providerIds.length) return new Set();
  const { rows } = await db.query<{ provider_id: string }>('select provider_id from messages where provider_id = any($1) and id <> $2', [providerIds, exceptMessageId]);
  return new Set(rows.map((r) => r.provider_id));
}

/**
 * The one backward move: a message the provider never received (the reconciler found nothing, or
 * the connection was refused) goes back to `pending`, so it can be sent (once).
 */
export async function markNotSent(db: Queryable, messageId: string, errorCode: string | null = null): Promise<void> {
  await db.query(
    `with s as (insert into message_statuses (message_id, status, error_code, source) values ($1, 'pending', $2, case when $2::text is null then 'reconciler' else 'dispatcher' end))
     update messages set status = 'pending', contacted_at = null, last_error_code = coalesce($2, last_error_code), updated_at = now()
      where id = $1 and status in ('sending', 'unknown')`,
    [messageId, errorCode],
  );
}

/** Outcome unknown: the provider call may or may not have gone out (crash, timeout, reset). */
export async function markUnknown(db: Queryable, messageId: string, source: StatusSource, errorCode: string | null): Promise<void> {
  await db.query(
    `with s as (insert into message_statuses (message_id, status, error_code, source) values ($1, 'unknown', $3, $2))
     update messages set status = 'unknown', last_error_code = coalesce($3, last_error_code), updated_at = now()
      where id = $1 and status in ('sending', 'unknown')`,
    [messageId, source, errorCode],
  );
}
