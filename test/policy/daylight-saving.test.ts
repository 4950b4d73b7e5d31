import { describe, expect, it } from 'vitest';
import { localParts, startOfLocalDay, zonedInstant } from '../../src/policy/local-time.ts';
import { decideFor, defer, summary } from './support.ts';

// The weekends the clocks change in 2026. Spring forward on Sunday 29 March: CET+1 → CEST+2 at
// 02:00 local, EET+2 → EEST+3 at 03:00 local. Fall back on Sunday 25 October: CEST → CET at 03:00,
// EEST → EET at 04:00. A message planned on the Saturday evening before waits for Monday's
// opening, which is on the other side of the change.

describe.each([
  // Saturday 20:30 local is after every pack's Saturday (PL, FI closed; IT until 15:00; NL until 20:00).
  { country: 'PL', at: '2026-03-28T19:30:00Z', rule: 'time.closed-day', deferUntil: '2026-03-30T06:00:00Z', opening: '08:00 CEST' },
  { country: 'IT', at: '2026-03-28T19:30:00Z', rule: 'time.outside-window', deferUntil: '2026-03-30T06:30:00Z', opening: '08:30 CEST' },
  { country: 'NL', at: '2026-03-28T19:30:00Z', rule: 'time.outside-window', deferUntil: '2026-03-30T06:00:00Z', opening: '08:00 CEST' },
  { country: 'FI', at: '2026-03-28T18:30:00Z', rule: 'time.closed-day', deferUntil: '2026-03-30T05:00:00Z', opening: '08:00 EEST' },
  { country: 'PL', at: '2026-10-24T18:30:00Z', rule: 'time.closed-day', deferUntil: '2026-10-26T07:00:00Z', opening: '08:00 CET' },
  { country: 'IT', at: '2026-10-24T18:30:00Z', rule: 'time.outside-window', deferUntil: '2026-10-26T07:30:00Z', opening: '08:30 CET' },
  { country: 'NL', at: '2026-10-24T18:30:00Z', rule: 'time.outside-window', deferUntil: '2026-10-26T07:00:00Z', opening: '08:00 CET' },
  { country: 'FI', at: '2026-10-24T17:30:00Z', rule: 'time.closed-day', deferUntil: '2026-10-26T06:00:00Z', opening: '08:00 EET' },
])('$country, Saturday 20:30 local before the change ($at)', ({ country, at, rule, deferUntil, opening }) => {
  it(`waits for Monday ${opening} = ${deferUntil}`, () => {
    expect(summary(decideFor({ country, at }))).toEqual(defer(rule, deferUntil));
  });

  it('still waits for the same Monday when planned during the changing night itself', () => {
    // Every EU zone changes at 01:00 UTC: 01:30Z on the Sunday is half an hour past the change.
    const night = at.startsWith('2026-03') ? '2026-03-29T01:30:00Z' : '2026-10-25T01:30:00Z';
    expect(summary(decideFor({ country, at: night }))).toEqual(defer('time.closed-day', deferUntil));
  });
});

describe('local wall time on the nights the clocks change', () => {
  it.each([
    // 02:30 does not happen in Warsaw/Rome/Amsterdam on 29 March: it lands as far past the gap.
    { zone: 'Europe/Warsaw', wall: 150, instant: '2026-03-29T01:30:00Z', readsBack: 210 },
    { zone: 'Europe/Rome', wall: 150, instant: '2026-03-29T01:30:00Z', readsBack: 210 },
    { zone: 'Europe/Amsterdam', wall: 150, instant: '2026-03-29T01:30:00Z', readsBack: 210 },
    // Helsinki's gap is an hour later: 03:30 does not happen, 04:30 EEST does.
    { zone: 'Europe/Helsinki', wall: 210, instant: '2026-03-29T01:30:00Z', readsBack: 270 },
  ])('$zone: $wall min on 29 March (in the gap) → $instant, read back as $readsBack min', ({ zone, wall, instant, readsBack }) => {
    const t = zonedInstant({ year: 2026, month: 3, day: 29 }, wall, zone);
    expect(t.toISOString()).toBe(instant.replace('Z', '.000Z'));
    expect(localParts(t, zone)).toMatchObject({ iso: '2026-03-29', weekday: 0, minutes: readsBack });
  });

  it.each([
    // 02:30 happens twice in Warsaw on 25 October (CEST, then CET): the first one is chosen.
    { zone: 'Europe/Warsaw', wall: 150, first: '2026-10-25T00:30:00Z', second: '2026-10-25T01:30:00Z' },
    { zone: 'Europe/Rome', wall: 150, first: '2026-10-25T00:30:00Z', second: '2026-10-25T01:30:00Z' },
    { zone: 'Europe/Helsinki', wall: 210, first: '2026-10-25T00:30:00Z', second: '2026-10-25T01:30:00Z' },
  ])('$zone: $wall min on 25 October (the repeated hour) → the first, $first', ({ zone, wall, first, second }) => {
    expect(zonedInstant({ year: 2026, month: 10, day: 25 }, wall, zone).toISOString()).toBe(first.replace('Z', '.000Z'));
    for (const t of [first, second]) expect(localParts(new Date(t), zone)).toMatchObject({ iso: '2026-10-25', weekday: 0, minutes: wall });
  });

  it.each([
    { zone: 'Europe/Warsaw', wall: 119, day: 29, month: 3, instant: '2026-03-29T00:59:00Z' },
    { zone: 'Europe/Warsaw', wall: 180, day: 29, month: 3, instant: '2026-03-29T01:00:00Z' },
    { zone: 'Europe/Warsaw', wall: 180, day: 25, month: 10, instant: '2026-10-25T02:00:00Z' },
    { zone: 'Europe/Helsinki', wall: 240, day: 25, month: 10, instant: '2026-10-25T02:00:00Z' },
  ])('$zone: $wall min on $day.$month., next to the change, is unambiguous: $instant', ({ zone, wall, day, month, instant }) => {
    expect(zonedInstant({ year: 2026, month, day }, wall, zone).toISOString()).toBe(instant.replace('Z', '.000Z'));
  });

  it.each([
    // The spring Sunday has 23 hours, the autumn Sunday 25: local midnights are not 24h apart.
    { day: 29, month: 3, midnight: '2026-03-28T23:00:00Z', next: '2026-03-29T22:00:00Z' },
    { day: 25, month: 10, midnight: '2026-10-24T22:00:00Z', next: '2026-10-25T23:00:00Z' },
  ])('Warsaw midnights around $day.$month.: $midnight and $next', ({ day, month, midnight, next }) => {
    expect(startOfLocalDay({ year: 2026, month, day }, 'Europe/Warsaw').toISOString()).toBe(midnight.replace('Z', '.000Z'));
    expect(startOfLocalDay({ year: 2026, month, day: day + 1 }, 'Europe/Warsaw').toISOString()).toBe(next.replace('Z', '.000Z'));
  });
});
