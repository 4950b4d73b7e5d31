import type { CaseEvent } from '../domain/case-event.ts';
import type { Queryable } from './db.ts';
import { CONTACT_STATE_COLUMNS, toContactState, type ContactState, type ContactStateRow } from './contact-state-repo.ts';

export interface StoredEvent {
  id: string;
  webhookId: string;
  type: string;
  status: 'received' | 'planned';
  receivedAt: Date;
}

export type IntakeOutcome = { kind: 'stored'; event: StoredEvent } | { kind: 'duplicate'; event: StoredEvent };

// One statement, so one round trip and one implicit transaction: the event, the debtor,
// their contact points and the case are stored together or not at all. A snapshot only
// overwrites an older one (events can arrive out of order); holds are applied whatever
// the order, releases only if they are newer than the hold.
const INSERT_EVENT_WITH_SNAPSHOT = `
with ev as (
  insert into events (id, webhook_id, type, case_id, debtor_id, occurred_at, payload)
  values ($1, $2, $3, $4, $5, $6, $7::jsonb)
  on conflict do nothing
  returning id, webhook_id, type, status, received_at
),
prior as (select last_event_at from debtors where id = $5),
d as (
  insert into debtors as t (id, locale, time_zone, address_country, preferred_channel, flags, personal, last_event_at)
  select $5, $8, $9, $10, $11, $12::jsonb, $13::jsonb, $6 from ev
  on conflict (id) do update set
    locale = excluded.locale, time_zone = excluded.time_zone, address_country = excluded.address_country,
    preferred_channel = excluded.preferred_channel, flags = excluded.flags, personal = excluded.personal,
    last_event_at = excluded.last_event_at, updated_at = now()
  where t.last_event_at <= excluded.last_event_at
  returning id
),
cp as (
  insert into contact_points as t (debtor_id, channel, address, verified, kind, opt_in)
  select $5, c.channel, c.address, c.verified, c.kind, c."optIn"
  from ev, jsonb_to_recordset($14::jsonb) as c(channel text, address text, verified boolean, kind text, "optIn" boolean)
  on conflict (debtor_id, channel, address) do update set
    verified = excluded.verified, kind = excluded.kind, opt_in = excluded.opt_in, removed_at = null, updated_at = now()
  where coalesce((select last_event_at from prior), '-infinity') <= $6
  returning id
),
gone as (
  update contact_points set removed_at = now(), updated_at = now()
  where debtor_id = $5 and removed_at is null and exists (select 1 from ev)
    and coalesce((select last_event_at from prior), '-infinity') <= $6
    and (channel, address) not in (select c.channel, c.address from jsonb_to_recordset($14::jsonb) as c(channel text, address text))
  returning id
),
c as (
  insert into cases as t (id, debtor_id, creditor_id, country, currency, reference, snapshot, hold_reason, hold_since, last_event_at)
  select $4, $5, $15, $16, $17, $18, $19::jsonb, $20, case when $20::text is null then null else $6 end, $6 from ev
  on conflict (id) do update set
    debtor_id   = case when t.last_event_at <= excluded.last_event_at then excluded.debtor_id else t.debtor_id end,
    creditor_id = case when t.last_event_at <= excluded.last_event_at then excluded.creditor_id else t.creditor_id end,
    country     = case when t.last_event_at <= excluded.last_event_at then excluded.country else t.country end,
    currency    = case when t.last_event_at <= excluded.last_event_at then excluded.currency else t.currency end,
    reference   = case when t.last_event_at <= excluded.last_event_at then excluded.reference else t.reference end,
    snapshot    = case when t.last_event_at <= excluded.last_event_at then excluded.snapshot else t.snapshot end,
    hold_reason = case when $3 = 'case.hold' then excluded.hold_reason
                       when $3 = 'case.released' and (t.hold_since is null or t.hold_since <= $6) then null
                       else t.hold_reason end,
    hold_since  = case when $3 = 'case.hold' then coalesce(t.hold_since, excluded.hold_since)
                       when $3 = 'case.released' and (t.hold_since is null or t.hold_since <= $6) then null
                       else t.hold_since end,
    last_event_at = greatest(t.last_event_at, excluded.last_event_at),
    updated_at  = now()
  returning id
)
select ev.id, ev.webhook_id, ev.type, ev.status, ev.received_at,
       (select count(*) from d) + (select count(*) from cp) + (select count(*) from gone) + (select count(*) from c) as touched
from ev`;

interface EventRow {
  id: string;
  webhook_id: string;
  type: string;
  status: 'received' | 'planned';
  received_at: Date;
}

const toStored = (r: EventRow): StoredEvent => ({ id: r.id, webhookId: r.webhook_id, type: r.type, status: r.status, receivedAt: r.received_at });

export async function insertEventWithSnapshot(db: Queryable, event: CaseEvent, webhookId: string): Promise<IntakeOutcome> {
  const { case: c, debtor: d } = event;
  const holdReason = event.type === 'case.hold' ? (event.data.hold?.reason ?? 'legal') : null;
  const { rows } = await db.query<EventRow>({ name: 'insert-event-with-snapshot', text: INSERT_EVENT_WITH_SNAPSHOT, values: [
    event.id,
    webhookId,
    event.type,
    c.id,
    d.id,
    event.occurredAt,
    JSON.stringify(event),
    d.locale,
    d.timeZone ?? null,
    d.address.country,
    d.preferredChannel ?? null,
    JSON.stringify(d.flags),
    JSON.stringify({ name: d.name, address: d.address }),
    JSON.stringify(d.contactPoints),
    c.creditor.id,
    c.country,
    c.currency,
    c.reference,
    JSON.stringify(c),
    holdReason,
  ] });
  const stored = rows[0];
  if (stored) return { kind: 'stored', event: toStored(stored) };
  const first = await findEventByIds(db, event.id, webhookId);
  // The conflict was on one of the two keys, so the first event exists (deletes do not happen).
  if (!first) throw new Error('event conflict without a stored event');
  return { kind: 'duplicate', event: first };
}

export async function findEventByIds(db: Queryable, eventId: string, webhookId: string): Promise<StoredEvent | null> {
  const { rows } = await db.query<EventRow>(
    'select id, webhook_id, type, status, received_at from events where id = $1 or webhook_id = $2 order by received_at limit 1',
    [eventId, webhookId],
  );
  return rows[0] ? toStored(rows[0]) : null;
}

export interface EventForPlanning {
  id: string;
  status: 'received' | 'planned';
  payload: CaseEvent;
  /** The case and debtor as they are now (holds, opt-outs), not as the event saw them. */
  state: ContactState;
}

/** The event and the current contact state of its case, in one round trip. */
export async function loadEventForPlanning(db: Queryable, eventId: string): Promise<EventForPlanning | null> {
  const { rows } = await db.query<ContactStateRow & { id: string; status: 'received' | 'planned'; payload: CaseEvent }>({
    name: 'load-event-for-planning',
    text: `select e.id, e.status, e.payload, ${CONTACT_STATE_COLUMNS}
             from events e join cases c on c.id = e.case_id join debtors d on d.id = c.debtor_id
            where e.id = $1`,
    values: [eventId],
  });
  const row = rows[0];
  return row ? { id: row.id, status: row.status, payload: row.payload, state: toContactState(row) } : null;
}

export async function markEventPlanned(db: Queryable, eventId: string): Promise<void> {
  await db.query(`update events set status = 'planned', planned_at = now() where id = $1 and status = 'received'`, [eventId]);
}

/** Events whose plan job may have been lost (crash between commit and enqueue, Redis wiped). */
export async function findUnplannedEvents(db: Queryable, olderThan: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select id from events where status = 'received' and received_at < $1 order by received_at limit $2`,
    [olderThan, limit],
  );
  return rows.map((r) => r.id);
}
