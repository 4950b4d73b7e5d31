import type { Channel } from '../domain/case-event.ts';

// The minimal contact policy of the first release: holds, debtor flags and the state of the
// contact point. Caps, quiet hours and country packs come with the full policy engine; the
// decision shape (outcome, rule, reason, evidence, version) is already the final one.

export const POLICY_VERSION = 'minimal@1';

export type Stage = 'plan' | 'dispatch';

export interface ContactPointState {
  id: string;
  channel: Channel;
  verified: boolean;
  kind: string | null;
  optIn: boolean | null;
  optedOutAt: Date | null;
  invalidAt: Date | null;
  removedAt: Date | null;
}

export interface DebtorFlags {
  dispute: boolean;
  vulnerable: boolean;
  insolvency: boolean;
  deceased: boolean;
  ceaseContact: boolean;
}

export interface PolicyInput {
  stage: Stage;
  channel: Channel;
  contactPoint: ContactPointState | null;
  caseHold: string | null;
  debtorFlags: DebtorFlags;
  now: Date;
}

export type Outcome = 'allow' | 'defer' | 'block';

export interface Decision {
  outcome: Outcome;
  rule: string;
  reason: string;
  deferUntil: Date | null;
  policyVersion: string;
  evidence: Record<string, unknown>;
}

const FLAG_REASONS: Record<keyof DebtorFlags, string> = {
  dispute: 'the debtor disputes the debt; contact pauses until the dispute is resolved',
  insolvency: 'the debtor is in insolvency or debt-advice proceedings; collection contact stops',
  deceased: 'the debtor is deceased; no automated contact',
  vulnerable: 'the debtor is vulnerable; only a person may contact them',
  ceaseContact: 'the debtor asked us to stop contacting them',
};

const block = (rule: string, reason: string, evidence: Record<string, unknown>): Decision => ({
  outcome: 'block',
  rule,
  reason,
  deferUntil: null,
  policyVersion: POLICY_VERSION,
  evidence,
});

/** Pure: the same input always gives the same decision. Checked at planning and again before sending. */
export function decide(input: PolicyInput): Decision {
  const { contactPoint: cp, channel } = input;
  const seen = { stage: input.stage, channel, at: input.now.toISOString() };

  if (input.caseHold) return block('hold.case', `the case is on hold (${input.caseHold}); nothing is sent until it is released`, { ...seen, hold: input.caseHold });
  for (const flag of Object.keys(FLAG_REASONS) as Array<keyof DebtorFlags>) {
    if (input.debtorFlags[flag]) return block(`hold.debtor.${flag}`, FLAG_REASONS[flag], { ...seen, flag });
  }
  if (!cp) return block('contact.none', `the debtor has no ${channel} contact point`, seen);
  const point = { ...seen, contactPoint: cp.id, verified: cp.verified };
  if (cp.removedAt) return block('contact.removed', 'the case system no longer lists this contact point', point);
  if (cp.invalidAt) return block('contact.invalid', 'the provider reported this contact point as invalid', point);
  if (cp.optedOutAt) return block('consent.opted-out', `the debtor opted out of ${channel} messages`, { ...point, optedOutAt: cp.optedOutAt.toISOString() });
  if (channel === 'whatsapp' && cp.optIn !== true) return block('consent.whatsapp-opt-in', 'WhatsApp needs the debtor’s opt-in', point);
  if (channel === 'email' && cp.kind === 'work') return block('privacy.work-email', 'debt details never go to a work email address', point);
  if (!cp.verified) return block('privacy.unverified', 'the contact point is not verified as the debtor’s own, so no debt details go to it', point);
  return { outcome: 'allow', rule: 'allow', reason: 'no hold, contact point verified and not opted out', deferUntil: null, policyVersion: POLICY_VERSION, evidence: point };
}
