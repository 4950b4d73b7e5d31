import type { Channel } from '../domain/case-event.ts';

// The shape every policy answer has, at planning, at dispatch and in the simulator.

export type Stage = 'plan' | 'dispatch';
export type Outcome = 'allow' | 'defer' | 'block';
/** full: the template as written; minimal: sender, reference and how to call back, no debt details. */
export type Content = 'full' | 'minimal';

export interface Decision {
  outcome: Outcome;
  rule: string;
  /** Plain words for people: what was seen and what it means. */
  reason: string;
  /** defer: when every rule allows it; null while a hold lasts (the message waits as `held`). */
  deferUntil: Date | null;
  policyVersion: string;
  content: Content;
  evidence: Record<string, unknown>;
}

export interface ContactPointState {
  id: string;
  channel: Channel;
  verified: boolean;
  kind: string | null;
  optIn: boolean | null;
  optedOutAt: Date | null;
  invalidAt: Date | null;
  removedAt: Date | null;
  /** Another debtor has the same address on the same channel. */
  sharedWithOtherDebtor: boolean;
}

export interface DebtorFlags {
  dispute: boolean;
  vulnerable: boolean;
  insolvency: boolean;
  deceased: boolean;
  ceaseContact: boolean;
}

/** A message that waits for a hold's release rather than for an instant. */
export const isHeld = (d: Pick<Decision, 'outcome' | 'deferUntil'>): boolean => d.outcome === 'defer' && d.deferUntil === null;
