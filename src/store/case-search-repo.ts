import type { Queryable } from './db.ts';

// Finding a case from what a caller on the phone or a letter gives: the case id (or its start),
// the creditor's reference, the debtor's id, or a phone number or email address we hold. Each
// way is one index look-up; the results say which one matched.

export type MatchedOn = 'case' | 'reference' | 'debtor' | 'contact-point';

export interface CaseHit {
  caseId: string;
  debtorId: string;
  country: string;
  creditorId: string;
  reference: string;
  holdReason: string | null;
  lastEventAt: string;
  messages: number;
  matchedOn: MatchedOn;
}

const likePrefix = (text: string): string => `${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

/** A phone number as we store it: E.164, without the spaces (and dashes, dots, brackets) people type. */
export const phoneForm = (q: string): string | null => {
  const compact = q.replace(/[\s().-]/g, '');
  return /^\+[1-9][0-9]{6,14}$/.test(compact) ? compact : null;
};

// Ranked: an exact case id first, then a case id prefix, a reference, the debtor, a contact point;
// within a rank the most recently active case first.
const SEARCH = `
with hits as (
  select id as case_id, case when id = $1 then 0 else 1 end as rank, 'case' as matched_on from cases where id like $2 escape '\\'
  union all
  select id, 2, 'reference' from cases where reference = $1
  union all
  select id, 3, 'debtor' from cases where debtor_id = $1
  union all
  select c.id, 4, 'contact-point' from cases c
   where c.debtor_id in (select debtor_id from contact_points where channel in ('sms', 'whatsapp') and address = $3 and removed_at is null
                         union
                         select debtor_id from contact_points where channel = 'email' and lower(address) = lower($1) and removed_at is null)
),
best as (
  select distinct on (case_id) case_id, rank, matched_on from hits order by case_id, rank
)
select c.id as "caseId", c.debtor_id as "debtorId", c.country, c.creditor_id as "creditorId", c.reference, c.hold_reason as "holdReason",
       c.last_event_at as "lastEventAt", (select count(*)::int from messages m where m.case_id = c.id) as messages, b.matched_on as "matchedOn"
  from best b join cases c on c.id = b.case_id
 order by b.rank, c.last_event_at desc, c.id
 limit $4`;

export async function searchCases(db: Queryable, q: string, limit: number): Promise<CaseHit[]> {
  const { rows } = await db.query<Omit<CaseHit, 'lastEventAt'> & { lastEventAt: Date }>(SEARCH, [q, likePrefix(q), phoneForm(q), limit]);
  return rows.map((r) => ({ ...r, lastEventAt: r.lastEventAt.toISOString() }));
}

export interface CaseSummary {
  caseId: string;
  debtorId: string;
  country: string;
  creditorId: string;
  reference: string;
  currency: string;
  holdReason: string | null;
  holdSince: string | null;
  debtor: { id: string; locale: string; timeZone: string | null; addressCountry: string; flags: Record<string, unknown>; erased: boolean };
  contactPoints: Array<{ channel: string; address: string; verified: boolean; optIn: boolean | null; optedOutAt: string | null; invalidAt: string | null; kind: string | null }>;
  openTask: { id: string; kind: string; reason: string; createdAt: string } | null;
}

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

/** What a person looking at a case needs first: the case, the debtor's settings and flags, where we can reach them, an open task. */
export async function caseSummary(db: Queryable, caseId: string): Promise<CaseSummary | null> {
  const { rows } = await db.query<{
    id: string; debtor_id: string; country: string; creditor_id: string; reference: string; currency: string; hold_reason: string | null; hold_since: Date | null;
    locale: string; time_zone: string | null; address_country: string; flags: Record<string, unknown>; erased_at: Date | null;
  }>(
    `select c.id, c.debtor_id, c.country, c.creditor_id, c.reference, c.currency, c.hold_reason, c.hold_since,
            d.locale, d.time_zone, d.address_country, d.flags, d.erased_at
       from cases c join debtors d on d.id = c.debtor_id where c.id = $1`,
    [caseId],
  );
  const c = rows[0];
  if (!c) return null;
  const [points, tasks] = await Promise.all([
    db.query<{ channel: string; address: string; verified: boolean; opt_in: boolean | null; opted_out_at: Date | null; invalid_at: Date | null; kind: string | null }>(
      `select channel, address, verified, opt_in, opted_out_at, invalid_at, kind from contact_points
        where debtor_id = $1 and removed_at is null order by channel, id`,
      [c.debtor_id],
    ),
    db.query<{ id: string; kind: string; reason: string; created_at: Date }>(
      `select id::text, kind, reason, created_at from tasks where case_id = $1 and closed_at is null order by id limit 1`,
      [caseId],
    ),
  ]);
  const task = tasks.rows[0];
  return {
    caseId: c.id,
    debtorId: c.debtor_id,
    country: c.country,
    creditorId: c.creditor_id,
    reference: c.reference,
    currency: c.currency,
    holdReason: c.hold_reason,
    holdSince: iso(c.hold_since),
    debtor: { id: c.debtor_id, locale: c.locale, timeZone: c.time_zone, addressCountry: c.address_country, flags: c.flags, erased: c.erased_at !== null },
    contactPoints: points.rows.map((p) => ({ channel: p.channel, address: p.address, verified: p.verified, optIn: p.opt_in, optedOutAt: iso(p.opted_out_at), invalidAt: iso(p.invalid_at), kind: p.kind })),
    openTask: task ? { id: task.id, kind: task.kind, reason: task.reason, createdAt: task.created_at.toISOString() } : null,
  };
}
