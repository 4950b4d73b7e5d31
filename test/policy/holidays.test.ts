import { describe, expect, it } from 'vitest';
import { allow, decideFor, defer, summary } from './support.ts';

// Public holidays of 2026 close the window for the whole local day (COMPLIANCE.md: blocked days).
// Winter CET = UTC+1 / EET = UTC+2; summer CEST = UTC+2 / EEST = UTC+3.

interface Row {
  description: string;
  at: string;
  holiday: string;
  deferUntil: string;
}

const holidays: Array<{ country: string; rows: Row[] }> = [
  {
    country: 'PL',
    rows: [
      { description: 'Independence Day, Wednesday 11 Nov, 11:00: Thursday 08:00', at: '2026-11-11T10:00:00Z', holiday: 'Narodowe Święto Niepodległości', deferUntil: '2026-11-12T07:00:00Z' },
      // 23:30Z on the 10th is already 00:30 on the 11th in Warsaw: the local date decides.
      { description: 'Independence Day at 00:30 local (still the 10th in UTC)', at: '2026-11-10T23:30:00Z', holiday: 'Narodowe Święto Niepodległości', deferUntil: '2026-11-12T07:00:00Z' },
      // Wigilia is a public holiday from 2025; 25 and 26 Dec follow, then Sunday.
      { description: 'Christmas Eve, Thursday 24 Dec: Monday 28 Dec 08:00', at: '2026-12-24T10:00:00Z', holiday: 'Wigilia Bożego Narodzenia', deferUntil: '2026-12-28T07:00:00Z' },
    ],
  },
  {
    country: 'FI',
    rows: [
      // juhannusaatto is of type `bank` in date-holidays; the FI pack blocks that type too.
      { description: 'Midsummer Eve, Friday 19 Jun: Monday 22 Jun 08:00 EEST', at: '2026-06-19T08:00:00Z', holiday: 'juhannusaatto', deferUntil: '2026-06-22T05:00:00Z' },
      { description: 'Midsummer Day, Saturday 20 Jun: Monday 22 Jun 08:00 EEST', at: '2026-06-20T08:00:00Z', holiday: 'juhannuspäivä', deferUntil: '2026-06-22T05:00:00Z' },
      { description: 'Christmas Eve, Thursday 24 Dec: Monday 28 Dec 08:00', at: '2026-12-24T09:00:00Z', holiday: 'jouluaatto', deferUntil: '2026-12-28T06:00:00Z' },
    ],
  },
  {
    country: 'IT',
    rows: [
      // A Saturday, when IT is otherwise open 08:30–15:00.
      { description: 'Ferragosto, Saturday 15 Aug: Monday 17 Aug 08:30 CEST', at: '2026-08-15T09:00:00Z', holiday: 'Assunzione di Maria', deferUntil: '2026-08-17T06:30:00Z' },
      { description: 'Immacolata, Tuesday 8 Dec: Wednesday 08:30', at: '2026-12-08T10:00:00Z', holiday: 'Immacolata Concezione', deferUntil: '2026-12-09T07:30:00Z' },
      { description: 'Christmas, Friday 25 Dec, then Santo Stefano on Saturday: Monday 28 Dec 08:30', at: '2026-12-25T10:00:00Z', holiday: 'Natale di Gesù', deferUntil: '2026-12-28T07:30:00Z' },
    ],
  },
  {
    country: 'NL',
    rows: [
      { description: "King's Day, Monday 27 Apr: Tuesday 08:00 CEST", at: '2026-04-27T09:00:00Z', holiday: 'Koningsdag', deferUntil: '2026-04-28T06:00:00Z' },
      // date-holidays has 5 May only as a school day; the pack's `extra` list makes it blocked.
      { description: 'Liberation Day, Tuesday 5 May: Wednesday 08:00 CEST', at: '2026-05-05T09:00:00Z', holiday: 'Bevrijdingsdag', deferUntil: '2026-05-06T06:00:00Z' },
      { description: 'Christmas, Friday 25 Dec, then Tweede kerstdag on Saturday: Monday 28 Dec 08:00', at: '2026-12-25T10:00:00Z', holiday: 'Kerstmis', deferUntil: '2026-12-28T07:00:00Z' },
    ],
  },
];

describe.each(holidays)('$country public holidays in 2026', ({ country, rows }) => {
  it.each(rows)('$description', ({ at, holiday, deferUntil }) => {
    const d = decideFor({ country, at });
    expect(summary(d)).toEqual(defer('time.holiday', deferUntil));
    expect(d.evidence.holiday).toBe(holiday);
    expect(d.reason).toContain(holiday);
  });
});

describe('around holidays', () => {
  it('an ordinary Italian Saturday is open (the holiday, not the weekday, closed 15 Aug)', () => {
    expect(summary(decideFor({ country: 'IT', at: '2026-08-08T09:00:00Z' }))).toEqual(allow());
  });

  it('the evening before a holiday skips it: PL Tuesday 10 Nov 20:00 → Thursday 12 Nov 08:00', () => {
    const d = decideFor({ country: 'PL', at: '2026-11-10T19:00:00Z' });
    expect(summary(d)).toEqual(defer('time.outside-window', '2026-11-12T07:00:00Z'));
    expect(d.evidence.holiday).toBeUndefined();
  });

  it('the day after a holiday is open again: NL Tuesday 28 Apr 11:00', () => {
    expect(summary(decideFor({ country: 'NL', at: '2026-04-28T09:00:00Z' }))).toEqual(allow());
  });
});
