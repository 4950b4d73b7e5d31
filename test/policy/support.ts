import type { Channel } from '../../src/domain/case-event.ts';
import type { Contact } from '../../src/policy/caps.ts';
import { decide, type PolicyInput } from '../../src/policy/contact-policy.ts';
import type { ContactPointState, Decision, DebtorFlags, Stage } from '../../src/policy/decision.ts';
import type { HoldState } from '../../src/policy/gates.ts';
import { loadPacks, type Packs } from '../../src/policy/pack.ts';

// Builds policy inputs for the table tests: everything is the plain, permissive case (a verified
// personal sms point of the debtor's own country, opted in, no holds, empty ledger) unless a row
// says otherwise, so each row shows only what it is about.

export const packs = loadPacks();

const ZONES: Record<string, string> = { PL: 'Europe/Warsaw', FI: 'Europe/Helsinki', IT: 'Europe/Rome', NL: 'Europe/Amsterdam', DE: 'Europe/Berlin' };
const PHONES: Record<string, string> = { PL: '+48600100200', FI: '+358401234567', IT: '+393331234567', NL: '+31612345678', DE: '+4915112345678' };

export type Point = ContactPointState & { address: string };

export interface Scenario {
  /** The instant of the decision, UTC ISO. */
  at: string;
  /** Where the debtor lives: picks the pack (by residence) and the default zone and phone. */
  country?: string;
  timeZone?: string | null;
  channel?: Channel;
  point?: Partial<Point> | null;
  caseHold?: HoldState['caseHold'];
  flags?: Partial<DebtorFlags>;
  deceasedSince?: string | null;
  history?: readonly Contact[];
  capExempt?: boolean;
  stage?: Stage;
  /** Another set of packs (an override) instead of the shipped ones. */
  using?: Packs;
}

function addressFor(channel: Channel, country: string): string {
  const phone = PHONES[country] ?? '+48600100200';
  if (channel === 'whatsapp') return `whatsapp:${phone}`;
  if (channel === 'email') return 'debtor@example.org';
  if (channel === 'letter') return 'Street 1, 00-001 Town';
  return phone;
}

export function policyInput(s: Scenario): PolicyInput {
  const country = s.country ?? 'PL';
  const channel = s.channel ?? 'sms';
  const point: Point | null =
    s.point === null
      ? null
      : { id: 'cp-1', channel, address: addressFor(channel, country), verified: true, kind: 'personal', optIn: true, optedOutAt: null, invalidAt: null, removedAt: null, sharedWithOtherDebtor: false, ...s.point };
  return {
    stage: s.stage ?? 'plan',
    channel,
    contactPoint: point,
    holds: {
      caseHold: s.caseHold ?? null,
      flags: { dispute: false, vulnerable: false, insolvency: false, deceased: false, ceaseContact: false, ...s.flags },
      deceasedSince: s.deceasedSince ? new Date(s.deceasedSince) : null,
    },
    debtor: { timeZone: s.timeZone === undefined ? (ZONES[country] ?? null) : s.timeZone, country },
    pack: (s.using ?? packs).resolve({ country, creditorId: 'creditor-1', portfolio: null }),
    capExempt: s.capExempt ?? false,
    history: s.history ?? [],
    now: new Date(s.at),
  };
}

export const decideFor = (s: Scenario): Decision => decide(policyInput(s));

/** A ledger entry: what went to the debtor, when. */
export const sent = (at: string, channel: Channel, capExempt = false): Contact => ({ at: new Date(at), channel, capExempt });

export interface Expected {
  outcome: Decision['outcome'];
  rule: string;
  /** UTC ISO without milliseconds, as the tables write it. */
  deferUntil: string | null;
}

/** The parts of a decision a table row states, with deferUntil as ISO for readable failures. */
export const summary = (d: Decision): Expected => ({ outcome: d.outcome, rule: d.rule, deferUntil: d.deferUntil?.toISOString().replace('.000Z', 'Z') ?? null });

export const allow = (rule = 'allow'): Expected => ({ outcome: 'allow', rule, deferUntil: null });
export const defer = (rule: string, until: string | null): Expected => ({ outcome: 'defer', rule, deferUntil: until });
export const block = (rule: string): Expected => ({ outcome: 'block', rule, deferUntil: null });
