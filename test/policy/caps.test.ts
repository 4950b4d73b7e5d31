import { describe, expect, it } from 'vitest';
import { allow, decideFor, defer, sent, summary, type Expected, type Scenario } from './support.ts';

// Caps (COMPLIANCE.md, default packs): per day 3 across channels and 1 per channel; 7 in any
// rolling 7 days; per channel per 7 days sms/whatsapp/email 3, letter 1; FI letters at least 14
// full days apart. A day cap frees at the next local midnight, a rolling cap when the oldest
// counted contact is 7×24h old; then the window must be open too. Unless a row says otherwise the
// debtor lives in PL (UTC+1 in November) and the message is planned Wednesday 18 Nov, 11:00 local.

const WED_11 = '2026-11-18T10:00:00Z';

interface Row {
  description: string;
  scenario: Scenario;
  expected: Expected;
}

// Three contacts on Wednesday morning, one on each other channel.
const threeToday = [sent('2026-11-18T06:30:00Z', 'email'), sent('2026-11-18T07:00:00Z', 'letter'), sent('2026-11-18T08:00:00Z', 'whatsapp')];
// Seven contacts in the week before Wednesday 11:00, none by sms, at most 3 per channel and 1 a day per channel.
const sevenThisWeek = [
  sent('2026-11-12T09:00:00Z', 'email'),
  sent('2026-11-12T10:00:00Z', 'whatsapp'),
  sent('2026-11-13T09:00:00Z', 'letter'),
  sent('2026-11-16T09:00:00Z', 'email'),
  sent('2026-11-16T10:00:00Z', 'whatsapp'),
  sent('2026-11-17T09:00:00Z', 'email'),
  sent('2026-11-17T10:00:00Z', 'whatsapp'),
];
// The same seven, the oldest being a letter handed over at 06:00 local: it ages out before the window opens.
const sevenOldestAtDawn = [
  sent('2026-11-12T05:00:00Z', 'letter'),
  sent('2026-11-12T10:00:00Z', 'whatsapp'),
  sent('2026-11-13T09:00:00Z', 'email'),
  sent('2026-11-16T09:00:00Z', 'email'),
  sent('2026-11-16T10:00:00Z', 'whatsapp'),
  sent('2026-11-17T09:00:00Z', 'email'),
  sent('2026-11-17T10:00:00Z', 'whatsapp'),
];
const threeSmsThisWeek = [sent('2026-11-12T09:00:00Z', 'sms'), sent('2026-11-16T09:00:00Z', 'sms'), sent('2026-11-17T09:00:00Z', 'sms')];

const rows: Row[] = [
  { description: 'per day: 3 already today → Thursday 00:00, then the window at 08:00', scenario: { at: WED_11, history: threeToday }, expected: defer('cap.per-day', '2026-11-19T07:00:00Z') },
  { description: 'per day: freed on Thursday 11:00', scenario: { at: '2026-11-19T10:00:00Z', history: threeToday }, expected: allow() },
  {
    description: 'per day: 3 on a Friday → Saturday 00:00, PL closed on the weekend → Monday 08:00',
    scenario: { at: '2026-11-20T10:00:00Z', history: [sent('2026-11-20T06:30:00Z', 'email'), sent('2026-11-20T07:00:00Z', 'letter'), sent('2026-11-20T08:00:00Z', 'whatsapp')] },
    expected: defer('cap.per-day', '2026-11-23T07:00:00Z'),
  },
  { description: 'per day per channel: an sms this morning → Thursday 08:00', scenario: { at: WED_11, history: [sent('2026-11-18T07:30:00Z', 'sms')] }, expected: defer('cap.per-day-per-channel', '2026-11-19T07:00:00Z') },
  { description: 'per day per channel: an email is still allowed after this morning’s sms', scenario: { at: WED_11, channel: 'email', history: [sent('2026-11-18T07:30:00Z', 'sms')] }, expected: allow() },
  { description: 'per day per channel: freed on Thursday 08:00', scenario: { at: '2026-11-19T07:00:00Z', history: [sent('2026-11-18T07:30:00Z', 'sms')] }, expected: allow() },
  { description: 'rolling 7 days: 7 since Thursday 12 Nov 09:00Z → the oldest is 7×24h old on 19 Nov 09:00Z (10:00 local)', scenario: { at: WED_11, history: sevenThisWeek }, expected: defer('cap.rolling-7-days', '2026-11-19T09:00:00Z') },
  { description: 'rolling 7 days: a minute before the oldest ages out', scenario: { at: '2026-11-19T08:59:00Z', history: sevenThisWeek }, expected: defer('cap.rolling-7-days', '2026-11-19T09:00:00Z') },
  { description: 'rolling 7 days: freed when the oldest ages out', scenario: { at: '2026-11-19T09:00:00Z', history: sevenThisWeek }, expected: allow() },
  { description: 'rolling 7 days: the oldest ages out at 06:00 local → the window opens at 08:00', scenario: { at: WED_11, history: sevenOldestAtDawn }, expected: defer('cap.rolling-7-days', '2026-11-19T07:00:00Z') },
  { description: 'sms per 7 days: 3 sms since 12 Nov 09:00Z → 19 Nov 09:00Z', scenario: { at: WED_11, history: threeSmsThisWeek }, expected: defer('cap.channel-7-days', '2026-11-19T09:00:00Z') },
  { description: 'sms per 7 days: an email is still allowed', scenario: { at: WED_11, channel: 'email', history: threeSmsThisWeek }, expected: allow() },
  { description: 'sms per 7 days: freed when the oldest sms ages out', scenario: { at: '2026-11-19T09:00:00Z', history: threeSmsThisWeek }, expected: allow() },
  // Letters are not windowed: the deferral is the aging-out instant itself, a Friday afternoon.
  { description: 'letter per 7 days: a letter on Friday 13 Nov 14:00Z → 20 Nov 14:00Z', scenario: { at: WED_11, channel: 'letter', history: [sent('2026-11-13T14:00:00Z', 'letter')] }, expected: defer('cap.channel-7-days', '2026-11-20T14:00:00Z') },
  { description: 'letter per 7 days: freed on 20 Nov 14:00Z', scenario: { at: '2026-11-20T14:00:00Z', channel: 'letter', history: [sent('2026-11-13T14:00:00Z', 'letter')] }, expected: allow() },
  {
    description: 'a cap and the window together: 20:30 with an sms today → Thursday 08:00 (a new day frees the cap)',
    scenario: { at: '2026-11-18T19:30:00Z', history: [sent('2026-11-18T07:30:00Z', 'sms')] },
    expected: defer('time.outside-window', '2026-11-19T07:00:00Z'),
  },
];

describe('caps (PL)', () => {
  it.each(rows)('$description', ({ scenario, expected }) => {
    expect(summary(decideFor(scenario))).toEqual(expected);
  });

  it('a cap deferral shows the counts it saw and says which cap', () => {
    const d = decideFor({ at: WED_11, history: sevenThisWeek });
    expect(d.evidence.counts).toEqual({ today: 0, todayOnChannel: 0, last7Days: 7, last7DaysOnChannel: 0 });
    expect(d.reason).toContain('7 messages went to this debtor in the last 7 days (at most 7)');
    expect(d.reason).toContain('Thursday 19 November 2026 10:00 (Europe/Warsaw)');
  });
});

// The day is the debtor's local day: a contact at 00:30 local Wednesday (Tuesday in UTC) counts
// for Wednesday; one at 23:30 local Tuesday does not.
describe.each([
  { country: 'PL', at: '2026-11-18T10:00:00Z', afterMidnight: '2026-11-17T23:30:00Z', beforeMidnight: '2026-11-17T22:30:00Z', opening: '2026-11-19T07:00:00Z' },
  { country: 'FI', at: '2026-11-18T09:00:00Z', afterMidnight: '2026-11-17T22:30:00Z', beforeMidnight: '2026-11-17T21:30:00Z', opening: '2026-11-19T06:00:00Z' },
  { country: 'IT', at: '2026-11-18T10:00:00Z', afterMidnight: '2026-11-17T23:30:00Z', beforeMidnight: '2026-11-17T22:30:00Z', opening: '2026-11-19T07:30:00Z' },
  { country: 'NL', at: '2026-11-18T10:00:00Z', afterMidnight: '2026-11-17T23:30:00Z', beforeMidnight: '2026-11-17T22:30:00Z', opening: '2026-11-19T07:00:00Z' },
])('$country: the day of the per-channel cap is the local day', ({ country, at, afterMidnight, beforeMidnight, opening }) => {
  it(`an sms at 00:30 local Wednesday (${afterMidnight}) counts: Thursday's opening ${opening}`, () => {
    expect(summary(decideFor({ country, at, history: [sent(afterMidnight, 'sms')] }))).toEqual(defer('cap.per-day-per-channel', opening));
  });

  it(`an sms at 23:30 local Tuesday (${beforeMidnight}) does not`, () => {
    expect(summary(decideFor({ country, at, history: [sent(beforeMidnight, 'sms')] }))).toEqual(allow());
  });
});

// FI: every letter is treated as a chargeable reminder, at least 14 full days after the last one.
// Letters are not windowed, so "the next opening at or after" the 15th local midnight is that midnight.
describe('FI letter spacing', () => {
  const letterOn2Nov = [sent('2026-11-02T08:00:00Z', 'letter')]; // Monday 2 Nov, 10:00 Helsinki

  it.each([
    { description: 'on Tuesday 10 Nov → 17 Nov 00:00 Helsinki', at: '2026-11-10T08:00:00Z', expected: defer('cap.letter-spacing', '2026-11-16T22:00:00Z') },
    { description: 'on Friday 6 Nov, within the 7-day letter cap too → the later of both, 17 Nov 00:00', at: '2026-11-06T08:00:00Z', expected: defer('cap.letter-spacing', '2026-11-16T22:00:00Z') },
    { description: 'at 23:59 on 16 Nov, the 14th full day → 17 Nov 00:00', at: '2026-11-16T21:59:00Z', expected: defer('cap.letter-spacing', '2026-11-16T22:00:00Z') },
    { description: 'at 00:00 on 17 Nov Helsinki → allowed', at: '2026-11-16T22:00:00Z', expected: allow() },
  ])('after a letter on 2 Nov, a letter $description', ({ at, expected }) => {
    expect(summary(decideFor({ country: 'FI', channel: 'letter', at, history: letterOn2Nov }))).toEqual(expected);
  });

  it('PL has no spacing: the same letter on 10 Nov goes', () => {
    expect(summary(decideFor({ country: 'PL', channel: 'letter', at: '2026-11-10T08:00:00Z', history: letterOn2Nov }))).toEqual(allow());
  });
});

describe('cap-exempt messages (receipts, replies the debtor asked for)', () => {
  it.each<Row>([
    { description: 'are not limited when the day is full', scenario: { at: WED_11, capExempt: true, history: [...threeToday, sent('2026-11-18T07:30:00Z', 'sms')] }, expected: allow() },
    { description: 'are not limited when the week is full', scenario: { at: WED_11, capExempt: true, history: [...sevenThisWeek, ...threeSmsThisWeek] }, expected: allow() },
    { description: 'still keep quiet hours: 20:30 → Thursday 08:00', scenario: { at: '2026-11-18T19:30:00Z', capExempt: true }, expected: defer('time.outside-window', '2026-11-19T07:00:00Z') },
    { description: 'still keep Sundays', scenario: { at: '2026-11-22T10:00:00Z', capExempt: true }, expected: defer('time.closed-day', '2026-11-23T07:00:00Z') },
    {
      description: 'in the ledger are not counted against others',
      scenario: { at: WED_11, history: [sent('2026-11-18T06:30:00Z', 'sms', true), sent('2026-11-18T07:00:00Z', 'email', true), sent('2026-11-18T08:00:00Z', 'whatsapp', true)] },
      expected: allow(),
    },
  ])('$description', ({ scenario, expected }) => {
    expect(summary(decideFor(scenario))).toEqual(expected);
  });

  // COMPLIANCE.md: receipts don't count towards caps; a receipt letter is no chargeable reminder,
  // so it neither waits for the FI 14-day spacing nor starts it.
  it('FI: a receipt letter 8 days after a reminder letter is not held back by the spacing', () => {
    expect(summary(decideFor({ country: 'FI', channel: 'letter', capExempt: true, at: '2026-11-10T08:00:00Z', history: [sent('2026-11-02T08:00:00Z', 'letter')] }))).toEqual(allow());
  });

  it('FI: a receipt letter on 2 Nov does not push back a reminder letter on 10 Nov', () => {
    expect(summary(decideFor({ country: 'FI', channel: 'letter', at: '2026-11-10T08:00:00Z', history: [sent('2026-11-02T08:00:00Z', 'letter', true)] }))).toEqual(allow());
  });
});
