import { describe, expect, it } from 'vitest';
import { allow, decideFor, defer, summary, type Expected } from './support.ts';

// The send window of each pack (COMPLIANCE.md, default packs): PL and FI Mon–Fri 08:00–20:00,
// IT Mon–Fri 08:30–20:00 and Sat 08:30–15:00, NL Mon–Sat 08:00–20:00; Sundays closed. The week of
// Wednesday 18 November 2026, winter time: CET = UTC+1 (PL, IT, NL), EET = UTC+2 (FI).

interface Row {
  description: string;
  at: string;
  expected: Expected;
}

const outside = (until: string): Expected => defer('time.outside-window', until);
const closedDay = (until: string): Expected => defer('time.closed-day', until);

const weekdays: Array<{ country: string; rows: Row[] }> = [
  {
    country: 'PL',
    rows: [
      { description: 'Wednesday 11:00 local is inside', at: '2026-11-18T10:00:00Z', expected: allow() },
      { description: 'Wednesday 07:59 waits for 08:00 the same day', at: '2026-11-18T06:59:00Z', expected: outside('2026-11-18T07:00:00Z') },
      { description: 'Wednesday 08:00 sharp is inside', at: '2026-11-18T07:00:00Z', expected: allow() },
      { description: 'Wednesday 19:59 is inside', at: '2026-11-18T18:59:00Z', expected: allow() },
      { description: 'Wednesday 20:00 waits for Thursday 08:00', at: '2026-11-18T19:00:00Z', expected: outside('2026-11-19T07:00:00Z') },
      { description: 'Friday 20:00 waits for Monday 08:00', at: '2026-11-20T19:00:00Z', expected: outside('2026-11-23T07:00:00Z') },
    ],
  },
  {
    country: 'FI',
    rows: [
      { description: 'Wednesday 11:00 local is inside', at: '2026-11-18T09:00:00Z', expected: allow() },
      { description: 'Wednesday 07:59 waits for 08:00 the same day', at: '2026-11-18T05:59:00Z', expected: outside('2026-11-18T06:00:00Z') },
      { description: 'Wednesday 08:00 sharp is inside', at: '2026-11-18T06:00:00Z', expected: allow() },
      { description: 'Wednesday 19:59 is inside', at: '2026-11-18T17:59:00Z', expected: allow() },
      { description: 'Wednesday 20:00 waits for Thursday 08:00', at: '2026-11-18T18:00:00Z', expected: outside('2026-11-19T06:00:00Z') },
      { description: 'Friday 20:00 waits for Monday 08:00 Helsinki (06:00Z in winter)', at: '2026-11-20T18:00:00Z', expected: outside('2026-11-23T06:00:00Z') },
    ],
  },
  {
    country: 'IT',
    rows: [
      { description: 'Wednesday 11:00 local is inside', at: '2026-11-18T10:00:00Z', expected: allow() },
      { description: 'Wednesday 08:29 waits for 08:30 the same day', at: '2026-11-18T07:29:00Z', expected: outside('2026-11-18T07:30:00Z') },
      { description: 'Wednesday 08:30 sharp is inside', at: '2026-11-18T07:30:00Z', expected: allow() },
      { description: 'Wednesday 19:59 is inside', at: '2026-11-18T18:59:00Z', expected: allow() },
      { description: 'Wednesday 20:00 waits for Thursday 08:30', at: '2026-11-18T19:00:00Z', expected: outside('2026-11-19T07:30:00Z') },
      { description: 'Friday 20:00 waits for Saturday 08:30 (Saturdays are open)', at: '2026-11-20T19:00:00Z', expected: outside('2026-11-21T07:30:00Z') },
    ],
  },
  {
    country: 'NL',
    rows: [
      { description: 'Wednesday 11:00 local is inside', at: '2026-11-18T10:00:00Z', expected: allow() },
      { description: 'Wednesday 07:59 waits for 08:00 the same day', at: '2026-11-18T06:59:00Z', expected: outside('2026-11-18T07:00:00Z') },
      { description: 'Wednesday 08:00 sharp is inside', at: '2026-11-18T07:00:00Z', expected: allow() },
      { description: 'Wednesday 19:59 is inside', at: '2026-11-18T18:59:00Z', expected: allow() },
      { description: 'Wednesday 20:00 waits for Thursday 08:00', at: '2026-11-18T19:00:00Z', expected: outside('2026-11-19T07:00:00Z') },
      { description: 'Friday 20:00 waits for Saturday 08:00 (Saturdays are open)', at: '2026-11-20T19:00:00Z', expected: outside('2026-11-21T07:00:00Z') },
    ],
  },
];

const weekends: Array<{ country: string; rows: Row[] }> = [
  {
    country: 'PL',
    rows: [
      { description: 'Saturday 11:00 is closed: Monday 08:00', at: '2026-11-21T10:00:00Z', expected: closedDay('2026-11-23T07:00:00Z') },
      { description: 'Sunday 11:00 is closed: Monday 08:00', at: '2026-11-22T10:00:00Z', expected: closedDay('2026-11-23T07:00:00Z') },
    ],
  },
  {
    country: 'FI',
    rows: [
      { description: 'Saturday 11:00 is closed: Monday 08:00', at: '2026-11-21T09:00:00Z', expected: closedDay('2026-11-23T06:00:00Z') },
      { description: 'Sunday 11:00 is closed: Monday 08:00', at: '2026-11-22T09:00:00Z', expected: closedDay('2026-11-23T06:00:00Z') },
    ],
  },
  {
    country: 'IT',
    rows: [
      { description: 'Saturday 08:29 waits for 08:30', at: '2026-11-21T07:29:00Z', expected: outside('2026-11-21T07:30:00Z') },
      { description: 'Saturday 11:00 is inside', at: '2026-11-21T10:00:00Z', expected: allow() },
      { description: 'Saturday 14:59 is inside', at: '2026-11-21T13:59:00Z', expected: allow() },
      { description: 'Saturday 15:00 waits for Monday 08:30', at: '2026-11-21T14:00:00Z', expected: outside('2026-11-23T07:30:00Z') },
      { description: 'Sunday 11:00 is closed: Monday 08:30', at: '2026-11-22T10:00:00Z', expected: closedDay('2026-11-23T07:30:00Z') },
    ],
  },
  {
    country: 'NL',
    rows: [
      { description: 'Saturday 11:00 is inside', at: '2026-11-21T10:00:00Z', expected: allow() },
      { description: 'Saturday 19:59 is inside', at: '2026-11-21T18:59:00Z', expected: allow() },
      { description: 'Saturday 20:00 waits for Monday 08:00', at: '2026-11-21T19:00:00Z', expected: outside('2026-11-23T07:00:00Z') },
      { description: 'Sunday 11:00 is closed: Monday 08:00', at: '2026-11-22T10:00:00Z', expected: closedDay('2026-11-23T07:00:00Z') },
    ],
  },
];

describe.each(weekdays)('$country send window on weekdays', ({ country, rows }) => {
  it.each(rows)('$description ($at)', ({ at, expected }) => {
    expect(summary(decideFor({ country, at }))).toEqual(expected);
  });
});

describe.each(weekends)('$country on the weekend', ({ country, rows }) => {
  it.each(rows)('$description ($at)', ({ at, expected }) => {
    expect(summary(decideFor({ country, at }))).toEqual(expected);
  });
});

describe('what a window decision tells people', () => {
  it('a deferral names the local instant it waits for and what it saw', () => {
    const d = decideFor({ country: 'FI', at: '2026-11-20T18:00:00Z' });
    expect(d.reason).toContain('Friday 20 November 2026 20:00 (Europe/Helsinki)');
    expect(d.reason).toContain('Monday 23 November 2026 08:00 (Europe/Helsinki)');
    expect(d.evidence.local).toEqual([{ signal: 'residence', country: 'FI', timeZone: 'Europe/Helsinki', time: '2026-11-20 20:00 fri' }]);
  });

  // Letters reach the debtor with the post, not at the hour they are printed: no pack windows them.
  it.each(['PL', 'FI', 'IT', 'NL'])('%s: a letter planned on Sunday night goes at once', (country) => {
    expect(summary(decideFor({ country, channel: 'letter', at: '2026-11-22T02:00:00Z' }))).toEqual(allow());
  });
});
