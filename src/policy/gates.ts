import type { Channel, HoldReason } from '../domain/case-event.ts';
import type { ContactPointState, Content, DebtorFlags } from './decision.ts';
import type { Pack } from './pack.ts';

// The rules that do not depend on the clock: holds, the contact point and consent, privacy. Each
// either stops the message (block), makes it wait for a release (hold), or lets it through with
// the content it may carry.

export type GateResult =
  | { kind: 'pass'; content: Content; contentRule: string | null; contentReason: string | null }
  | { kind: 'block'; rule: string; reason: string; evidence: Record<string, unknown> }
  | { kind: 'hold'; rule: string; reason: string; until: Date | null; evidence: Record<string, unknown> };

/**
 * An answer to the debtor's own reply: the confirmation of their STOP goes to the point they just
 * opted out of, the acknowledgement of their dispute through the dispute's hold, the referral to
 * debt advice through the vulnerability's. Nothing else passes.
 */
export interface AnswerPass {
  allowHold?: HoldReason;
  allowOptedOut?: boolean;
}

export interface HoldState {
  caseHold: { reason: HoldReason; since: Date | null } | null;
  flags: DebtorFlags;
  deceasedSince: Date | null;
}

const HOLD_WORDS: Record<HoldReason, string> = {
  dispute: 'the debtor disputes the debt',
  legal: 'the case is on legal hold',
  insolvency: 'the debtor is in insolvency proceedings',
  debtAdvice: 'the debtor is in a debt-advice process',
  moratorium: 'a moratorium stops collection',
  ceaseContact: 'the debtor asked us to stop contacting them',
  vulnerable: 'the debtor is in a vulnerable situation',
  deceased: 'the debtor has died',
};

const FLAG_HOLDS: Array<[keyof DebtorFlags, HoldReason]> = [
  ['deceased', 'deceased'],
  ['insolvency', 'insolvency'],
  ['ceaseContact', 'ceaseContact'],
  ['vulnerable', 'vulnerable'],
  ['dispute', 'dispute'],
];

const EFFECT_RANK = { stop: 3, person: 2, pause: 1 } as const;
const DAY_MS = 24 * 3600 * 1000;

function checkHolds(pack: Pack, holds: HoldState, cp: ContactPointState | null, now: Date, answer: AnswerPass | undefined): GateResult | null {
  const all: Array<{ reason: HoldReason; source: 'case' | 'debtor' }> = [];
  if (holds.caseHold) all.push({ reason: holds.caseHold.reason, source: 'case' });
  for (const [flag, reason] of FLAG_HOLDS) if (holds.flags[flag]) all.push({ reason, source: 'debtor' });
  const active = all.filter((h) => h.reason !== answer?.allowHold);
  if (!active.length) return null;
  const evidence = { holds: active.map((h) => `${h.source}:${h.reason}`) };
  const deceased = active.some((h) => h.reason === 'deceased');
  // The estate can be written to, after the pause; nobody else is.
  if (deceased && cp?.kind === 'estate' && active.every((h) => h.reason === 'deceased')) {
    const since = holds.deceasedSince ?? holds.caseHold?.since ?? null;
    const until = since ? new Date(since.getTime() + pack.holds.estatePauseDays * DAY_MS) : null;
    if (!until || until > now) {
      return { kind: 'hold', rule: 'hold.deceased.estate-pause', reason: `${HOLD_WORDS.deceased}; the estate is contacted ${pack.holds.estatePauseDays} days after we learnt of it at the earliest`, until, evidence: { ...evidence, deceasedSince: since?.toISOString() ?? null } };
    }
    return null;
  }
  const worst = active.reduce((a, b) => (EFFECT_RANK[pack.holds.effects[b.reason]] > EFFECT_RANK[pack.holds.effects[a.reason]] ? b : a));
  const effect = pack.holds.effects[worst.reason];
  const rule = `hold.${worst.reason}`;
  const words = HOLD_WORDS[worst.reason];
  if (effect === 'pause') return { kind: 'hold', rule, reason: `${words}; messages wait until the hold is released`, until: null, evidence };
  if (effect === 'person') return { kind: 'block', rule, reason: `${words}; no automated messages, a person handles the case`, evidence: { ...evidence, routedTo: 'person' } };
  return { kind: 'block', rule, reason: `${words}; collection messages stop`, evidence };
}

function checkContactPoint(pack: Pack, channel: Channel, cp: ContactPointState | null, answer: AnswerPass | undefined): GateResult {
  if (!cp) return { kind: 'block', rule: 'contact.none', reason: `the debtor has no ${channel} contact point`, evidence: {} };
  const point = { contactPoint: cp.id, verified: cp.verified, kind: cp.kind, shared: cp.sharedWithOtherDebtor };
  if (cp.removedAt) return { kind: 'block', rule: 'contact.removed', reason: 'the case system no longer lists this contact point', evidence: point };
  if (cp.invalidAt) return { kind: 'block', rule: 'contact.invalid', reason: 'the provider reported this contact point as invalid', evidence: point };
  if (cp.optedOutAt && !answer?.allowOptedOut) return { kind: 'block', rule: 'consent.opted-out', reason: `the debtor opted out of ${channel} messages`, evidence: { ...point, optedOutAt: cp.optedOutAt.toISOString() } };
  if (channel === 'whatsapp' && cp.optIn !== true) return { kind: 'block', rule: 'consent.whatsapp-opt-in', reason: 'WhatsApp is used only with the debtor’s opt-in', evidence: point };
  if (channel === 'email' && cp.kind === 'work') return { kind: 'block', rule: 'privacy.work-email', reason: 'nothing goes to a work email address', evidence: point };
  // A letter goes in a closed envelope addressed by name: people living at one address each get
  // their own. A phone or a mailbox two people read is what must not carry debt details.
  const shared = channel !== 'letter' && (cp.sharedWithOtherDebtor || (cp.kind === 'shared' && pack.privacy.sharedGetsMinimal));
  if (!cp.verified || shared) {
    const why = shared ? 'the contact point is shared with someone else' : 'the contact point is not verified as the debtor’s own';
    const rule = shared ? 'privacy.shared' : 'privacy.unverified';
    if (pack.privacy.unverified === 'none') return { kind: 'block', rule, reason: `${why}; the pack sends nothing to such a point`, evidence: point };
    return { kind: 'pass', content: 'minimal', contentRule: rule, contentReason: `${why}, so only our name, the reference and how to call back go to it` };
  }
  if (channel !== 'letter' && pack.privacy.debtDetailsElectronically === 'agreed' && cp.optIn !== true) {
    return { kind: 'pass', content: 'minimal', contentRule: 'privacy.no-agreement', contentReason: `debt details go by ${channel} only where the debtor agreed to it, so only our name, the reference and how to call back go` };
  }
  return { kind: 'pass', content: 'full', contentRule: null, contentReason: null };
}

export function checkGates(pack: Pack, channel: Channel, cp: ContactPointState | null, holds: HoldState, now: Date, answer?: AnswerPass): GateResult {
  return checkHolds(pack, holds, cp, now, answer) ?? checkContactPoint(pack, channel, cp, answer);
}
