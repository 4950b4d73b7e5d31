import type { CaseEvent } from '../domain/case-event.ts';
import { contactPointsOf } from '../domain/contact-points.ts';
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

// One statement for many events, so one round trip and one implicit transaction: each event,
// its debtor, contact points and case are stored together or not at all. A snapshot only
// overwrites an older one (events can arrive out of order); holds apply whatever the order,
// releases only if newer than the hold. Callers never put two events of one debtor or one
// case in the same statement (an upsert cannot touch a row twice): see roundsWithoutSharedKeys.
const INSERT_EVENTS_WITH_SNAPSHOTS = `
with input as (
  select * from jsonb_to_recordset($1::jsonb) as x(
    id text, webhook_id text, type text, case_id text, debtor_id text, occurred_at timestamptz, payload jsonb,
    locale text, time_zone text, address_country text, preferred_channel text, flags jsonb, personal jsonb,
    contact_points jsonb, creditor_id text, country text, currency text, reference text, snapshot jsonb, hold_reason text)
),
ev as (
  insert into events (id, webhook_id, type, case_id, debtor_id, occurred_at, payload)
  select id, webhook_id, type, case_id, debtor_id, occurred_at, payload from input
  on conflict do nothing
  returning id, webhook_id, type, status, received_at
),
fresh as (
  select i.*, coalesce(d.last_event_at, '-infinity') <= i.occurred_at as newest
  from input i join ev on ev.id = i.id left join debtors d on d.id = i.debtor_id
),
d as (
  insert into debtors as t (id, locale, time_zone, address_country, preferred_channel, flags, personal, last_event_at, deceased_since)
  select debtor_id, locale, time_zone, address_country, preferred_channel, flags, personal, occurred_at,
         case when (flags->>'deceased')::boolean then occurred_at end from fresh
  on conflict (id) do update set
    locale = excluded.locale, time_zone = excluded.time_zone, address_country = excluded.address_country,
    preferred_channel = excluded.preferred_channel, flags = excluded.flags, personal = excluded.personal,
    last_event_at = excluded.last_event_at, updated_at = now(),
    -- When we first learnt of the death: the estate's pause counts from here.
    deceased_since = case when (excluded.flags->>'deceased')::boolean then coalesce(t.deceased_since, excluded.deceased_since) end
  where t.last_event_at <= excluded.last_event_at
  returning id
),
cp as (
  insert into contact_points as t (debtor_id, channel, address, verified, kind, opt_in)
  select f.debtor_id, c.channel, c.address, c.verified, c.kind, c."optIn"
  from fresh f cross join jsonb_to_recordset(f.contact_points) as c(channel text, address text, verified boolean, kind text, "optIn" boolean)
  where f.newest
  on conflict (debtor_id, channel, address) do update set
    verified = excluded.verified, kind = excluded.kind, opt_in = excluded.opt_in, removed_at = null, updated_at = now()
  returning id
),
gone as (
  -- Restricted by the batch's debtor ids ($2) so it walks the (debtor_id, …) index: joined to
  -- jsonb input alone, the planner guessed 100 rows and scanned the whole table.
  update contact_points p set removed_at = now(), updated_at = now()
  where p.debtor_id = any($2::text[]) and p.removed_at is null
    and exists (select 1 from fresh f
                 where f.debtor_id = p.debtor_id and f.newest
                   and not exists (select 1 from jsonb_to_recordset(f.contact_points) as c(channel text, address text)
                                    where c.channel = p.channel and c.address = p.address))
  returning p.id
),
c as (
  insert into cases as t (id, debtor_id, creditor_id, country, currency, reference, snapshot, hold_reason, hold_since, last_event_at)
  select case_id, debtor_id, creditor_id, country, currency, reference, snapshot, hold_reason,
         case when hold_reason is null then null else occurred_at end, occurred_at
  from fresh
  on conflict (id) do update set
    debtor_id   = case when t.last_event_at <= excluded.last_event_at then excluded.debtor_id else t.debtor_id end,
    creditor_id = case when t.last_event_at <= excluded.last_event_at then excluded.creditor_id else t.creditor_id end,
    country     = case when t.last_event_at <= excluded.last_event_at then excluded.country else t.country end,
    currency    = case when t.last_event_at <= excluded.last_event_at then excluded.currency else t.currency end,
    reference   = case when t.last_event_at <= excluded.last_event_at then excluded.reference else t.reference end,
    snapshot    = case when t.last_event_at <= excluded.last_event_at then excluded.snapshot else t.snapshot end,
    hold_reason = case (select f.type from fresh f where f.case_id = t.id)
                    when 'case.hold' then excluded.hold_reason
                    when 'case.released' then case when t.hold_since is null or t.hold_since <= excluded.last_event_at then null else t.hold_reason end
                    else t.hold_reason end,
    hold_since  = case (select f.type from fresh f where f.case_id = t.id)
                    when 'case.hold' then coalesce(t.hold_since, excluded.hold_since)
                    when 'case.released' then case when t.hold_since is null or t.hold_since <= excluded.last_event_at then null else t.hold_since end
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

export interface IncomingEvent {
  event: CaseEvent;
  webhookId: string;
}

function toInputRow({ event, webhookId }: IncomingEvent): Record<string, unknown> {
  const { case: c, debtor: d } = event;
  return {
    id: event.id,
    webhook_id: webhookId,
    type: event.type,
    case_id: c.id,
    debtor_id: d.id,
    occurred_at: event.occurredAt,
    payload: event,
    locale: d.locale,
    time_zone: d.timeZone ?? null,
    address_country: d.address.country,
    preferred_channel: d.preferredChannel ?? null,
    flags: d.flags,
    personal: { name: d.name, address: d.address },
    contact_points: contactPointsOf(d),
    creditor_id: c.creditor.id,
    country: c.country,
    currency: c.currency,
    reference: c.reference,
    snapshot: c,
    hold_reason: event.type === 'case.hold' ? (event.data.hold?.reason ?? 'legal') : null,
  };
}

/**
 * Stores events that share no debtor and no case in one statement. Each gets its outcome: stored,
 * or a duplicate (same event id or webhook-id) answered with the first one.
 */
export async function insertEventsWithSnapshots(db: Queryable, incoming: readonly IncomingEvent[]): Promise<IntakeOutcome[]> {
  if (!incoming.length) return [];
  const { rows } = await db.query<EventRow>({ name: 'insert-events-with-snapshots', text: INSERT_EVENTS_WITH_SNAPSHOTS, values: [JSON.stringify(incoming.map(toInputRow)), incoming.map((i) => i.event.debtor.id)] });
  const stored = new Map(rows.map((r) => [r.id, r]));
  const outcomes: IntakeOutcome[] = [];
  for (const item of incoming) {
    const row = stored.get(item.event.id);
    // Each stored row answers one request; a second request for it in the same batch is a duplicate.
    if (row && row.webhook_id === item.webhookId && stored.delete(item.event.id)) {
      outcomes.push({ kind: 'stored', event: toStored(row) });
      continue;
    }
    const first = await findEventByIds(db, item.event.id, item.webhookId);
    // The conflict was on one of the two keys, so the first event exists (deletes do not happen).
    if (!first) throw new Error('event conflict without a stored event');
    outcomes.push({ kind: 'duplicate', event: first });
  }
  return outcomes;
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

/** Events with the current contact state of their cases, in one round trip. */
export async function loadEventsForPlanning(db: Queryable, eventIds: readonly string[]): Promise<Map<string, EventForPlanning>> {
  const { rows } = await db.query<ContactStateRow & { id: string; status: 'received' | 'planned'; payload: CaseEvent }>({
    name: 'load-events-for-planning',
    text: `select e.id, e.status, e.payload, ${CONTACT_STATE_COLUMNS}
             from events e join cases c on c.id = e.case_id join debtors d on d.id = c.debtor_id
            where e.id = any($1::text[])`,
    values: [eventIds],
  });
  return new Map(rows.map((row) => [row.id, { id: row.id, status: row.status, payload: row.payload, state: toContactState(row) }]));
}


/** Events whose plan job may have been lost (crash between commit and enqueue, Redis wiped). */
export async function findUnplannedEvents(db: Queryable, olderThan: Date, limit: number): Promise<string[]> {
  const { rows } = await db.query<{ id: string }>(
    `select id from events where status = 'received' and received_at < $1 order by received_at limit $2`,
    [olderThan, limit],
  );
  return rows.map((r) => r.id);
}
