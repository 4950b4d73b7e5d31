import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import type { CaseEvent, Channel, ContactPoint } from '../src/domain/case-event.ts';
import type { ChannelAdapter } from '../src/channels/channel-adapter.ts';
import { planEvents, type PlanDeps } from '../src/jobs/plan-processor.ts';
import { dispatchMessage, type DispatchDeps, type DispatchResult } from '../src/jobs/dispatch-processor.ts';
import { createAdapters, openTemplateStore, plannerDeps } from '../src/runtime.ts';
import { markContactPoint } from '../src/store/contact-state-repo.ts';

// The policy on the live path, with PostgreSQL: caps under concurrency, opt-outs that arrive while
// a message waits, holds that route a case to a person.

let h: Harness;
let planDeps: PlanDeps;
const WEDNESDAY = new Date('2026-11-18T10:00:00Z');

/** Channels without a provider in this release answer at once, so caps across channels can be raced. */
const instantAdapter = (channel: Channel): ChannelAdapter => ({
  channel,
  send: async () => ({ providerId: `XX${randomBytes(16).toString('hex')}`, status: 'queued' }),
  findSent: async () => [],
});

const dispatchDeps = (): DispatchDeps => {
  const adapters = createAdapters(h.services);
  for (const c of ['email', 'whatsapp'] as const) adapters.set(c, instantAdapter(c));
  // A deps object of its own: its own batcher, so each dispatch is its own transaction, racing the others.
  return { db: h.services.db, adapters, packs: h.services.packs, publicUrl: h.config.publicUrl, log: h.services.log, metrics: h.services.metrics, now: () => WEDNESDAY };
};

beforeAll(async () => {
  h = await createHarness();
  const planner = await plannerDeps(h.services, await openTemplateStore(h.services));
  planDeps = { ...planner, channels: new Set<Channel>(['sms', 'email', 'whatsapp']), db: h.services.db, queues: h.services.queues, metrics: h.services.metrics, now: () => WEDNESDAY };
});
afterAll(async () => {
  await h.close();
});

function eventsOfOneDebtor(tag: string, count: number, contactPoints: ContactPoint[]): CaseEvent[] {
  const base = contractEvent('pl-payment-missed');
  const channels: Channel[] = ['sms', 'email', 'whatsapp'];
  return Array.from({ length: count }, (_, n) => ({
    ...base,
    id: `evt-${tag}-${n}`,
    case: { ...base.case, id: `PL-${tag}-${n}` },
    // Each case prefers another channel, so the messages spread over every channel.
    debtor: { ...base.debtor, id: `deb-${tag}`, contactPoints, preferredChannel: channels[n % channels.length] },
  }));
}

/** Stored and planned one by one: each plan sees the debtor's preferred channel of its own event. */
async function planned(events: CaseEvent[]): Promise<string[]> {
  for (const e of events) {
    expect((await h.postEvent(JSON.stringify(e))).statusCode).toBe(202);
    await planEvents(planDeps, [e.id]);
  }
  const { rows } = await h.services.db.query<{ id: string }>(`select id from messages where event_id = any($1) and status = 'pending'`, [events.map((e) => e.id)]);
  return rows.map((r) => r.id);
}

describe('caps are never exceeded, whatever the concurrency', () => {
  it('50 dispatches at one debtor at once: one message per channel, three in all, the rest deferred to the next window', async () => {
    const points: ContactPoint[] = [
      { channel: 'sms', address: '+48601777001', verified: true },
      { channel: 'email', address: 'race@example.pl', verified: true, kind: 'personal' },
      { channel: 'whatsapp', address: '+48601777001', verified: true, optIn: true },
    ];
    const ids = await planned(eventsOfOneDebtor('race', 50, points));
    expect(ids).toHaveLength(50);
    const results = await Promise.all(ids.map((id) => dispatchMessage(dispatchDeps(), id)));
    const kinds = results.reduce<Record<string, number>>((n, r: DispatchResult) => ({ ...n, [r.kind]: (n[r.kind] ?? 0) + 1 }), {});
    expect(kinds).toEqual({ sent: 3, deferred: 47 });
    const { rows } = await h.services.db.query<{ channel: string; n: number }>(
      `select channel, count(*)::int as n from messages where debtor_id = 'deb-race' and contacted_at is not null group by channel order by channel`,
    );
    expect(rows).toEqual([{ channel: 'email', n: 1 }, { channel: 'sms', n: 1 }, { channel: 'whatsapp', n: 1 }]);
    // Every deferred message waits for Thursday 08:00 in Warsaw, when the day's caps are free again.
    const deferred = await h.services.db.query<{ not_before: Date }>(`select distinct not_before from messages where debtor_id = 'deb-race' and status = 'pending'`);
    expect(deferred.rows.map((r) => r.not_before.toISOString())).toEqual(['2026-11-19T07:00:00.000Z']);
    const reasons = await h.services.db.query<{ rule: string }>(`select distinct rule from decisions where stage = 'dispatch' and outcome = 'defer' and case_id like 'PL-race-%'`);
    // Which of the two a message meets depends on how many went before it; both free at midnight.
    expect(reasons.rows.length).toBeGreaterThan(0);
    for (const { rule } of reasons.rows) expect(['cap.per-day', 'cap.per-day-per-channel']).toContain(rule);
  });

  it('a receipt the debtor expects goes although the caps are reached, inside the window', async () => {
    const [receipt] = eventsOfOneDebtor('race', 1, [{ channel: 'sms', address: '+48601777001', verified: true }]).map((e) => ({ ...e, id: 'evt-race-receipt', type: 'payment.received' as const, data: { payment: { amount: '50.00' } } }));
    const [id] = await planned([receipt!]);
    expect(await dispatchMessage(dispatchDeps(), id!)).toMatchObject({ kind: 'sent' });
    const { rows } = await h.services.db.query(`select cap_exempt from messages where id = $1`, [id]);
    expect(rows[0]).toEqual({ cap_exempt: true });
  });
});

describe('consent and holds on the live path', () => {
  it('an opt-out that arrives while a message waits in the queue stops it', async () => {
    const [event] = eventsOfOneDebtor('optout', 1, [{ channel: 'sms', address: '+48601777002', verified: true }]);
    const [id] = await planned([{ ...event!, debtor: { ...event!.debtor, preferredChannel: 'sms' } }]);
    const before = h.standin.stats().accepted;
    const { rows } = await h.services.db.query<{ contact_point_id: string }>(`select contact_point_id::text from messages where id = $1`, [id]);
    await markContactPoint(h.services.db, rows[0]!.contact_point_id, 'opted-out', '21610');
    expect(await dispatchMessage(dispatchDeps(), id!)).toEqual({ kind: 'blocked' });
    expect(h.standin.stats().accepted).toBe(before);
    const decision = await h.services.db.query(`select outcome, rule from decisions where message_id = $1 and stage = 'dispatch'`, [id]);
    expect(decision.rows).toEqual([{ outcome: 'block', rule: 'consent.opted-out' }]);
  });

  it('a vulnerable debtor gets no automated message, and the case goes to a person once', async () => {
    const events = eventsOfOneDebtor('vulnerable', 2, [{ channel: 'sms', address: '+48601777003', verified: true }]).map((e) => ({ ...e, debtor: { ...e.debtor, flags: { ...e.debtor.flags, vulnerable: true } } }));
    await planned(events);
    const { rows } = await h.services.db.query(`select status from messages where debtor_id = 'deb-vulnerable'`);
    expect(rows).toEqual([{ status: 'blocked' }, { status: 'blocked' }]);
    const tasks = await h.services.db.query(`select case_id, kind from tasks where debtor_id = 'deb-vulnerable' and closed_at is null order by case_id`);
    expect(tasks.rows).toEqual([{ case_id: 'PL-vulnerable-0', kind: 'vulnerable' }, { case_id: 'PL-vulnerable-1', kind: 'vulnerable' }]);
    await planEvents(planDeps, [events[0]!.id]);
    expect(await h.count(`tasks where debtor_id = 'deb-vulnerable'`)).toBe(2);
  });
});

describe('a dispatch the caps defer', () => {
  it('goes back to the queue as a delayed job until the instant the cap frees', async () => {
    // Both planned before either is sent, so the plan allowed both; the check before sending defers one.
    const ids = await planned(eventsOfOneDebtor('delayed', 2, [{ channel: 'sms', address: '+48601777004', verified: true }]).map((e) => ({ ...e, debtor: { ...e.debtor, preferredChannel: 'sms' as const } })));
    expect(ids).toHaveLength(2);
    await h.startWorkers();
    const states = await eventually(async () => {
      const all = await Promise.all(ids.map(async (id) => (await h.services.queues.dispatch.sms.getJob(id))?.getState()));
      return all.includes('delayed') && all.some((s) => s === 'completed' || s === undefined) ? all : null;
    });
    expect(states.filter((s) => s === 'delayed')).toHaveLength(1);
    const { rows } = await h.services.db.query<{ status: string; not_before: Date | null; contacted: boolean }>(
      `select status, not_before, contacted_at is not null as contacted from messages where debtor_id = 'deb-delayed' order by contacted desc`,
    );
    expect(rows[0]).toMatchObject({ contacted: true });
    expect(rows[1]).toMatchObject({ status: 'pending', contacted: false, not_before: new Date('2026-11-19T07:00:00.000Z') });
  });
});
