import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, flushRedisPrefix, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import { sweep } from '../src/jobs/sweeper.ts';
import { dispatchMessage, MAX_SEND_ATTEMPTS, statusCallbackUrl, type DispatchDeps } from '../src/jobs/dispatch-processor.ts';
import { createAdapters } from '../src/runtime.ts';
import type { CaseEvent } from '../src/domain/case-event.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const eventFor = (n: number): CaseEvent => {
  const base = contractEvent('fi-case-opened');
  // Each debtor has a number of their own: a number two debtors share never receives debt details.
  const contactPoints = base.debtor.contactPoints.map((p) => (p.channel === 'sms' ? { ...p, address: `+3584012${String(n).padStart(5, '0')}` } : p));
  return { ...base, id: `evt-recovery-${n}`, case: { ...base.case, id: `FI-REC-${n}` }, debtor: { ...base.debtor, id: `deb-rec-${n}`, contactPoints } };
};

const statusCount = async (status: string) =>
  (await h.services.db.query<{ n: number }>('select count(*)::int as n from messages where status = $1', [status])).rows[0]?.n ?? 0;

describe('nothing is lost when Redis loses its jobs', () => {
  it('the sweeper rebuilds plan and dispatch jobs from the rows after a flush', async () => {
    for (let n = 0; n < 20; n++) expect((await h.postEvent(JSON.stringify(eventFor(n)))).statusCode).toBe(202);
    // Redis wiped before any worker ran: every plan job is gone.
    await flushRedisPrefix(h.config.queuePrefix);
    expect(await h.services.queues.plan.count()).toBe(0);
    const swept = await sweep({ db: h.services.db, queues: h.services.queues, log: h.services.log, graceMs: 0 });
    expect(swept.events).toBe(20);
    await h.startWorkers();
    await eventually(async () => (await statusCount('delivered')) === 20);
    expect(h.standin.stats()).toMatchObject({ accepted: 20, duplicates: 0 });
  });

  it('a second sweep over finished work re-enqueues nothing', async () => {
    const swept = await sweep({ db: h.services.db, queues: h.services.queues, log: h.services.log, graceMs: 0 });
    expect(swept).toEqual({ events: 0, messages: 0, fallbacks: 0 });
  });
});

describe('a send whose outcome is unknown is reconciled, never blindly repeated', () => {
  async function plannedMessage(n: number): Promise<{ id: string; to: string; body: string }> {
    await h.workers?.close();
    h.workers = null;
    await h.postEvent(JSON.stringify(eventFor(n)));
    const { planEvent } = await import('../src/jobs/plan-processor.ts');
    const { plannerDeps, openTemplateStore } = await import('../src/runtime.ts');
    const planner = await plannerDeps(h.services, await openTemplateStore(h.services));
    await planEvent({ ...planner, channels: new Set(['sms' as const]), db: h.services.db, queues: h.services.queues, metrics: h.services.metrics, now: h.services.now }, `evt-recovery-${n}`);
    const { rows } = await h.services.db.query<{ id: string; to_address: string; body: string }>(`select id, to_address, body from messages where event_id = $1`, [`evt-recovery-${n}`]);
    const row = rows[0];
    if (!row) throw new Error('no message planned');
    return { id: row.id, to: row.to_address, body: row.body };
  }

  const deps = (): DispatchDeps => ({ db: h.services.db, adapters: createAdapters(h.services), packs: h.services.packs, publicUrl: h.config.publicUrl, log: h.services.log, metrics: h.services.metrics, now: h.services.now });

  it('adopts the provider’s message when the crash came after the provider accepted it', async () => {
    const msg = await plannedMessage(100);
    const sms = createAdapters(h.services).get('sms');
    // The worker sent, then died before recording the outcome; the status callbacks went astray.
    await h.services.db.query(`update messages set status = 'sending', sending_at = now(), attempts = 1 where id = $1`, [msg.id]);
    const sent = await sms!.send({ messageId: msg.id, channel: 'sms', to: msg.to, body: msg.body, country: 'FI', statusCallbackUrl: `http://127.0.0.1:1/lost/${msg.id}`, parts: {}, locale: 'fi', conversationOpen: false });
    const before = h.standin.stats().accepted;
    const result = await dispatchMessage(deps(), msg.id);
    expect(result).toEqual({ kind: 'sent', providerId: sent.providerId, reconciled: true });
    expect(h.standin.stats().accepted).toBe(before); // not sent again
    const { rows } = await h.services.db.query(`select status, source from message_statuses where message_id = $1 order by id`, [msg.id]);
    // The stand-in moves its messages on (queued, sent, delivered) whether or not callbacks arrive.
    expect(rows.map((r) => `${r.status}/${r.source}`)).toEqual(['pending/planner', 'unknown/reconciler', expect.stringMatching(/^(queued|sent|delivered)\/reconciler$/)]);
  });

  it('needs no second send when the provider’s status callback resolved the crash first', async () => {
    const msg = await plannedMessage(103);
    const sms = createAdapters(h.services).get('sms');
    await h.services.db.query(`update messages set status = 'sending', sending_at = now(), attempts = 1 where id = $1`, [msg.id]);
    const sent = await sms!.send({ messageId: msg.id, channel: 'sms', to: msg.to, body: msg.body, country: 'FI', statusCallbackUrl: statusCallbackUrl(h.config.publicUrl, msg.id), parts: {}, locale: 'fi', conversationOpen: false });
    await h.standin.settled();
    const before = h.standin.stats().accepted;
    expect(await dispatchMessage(deps(), msg.id)).toEqual({ kind: 'finished' });
    expect(h.standin.stats().accepted).toBe(before);
    const { rows } = await h.services.db.query(`select status, provider_id from messages where id = $1`, [msg.id]);
    expect(rows[0]).toEqual({ status: 'delivered', provider_id: sent.providerId });
  });

  // Same number and same text as the messages above (same case reference): reconciliation must
  // not adopt a provider message that already belongs to another of our messages.
  it('sends once when the crash came before the provider got it', async () => {
    const msg = await plannedMessage(101);
    await h.services.db.query(`update messages set status = 'sending', sending_at = now(), attempts = 1 where id = $1`, [msg.id]);
    const before = h.standin.stats().accepted;
    const result = await dispatchMessage(deps(), msg.id);
    expect(result).toMatchObject({ kind: 'sent', reconciled: true });
    expect(h.standin.stats().accepted).toBe(before + 1);
    // Running the job again (a duplicate delivery) changes nothing.
    expect(await dispatchMessage(deps(), msg.id)).toEqual({ kind: 'finished' });
    expect(h.standin.stats().accepted).toBe(before + 1);
  });

  it('gives a message up as failed once its send attempts are exhausted', async () => {
    const msg = await plannedMessage(104);
    await h.services.db.query(`update messages set attempts = $2 where id = $1`, [msg.id, MAX_SEND_ATTEMPTS]);
    const before = h.standin.stats().accepted;
    expect(await dispatchMessage(deps(), msg.id)).toEqual({ kind: 'finished' });
    expect(h.standin.stats().accepted).toBe(before);
    const { rows } = await h.services.db.query(`select status, last_error_code from messages where id = $1`, [msg.id]);
    expect(rows[0]).toEqual({ status: 'failed', last_error_code: 'attempts-exhausted' });
  });

  it('re-checks the policy right before sending: a hold that arrived after planning stops the message', async () => {
    const msg = await plannedMessage(102);
    const hold = { ...eventFor(102), id: 'evt-recovery-102-hold', type: 'case.hold' as const, occurredAt: new Date().toISOString(), data: { hold: { reason: 'insolvency' as const } } };
    expect((await h.postEvent(JSON.stringify(hold))).statusCode).toBe(202);
    expect(await dispatchMessage(deps(), msg.id)).toEqual({ kind: 'blocked' });
    const { rows } = await h.services.db.query(`select stage, outcome, rule from decisions where message_id = $1 order by id`, [msg.id]);
    expect(rows).toEqual([
      { stage: 'plan', outcome: 'allow', rule: 'allow' },
      { stage: 'dispatch', outcome: 'block', rule: 'hold.insolvency' },
    ]);
  });
});
