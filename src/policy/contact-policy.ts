import type { Channel } from '../domain/case-event.ts';
import { checkCaps, type Contact } from './caps.ts';
import { checkWindow, describeWindow, type Location } from './calendar.ts';
import type { ContactPointState, Decision, Stage } from './decision.ts';
import { checkGates, type AnswerPass, type HoldState } from './gates.ts';
import { describeLocal } from './local-time.ts';
import { locationsFor, type DebtorWhereabouts } from './locations.ts';
import type { Pack } from './pack.ts';

// The contact policy: one pure function from what we know (pack, holds, contact point, ledger,
// the instant) to allow, defer until an exact instant, or block, with the rule and the evidence.
// It runs at planning and again under the debtor's lock right before sending, and in the simulator.

export interface PolicyInput {
  stage: Stage;
  channel: Channel;
  contactPoint: (ContactPointState & { address: string }) | null;
  holds: HoldState;
  debtor: DebtorWhereabouts;
  pack: Pack | null;
  /** Receipts and replies the debtor asked for: caps do not apply, quiet hours do. */
  capExempt: boolean;
  /** What went to this debtor recently, across cases and channels (the ledger). */
  history: readonly Contact[];
  /** An answer to the debtor's own reply passes the hold or opt-out the reply itself set. */
  answer?: AnswerPass;
  now: Date;
}

const MAX_STEPS = 64;

interface Timing {
  at: Date | null;
  /** The first rule that kept the message from going at `now`, and what it saw. */
  first: { rule: string; reason: string } | null;
  evidence: Record<string, unknown>;
}

/**
 * The first instant at or after `now` when the window is open in every place and no cap is
 * reached: each rule moves the candidate forward until none does (the rules only look back at
 * the ledger, so moving forward never makes an earlier rule fail again for a reason it had not).
 */
function nextAllowedInstant(pack: Pack, input: PolicyInput, places: Location[], from: Date): Timing {
  const residence = places[0]!;
  const windowApplies = pack.window.appliesTo.includes(input.channel);
  let at: Date | null = from;
  let first: Timing['first'] = null;
  const evidence: Record<string, unknown> = {};
  if (windowApplies) {
    evidence.local = places.map((place) => ({ signal: place.signal, country: place.country, timeZone: place.timeZone, time: checkWindow(pack, place, input.now).local }));
  }
  for (let step = 0; step < MAX_STEPS && at; step++) {
    let moved = false;
    if (windowApplies) {
      for (const place of places) {
        const w = checkWindow(pack, place, at);
        if (w.next?.getTime() === at.getTime()) continue;
        if (!first) {
          const rule = w.closedBecause === 'holiday' ? 'time.holiday' : w.closedBecause === 'closed-weekday' ? 'time.closed-day' : 'time.outside-window';
          const when = describeLocal(at, place.timeZone);
          const what = w.closedBecause === 'holiday' ? `it is ${when}, ${w.holiday}, a day without messages` : `it is ${when}, outside ${pack.country}’s window (${describeWindow(pack)})`;
          first = { rule, reason: place.signal === 'phone' ? `${what}, where the phone number belongs` : what };
          if (w.holiday) evidence.holiday = w.holiday;
        }
        at = w.next;
        moved = true;
        break;
      }
      if (moved || !at) continue;
    }
    if (!input.capExempt) {
      const caps = checkCaps(pack, input.channel, residence.timeZone, input.history, at);
      if (step === 0) evidence.counts = caps.counts;
      const relevant = caps.reached;
      if (relevant.length) {
        const blocking = relevant.find((r) => !r.freesAt);
        const latest = relevant.reduce((a, b) => ((b.freesAt?.getTime() ?? Infinity) > (a.freesAt?.getTime() ?? Infinity) ? b : a));
        if (!first) first = { rule: latest.rule, reason: capWords(latest.rule, latest.count, latest.limit, input.channel) };
        at = blocking ? null : latest.freesAt;
        continue;
      }
    }
    return { at, first, evidence };
  }
  return { at: null, first, evidence };
}

function capWords(rule: string, count: number, limit: number, channel: Channel): string {
  switch (rule) {
    case 'cap.per-day':
      return `${count} messages already went to this debtor today (at most ${limit} a day)`;
    case 'cap.per-day-per-channel':
      return `${count} ${channel} message${count === 1 ? '' : 's'} already went to this debtor today (at most ${limit} a day per channel)`;
    case 'cap.rolling-7-days':
      return `${count} messages went to this debtor in the last 7 days (at most ${limit})`;
    case 'cap.channel-7-days':
      return `${count} ${channel} messages went to this debtor in the last 7 days (at most ${limit})`;
    default:
      return `the last letter went less than ${limit} full days ago`;
  }
}

export function decide(input: PolicyInput): Decision {
  const { channel, pack, now } = input;
  const seen = { stage: input.stage, channel, at: now.toISOString() };
  if (!pack) {
    return { outcome: 'block', rule: 'pack.none', reason: `no policy pack covers debtors living in ${input.debtor.country}`, deferUntil: null, policyVersion: 'none', content: 'full', evidence: seen };
  }
  const base = { policyVersion: pack.id, content: 'full' as const };
  const gate = checkGates(pack, channel, input.contactPoint, input.holds, now, input.answer);
  if (gate.kind === 'block') return { ...base, outcome: 'block', rule: gate.rule, reason: gate.reason, deferUntil: null, evidence: { ...seen, ...gate.evidence } };
  if (gate.kind === 'hold' && !gate.until) {
    return { ...base, outcome: 'defer', rule: gate.rule, reason: gate.reason, deferUntil: null, evidence: { ...seen, ...gate.evidence } };
  }
  const content = gate.kind === 'pass' ? gate.content : 'full';
  const contentNote = gate.kind === 'pass' && gate.contentRule ? { contentRule: gate.contentRule } : {};
  const places = locationsFor(input.debtor, pack.timeZone, channel, input.contactPoint?.address ?? null);
  // A pause that ends at a known instant (an estate's) is one more rule: timing starts from its end.
  const pausedUntil = gate.kind === 'hold' && gate.until && gate.until > now ? gate.until : null;
  const timing = nextAllowedInstant(pack, input, places, pausedUntil ?? now);
  if (pausedUntil && timing.at) {
    return { ...base, outcome: 'defer', rule: gate.kind === 'hold' ? gate.rule : 'hold', reason: `${gate.kind === 'hold' ? gate.reason : ''}; it can go ${describeLocal(timing.at, places[0]!.timeZone)}`, deferUntil: timing.at, evidence: { ...seen, ...(gate.kind === 'hold' ? gate.evidence : {}), ...timing.evidence } };
  }
  const evidence = { ...seen, ...contentNote, contactPoint: input.contactPoint?.id ?? null, capExempt: input.capExempt || undefined, ...timing.evidence };
  const residenceZone = places[0]!.timeZone;
  if (!timing.at) {
    const rule = timing.first?.rule ?? 'time.never';
    return { ...base, content, outcome: 'block', rule, reason: `${timing.first?.reason ?? 'no instant'}; no time in the next year allows it`, deferUntil: null, evidence };
  }
  if (timing.at.getTime() > now.getTime()) {
    return { ...base, content, outcome: 'defer', rule: timing.first?.rule ?? 'time', reason: `${timing.first?.reason ?? 'not now'}; it can go ${describeLocal(timing.at, residenceZone)}`, deferUntil: timing.at, evidence };
  }
  if (gate.kind === 'pass' && gate.contentRule) return { ...base, content, outcome: 'allow', rule: gate.contentRule, reason: gate.contentReason ?? '', deferUntil: null, evidence };
  const when = pack.window.appliesTo.includes(channel) ? 'inside the window and under every cap' : 'under every cap (a letter arrives with the post, so no send window applies)';
  return { ...base, content, outcome: 'allow', rule: 'allow', reason: `no hold, contact point verified and consenting, ${when}`, deferUntil: null, evidence };
}
