import type { CaseEvent, Channel } from '../domain/case-event.ts';
import type { Contact } from '../policy/caps.ts';
import type { Decision } from '../policy/decision.ts';
import { contactPointsOf } from '../domain/contact-points.ts';
import type { Db } from '../store/db.ts';
import type { ContactState } from '../store/contact-state-repo.ts';
import { loadStoredFacts, pointKey, type StoredFacts } from '../store/simulation-repo.ts';
import { decideFor, guardContent, planMessages, type PlannerDeps } from './message-planner.ts';

// "What would the policy decide at this instant?" for a batch of events, without storing or
// sending anything. Each event is applied to what we hold (as intake would), planned by the same
// code as the live planner, and each message that could go at once is put through the dispatch
// check, where it joins the debtor's ledger so the next one sees it.

export interface DecisionView {
  outcome: Decision['outcome'];
  rule: string;
  reason: string;
  deferUntil: string | null;
  policyVersion: string;
  content: Decision['content'];
  evidence: Record<string, unknown>;
}

export interface SimulatedMessage {
  eventId: string;
  messageId: string;
  step: string;
  channel: Channel | null;
  template: string;
  status: string;
  text: string | null;
  plan: DecisionView;
  /** The check right before sending, for a message that may go at `now`; null when it waits or is blocked. */
  dispatch: DecisionView | null;
}

const view = (d: Decision): DecisionView => ({ outcome: d.outcome, rule: d.rule, reason: d.reason, deferUntil: d.deferUntil?.toISOString() ?? null, policyVersion: d.policyVersion, content: d.content, evidence: d.evidence });

interface DebtorSim {
  lastEventAt: Date;
  state: Omit<ContactState, 'country' | 'creditorId' | 'portfolio' | 'holds'> & { flags: ContactState['holds']['flags']; deceasedSince: Date | null };
}
interface CaseSim {
  lastEventAt: Date;
  country: string;
  creditorId: string;
  portfolio: string | null;
  hold: ContactState['holds']['caseHold'];
}

/** The debtor as intake would store this event's snapshot: newer snapshots replace, older ones do not. */
function applyDebtor(event: CaseEvent, current: DebtorSim | undefined, facts: StoredFacts, now: Date): DebtorSim {
  const at = new Date(event.occurredAt);
  if (current && current.lastEventAt > at) return current;
  const d = event.debtor;
  const snapshotPoints = contactPointsOf(d);
  const listed = new Set(snapshotPoints.map((p) => `${p.channel}|${p.address}`));
  // Keys are debtor|channel|address, and ids cannot hold a '|': the prefix finds this debtor's points.
  const stored = [...facts.points].filter(([key]) => key.startsWith(`${d.id}|`)).map(([, p]) => p);
  const points: ContactState['contactPoints'] = snapshotPoints.map((p, n) => {
    const known = facts.points.get(pointKey(d.id, p.channel, p.address));
    return { id: known?.id ?? `new:${n}`, channel: p.channel, address: p.address, verified: p.verified, kind: p.kind ?? null, optIn: p.optIn ?? null, optedOutAt: known?.optedOutAt ?? null, invalidAt: known?.invalidAt ?? null, removedAt: null, sharedWithOtherDebtor: false };
  });
  for (const p of stored) if (!listed.has(`${p.channel}|${p.address}`)) points.push({ ...p, removedAt: p.removedAt ?? now });
  return {
    lastEventAt: at,
    state: {
      debtor: { timeZone: d.timeZone ?? null, country: d.address.country },
      preferredChannel: d.preferredChannel ?? null,
      contactPoints: points.sort((a, b) => Number(a.id.startsWith('new:')) - Number(b.id.startsWith('new:')) || (Number(a.id) || 0) - (Number(b.id) || 0)),
      flags: d.flags,
      deceasedSince: d.flags.deceased ? (current?.state.deceasedSince ?? at) : null,
    },
  };
}

/** The case as intake would store it: holds set by case.hold, lifted by a newer case.released. */
function applyCase(event: CaseEvent, current: CaseSim | undefined): CaseSim {
  const at = new Date(event.occurredAt);
  const newer = !current || current.lastEventAt <= at;
  let hold = current?.hold ?? null;
  if (event.type === 'case.hold') hold = { reason: event.data.hold?.reason ?? 'legal', since: hold?.since ?? at };
  if (event.type === 'case.released' && (!hold?.since || hold.since <= at)) hold = null;
  return {
    lastEventAt: current && current.lastEventAt > at ? current.lastEventAt : at,
    country: newer ? event.case.country : current.country,
    creditorId: newer ? event.case.creditor.id : current.creditorId,
    portfolio: newer ? (event.case.portfolio ?? null) : current.portfolio,
    hold,
  };
}

export async function simulate(deps: PlannerDeps & { db: Db }, events: readonly CaseEvent[], now: Date): Promise<SimulatedMessage[]> {
  const addresses = events.flatMap((e) => contactPointsOf(e.debtor).map((p) => ({ channel: p.channel, address: p.address })));
  const facts = await loadStoredFacts(deps.db, [...new Set(events.map((e) => e.case.id))], [...new Set(events.map((e) => e.debtor.id))], addresses, now);
  const debtors = new Map<string, DebtorSim>();
  const cases = new Map<string, CaseSim>();
  for (const [caseId, stored] of facts.cases) {
    const { state } = stored;
    cases.set(caseId, { lastEventAt: stored.caseLastEventAt, country: state.country, creditorId: state.creditorId, portfolio: state.portfolio, hold: state.holds.caseHold });
    if (!debtors.has(stored.debtorId)) {
      debtors.set(stored.debtorId, { lastEventAt: stored.debtorLastEventAt, state: { debtor: state.debtor, preferredChannel: state.preferredChannel, contactPoints: state.contactPoints, flags: state.holds.flags, deceasedSince: state.holds.deceasedSince } });
    }
  }
  const ledger = new Map<string, Contact[]>(facts.ledger);
  const out: SimulatedMessage[] = [];
  for (const event of events) {
    const debtor = applyDebtor(event, debtors.get(event.debtor.id), facts, now);
    const kase = applyCase(event, cases.get(event.case.id));
    debtors.set(event.debtor.id, debtor);
    cases.set(event.case.id, kase);
    const heldByOthers = (p: ContactState['contactPoints'][number]): boolean =>
      [...(facts.holders.get(`${p.channel}|${p.address}`) ?? [])].some((id) => id !== event.debtor.id) ||
      [...debtors.entries()].some(([id, d]) => id !== event.debtor.id && d.state.contactPoints.some((o) => o.channel === p.channel && o.address === p.address && !o.removedAt));
    const state: ContactState = {
      country: kase.country,
      creditorId: kase.creditorId,
      portfolio: kase.portfolio,
      debtor: debtor.state.debtor,
      preferredChannel: debtor.state.preferredChannel,
      holds: { caseHold: kase.hold, flags: debtor.state.flags, deceasedSince: debtor.state.deceasedSince },
      contactPoints: debtor.state.contactPoints.map((p) => ({ ...p, sharedWithOtherDebtor: heldByOthers(p) })),
    };
    const history = ledger.get(event.debtor.id) ?? [];
    for (const m of planMessages(deps, event, { state, history, now, stage: 'plan' })) {
      let dispatch: Decision | null = null;
      if (m.status === 'pending' && m.channel && (!m.notBefore || m.notBefore <= now)) {
        const point = state.contactPoints.find((p) => p.id === m.contactPointId) ?? null;
        dispatch = guardContent(decideFor(deps, { state, history: ledger.get(event.debtor.id) ?? [], now, stage: 'dispatch' }, m.channel, point, m.capExempt), m.content);
        if (dispatch.outcome === 'allow') ledger.set(event.debtor.id, [...(ledger.get(event.debtor.id) ?? []), { at: now, channel: m.channel, capExempt: m.capExempt }]);
      }
      out.push({ eventId: event.id, messageId: m.id, step: m.step, channel: m.channel, template: m.template, status: m.status, text: m.body, plan: view(m.decision), dispatch: dispatch && view(dispatch) });
    }
  }
  return out;
}
