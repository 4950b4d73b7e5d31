import { describe, expect, it } from 'vitest';
import type { Content } from '../../src/policy/decision.ts';
import { allow, block, decideFor, defer, packs, summary, type Expected, type Scenario } from './support.ts';

// Consent and privacy (COMPLIANCE.md): opt-out honoured at once; WhatsApp only with opt-in; never
// a work email; a point not verified as the debtor's own, or shared with someone else, gets the
// minimal message (sender, reference, callback) or, where a pack says so, nothing; in IT debt
// details go electronically only with the debtor's agreement. Wednesday 18 Nov 2026, 11:00 local.

interface Row {
  description: string;
  scenario: Scenario;
  expected: Expected;
  content: Content;
}

const PL_11 = '2026-11-18T10:00:00Z';
const IT_11 = '2026-11-18T10:00:00Z';

const rows: Row[] = [
  { description: 'an opted-out point is blocked', scenario: { at: PL_11, point: { optedOutAt: new Date('2026-11-10T12:00:00Z') } }, expected: block('consent.opted-out'), content: 'full' },
  { description: 'WhatsApp without an opt-in is blocked', scenario: { at: PL_11, channel: 'whatsapp', point: { optIn: null } }, expected: block('consent.whatsapp-opt-in'), content: 'full' },
  { description: 'WhatsApp after an explicit no is blocked', scenario: { at: PL_11, channel: 'whatsapp', point: { optIn: false } }, expected: block('consent.whatsapp-opt-in'), content: 'full' },
  { description: 'WhatsApp with an opt-in goes', scenario: { at: PL_11, channel: 'whatsapp', point: { optIn: true } }, expected: allow(), content: 'full' },
  { description: 'a work email is blocked', scenario: { at: PL_11, channel: 'email', point: { kind: 'work' } }, expected: block('privacy.work-email'), content: 'full' },
  { description: 'a work email is blocked even when verified and opted in', scenario: { at: PL_11, channel: 'email', point: { kind: 'work', verified: true, optIn: true } }, expected: block('privacy.work-email'), content: 'full' },
  { description: 'an unverified sms point gets the minimal message', scenario: { at: PL_11, point: { verified: false } }, expected: allow('privacy.unverified'), content: 'minimal' },
  { description: 'an unverified point still keeps quiet hours, minimal when it goes', scenario: { at: '2026-11-18T19:30:00Z', point: { verified: false } }, expected: defer('time.outside-window', '2026-11-19T07:00:00Z'), content: 'minimal' },
  { description: 'a point another debtor shares gets the minimal message', scenario: { at: PL_11, point: { sharedWithOtherDebtor: true } }, expected: allow('privacy.shared'), content: 'minimal' },
  { description: 'a postal address two debtors share still gets each their own full letter (closed, addressed by name)', scenario: { at: PL_11, channel: 'letter', point: { sharedWithOtherDebtor: true } }, expected: allow(), content: 'full' },
  { description: 'a point of kind shared gets the minimal message', scenario: { at: PL_11, point: { kind: 'shared' } }, expected: allow('privacy.shared'), content: 'minimal' },
  { description: 'PL: a verified sms without opt-in carries full details', scenario: { at: PL_11, point: { optIn: null } }, expected: allow(), content: 'full' },
  { description: 'IT: a verified sms without agreement gets the minimal message', scenario: { country: 'IT', at: IT_11, point: { optIn: null } }, expected: allow('privacy.no-agreement'), content: 'minimal' },
  { description: 'IT: an email without agreement gets the minimal message', scenario: { country: 'IT', at: IT_11, channel: 'email', point: { optIn: false } }, expected: allow('privacy.no-agreement'), content: 'minimal' },
  { description: 'IT: a verified sms with the debtor’s agreement carries full details', scenario: { country: 'IT', at: IT_11, point: { optIn: true } }, expected: allow(), content: 'full' },
  { description: 'IT: a letter needs no agreement', scenario: { country: 'IT', at: IT_11, channel: 'letter', point: { optIn: null } }, expected: allow(), content: 'full' },
  { description: 'no contact point on the channel is blocked', scenario: { at: PL_11, point: null }, expected: block('contact.none'), content: 'full' },
  { description: 'a point the case system removed is blocked', scenario: { at: PL_11, point: { removedAt: new Date('2026-11-10T12:00:00Z') } }, expected: block('contact.removed'), content: 'full' },
  { description: 'a point the provider reported invalid is blocked', scenario: { at: PL_11, point: { invalidAt: new Date('2026-11-10T12:00:00Z') } }, expected: block('contact.invalid'), content: 'full' },
];

describe('consent and privacy', () => {
  it.each(rows)('$description', ({ scenario, expected, content }) => {
    const d = decideFor(scenario);
    expect(summary(d)).toEqual(expected);
    expect(d.content).toBe(content);
  });

  it('the minimal content is recorded with its rule when the message is only deferred', () => {
    const d = decideFor({ at: '2026-11-18T19:30:00Z', point: { verified: false } });
    expect(d.evidence.contentRule).toBe('privacy.unverified');
  });
});

// An operator who will not send even the minimal message to such points.
const strict = packs.withChanges({ '*': { privacy: { unverified: 'none' } } }, 'test');

describe.each([
  { country: 'PL', at: '2026-11-18T10:00:00Z' },
  { country: 'FI', at: '2026-11-18T09:00:00Z' },
  { country: 'IT', at: '2026-11-18T10:00:00Z' },
  { country: 'NL', at: '2026-11-18T10:00:00Z' },
])('$country with privacy.unverified: none', ({ country, at }) => {
  it.each<{ description: string; point: Scenario['point']; expected: Expected }>([
    { description: 'an unverified point is blocked', point: { verified: false }, expected: block('privacy.unverified') },
    { description: 'a shared point is blocked', point: { sharedWithOtherDebtor: true }, expected: block('privacy.shared') },
    { description: 'a verified personal point still gets its message', point: {}, expected: allow() },
  ])('$description', ({ point, expected }) => {
    const d = decideFor({ country, at, point, using: strict });
    expect(summary(d)).toEqual(expected);
    expect(d.policyVersion).toBe(`${country}@2026.11-1+test`);
  });
});
