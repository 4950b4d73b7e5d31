import type { Channel } from '../domain/case-event.ts';
import { messageId as deriveMessageId } from '../domain/message-id.ts';
import type { Db } from '../store/db.ts';
import { loadEventsForPlanning } from '../store/events-repo.ts';
import { LEDGER_LOOKBACK_MS, loadLedger } from '../store/contact-state-repo.ts';
import { insertPlan } from '../store/messages-repo.ts';
import { planStep, type PlannerDeps } from './message-planner.ts';
import { enqueueDispatches, type Queues } from './queues.ts';
import type { Metrics } from '../metrics.ts';

// When a message cannot reach the debtor on its channel (a permanent failure, an undelivered
// status, or no delivery in time), the step moves to the next channel of its playbook order,
// through the policy again. One fallback per message (unique messages.fallback_of), so a
// repeated trigger changes nothing.

export interface FallbackDeps extends PlannerDeps {
  db: Db;
  queues: Queues;
  metrics: Metrics;
  now?: () => Date;
}

export type FallbackResult = { kind: 'not-needed' | 'missing' } | { kind: 'planned'; messageId: string; channel: Channel | null; outcome: string };

/** Statuses after which the step is still owed to the debtor on another channel. */
const GAVE_UP = new Set(['failed', 'undelivered']);
/** Statuses that wait for a delivery report; past the deadline they count as not delivered. */
const WAITING = new Set(['queued', 'sent']);

interface FailedRow {
  id: string;
  event_id: string;
  case_id: string;
  step: string;
  status: string;
  stale: boolean;
  tried: Channel[];
  has_fallback: boolean;
}

export async function fallBack(deps: FallbackDeps, failedId: string, deliveryDeadlineMs: number): Promise<FallbackResult> {
  const now = deps.now?.() ?? new Date();
  const { rows } = await deps.db.query<FailedRow>(
    `select m.id, m.event_id, m.case_id, m.step, m.status, m.updated_at < $2 as stale,
            (select array_agg(distinct o.channel) from messages o where o.event_id = m.event_id and o.step = m.step and o.channel is not null) as tried,
            exists (select 1 from messages f where f.fallback_of = m.id) as has_fallback
       from messages m where m.id = $1`,
    [failedId, new Date(Date.now() - deliveryDeadlineMs)],
  );
  const failed = rows[0];
  if (!failed) return { kind: 'missing' };
  const owed = GAVE_UP.has(failed.status) || (WAITING.has(failed.status) && failed.stale);
  if (!owed || failed.has_fallback) return { kind: 'not-needed' };

  const found = (await loadEventsForPlanning(deps.db, [failed.event_id])).get(failed.event_id);
  if (!found) return { kind: 'missing' };
  const { payload: event, state } = found;
  const step = deps.playbooks.stepsFor(event.case.creditor.id, event.type).find((s) => s.step === failed.step);
  if (!step) return { kind: 'not-needed' };
  const history = (await loadLedger(deps.db, [event.debtor.id], new Date(now.getTime() - LEDGER_LOOKBACK_MS))).get(event.debtor.id) ?? [];
  const tried = new Set(failed.tried ?? []);
  const id = deriveMessageId(event.case.id, event.id, `${step.step}\u0000fallback\u0000${tried.size}`);
  const message = planStep(deps, event, step, { state, history, now, stage: 'plan' }, tried, id);
  const next = { ...message, fallbackOf: failed.id, decision: { ...message.decision, evidence: { ...message.decision.evidence, fallbackOf: failed.id, after: failed.status } } };
  await insertPlan(deps.db, [], [next], now);
  deps.metrics.decisions.inc({ stage: 'plan', outcome: next.decision.outcome, rule: next.decision.rule });
  if (next.status === 'pending' && next.channel) await enqueueDispatches(deps.queues, [{ channel: next.channel, id, notBefore: next.notBefore }], now.getTime());
  return { kind: 'planned', messageId: id, channel: next.channel, outcome: next.decision.outcome };
}
