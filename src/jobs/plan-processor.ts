import type { CaseEvent, Channel } from '../domain/case-event.ts';
import { channelOrder, type Playbooks, type PlaybookStep } from '../domain/playbook.ts';
import { messageId } from '../domain/message-id.ts';
import { decide, POLICY_VERSION, type Decision } from '../policy/minimal-policy.ts';
import type { SmsRenderer, SmsTemplateName } from '../rendering/sms-renderer.ts';
import { TemplateError } from '../errors.ts';
import type { Db } from '../store/db.ts';
import { loadEventsForPlanning } from '../store/events-repo.ts';
import { createBatcher, type Batcher } from '../store/batcher.ts';
import type { ContactState } from '../store/contact-state-repo.ts';
import { insertPlan, pendingMessagesOfEvent, type NewMessage } from '../store/messages-repo.ts';
import { enqueueDispatches, type Queues } from './queues.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

export interface PlanDeps {
  db: Db;
  queues: Queues;
  playbooks: Playbooks;
  renderer: SmsRenderer;
  /** Channels with an adapter in this release; the others are skipped, with the reason recorded. */
  channels: ReadonlySet<Channel>;
  log: Logger;
  metrics: Metrics;
  now?: () => Date;
}

export type PlanResult = { kind: 'missing' } | { kind: 'already-planned'; requeued: number } | { kind: 'planned'; messages: number; toDispatch: number };

interface ChannelChoice {
  channel: Channel | null;
  contactPoint: ContactState['contactPoints'][number] | null;
  decision: Decision;
  considered: Array<{ channel: Channel; outcome: string; rule: string }>;
}

/**
 * Tries the step's channels in order; the first one the policy allows wins. When none does, the
 * decision of the first channel that exists explains why nothing goes.
 */
function chooseChannel(step: PlaybookStep, state: ContactState, deps: PlanDeps, now: Date): ChannelChoice {
  const considered: ChannelChoice['considered'] = [];
  let firstRefusal: Omit<ChannelChoice, 'considered'> | null = null;
  for (const channel of channelOrder(step, state.preferredChannel)) {
    if (!deps.channels.has(channel)) {
      considered.push({ channel, outcome: 'skip', rule: 'channel.unavailable' });
      continue;
    }
    const points = state.contactPoints.filter((p) => p.channel === channel);
    // Prefer a usable point: verified, not removed, not opted out, not invalid.
    const ranked = [...points].sort((a, b) => score(b) - score(a));
    const contactPoint = ranked[0] ?? null;
    const decision = decide({ stage: 'plan', channel, contactPoint, caseHold: state.caseHold, debtorFlags: state.debtorFlags, now });
    considered.push({ channel, outcome: decision.outcome, rule: decision.rule });
    if (decision.outcome !== 'block') return { channel, contactPoint, decision, considered };
    firstRefusal ??= { channel, contactPoint, decision };
  }
  if (firstRefusal) return { ...firstRefusal, considered };
  return {
    channel: null,
    contactPoint: null,
    decision: { outcome: 'block', rule: 'channel.none', reason: 'none of the playbook’s channels can be used for this debtor', deferUntil: null, policyVersion: POLICY_VERSION, evidence: {} },
    considered,
  };
}

const score = (p: ContactState['contactPoints'][number]): number =>
  (p.removedAt ? 0 : 8) + (p.optedOutAt ? 0 : 4) + (p.invalidAt ? 0 : 2) + (p.verified ? 1 : 0);

function buildMessage(event: CaseEvent, step: PlaybookStep, choice: ChannelChoice, deps: PlanDeps, playbookVersion: string): NewMessage {
  const decision = { ...choice.decision, evidence: { ...choice.decision.evidence, playbook: playbookVersion, step: step.step, considered: choice.considered } };
  const base: NewMessage = {
    id: messageId(event.case.id, event.id, step.step),
    eventId: event.id,
    caseId: event.case.id,
    debtorId: event.debtor.id,
    step: step.step,
    channel: choice.channel,
    contactPointId: choice.contactPoint?.id ?? null,
    toAddress: null,
    template: step.template,
    templateVersion: null,
    locale: null,
    body: null,
    encoding: null,
    segments: null,
    status: 'blocked',
    notBefore: decision.deferUntil,
    lastErrorCode: null,
    decision,
  };
  if (decision.outcome === 'block' || !choice.contactPoint) return base;
  try {
    const sms = deps.renderer.renderSms(step.template as SmsTemplateName, event);
    return { ...base, status: 'pending', toAddress: choice.contactPoint.address, templateVersion: sms.templateVersion, locale: sms.locale, body: sms.body, encoding: sms.encoding, segments: sms.segments };
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    // A template that cannot render is a catalogue problem, not a reason to retry the event.
    deps.log.error({ err, template: step.template, eventId: event.id }, 'template failed to render; message marked failed');
    return { ...base, status: 'failed', lastErrorCode: 'template' };
  }
}

/**
 * Plans a batch of events: one read, one write, one bulk enqueue. An event seen planned already
 * (a retry after the plan committed) only gets its unfinished messages enqueued again.
 */
export async function planEvents(deps: PlanDeps, eventIds: readonly string[]): Promise<PlanResult[]> {
  const now = deps.now?.() ?? new Date();
  const stored = await loadEventsForPlanning(deps.db, eventIds);
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
      const steps = deps.playbooks.stepsFor(event.case.creditor.id, event.type);
      const playbookVersion = deps.playbooks.version(event.case.creditor.id);
      const messages = steps.map((step) => buildMessage(event, step, chooseChannel(step, state, deps, now), deps, playbookVersion));
      planned.push(...messages);
      toPlan.push(eventId);
      results.set(eventId, { kind: 'planned', messages: messages.length, toDispatch: messages.filter((m) => m.status === 'pending').length });
    }
  }
  if (toPlan.length) await insertPlan(deps.db, toPlan, planned);
  for (const m of planned) deps.metrics.decisions.inc({ stage: 'plan', outcome: m.decision.outcome, rule: m.decision.rule });
  const dispatch = [...requeue, ...planned.filter((m) => m.status === 'pending' && m.channel).map((m) => ({ channel: m.channel as Channel, id: m.id, notBefore: m.notBefore }))];
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
