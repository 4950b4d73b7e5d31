import { createHash, createHmac } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from 'vitest';
import type { LightMyRequestResponse } from 'fastify';
import { createHarness, eventually, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import type { CaseEvent } from '../src/domain/case-event.ts';
import { purgeExpiredBodiesOnce } from '../src/jobs/retention.ts';
import type { DebtorExport } from '../src/store/debtor-data-repo.ts';
import { postalLine } from '../src/domain/contact-points.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ workers: true });
});
afterAll(async () => {
  await h.close();
});

const auth = () => ({ authorization: `Bearer ${h.apiKey}` });
const exportOf = (debtorId: string, headers: Record<string, string> = auth()) => h.app.inject({ method: 'GET', url: `/v1/debtors/${debtorId}/export`, headers });
const erase = (debtorId: string, payload: unknown = { reason: 'Art. 17 request, ticket 2026-118' }, headers: Record<string, string> = auth()) =>
  h.app.inject({ method: 'POST', url: `/v1/debtors/${debtorId}/erase`, payload: payload as object, headers });
// Keyed by a key derived from the link-signing secret: a plain hash of a phone number could be undone.
const pseudonym = (address: string) => {
  const key = createHmac('sha256', h.config.linkSigningSecret).update('debtor-pseudonyms').digest('hex');
  return `erased:${createHash('sha256').update(key + address).digest('hex').slice(0, 16)}`;
};

/** The Finnish contract example for a debtor of its own: own ids, phone and email, so nothing is shared with another test. */
function eventFor(tag: string, n: number, over: Partial<CaseEvent> = {}): CaseEvent {
  const base = contractEvent('fi-case-opened');
  return {
    ...base,
    id: `evt-erase-${tag}-${n}`,
    occurredAt: new Date(Date.UTC(2026, 10, 18, 7, n)).toISOString(),
    case: { ...base.case, id: `FI-ERASE-${tag}` },
    debtor: {
      ...base.debtor,
      id: `deb-erase-${tag}`,
      name: { given: 'Aino', family: `Mäkelä-${tag}` },
      contactPoints: [
        { channel: 'email', address: `aino.${tag}@example.fi`, verified: true, kind: 'personal' },
        { channel: 'sms', address: `+3584055${String(tag.charCodeAt(0)).padStart(5, '0')}`, verified: true },
      ],
    },
    ...over,
  };
}

/**
 * Whether a personal value appears in a text. A number (a postal code) counts only as a whole token:
 * "33100" inside a response time or a hex id is not the postal code.
 */
const found = (text: string, value: string): boolean =>
  /^\d+$/.test(value) ? new RegExp(`(?<![0-9A-Za-z.])${value}(?![0-9A-Za-z])`).test(text) : text.includes(value);

/** What must not survive an erasure: each personal string of the debtor, and the text of each message. */
function personalStrings(event: CaseEvent): string[] {
  const d = event.debtor;
  return [d.name.given, d.name.family, ...d.address.lines, d.address.postalCode, d.address.city, ...d.contactPoints.map((c) => c.address), ...d.contactPoints.map((c) => c.address.replace(/^\+/, ''))];
}

interface MessageRow {
  id: string;
  event_id: string;
  status: string;
  body: string | null;
  body_purged_at: Date | null;
}
const messagesOf = async (debtorId: string) =>
  (await h.services.db.query<MessageRow>('select id, event_id, status, body, body_purged_at from messages where debtor_id = $1 order by created_at', [debtorId])).rows;
const deliveredOne = (debtorId: string) =>
  eventually(async () => {
    const rows = await messagesOf(debtorId);
    return rows.length === 1 && rows[0]?.status === 'delivered' ? rows[0] : null;
  });
const postOk = async (event: CaseEvent) => expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
const expectProblem = (res: LightMyRequestResponse, status: number) => {
  expect(res.statusCode).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
};

describe('a debtor’s data: export and erasure', () => {
  const a = eventFor('a', 5);
  let before: DebtorExport;
  let body: string;
  // Log lines from the first export on: export, erasure and the exports after it.
  let logMark = 0;

  it('exports everything held about the debtor', async () => {
    await postOk(a);
    body = (await deliveredOne(a.debtor.id)).body ?? '';
    expect(body.length).toBeGreaterThan(20);
    logMark = h.logLines.length;
    const res = await exportOf(a.debtor.id);
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['content-disposition']).toBe(`attachment; filename="debtor-${a.debtor.id}.json"`);
    expect(res.headers['cache-control']).toBe('no-store');
    for (const value of [...personalStrings(a), body]) expect(res.body).toContain(JSON.stringify(value).slice(1, -1));
    before = res.json<DebtorExport>();
    expect(before).toMatchObject({ format: 'debtor-export/1', debtor: { id: a.debtor.id, timeZone: 'Europe/Helsinki', erasedAt: null } });
    // The listed email and phone, and the postal address as the letter channel's point.
    expect(before.contactPoints).toHaveLength(3);
    expect(before.cases).toMatchObject([{ id: a.case.id, reference: a.case.reference }]);
    expect(before.events).toMatchObject([{ id: a.id, type: 'case.opened' }]);
    expect(before.messages).toMatchObject([{ channel: 'sms', status: 'delivered', body }]);
    expect(before.decisions.map((d) => `${String(d.stage)}:${String(d.outcome)}`)).toEqual(['plan:allow', 'dispatch:allow']);
    expect(before.messageStatuses.map((s) => s.status)).toEqual(['pending', 'sending', 'queued', 'sent', 'delivered']);
  });

  it('erases the personal data, keeps the facts, and logs none of it', async () => {
    const res = await erase(a.debtor.id);
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ debtorId: a.debtor.id, alreadyErased: false, counts: { debtor: 1, contactPoints: 3, events: 1, messages: 1, cancelled: 0 } });

    const after = await exportOf(a.debtor.id);
    expect(after.statusCode).toBe(200);
    for (const value of [...personalStrings(a), body]) expect(found(after.body, JSON.stringify(value).slice(1, -1))).toBe(false);
    const doc = after.json<DebtorExport>();
    expect(doc.debtor).toMatchObject({ personal: {}, timeZone: null, erasedAt: expect.any(String), addressCountry: 'FI', flags: a.debtor.flags });
    const sms = a.debtor.contactPoints[1]?.address ?? '';
    expect(doc.contactPoints.map((p) => String(p.address)).sort()).toEqual([...a.debtor.contactPoints.map((c) => pseudonym(c.address)), pseudonym(postalLine(a.debtor.address))].sort());
    expect(doc.contactPoints.every((p) => typeof p.removedAt === 'string')).toBe(true);
    // The audit facts are exactly what they were.
    expect(doc.decisions).toEqual(before.decisions);
    expect(doc.messageStatuses).toEqual(before.messageStatuses);
    expect(doc.cases).toEqual(before.cases);
    expect(doc.messages).toMatchObject([{ template: before.messages[0]?.template, channel: 'sms', status: 'delivered', body: null, toAddress: pseudonym(sms), bodyPurgedAt: expect.any(String) }]);
    const payload = doc.events[0]?.payload as CaseEvent;
    expect(payload.case).toEqual(a.case);
    expect(payload.debtor).toEqual({
      id: a.debtor.id,
      name: { given: '', family: '' },
      locale: a.debtor.locale,
      address: { lines: [], postalCode: '', city: '', country: 'FI' },
      contactPoints: a.debtor.contactPoints.map((c) => ({ ...c, address: pseudonym(c.address) })),
      preferredChannel: 'email',
      flags: a.debtor.flags,
    });
    expect(doc.erasures).toMatchObject([{ actor: 'tests', reason: 'Art. 17 request, ticket 2026-118', counts: { debtor: 1 } }]);

    const written = h.logLines.slice(logMark);
    expect(written.some((l) => l.includes('debtor personal data erased'))).toBe(true);
    for (const value of [...personalStrings(a), body]) expect(written.filter((l) => found(l, value))).toEqual([]);
  });

  it('keeps the case timeline readable: decisions in plain words, statuses', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/v1/cases/${a.case.id}/timeline`, headers: auth() });
    expect(res.statusCode).toBe(200);
    const entries = res.json().entries as Array<Record<string, unknown>>;
    const decisions = entries.filter((e) => e.kind === 'decision');
    expect(decisions.map((d) => d.stage)).toEqual(['plan', 'dispatch']);
    for (const d of decisions) expect(d.reason).toMatch(/^[a-z].{10,}/);
    expect(entries.filter((e) => e.kind === 'status').map((e) => e.status)).toEqual(['pending', 'sending', 'queued', 'sent', 'delivered']);
    expect(entries.find((e) => e.kind === 'message')).toMatchObject({ channel: 'sms', status: 'delivered', text: null, to: expect.stringMatching(/^erased:[0-9a-f]{16}$/) });
  });

  it('erasing again changes nothing and says so', async () => {
    const res = await erase(a.debtor.id, { reason: 'duplicate request' });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ alreadyErased: true, counts: { debtor: 0, contactPoints: 0, events: 0, messages: 0, cancelled: 0 } });
    const doc = (await exportOf(a.debtor.id)).json<DebtorExport>();
    expect(doc.erasures.map((e) => e.reason)).toEqual(['Art. 17 request, ticket 2026-118', 'duplicate request']);
    expect(doc.decisions).toEqual(before.decisions);
  });
});

describe('erasure stops what was still to be sent', () => {
  it('cancels a deferred message, which is then never sent', async () => {
    const b = eventFor('b', 10);
    await postOk(b);
    await deliveredOne(b.debtor.id);
    // A second SMS the same day is over the daily cap: it waits for tomorrow, its job delayed.
    const second = eventFor('b', 11, { type: 'payment.missed' });
    await postOk(second);
    const waiting = await eventually(async () => (await messagesOf(b.debtor.id)).find((m) => m.event_id === second.id && m.status === 'pending'));
    const { rows: planned } = await h.services.db.query('select outcome from decisions where message_id = $1', [waiting.id]);
    expect(planned).toEqual([{ outcome: 'defer' }]);
    const sentBefore = h.standin.stats().accepted;

    const res = await erase(b.debtor.id);
    expect(res.json().counts).toMatchObject({ cancelled: 1, messages: 2 });
    const { rows: last } = await h.services.db.query('select status, source, error_code from message_statuses where message_id = $1 order by id desc limit 1', [waiting.id]);
    expect(last).toEqual([{ status: 'cancelled', source: 'policy', error_code: 'erased' }]);

    // Its job comes due now instead of tomorrow: dispatch finds it cancelled and sends nothing.
    const job = await h.services.queues.dispatch.sms.getJob(waiting.id);
    expect(await job?.getState()).toBe('delayed');
    await job?.promote();
    await eventually(async () => !(await h.services.queues.dispatch.sms.getJob(waiting.id)));
    expect(h.standin.stats().accepted).toBe(sentBefore);
    expect((await messagesOf(b.debtor.id)).find((m) => m.id === waiting.id)?.status).toBe('cancelled');
    const { rows: decided } = await h.services.db.query('select stage from decisions where message_id = $1', [waiting.id]);
    expect(decided).toEqual([{ stage: 'plan' }]);
  });

  it('cancels a message held for a dispute', async () => {
    const g = eventFor('g', 20);
    await postOk({ ...g, id: 'evt-erase-g-hold', type: 'case.hold', occurredAt: '2026-11-18T07:19:00Z', data: { hold: { reason: 'dispute', note: 'called about the bill' } } });
    await postOk(g);
    const held = await eventually(async () => (await messagesOf(g.debtor.id)).find((m) => m.status === 'held'));
    expect(held.body).toEqual(expect.any(String));
    const res = await erase(g.debtor.id);
    expect(res.json().counts).toMatchObject({ cancelled: 1, events: 2 });
    expect((await messagesOf(g.debtor.id))[0]).toMatchObject({ id: held.id, status: 'cancelled', body: null });
    const { rows } = await h.services.db.query(`select payload->'data'->'hold' as hold from events where id = 'evt-erase-g-hold'`);
    expect(rows).toEqual([{ hold: { reason: 'dispute' } }]);
  });
});

describe('erasure racing the pipeline', () => {
  it('a plan read before an erasure and written after it stores no message', async () => {
    await h.workers?.close();
    h.workers = null;
    onTestFinished(async () => {
      if (!h.workers) await h.startWorkers();
    });
    const e = eventFor('p', 50);
    await postOk(e);
    const readBefore = new Date(h.services.now().getTime() - 1000);
    expect((await erase(e.debtor.id)).statusCode).toBe(200);
    const { planEvents } = await import('../src/jobs/plan-processor.ts');
    const { plannerDeps, openTemplateStore } = await import('../src/runtime.ts');
    const deps = { ...(await plannerDeps(h.services, await openTemplateStore(h.services))), db: h.services.db, queues: h.services.queues, metrics: h.services.metrics, now: () => readBefore };
    expect(await planEvents(deps, [e.id])).toMatchObject([{ kind: 'planned', messages: 1 }]);
    expect(await messagesOf(e.debtor.id)).toEqual([]);
    const { rows } = await h.services.db.query(`select status from events where id = $1`, [e.id]);
    expect(rows).toEqual([{ status: 'planned' }]);
  });

  it('a send left unknown when its debtor was erased is finished, never retried', async () => {
    const e = eventFor('u', 51);
    await postOk(e);
    const message = await deliveredOne(e.debtor.id);
    expect((await erase(e.debtor.id)).statusCode).toBe(200);
    // As if the worker had died mid-call before the erasure: the outcome is unknown.
    await h.services.db.query(`update messages set status = 'unknown' where id = $1`, [message.id]);
    const { dispatchMessage } = await import('../src/jobs/dispatch-processor.ts');
    const { createAdapters } = await import('../src/runtime.ts');
    const deps = { db: h.services.db, adapters: createAdapters(h.services), packs: h.services.packs, publicUrl: h.config.publicUrl, log: h.services.log, metrics: h.services.metrics, now: h.services.now };
    const sent = h.standin.stats().accepted;
    expect(await dispatchMessage(deps, message.id)).toEqual({ kind: 'finished' });
    expect(h.standin.stats().accepted).toBe(sent);
    const { rows } = await h.services.db.query(`select status, last_error_code from messages where id = $1`, [message.id]);
    expect(rows).toEqual([{ status: 'failed', last_error_code: 'erased' }]);
  });

  it('serves the longest ids the contract allows', async () => {
    const id = `deb-${'x'.repeat(124)}`;
    expect(id).toHaveLength(128);
    expectProblem(await exportOf(id), 404);
  });
});

describe('a debtor the case system sends again after an erasure', () => {
  it('is erased again, the re-sent addresses folded into their pseudonyms with their opt-outs', async () => {
    const r = eventFor('r', 40);
    await postOk(r);
    const message = await deliveredOne(r.debtor.id);
    expect((await erase(r.debtor.id)).statusCode).toBe(200);
    // Intake stores what the case system sends, erased or not: the personal data is back.
    await postOk(eventFor('r', 41, { type: 'debtor.updated' }));
    const sms = r.debtor.contactPoints[1]?.address ?? '';
    await eventually(async () => (await h.services.db.query('select 1 from contact_points where address = $1', [sms])).rowCount === 1);
    await h.services.db.query(`update contact_points set opted_out_at = now() where address = $1`, [sms]);

    const res = await erase(r.debtor.id);
    expect(res.json()).toMatchObject({ alreadyErased: false, counts: { debtor: 1, contactPoints: 3, events: 1 } });
    const doc = (await exportOf(r.debtor.id)).json<DebtorExport>();
    expect(doc.debtor.personal).toEqual({});
    const points = doc.contactPoints.map((p) => ({ id: p.id, channel: p.channel, address: p.address, optedOut: p.optedOutAt !== null }));
    expect(points.sort((x, y) => String(x.channel).localeCompare(String(y.channel)))).toMatchObject([
      { channel: 'email', address: pseudonym(r.debtor.contactPoints[0]?.address ?? ''), optedOut: false },
      { channel: 'letter', address: pseudonym(postalLine(r.debtor.address)), optedOut: false },
      { channel: 'sms', address: pseudonym(sms), optedOut: true },
    ]);
    expect(doc.messages).toMatchObject([{ id: message.id, contactPointId: points.find((p) => p.channel === 'sms')?.id }]);
  });
});

describe('the endpoints refuse what they cannot answer', () => {
  it('answers 404 problem+json for an unknown debtor, 400 for a malformed id or reason, 401 without a key', async () => {
    const erasures = await h.count('erasures');
    expectProblem(await exportOf('deb-nobody'), 404);
    expectProblem(await erase('deb-nobody'), 404);
    expect((await exportOf('deb-nobody')).json().type).toMatch(/debtor-not-found$/);
    expectProblem(await exportOf('-leading-dash'), 400);
    expectProblem(await exportOf('has%20space'), 400);
    for (const payload of [{}, { reason: '' }, { reason: 'x'.repeat(501) }, { reason: 'ok', extra: 1 }]) expectProblem(await erase('deb-erase-a', payload), 400);
    expectProblem(await exportOf('deb-erase-a', {}), 401);
    expectProblem(await erase('deb-erase-a', { reason: 'no key' }, {}), 401);
    expect(await h.count('erasures')).toBe(erasures);
  });
});

describe('message text retention', () => {
  it('purges the text of finished messages past the retention, and only theirs', async () => {
    const old = eventFor('d', 30);
    const fresh = eventFor('f', 31);
    const unfinished = eventFor('e', 32);
    await postOk(old);
    await postOk(fresh);
    await postOk({ ...unfinished, id: 'evt-erase-e-hold', type: 'case.hold', occurredAt: '2026-11-18T07:20:00Z', data: { hold: { reason: 'dispute' } } });
    await postOk(unfinished);
    const oldMessage = await deliveredOne(old.debtor.id);
    const freshMessage = await deliveredOne(fresh.debtor.id);
    const heldMessage = await eventually(async () => (await messagesOf(unfinished.debtor.id)).find((m) => m.status === 'held'));
    const days = h.config.messageBodyRetentionDays;
    await h.services.db.query(`update messages set created_at = now() - make_interval(days => $2) where id = any($1)`, [[oldMessage.id, heldMessage.id], days + 1]);

    // One row per statement, so the loop of batches runs to its end.
    const purged = await purgeExpiredBodiesOnce({ db: h.services.db, log: h.services.log, retentionDays: days, intervalMs: 3600_000, batchSize: 1 });
    expect(purged).toBe(1);
    const byId = new Map((await h.services.db.query<MessageRow>('select id, body, body_purged_at from messages where id = any($1)', [[oldMessage.id, freshMessage.id, heldMessage.id]])).rows.map((r) => [r.id, r]));
    expect(byId.get(oldMessage.id)).toMatchObject({ body: null, body_purged_at: expect.any(Date) });
    expect(byId.get(freshMessage.id)).toMatchObject({ body: freshMessage.body, body_purged_at: null });
    expect(byId.get(heldMessage.id)).toMatchObject({ body: heldMessage.body, body_purged_at: null });
    expect(await purgeExpiredBodiesOnce({ db: h.services.db, log: h.services.log, retentionDays: days, intervalMs: 3600_000 })).toBe(0);
  });
});
