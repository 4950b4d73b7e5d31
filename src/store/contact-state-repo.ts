import type { Channel } from '../domain/case-event.ts';
import type { ContactPointState, DebtorFlags } from '../policy/minimal-policy.ts';
import type { Queryable } from './db.ts';

export interface ContactState {
  caseHold: string | null;
  country: string;
  debtorFlags: DebtorFlags;
  preferredChannel: Channel | null;
  contactPoints: Array<ContactPointState & { address: string }>;
}

/** Columns of a contact state, for queries that join `cases c` and `debtors d`. */
export const CONTACT_STATE_COLUMNS = `c.hold_reason, c.country, d.flags, d.preferred_channel,
  (select json_agg(json_build_object('id', p.id::text, 'channel', p.channel, 'address', p.address, 'verified', p.verified,
           'kind', p.kind, 'opt_in', p.opt_in, 'opted_out_at', p.opted_out_at, 'invalid_at', p.invalid_at, 'removed_at', p.removed_at) order by p.id)
     from contact_points p where p.debtor_id = d.id) as points`;

export interface ContactStateRow {
  hold_reason: string | null;
  country: string;
  flags: DebtorFlags;
  preferred_channel: Channel | null;
  points: Array<{ id: string; channel: Channel; address: string; verified: boolean; kind: string | null; opt_in: boolean | null; opted_out_at: string | null; invalid_at: string | null; removed_at: string | null }> | null;
}

const date = (v: string | null): Date | null => (v ? new Date(v) : null);

export function toContactState(row: ContactStateRow): ContactState {
  return {
    caseHold: row.hold_reason,
    country: row.country,
    debtorFlags: row.flags,
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
    })),
  };
}


/** A permanent provider error told us something about the address: remember it. */
export async function markContactPoint(db: Queryable, contactPointId: string, effect: 'invalid' | 'opted-out', code: string): Promise<void> {
  if (effect === 'invalid') {
    await db.query('update contact_points set invalid_at = coalesce(invalid_at, now()), invalid_reason = $2, updated_at = now() where id = $1', [contactPointId, code]);
  } else {
    await db.query('update contact_points set opted_out_at = coalesce(opted_out_at, now()), updated_at = now() where id = $1', [contactPointId]);
  }
}
