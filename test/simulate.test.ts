import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import type { CaseEvent } from '../src/domain/case-event.ts';
import { planEvents, type PlanDeps } from '../src/jobs/plan-processor.ts';
import { dispatchMessage, type DispatchDeps } from '../src/jobs/dispatch-processor.ts';
import { createAdapters, plannerDeps } from '../src/runtime.ts';
import { openTemplateStore } from '../src/runtime.ts';
import type { SimulatedMessage } from '../src/jobs/simulator.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const simulateAt = async (now: string, events: CaseEvent[], packChanges?: Record<string, unknown>) => {
  const res = await h.app.inject({ method: 'POST', url: '/v1/simulate', headers: { authorization: `Bearer ${h.apiKey}` }, payload: { now, events, ...(packChanges ? { packChanges } : {}) } });
  return res;
};
const messagesOf = async (now: string, events: CaseEvent[]): Promise<SimulatedMessage[]> => {
  const res = await simulateAt(now, events);
  expect(res.statusCode).toBe(200);
  return res.json().messages;
};

/** A contract event made someone else's: own ids and own numbers, so tests do not share debtors. */
function variant(name: Parameters<typeof contractEvent>[0], tag: string, change: (e: CaseEvent) => CaseEvent = (e) => e): CaseEvent {
  const e = contractEvent(name);
  const digits = String([...tag].reduce((n, c) => (n * 31 + c.charCodeAt(0)) % 1_000_000, 7)).padStart(6, '0');
  const contactPoints = e.debtor.contactPoints.map((p) => (p.channel === 'sms' || p.channel === 'whatsapp' ? { ...p, address: `${p.address.slice(0, 6)}${digits}` } : { ...p, address: `${tag}@example.org` }));
  return change({ ...e, id: `evt-${tag}`, case: { ...e.case, id: `CASE-${tag}` }, debtor: { ...e.debtor, id: `deb-${tag}`, contactPoints } });
}

describe('POST /v1/simulate', () => {
  it('answers, per message, what the policy would decide at an instant, and stores nothing', async () => {
    const events = (['pl-payment-missed', 'fi-case-opened', 'it-payment-due', 'nl-plan-agreed'] as const).map((n) => variant(n, `sim-${n}`));
    const wednesday = await messagesOf('2026-11-18T10:00:00Z', events);
    expect(wednesday.map((m) => [m.plan.outcome, m.plan.content, m.dispatch?.outcome])).toEqual([
      ['allow', 'full', 'allow'],
      ['allow', 'full', 'allow'],
      ['allow', 'minimal', 'allow'], // IT: debt details by SMS only with the debtor's agreement
      ['allow', 'full', 'allow'],
    ]);
    expect(wednesday[0]?.text).toContain('250,00 zł');
    const saturday = await messagesOf('2026-11-21T10:00:00Z', events);
    expect(saturday.map((m) => [m.plan.outcome, m.plan.rule, m.plan.deferUntil])).toEqual([
      ['defer', 'time.closed-day', '2026-11-23T07:00:00.000Z'], // PL: Monday 08:00 Warsaw
      ['defer', 'time.closed-day', '2026-11-23T06:00:00.000Z'], // FI: Monday 08:00 Helsinki
      ['allow', 'privacy.no-agreement', null], // IT: Saturday 08:30–15:00
      ['allow', 'allow', null], // NL: Monday to Saturday
    ]);
    expect(saturday[1]?.plan.reason).toMatch(/it can go Monday 23 November 2026 08:00 \(Europe\/Helsinki\)/);
    expect(await h.count('events')).toBe(0);
    expect(await h.count('messages')).toBe(0);
    expect(await h.count('decisions')).toBe(0);
  });

  it('tries a pack change before it goes live, and refuses one that would break the pack', async () => {
    const nl = [variant('nl-plan-agreed', 'sim-pack')];
    const closedSaturday = { NL: { window: { days: { sat: null } } } };
    const res = await simulateAt('2026-11-21T10:00:00Z', nl, closedSaturday);
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    const shorter = await simulateAt('2026-11-21T10:00:00Z', nl, { NL: { window: { days: { sat: '12:00-14:00' } } } });
    expect(shorter.statusCode).toBe(200);
    const [m] = shorter.json().messages as SimulatedMessage[];
    expect(m?.plan).toMatchObject({ outcome: 'defer', deferUntil: '2026-11-21T11:00:00.000Z', policyVersion: 'NL@2026.11-1+simulation' });
  });

  it('refuses bad input with a problem and no change', async () => {
    const res = await simulateAt('not a date', [variant('pl-payment-missed', 'sim-bad')]);
    expect(res.statusCode).toBe(400);
    expect(res.json().errors?.[0]?.pointer).toBe('/now');
    const none = await h.app.inject({ method: 'POST', url: '/v1/simulate', payload: { now: '2026-11-18T10:00:00Z', events: [] } });
    expect(none.statusCode).toBe(401);
    expect(await h.count('events')).toBe(0);
  });
});

describe('the simulator answers what the live path decides, for the same inputs and instant', () => {
  const twoDebtorsOneNumber = (tag: string): CaseEvent[] => {
    const a = variant('fi-case-opened', `${tag}-a`);
    const b = variant('fi-case-opened', `${tag}-b`, (e) => ({ ...e, debtor: { ...e.debtor, contactPoints: a.debtor.contactPoints } }));
    return [a, b];
  };
  const sameDebtorThreeEvents = (tag: string): CaseEvent[] => {
    const first = variant('pl-payment-missed', tag);
    return [first, { ...first, id: `${first.id}-2`, type: 'payment.due' }, { ...first, id: `${first.id}-3`, type: 'payment.received', data: { payment: { amount: '50.00' } } }];
  };
  const scenarios: Array<[string, string, (tag: string) => CaseEvent[]]> = [
    ['inside the window', '2026-11-18T10:00:00Z', (t) => [variant('pl-payment-missed', t)]],
    ['a Finnish Saturday', '2026-11-21T10:00:00Z', (t) => [variant('fi-case-opened', t)]],
    ['King’s Day in NL', '2026-04-27T10:00:00Z', (t) => [variant('nl-plan-agreed', t)]],
    ['after 20:00 in Rome', '2026-11-18T19:30:00Z', (t) => [variant('it-payment-due', t)]],
    ['the per-day caps, a receipt exempt', '2026-11-18T10:00:00Z', sameDebtorThreeEvents],
    ['a disputed case', '2026-11-18T10:00:00Z', (t) => [variant('pl-payment-missed', t, (e) => ({ ...e, type: 'case.hold', data: { hold: { reason: 'dispute' } } })), variant('pl-payment-missed', t, (e) => ({ ...e, id: `${e.id}-after` }))]],
    ['an unverified number', '2026-11-18T10:00:00Z', (t) => [variant('pl-payment-missed', t, (e) => ({ ...e, debtor: { ...e.debtor, contactPoints: e.debtor.contactPoints.map((p) => ({ ...p, verified: false })) } }))]],
    ['a number two debtors share', '2026-11-18T10:00:00Z', twoDebtorsOneNumber],
    ['a vulnerable debtor', '2026-11-18T10:00:00Z', (t) => [variant('nl-plan-agreed', t, (e) => ({ ...e, debtor: { ...e.debtor, flags: { ...e.debtor.flags, vulnerable: true } } }))]],
  ];

  it.each(scenarios)('%s', async (_name, now, build) => {
    const tag = `live-${_name.replace(/\W+/g, '-').toLowerCase()}`;
    const events = build(tag);
    const simulated = await messagesOf(now, events);
    const at = new Date(now);
    const store = await openTemplateStore(h.services);
    const planDeps: PlanDeps = { ...(await plannerDeps(h.services, store)), db: h.services.db, queues: h.services.queues, metrics: h.services.metrics, now: () => at };
    const dispatchDeps: DispatchDeps = { db: h.services.db, adapters: createAdapters(h.services), packs: h.services.packs, publicUrl: h.config.publicUrl, log: h.services.log, metrics: h.services.metrics, now: () => at };
    // The live path, one event after the other: stored by the API, planned, its messages dispatched.
    for (const event of events) {
      expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
      await planEvents(planDeps, [event.id]);
      const { rows } = await h.services.db.query<{ id: string }>(`select id from messages where event_id = $1 and status = 'pending' and (not_before is null or not_before <= $2)`, [event.id, at]);
      for (const r of rows) await dispatchMessage(dispatchDeps, r.id);
    }
    const { rows } = await h.services.db.query<{ message_id: string; stage: string; outcome: string; rule: string; reason: string; defer_until: Date | null; policy_version: string; content: string }>(
      `select message_id, stage, outcome, rule, reason, defer_until, policy_version, content from decisions where event_id = any($1) order by id`,
      [events.map((e) => e.id)],
    );
    const live = rows.map((r) => ({ messageId: r.message_id, stage: r.stage, outcome: r.outcome, rule: r.rule, reason: r.reason, deferUntil: r.defer_until?.toISOString() ?? null, policyVersion: r.policy_version, content: r.content }));
    const fromSimulator = simulated.flatMap((m) =>
      (['plan', 'dispatch'] as const).flatMap((stage) => {
        const d = m[stage];
        return d ? [{ messageId: m.messageId, stage, outcome: d.outcome, rule: d.rule, reason: d.reason, deferUntil: d.deferUntil, policyVersion: d.policyVersion, content: d.content }] : [];
      }),
    );
    expect(live.length).toBeGreaterThan(0);
    expect(fromSimulator).toEqual(live);
  });
});

describe('the simulator never fails on a strange pack change or event', () => {
  const odd: Array<[string, Record<string, unknown>]> = [
    ['an unknown time zone', { '*': { timeZone: 'Mars/Olympus_Mons' } }],
    ['a window that ends before it starts', { PL: { window: { days: { wed: '23:00-01:00' } } } }],
    ['a country the holiday library does not know', { PL: { country: 'XX' } }],
    ['an unknown holiday region and type', { PL: { blockedDays: { holidays: { types: ['nonsense'], region: 'ZZ' } } } }],
    ['a negative cap', { PL: { caps: { perDay: -1 } } }],
    ['a prototype key', JSON.parse('{"PL": {"__proto__": {"polluted": true}}}') as Record<string, unknown>],
    ['no window at all', { PL: { window: { days: {} } } }],
  ];
  it.each(odd)('%s: an answer or a problem, never a crash', async (_name, packChanges) => {
    const res = await simulateAt('2026-11-18T10:00:00Z', [variant('pl-payment-missed', 'sim-odd')], packChanges);
    expect([200, 400, 422]).toContain(res.statusCode);
    if (res.statusCode !== 200) expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('an event with a time zone that does not exist is decided in its address country’s zone', async () => {
    const e = variant('fi-case-opened', 'sim-tz', (x) => ({ ...x, debtor: { ...x.debtor, timeZone: 'Europe/Atlantis' } }));
    const [m] = await messagesOf('2026-11-18T10:00:00Z', [e]);
    expect(m?.plan.evidence.local).toEqual([expect.objectContaining({ timeZone: 'Europe/Helsinki' })]);
  });
});
