import type { CaseEvent, Channel } from '../domain/case-event.ts';
import { channelOrder, type Playbooks, type PlaybookStep } from '../domain/playbook.ts';
import { messageId } from '../domain/message-id.ts';
import { decide } from '../policy/contact-policy.ts';
import { isHeld, type Decision, type Stage } from '../policy/decision.ts';
import type { AnswerPass } from '../policy/gates.ts';
import type { Contact } from '../policy/caps.ts';
import type { Packs } from '../policy/pack.ts';
import type { MessageRenderer } from '../rendering/message-renderer.ts';
import { TemplateError } from '../errors.ts';
import type { ContactState } from '../store/contact-state-repo.ts';
import type { NewMessage } from '../store/messages-repo.ts';
import type { Logger } from '../logger.ts';

// From an event and what we know of its debtor to the messages it calls for, each with the policy's
// decision and, where it may go, its rendered text. Pure: the live planner and the simulator share
// it, so the simulator answers what the live path does.

/** The minimal message for a contact point that may not receive debt details. */
export const MINIMAL_TEMPLATE = 'contact-request';

export interface PlannerDeps {
  playbooks: Playbooks;
  packs: Packs;
  renderer: MessageRenderer;
  /** Channels with an adapter in this release; the others are skipped, with the reason recorded. */
  channels: ReadonlySet<Channel>;
  log: Logger;
}

export interface PolicyContext {
  state: ContactState;
  history: readonly Contact[];
  now: Date;
  stage: Stage;
}

interface ChannelChoice {
  channel: Channel | null;
  contactPoint: ContactState['contactPoints'][number] | null;
  decision: Decision;
  considered: Array<{ channel: Channel; outcome: string; rule: string }>;
}

const score = (p: ContactState['contactPoints'][number]): number =>
  (p.removedAt ? 0 : 16) + (p.optedOutAt ? 0 : 8) + (p.invalidAt ? 0 : 4) + (p.verified ? 2 : 0) + (p.sharedWithOtherDebtor ? 0 : 1);

export function packFor(deps: Pick<PlannerDeps, 'packs'>, state: ContactState) {
  // The debtor's country of residence decides (Bki binds for debtors living in NL); else the case's.
  return deps.packs.resolve({ country: state.debtor.country, creditorId: state.creditorId, portfolio: state.portfolio }) ?? deps.packs.resolve({ country: state.country, creditorId: state.creditorId, portfolio: state.portfolio });
}

/**
 * What an answer to a reply may pass, by its template: the STOP confirmation goes to the point just
 * opted out of, the dispute's acknowledgement through the dispute hold, the debt-advice referral
 * through the vulnerability hold. Only messages that answer a reply (`answers`) get it.
 */
export function answerPassFor(template: string): AnswerPass {
  if (template === 'opt-out-confirmation') return { allowOptedOut: true };
  if (template === 'dispute-acknowledgement') return { allowHold: 'dispute' };
  if (template === 'debt-advice-referral') return { allowHold: 'vulnerable' };
  return {};
}

/** The policy's answer for one channel and contact point. */
export function decideFor(deps: Pick<PlannerDeps, 'packs'>, ctx: PolicyContext, channel: Channel, contactPoint: ContactState['contactPoints'][number] | null, capExempt: boolean, answer?: AnswerPass): Decision {
  const { state } = ctx;
  return decide({ stage: ctx.stage, channel, contactPoint, holds: state.holds, debtor: state.debtor, pack: packFor(deps, state), capExempt, history: ctx.history, now: ctx.now, ...(answer ? { answer } : {}) });
}

/**
 * Tries the step's channels in order; the first one the policy does not block wins (it may have to
 * wait). When all are blocked, the first channel's decision explains why nothing goes.
 */
function chooseChannel(step: PlaybookStep, deps: PlannerDeps, ctx: PolicyContext, excluded: ReadonlySet<Channel> = new Set()): ChannelChoice {
  const considered: ChannelChoice['considered'] = [];
  let firstRefusal: Omit<ChannelChoice, 'considered'> | null = null;
  for (const channel of channelOrder(step, ctx.state.preferredChannel)) {
    if (!deps.channels.has(channel)) {
      considered.push({ channel, outcome: 'skip', rule: 'channel.unavailable' });
      continue;
    }
    if (excluded.has(channel)) {
      considered.push({ channel, outcome: 'skip', rule: 'channel.tried' });
      continue;
    }
    if (!deps.renderer.has(step.template, channel)) {
      considered.push({ channel, outcome: 'skip', rule: 'template.missing' });
      continue;
    }
    const ranked = ctx.state.contactPoints.filter((p) => p.channel === channel).sort((a, b) => score(b) - score(a));
    const contactPoint = ranked[0] ?? null;
    const decision = decideFor(deps, ctx, channel, contactPoint, step.capExempt === true);
    considered.push({ channel, outcome: decision.outcome, rule: decision.rule });
    if (decision.outcome !== 'block') return { channel, contactPoint, decision, considered };
    firstRefusal ??= { channel, contactPoint, decision };
  }
  if (firstRefusal) return { ...firstRefusal, considered };
  const decision: Decision = { outcome: 'block', rule: 'channel.none', reason: 'none of the playbook’s channels can be used for this debtor', deferUntil: null, policyVersion: packFor(deps, ctx.state)?.id ?? 'none', content: 'full', evidence: {} };
  return { channel: null, contactPoint: null, decision, considered };
}

function buildMessage(event: CaseEvent, step: PlaybookStep, choice: ChannelChoice, deps: PlannerDeps, playbookVersion: string, id: string, renderOptions?: { optedOutChannel?: Channel }): NewMessage {
  const decision = { ...choice.decision, evidence: { ...choice.decision.evidence, playbook: playbookVersion, step: step.step, considered: choice.considered } };
  const template = decision.content === 'minimal' ? MINIMAL_TEMPLATE : step.template;
  const base: NewMessage = {
    id,
    eventId: event.id,
    caseId: event.case.id,
    debtorId: event.debtor.id,
    step: step.step,
    channel: choice.channel,
    contactPointId: choice.contactPoint?.id ?? null,
    toAddress: null,
    template,
    templateVersion: null,
    locale: null,
    body: null,
    encoding: null,
    segments: null,
    parts: null,
    fallbackOf: null,
    status: 'blocked',
    notBefore: decision.deferUntil,
    lastErrorCode: null,
    capExempt: step.capExempt === true,
    content: decision.content,
    decision,
  };
  if (decision.outcome === 'block' || !choice.contactPoint) return base;
  try {
    const rendered = deps.renderer.render(template, choice.channel ?? 'sms', event, id, renderOptions);
    return {
      ...base,
      status: isHeld(decision) ? 'held' : 'pending',
      toAddress: choice.contactPoint.address,
      templateVersion: rendered.templateVersion,
      locale: rendered.locale,
      body: rendered.body,
      parts: rendered.parts,
      encoding: rendered.encoding,
      segments: rendered.segments,
    };
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    // A template that cannot render is a catalogue problem, not a reason to retry the event.
    deps.log.error({ err, template, eventId: event.id }, 'template failed to render; message marked failed');
    return { ...base, status: 'failed', lastErrorCode: 'template' };
  }
}

/**
 * Right before sending: a message written with debt details never goes to a point that may now only
 * receive the minimal message (it became unverified or shared after planning).
 */
export function guardContent(decision: Decision, written: Decision['content']): Decision {
  if (decision.outcome === 'block' || decision.content !== 'minimal' || written !== 'full') return decision;
  return {
    ...decision,
    outcome: 'block',
    rule: String(decision.evidence.contentRule ?? 'privacy.unverified'),
    deferUntil: null,
    reason: 'the message was written with debt details, but this contact point may now only receive a minimal message; it is not sent',
  };
}

/** The messages an event calls for, decided at `ctx.now` against `ctx.state` and the ledger. */
export function planMessages(deps: PlannerDeps, event: CaseEvent, ctx: PolicyContext): NewMessage[] {
  return deps.playbooks.stepsFor(event.case.creditor.id, event.type).map((step) => planStep(deps, event, step, ctx));
}

/**
 * One step's message, on the first channel of its order that is not excluded (already tried). Its
 * id is derived from (case, event, step) unless given (a fallback): links in it name that id.
 */
export function planStep(deps: PlannerDeps, event: CaseEvent, step: PlaybookStep, ctx: PolicyContext, excluded: ReadonlySet<Channel> = new Set(), id = messageId(event.case.id, event.id, step.step)): NewMessage {
  return buildMessage(event, step, chooseChannel(step, deps, ctx, excluded), deps, deps.playbooks.version(event.case.creditor.id), id);
}

/**
 * An answer to a debtor's reply (a STOP confirmation, an acknowledgement, a referral): on the
 * channel and point they wrote from, exempt from caps but not from quiet hours, through the policy
 * with the pass its template has (answerPassFor).
 */
const NO_DEBT_DETAILS = new Set(['opt-out-confirmation', 'help-reply']);

export function planAnswer(
  deps: PlannerDeps,
  event: CaseEvent,
  ctx: PolicyContext,
  opts: { id: string; answers: string; template: string; channel: Channel; contactPointId: string; optedOutChannel?: Channel },
): NewMessage {
  const step: PlaybookStep = { step: `answer-${opts.template}`, template: opts.template, channels: [opts.channel], capExempt: true };
  const contactPoint = ctx.state.contactPoints.find((p) => p.id === opts.contactPointId) ?? null;
  const decided = decideFor(deps, ctx, opts.channel, contactPoint, true, answerPassFor(opts.template));
  // These two carry no debt details (no amounts, dates or creditor): they go as written even where
  // only the minimal message may.
  const decision = NO_DEBT_DETAILS.has(opts.template) && decided.content === 'minimal' ? { ...decided, content: 'full' as const } : decided;
  const choice: ChannelChoice = { channel: opts.channel, contactPoint, decision, considered: [] };
  return { ...buildMessage(event, step, choice, deps, 'answer', opts.id, opts.optedOutChannel ? { optedOutChannel: opts.optedOutChannel } : undefined), answers: opts.answers };
}
