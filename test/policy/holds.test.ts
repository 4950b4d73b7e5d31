import { describe, expect, it } from 'vitest';
import { isHeld } from '../../src/policy/decision.ts';
import { allow, block, decideFor, defer, summary, type Expected, type Scenario } from './support.ts';

// Hard stops (COMPLIANCE.md): dispute pauses until resolved (and a legal hold likewise); debt
// advice, insolvency, moratorium and a cease-contact request stop; vulnerability goes to a person;
// a death stops everything except, after a 30-day pause, the estate. Each row runs in every pack at
// Wednesday 18 Nov 2026, 11:00 local, so only the hold can keep the message back.

type Row = { description: string; scenario: Omit<Scenario, 'at' | 'country'>; expected: Expected; routedTo?: string };

const since = new Date('2026-11-01T10:00:00Z');
const estateLetter = { channel: 'letter' as const, point: { kind: 'estate' } };

const rows: Row[] = [
  { description: 'released: no hold, no flag', scenario: {}, expected: allow() },
  { description: 'a dispute on the case waits for its release', scenario: { caseHold: { reason: 'dispute', since } }, expected: defer('hold.dispute', null) },
  { description: 'a dispute flag on the debtor waits too', scenario: { flags: { dispute: true } }, expected: defer('hold.dispute', null) },
  { description: 'a legal hold waits for its release', scenario: { caseHold: { reason: 'legal', since } }, expected: defer('hold.legal', null) },
  { description: 'insolvency on the case stops', scenario: { caseHold: { reason: 'insolvency', since } }, expected: block('hold.insolvency') },
  { description: 'insolvency flag stops', scenario: { flags: { insolvency: true } }, expected: block('hold.insolvency') },
  { description: 'debt advice stops', scenario: { caseHold: { reason: 'debtAdvice', since } }, expected: block('hold.debtAdvice') },
  { description: 'a moratorium stops', scenario: { caseHold: { reason: 'moratorium', since } }, expected: block('hold.moratorium') },
  { description: 'a cease-contact request on the case stops', scenario: { caseHold: { reason: 'ceaseContact', since } }, expected: block('hold.ceaseContact') },
  { description: 'a cease-contact flag stops', scenario: { flags: { ceaseContact: true } }, expected: block('hold.ceaseContact') },
  { description: 'vulnerability goes to a person', scenario: { flags: { vulnerable: true } }, expected: block('hold.vulnerable'), routedTo: 'person' },
  { description: 'vulnerability on the case goes to a person', scenario: { caseHold: { reason: 'vulnerable', since } }, expected: block('hold.vulnerable'), routedTo: 'person' },
  { description: 'a death stops messages to the debtor’s own points', scenario: { flags: { deceased: true }, deceasedSince: '2026-11-01T10:00:00Z' }, expected: block('hold.deceased') },
  { description: 'a death stops them still after 30 days', scenario: { flags: { deceased: true }, deceasedSince: '2026-10-01T10:00:00Z' }, expected: block('hold.deceased') },
  { description: 'the stricter hold wins: dispute and insolvency stop', scenario: { caseHold: { reason: 'dispute', since }, flags: { insolvency: true } }, expected: block('hold.insolvency') },
  { description: 'the stricter hold wins: dispute and vulnerability go to a person', scenario: { caseHold: { reason: 'dispute', since }, flags: { vulnerable: true } }, expected: block('hold.vulnerable'), routedTo: 'person' },
  { description: 'the estate waits until 30 days after the death: 1 Nov 10:00Z → 1 Dec 10:00Z', scenario: { ...estateLetter, flags: { deceased: true }, deceasedSince: '2026-11-01T10:00:00Z' }, expected: defer('hold.deceased.estate-pause', '2026-12-01T10:00:00Z') },
  { description: 'the estate, death known only from the case hold: the hold’s date counts', scenario: { ...estateLetter, caseHold: { reason: 'deceased', since } }, expected: defer('hold.deceased.estate-pause', '2026-12-01T10:00:00Z') },
  { description: 'the estate after the 30 days is written to', scenario: { ...estateLetter, flags: { deceased: true }, deceasedSince: '2026-10-18T10:00:00Z' }, expected: allow() },
  { description: 'the estate is not written to while a dispute holds too', scenario: { ...estateLetter, caseHold: { reason: 'dispute', since }, flags: { deceased: true }, deceasedSince: '2026-10-01T10:00:00Z' }, expected: block('hold.deceased') },
];

describe.each([
  { country: 'PL', at: '2026-11-18T10:00:00Z' },
  { country: 'FI', at: '2026-11-18T09:00:00Z' },
  { country: 'IT', at: '2026-11-18T10:00:00Z' },
  { country: 'NL', at: '2026-11-18T10:00:00Z' },
])('$country holds', ({ country, at }) => {
  it.each(rows)('$description', ({ scenario, expected, routedTo }) => {
    const d = decideFor({ ...scenario, country, at });
    expect(summary(d)).toEqual(expected);
    expect(d.evidence.routedTo).toBe(routedTo);
    expect(isHeld(d)).toBe(expected.outcome === 'defer' && expected.deferUntil === null);
  });
});

describe('the estate pause, exactly', () => {
  const estate: Omit<Scenario, 'at'> = { ...estateLetter, flags: { deceased: true }, deceasedSince: '2026-11-01T10:00:00Z' };

  it.each([
    { at: '2026-12-01T09:59:00Z', expected: defer('hold.deceased.estate-pause', '2026-12-01T10:00:00Z') },
    { at: '2026-12-01T10:00:00Z', expected: allow() },
  ])('at $at', ({ at, expected }) => {
    expect(summary(decideFor({ ...estate, at }))).toEqual(expected);
  });

  // deferUntil is "when every rule allows it": a pause that ends at 21:00 Warsaw on Tuesday 1 Dec
  // leaves an sms outside the window until Wednesday 08:00.
  it('an sms to the estate whose pause ends at night waits for the next opening after it', () => {
    const d = decideFor({ country: 'PL', point: { kind: 'estate' }, flags: { deceased: true }, deceasedSince: '2026-11-01T20:00:00Z', at: '2026-11-18T10:00:00Z' });
    expect(summary(d)).toEqual(defer('hold.deceased.estate-pause', '2026-12-02T07:00:00Z'));
  });

  it('says what it saw', () => {
    const d = decideFor({ ...estate, at: '2026-11-18T10:00:00Z' });
    expect(d.evidence).toMatchObject({ holds: ['debtor:deceased'], deceasedSince: '2026-11-01T10:00:00.000Z' });
    expect(d.reason).toContain('30 days');
  });
});
