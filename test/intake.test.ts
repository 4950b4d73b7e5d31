import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, ROTATED_SECRET, SECRET, type Harness } from './support/harness.ts';
import { signWebhook } from '../src/http/webhook-signature.ts';
import { contractEvent, contractEventTexts } from './support/fixtures.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

const rowCounts = async () => ({ events: await h.count('events'), cases: await h.count('cases'), debtors: await h.count('debtors'), points: await h.count('contact_points') });

describe('POST /v1/events: signatures', () => {
  it('accepts each contract example exactly as it is, signed', async () => {
    for (const { name, text } of contractEventTexts()) {
      const res = await h.postEvent(text);
      expect(res.statusCode, name).toBe(202);
      expect(res.json()).toMatchObject({ id: JSON.parse(text).id, status: 'accepted', duplicate: false });
    }
    expect(await h.count('events')).toBe(4);
  });

  it('accepts a body signed with the second (rotated) secret', async () => {
    const event = { ...contractEvent('pl-payment-missed'), id: 'evt-rotated-1' };
    const res = await h.postEvent(JSON.stringify(event), { secret: ROTATED_SECRET });
    expect(res.statusCode).toBe(202);
  });

  it.each([
    ['a wrong secret', { secret: 'whsec_d3Jvbmctc2VjcmV0LW5vdC1jb25maWd1cmVk' }, 'signature-invalid'],
    ['a stale timestamp', { at: new Date(Date.now() - 6 * 60_000) }, 'signature-stale'],
    ['a timestamp from the future', { at: new Date(Date.now() + 6 * 60_000) }, 'signature-stale'],
  ])('refuses %s with 401 and writes nothing', async (_label, opts, slug) => {
    const before = await rowCounts();
    const event = { ...contractEvent('fi-case-opened'), id: `evt-refused-${slug}` };
    const res = await h.postEvent(JSON.stringify(event), opts);
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ status: 401, type: expect.stringContaining(slug) });
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a body changed after signing', async () => {
    const body = JSON.stringify({ ...contractEvent('fi-case-opened'), id: 'evt-tampered' });
    const headers = signWebhook(SECRET, 'wh-tamper', body);
    const res = await h.app.inject({ method: 'POST', url: '/v1/events', payload: body.replace('184.20', '1.00'), headers: { 'content-type': 'application/json', ...headers } });
    expect(res.statusCode).toBe(401);
    expect(await h.count(`events where id = 'evt-tampered'`)).toBe(0);
  });

  it('refuses missing signature headers with 401', async () => {
    const before = await rowCounts();
    const res = await h.app.inject({ method: 'POST', url: '/v1/events', payload: JSON.stringify(contractEvent('it-payment-due')), headers: { 'content-type': 'application/json' } });
    expect(res.statusCode).toBe(401);
    expect(res.json().type).toContain('signature-missing');
    expect(await rowCounts()).toEqual(before);
  });
});

describe('POST /v1/events: idempotency', () => {
  it('answers the same event id again with 200 and the first outcome, storing it once', async () => {
    const body = JSON.stringify({ ...contractEvent('nl-plan-agreed'), id: 'evt-twice' });
    const first = await h.postEvent(body);
    const second = await h.postEvent(body); // a new webhook-id: the case system re-sent the event
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ ...first.json(), duplicate: true });
    const { rows } = await h.services.db.query(`select count(*)::int as n from events where id = 'evt-twice'`);
    expect(rows[0].n).toBe(1);
  });

  it('answers the same webhook-id again with 200, even for a different event id', async () => {
    const first = await h.postEvent(JSON.stringify({ ...contractEvent('nl-plan-agreed'), id: 'evt-wh-1' }), { webhookId: 'wh-same' });
    const second = await h.postEvent(JSON.stringify({ ...contractEvent('nl-plan-agreed'), id: 'evt-wh-2' }), { webhookId: 'wh-same' });
    expect(first.statusCode).toBe(202);
    expect(second.statusCode).toBe(200);
    expect(second.json().id).toBe('evt-wh-1');
  });

  it('processes concurrent duplicates once', async () => {
    const body = JSON.stringify({ ...contractEvent('it-payment-due'), id: 'evt-race' });
    const answers = await Promise.all(Array.from({ length: 8 }, () => h.postEvent(body)));
    expect(answers.map((a) => a.statusCode).sort()).toEqual([200, 200, 200, 200, 200, 200, 200, 202]);
    const jobs = await h.services.queues.plan.getJobCountByTypes('waiting', 'active', 'delayed', 'completed');
    expect(jobs).toBeGreaterThan(0);
  });
});

describe('POST /v1/events: snapshots', () => {
  it('a newer snapshot removes contact points it no longer lists; an older one changes nothing', async () => {
    const base = contractEvent('nl-plan-agreed');
    const debtor = { ...base.debtor, id: 'deb-snap' };
    const at = (h: number) => new Date(Date.UTC(2026, 10, 17, h)).toISOString();
    await h.postEvent(JSON.stringify({ ...base, id: 'evt-snap-1', occurredAt: at(10), case: { ...base.case, id: 'NL-SNAP' }, debtor }));
    await h.postEvent(JSON.stringify({ ...base, id: 'evt-snap-2', occurredAt: at(12), case: { ...base.case, id: 'NL-SNAP' }, debtor: { ...debtor, contactPoints: [debtor.contactPoints[0]] } }));
    // Arrives late: it still lists the SMS number, but it is older than what we know.
    await h.postEvent(JSON.stringify({ ...base, id: 'evt-snap-3', occurredAt: at(11), case: { ...base.case, id: 'NL-SNAP' }, debtor: { ...debtor, flags: { ...debtor.flags, dispute: true } } }));
    const { rows } = await h.services.db.query(`select channel, removed_at is not null as removed from contact_points where debtor_id = 'deb-snap' order by channel`);
    // The postal address is the letter channel's point; it stays while the address does.
    expect(rows).toEqual([{ channel: 'email', removed: false }, { channel: 'letter', removed: false }, { channel: 'sms', removed: true }]);
    const flags = await h.services.db.query(`select flags from debtors where id = 'deb-snap'`);
    expect(flags.rows[0].flags.dispute).toBe(false);
  });
});

describe('POST /v1/events: bad input changes nothing', () => {
  it('names the missing field in a problem+json', async () => {
    const before = await rowCounts();
    const event: Record<string, unknown> = { ...contractEvent('pl-payment-missed'), id: 'evt-bad-1' };
    delete (event.case as Record<string, unknown>).currency;
    const res = await h.postEvent(JSON.stringify(event));
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    const body = res.json();
    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/case/currency');
    expect(body.detail).toContain('/case/currency');
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses an amount that is not a decimal string, naming it', async () => {
    const event = contractEvent('fi-case-opened');
    const bad = { ...event, id: 'evt-bad-2', case: { ...event.case, balance: { ...event.case.balance, total: 191.55 } } };
    const res = await h.postEvent(JSON.stringify(bad));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/case/balance/total');
  });

  it('refuses an instant PostgreSQL cannot store (year 0) with 400, not 500', async () => {
    const before = await rowCounts();
    const res = await h.postEvent(JSON.stringify({ ...contractEvent('fi-case-opened'), id: 'evt-year-zero', occurredAt: '0000-01-01T00:00:00Z' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors.map((e: { pointer: string }) => e.pointer)).toContain('/occurredAt');
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses a webhook-id too long to index, naming the header', async () => {
    const before = await rowCounts();
    const res = await h.postEvent(JSON.stringify({ ...contractEvent('fi-case-opened'), id: 'evt-long-webhook-id' }), { webhookId: 'w'.repeat(5000) });
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toContain('webhook-id');
    expect(await rowCounts()).toEqual(before);
  });

  it('refuses an unknown event type', async () => {
    const res = await h.postEvent(JSON.stringify({ ...contractEvent('fi-case-opened'), id: 'evt-bad-3', type: 'case.exploded' }));
    expect(res.statusCode).toBe(400);
    expect(res.json().errors[0].pointer).toBe('/type');
  });

  it('refuses invalid JSON with 400 after checking the signature', async () => {
    const before = await rowCounts();
    const res = await h.postEvent('{"id": "evt-broken", ');
    expect(res.statusCode).toBe(400);
    expect(res.json().type).toContain('invalid-json');
    expect(await rowCounts()).toEqual(before);
  });

  it.each([
    ['a NUL character', 'Ai\u0000no'],
    ['a lone high surrogate', 'A\ud800B'],
    ['a lone low surrogate', 'x\udfffy'],
  ])('refuses %s, which PostgreSQL cannot store, with 400 naming the field', async (_label, given) => {
    const before = await rowCounts();
    const event = contractEvent('fi-case-opened');
    const res = await h.postEvent(JSON.stringify({ ...event, id: 'evt-unstorable', debtor: { ...event.debtor, name: { given, family: 'M' } } }));
    expect(res.statusCode).toBe(400);
    expect(res.json()).toMatchObject({ type: expect.stringContaining('invalid-character'), errors: [{ pointer: '/debtor/name/given' }] });
    expect(await rowCounts()).toEqual(before);
  });

  it('accepts well-formed text beyond the BMP and right-to-left marks', async () => {
    const event = contractEvent('fi-case-opened');
    const res = await h.postEvent(JSON.stringify({ ...event, id: 'evt-emoji', debtor: { ...event.debtor, id: 'deb-emoji', name: { given: 'Aino \u{1F600}', family: '\u202eM' } } }));
    expect(res.statusCode).toBe(202);
  });

  it('stores a burst of concurrent events for one debtor, each with its own outcome', async () => {
    const base = contractEvent('pl-payment-missed');
    const burst = Array.from({ length: 12 }, (_, i) => ({ ...base, id: `evt-burst-${i}`, occurredAt: new Date(Date.UTC(2026, 10, 20, 10, i)).toISOString(), case: { ...base.case, id: `PL-BURST-${i % 3}` } }));
    const answers = await Promise.all(burst.map((e) => h.postEvent(JSON.stringify(e))));
    expect(answers.map((a) => a.statusCode)).toEqual(Array(12).fill(202));
    expect(new Set(answers.map((a) => a.json().id)).size).toBe(12);
    const { rows } = await h.services.db.query(`select count(*)::int as n from events where id like 'evt-burst-%'`);
    expect(rows[0].n).toBe(12);
    // The newest snapshot wins, whatever order the burst was stored in.
    const { rows: cases } = await h.services.db.query(`select id, last_event_at from cases where id like 'PL-BURST-%' order by id`);
    expect(cases.map((c: { last_event_at: Date }) => c.last_event_at.toISOString())).toEqual([
      new Date(Date.UTC(2026, 10, 20, 10, 9)).toISOString(),
      new Date(Date.UTC(2026, 10, 20, 10, 10)).toISOString(),
      new Date(Date.UTC(2026, 10, 20, 10, 11)).toISOString(),
    ]);
  });

  it('refuses a body over 256 KiB with 413', async () => {
    const before = await rowCounts();
    const event = { ...contractEvent('fi-case-opened'), id: 'evt-huge', data: { padding: 'x'.repeat(300 * 1024) } };
    const res = await h.postEvent(JSON.stringify(event));
    expect(res.statusCode).toBe(413);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await rowCounts()).toEqual(before);
  });

  it('answers unknown routes with a problem+json 404', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/v1/nothing-here' });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ status: 404, title: 'Not found' });
  });
});
