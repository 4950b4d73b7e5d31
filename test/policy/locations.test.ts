import { describe, expect, it } from 'vitest';
import { allow, decideFor, defer, summary, type Expected, type Scenario } from './support.ts';

// Whose clock counts (COMPLIANCE.md): the debtor's local time at residence, and the pack of the
// country they live in; where the phone belongs to another country, only the overlap of both
// windows. Wednesday 18 November 2026: Warsaw UTC+1, Helsinki UTC+2, London UTC+0.

interface Row {
  description: string;
  scenario: Scenario;
  expected: Expected;
  policyVersion: string;
  /** The places evidence.local lists, as "zone time". */
  local: string[];
}

const rows: Row[] = [
  {
    description: 'a debtor of a PL case living in FI: the FI pack and Helsinki time (20:30 there, 19:30 in Warsaw)',
    scenario: { country: 'FI', timeZone: 'Europe/Helsinki', at: '2026-11-18T18:30:00Z' },
    expected: defer('time.outside-window', '2026-11-19T06:00:00Z'),
    policyVersion: 'FI@2026.11-1',
    local: ['Europe/Helsinki 2026-11-18 20:30 wed'],
  },
  {
    description: 'the same debtor at 08:30 Helsinki (07:30 Warsaw) is inside',
    scenario: { country: 'FI', timeZone: 'Europe/Helsinki', at: '2026-11-18T06:30:00Z' },
    expected: allow(),
    policyVersion: 'FI@2026.11-1',
    local: ['Europe/Helsinki 2026-11-18 08:30 wed'],
  },
  {
    description: 'the same debtor with a Polish (+48) number: waits until 08:00 in Warsaw too',
    scenario: { country: 'FI', timeZone: 'Europe/Helsinki', point: { address: '+48600100200' }, at: '2026-11-18T06:30:00Z' },
    expected: defer('time.outside-window', '2026-11-18T07:00:00Z'),
    policyVersion: 'FI@2026.11-1',
    local: ['Europe/Helsinki 2026-11-18 08:30 wed', 'Europe/Warsaw 2026-11-18 07:30 wed'],
  },
  {
    description: 'a PL resident whose time zone is Europe/London: 07:30 London waits for 08:00 London',
    scenario: { country: 'PL', timeZone: 'Europe/London', at: '2026-11-18T07:30:00Z' },
    expected: defer('time.outside-window', '2026-11-18T08:00:00Z'),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/London 2026-11-18 07:30 wed'],
  },
  {
    description: 'the same debtor at 19:30 London is inside the PL window on London time',
    scenario: { country: 'PL', timeZone: 'Europe/London', at: '2026-11-18T19:30:00Z' },
    expected: allow(),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/London 2026-11-18 19:30 wed'],
  },
  {
    description: 'the same debtor on Friday 20:00 London waits for Monday 08:00 London',
    scenario: { country: 'PL', timeZone: 'Europe/London', at: '2026-11-20T20:00:00Z' },
    expected: defer('time.outside-window', '2026-11-23T08:00:00Z'),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/London 2026-11-20 20:00 fri'],
  },
  {
    description: 'a PL resident with a Finnish (+358) number at 19:30 Warsaw / 20:30 Helsinki: Thursday 08:00 Warsaw',
    scenario: { country: 'PL', point: { address: '+358401234567' }, at: '2026-11-18T18:30:00Z' },
    expected: defer('time.outside-window', '2026-11-19T07:00:00Z'),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/Warsaw 2026-11-18 19:30 wed', 'Europe/Helsinki 2026-11-18 20:30 wed'],
  },
  {
    description: 'the same debtor at 07:30 Warsaw / 08:30 Helsinki: 08:00 Warsaw',
    scenario: { country: 'PL', point: { address: '+358401234567' }, at: '2026-11-18T06:30:00Z' },
    expected: defer('time.outside-window', '2026-11-18T07:00:00Z'),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/Warsaw 2026-11-18 07:30 wed', 'Europe/Helsinki 2026-11-18 08:30 wed'],
  },
  {
    description: 'the same debtor at 11:00 Warsaw / 12:00 Helsinki is inside both',
    scenario: { country: 'PL', point: { address: '+358401234567' }, at: '2026-11-18T10:00:00Z' },
    expected: allow(),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/Warsaw 2026-11-18 11:00 wed', 'Europe/Helsinki 2026-11-18 12:00 wed'],
  },
  {
    description: 'the same on WhatsApp, which is also tied to the number',
    scenario: { country: 'PL', channel: 'whatsapp', point: { address: 'whatsapp:+358401234567' }, at: '2026-11-18T18:30:00Z' },
    expected: defer('time.outside-window', '2026-11-19T07:00:00Z'),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/Warsaw 2026-11-18 19:30 wed', 'Europe/Helsinki 2026-11-18 20:30 wed'],
  },
  {
    description: 'the same debtor by email: the phone says nothing about where an email is read',
    scenario: { country: 'PL', channel: 'email', at: '2026-11-18T18:30:00Z' },
    expected: allow(),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/Warsaw 2026-11-18 19:30 wed'],
  },
  {
    description: 'a PL debtor with no time zone: the zone of the country they live in',
    scenario: { country: 'PL', timeZone: null, at: '2026-11-18T06:59:00Z' },
    expected: defer('time.outside-window', '2026-11-18T07:00:00Z'),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/Warsaw 2026-11-18 07:59 wed'],
  },
  {
    description: 'a PL debtor with a time zone that does not exist: the zone of the country they live in',
    scenario: { country: 'PL', timeZone: 'Mars/Olympus', at: '2026-11-18T06:59:00Z' },
    expected: defer('time.outside-window', '2026-11-18T07:00:00Z'),
    policyVersion: 'PL@2026.11-1',
    local: ['Europe/Warsaw 2026-11-18 07:59 wed'],
  },
];

describe('a debtor in another time zone than the case', () => {
  it.each(rows)('$description', ({ scenario, expected, policyVersion, local }) => {
    const d = decideFor(scenario);
    expect(summary(d)).toEqual(expected);
    expect(d.policyVersion).toBe(policyVersion);
    const places = d.evidence.local as Array<{ timeZone: string; time: string }>;
    expect(places.map((p) => `${p.timeZone} ${p.time}`)).toEqual(local);
  });

  it('the deferral says it waits for the place the phone number belongs to', () => {
    const d = decideFor({ country: 'PL', point: { address: '+358401234567' }, at: '2026-11-18T18:30:00Z' });
    expect(d.reason).toContain('(Europe/Helsinki), outside PL’s window');
    expect(d.reason).toContain('where the phone number belongs');
    expect(d.evidence.local).toEqual([
      { signal: 'residence', country: 'PL', timeZone: 'Europe/Warsaw', time: '2026-11-18 19:30 wed' },
      { signal: 'phone', country: 'FI', timeZone: 'Europe/Helsinki', time: '2026-11-18 20:30 wed' },
    ]);
  });

  it("a public holiday where the phone belongs closes the day: PL resident, +358, Finnish Ascension Thursday 14 May", () => {
    const d = decideFor({ country: 'PL', point: { address: '+358401234567' }, at: '2026-05-14T09:00:00Z' });
    expect(summary(d)).toEqual(defer('time.holiday', '2026-05-15T06:00:00Z'));
    expect(d.evidence.holiday).toBe('helatorstai');
    expect(d.reason).toContain('helatorstai');
  });
});
