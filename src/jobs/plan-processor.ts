import type { Channel } from '../domain/case-event.ts';
import type { Db } from '../store/db.ts';
import { loadEventsForPlanning } from '../store/events-repo.ts';
import { createBatcher, type Batcher } from '../store/batcher.ts';
import { LEDGER_LOOKBACK_MS, loadLedger } from '../store/contact-state-repo.ts';
import { insertPlan, pendingMessagesOfEvent, releaseHeldMessages, type NewMessage } from '../store/messages-repo.ts';
import { openTasks, type NewTask } from '../store/tasks-repo.ts';
import { planMessages, type PlannerDeps } from './message-planner.ts';
import { enqueueDispatches, type Queues } from './queues.ts';
import type { Metrics } from '../metrics.ts';

export interface PlanDeps extends PlannerDeps {
  db: Db;
  queues: Queues;
  metrics: Metrics;
  now?: () => Date;
}

export type PlanResult = { kind: 'missing' } | { kind: 'already-planned'; requeued: number } | { kind: 'planned'; messages: number; toDispatch: number };

/** A decision that hands the case to a person opens a task for it (once while it is open). */
function tasksFor(messages: readonly NewMessage[]): NewTask[] {
  return messages
    .filter((m) => m.decision.evidence.routedTo === 'person')
    .map((m) => ({ caseId: m.caseId, debtorId: m.debtorId, kind: m.decision.rule.replace(/^hold\./, ''), reason: m.decision.reason }));
}

/**
 * Plans a batch of events: one read of the events and one of the ledger, one write, one bulk
 * enqueue. An event seen planned already (a retry after the plan committed) only gets its
 * unfinished messages enqueued again. Messages held for a hold that has since been released are
 * let go again here: the policy looks at them afresh at dispatch.
 */
export async function planEvents(deps: PlanDeps, eventIds: readonly string[]): Promise<PlanResult[]> {
  const now = deps.now?.() ?? new Date();
  const stored = await loadEventsForPlanning(deps.db, eventIds);
  const ledger = await loadLedger(deps.db, [...new Set([...stored.values()].map((e) => e.payload.debtor.id))], new Date(now.getTime() - LEDGER_LOOKBACK_MS));
  const results = new Map<string, PlanResult>();
  const planned: NewMessage[] = [];
  const toPlan: string[] = [];
  const requeue: Array<{ channel: Channel; id: string; notBefore: Date | null }> = [];
  for (const eventId of new Set(eventIds)) {
    const found = stored.get(eventId);
    if (!found) {
      results.set(eventId, { kind: 'missing' });
    } else if (found.status === 'planned') {
      const pending = await pendingMessagesOfEvent(deps.db, eventId);
      requeue.push(...pending);
      results.set(eventId, { kind: 'already-planned', requeued: pending.length });
    } else {
      const { payload: event, state } = found;
      const messages = planMessages(deps, event, { state, history: ledger.get(event.debtor.id) ?? [], now, stage: 'plan' });
      planned.push(...messages);
      toPlan.push(eventId);
      results.set(eventId, { kind: 'planned', messages: messages.length, toDispatch: messages.filter((m) => m.status === 'pending').length });
    }
  }
  // Erasures stamp erased_at with the service clock, as `now` is.
  if (toPlan.length) await insertPlan(deps.db, toPlan, planned, now);
  await openTasks(deps.db, tasksFor(planned));
  const released = await releaseHeldMessages(deps.db, [...new Set([...stored.values()].map((e) => e.payload.debtor.id))]);
  for (const m of planned) deps.metrics.decisions.inc({ stage: 'plan', outcome: m.decision.outcome, rule: m.decision.rule });
  const dispatch = [...requeue, ...released, ...planned.filter((m) => m.status === 'pending' && m.channel).map((m) => ({ channel: m.channel as Channel, id: m.id, notBefore: m.notBefore }))];
  await enqueueDispatches(deps.queues, dispatch, now.getTime());
  return eventIds.map((id) => results.get(id) ?? { kind: 'missing' });
}

const batchers = new WeakMap<PlanDeps, Batcher<string, PlanResult>>();

/**
 * Plan job: event → playbook steps → channel choice → decision → rendered message rows → dispatch
 * jobs. Concurrent jobs of one worker are planned together (one batcher per set of dependencies).
 */
export function planEvent(deps: PlanDeps, eventId: string): Promise<PlanResult> {
  let batch = batchers.get(deps);
  if (!batch) {
    batch = createBatcher((ids) => planEvents(deps, ids), { maxBatch: 64, onBatch: (n) => deps.metrics.batchSize.observe({ batch: 'plan' }, n) });
    batchers.set(deps, batch);
  }
  return batch(eventId);
}
