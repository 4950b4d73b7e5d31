import type { Channel } from '../domain/case-event.ts';
import type { Contact } from '../policy/caps.ts';
import type { Queryable } from './db.ts';
import { CONTACT_STATE_COLUMNS, LEDGER_LOOKBACK_MS, loadLedger, toContactState, type ContactState, type ContactStateRow } from './contact-state-repo.ts';

// What the simulator reads (never writes): the stored state of the cases and debtors an
// hypothetical batch of events touches, the ledger, and which addresses other debtors hold.

export interface StoredCaseState {
  state: ContactState;
  caseLastEventAt: Date;
  debtorLastEventAt: Date;
  debtorId: string;
}

export interface StoredFacts {
  cases: Map<string, StoredCaseState>;
  /** Stored contact points of a debtor by channel and address (ids and what we learnt about them). */
  points: Map<string, ContactState['contactPoints'][number]>;
  /** "channel|address" held by some debtor, with the debtors holding it. */
  holders: Map<string, Set<string>>;
  ledger: Map<string, Contact[]>;
}

export const pointKey = (debtorId: string, channel: Channel, address: string): string => `${debtorId}|${channel}|${address}`;

export async function loadStoredFacts(db: Queryable, caseIds: readonly string[], debtorIds: readonly string[], addresses: ReadonlyArray<{ channel: Channel; address: string }>, now: Date): Promise<StoredFacts> {
  const { rows } = await db.query<ContactStateRow & { id: string; debtor_id: string; case_last: Date; debtor_last: Date }>(
    `select c.id, c.debtor_id, c.last_event_at as case_last, d.last_event_at as debtor_last, ${CONTACT_STATE_COLUMNS}
       from cases c join debtors d on d.id = c.debtor_id where c.id = any($1::text[]) or c.debtor_id = any($2::text[])`,
    [caseIds, debtorIds],
  );
  const cases = new Map(rows.map((r) => [r.id, { state: toContactState(r), caseLastEventAt: r.case_last, debtorLastEventAt: r.debtor_last, debtorId: r.debtor_id }]));
  const pointRows = await db.query<{ id: string; debtor_id: string; channel: Channel; address: string; verified: boolean; kind: string | null; opt_in: boolean | null; opted_out_at: Date | null; invalid_at: Date | null; removed_at: Date | null }>(
    `select id::text, debtor_id, channel, address, verified, kind, opt_in, opted_out_at, invalid_at, removed_at
       from contact_points where debtor_id = any($1::text[])`,
    [debtorIds],
  );
  const points = new Map(
    pointRows.rows.map((p) => [
      pointKey(p.debtor_id, p.channel, p.address),
      { id: p.id, channel: p.channel, address: p.address, verified: p.verified, kind: p.kind, optIn: p.opt_in, optedOutAt: p.opted_out_at, invalidAt: p.invalid_at, removedAt: p.removed_at, sharedWithOtherDebtor: false },
    ]),
  );
  const holderRows = await db.query<{ channel: Channel; address: string; debtor_id: string }>(
    `select p.channel, p.address, p.debtor_id from contact_points p
       join jsonb_to_recordset($1::jsonb) as x(channel text, address text) on x.channel = p.channel and x.address = p.address
      where p.removed_at is null`,
    [JSON.stringify(addresses)],
  );
  const holders = new Map<string, Set<string>>();
  for (const h of holderRows.rows) {
    const key = `${h.channel}|${h.address}`;
    holders.set(key, (holders.get(key) ?? new Set()).add(h.debtor_id));
  }
  const ledger = await loadLedger(db, debtorIds, new Date(now.getTime() - LEDGER_LOOKBACK_MS));
  return { cases, points, holders, ledger };
}
