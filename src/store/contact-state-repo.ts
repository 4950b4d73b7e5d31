import type { Channel, HoldReason } from '../domain/case-event.ts';
import type { Contact } from '../policy/caps.ts';
import type { ContactPointState } from '../policy/decision.ts';
import type { HoldState } from '../policy/gates.ts';
import type { DebtorWhereabouts } from '../policy/locations.ts';
import type { Queryable } from './db.ts';

/** What the policy needs to know about a case and its debtor, read as it is now. */
export interface ContactState {
  country: string;
  creditorId: string;
  portfolio: string | null;
  debtor: DebtorWhereabouts;
  holds: HoldState;
  preferredChannel: Channel | null;
  contactPoints: Array<ContactPointState & { address: string }>;
}

/** Columns of a contact state, for queries that join `cases c` and `debtors d`. */
export const CONTACT_STATE_COLUMNS = `c.hold_reason, c.hold_since, c.country, c.creditor_id, c.snapshot->>'portfolio' as portfolio,
  d.flags, d.preferred_channel, d.time_zone, d.address_country, d.deceased_since,
  (select json_agg(json_build_object('id', p.id::text, 'channel', p.channel, 'address', p.address, 'verified', p.verified,
           'kind', p.kind, 'opt_in', p.opt_in, 'opted_out_at', p.opted_out_at, 'invalid_at', p.invalid_at, 'removed_at', p.removed_at,
           'shared', exists (select 1 from contact_points o where o.channel = p.channel and o.address = p.address
                                and o.debtor_id <> p.debtor_id and o.removed_at is null)) order by p.id)
     from contact_points p where p.debtor_id = d.id) as points`;

export interface ContactStateRow {
  hold_reason: HoldReason | null;
  hold_since: Date | null;
  country: string;
  creditor_id: string;
  portfolio: string | null;
  flags: HoldState['flags'];
  preferred_channel: Channel | null;
  time_zone: string | null;
  address_country: string;
  deceased_since: Date | null;
  points: Array<{ id: string; channel: Channel; address: string; verified: boolean; kind: string | null; opt_in: boolean | null; opted_out_at: string | null; invalid_at: string | null; removed_at: string | null; shared: boolean }> | null;
}

const date = (v: string | null): Date | null => (v ? new Date(v) : null);

export function toContactState(row: ContactStateRow): ContactState {
  return {
    country: row.country,
    creditorId: row.creditor_id,
    portfolio: row.portfolio,
    debtor: { timeZone: row.time_zone, country: row.address_country },
    holds: {
      caseHold: row.hold_reason ? { reason: row.hold_reason, since: row.hold_since } : null,
      flags: row.flags,
      deceasedSince: row.deceased_since,
    },
    preferredChannel: row.preferred_channel,
    contactPoints: (row.points ?? []).map((p) => ({
      id: p.id,
      channel: p.channel,
      address: p.address,
      verified: p.verified,
      kind: p.kind,
      optIn: p.opt_in,
      optedOutAt: date(p.opted_out_at),
      invalidAt: date(p.invalid_at),
      removedAt: date(p.removed_at),
      sharedWithOtherDebtor: p.shared,
    })),
  };
}

/** Letters are spaced over more than a week (FI: 14 full days), so the ledger looks back this far. */
export const LEDGER_LOOKBACK_MS = 40 * 24 * 3600 * 1000;

/**
 * The ledger of the debtors: what was claimed for sending since `since` and did not fail before
 * reaching the provider. Read under the debtors' locks, it is what caps count.
 */
export async function loadLedger(db: Queryable, debtorIds: readonly string[], since: Date): Promise<Map<string, Contact[]>> {
  const out = new Map<string, Contact[]>();
  if (!debtorIds.length) return out;
  const { rows } = await db.query<{ debtor_id: string; channel: Channel; contacted_at: Date; cap_exempt: boolean }>({
    name: 'load-ledger',
    text: `select debtor_id, channel, contacted_at, cap_exempt from messages
            where debtor_id = any($1::text[]) and contacted_at >= $2 and status <> 'failed'`,
    values: [debtorIds, since],
  });
  for (const r of rows) {
    const list = out.get(r.debtor_id) ?? [];
    list.push({ at: r.contacted_at, channel: r.channel, capExempt: r.cap_exempt });
    out.set(r.debtor_id, list);
  }
  return out;
}

/** A permanent provider error told us something about the address: remember it. */
export async function markContactPoint(db: Queryable, contactPointId: string, effect: 'invalid' | 'opted-out', code: string): Promise<void> {
  if (effect === 'invalid') {
    await db.query('update contact_points set invalid_at = coalesce(invalid_at, now()), invalid_reason = $2, updated_at = now() where id = $1', [contactPointId, code]);
  } else {
    await db.query('update contact_points set opted_out_at = coalesce(opted_out_at, now()), updated_at = now() where id = $1', [contactPointId]);
  }
}

/** The same, for the contact point a message went to (a provider's report names only the message). */
export async function markContactPointOfMessage(db: Queryable, messageId: string, effect: 'invalid' | 'opted-out', code: string): Promise<void> {
  const { rows } = await db.query<{ id: string }>('select contact_point_id::text as id from messages where id = $1 and contact_point_id is not null', [messageId]);
  if (rows[0]) await markContactPoint(db, rows[0].id, effect, code);
}
