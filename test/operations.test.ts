import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

describe('operations endpoints', () => {
  it('answers /healthz and /readyz when PostgreSQL and Redis answer', async () => {
    expect((await h.app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    const ready = await h.app.inject({ url: '/readyz' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('exposes Prometheus metrics, counting events by type and outcome', async () => {
    await h.postEvent(JSON.stringify(contractEvent('fi-case-opened')));
    const res = await h.app.inject({ url: '/metrics' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('text/plain');
    expect(res.body).toContain('dco_events_received_total{type="case.opened",outcome="stored"} 1');
  });

  it('publishes the OpenAPI document with the event contract', async () => {
    const res = await h.app.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.paths['/v1/events'].post.requestBody.content['application/json'].schema.properties).toHaveProperty('debtor');
  });

  it('publishes the event contract as JSON Schema', async () => {
    const res = await h.app.inject({ url: '/v1/schemas/case-event.json' });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('application/schema+json');
    const schema = res.json();
    expect(schema.required).toEqual(expect.arrayContaining(['id', 'type', 'occurredAt', 'case', 'debtor', 'data']));
    expect(schema.properties.type.enum).toContain('payment.missed');
  });
});

describe('REST authentication', () => {
  it('refuses the timeline without a key, or with an unknown one', async () => {
    const none = await h.app.inject({ url: '/v1/cases/FI-2026-004711/timeline' });
    expect(none.statusCode).toBe(401);
    expect(none.headers['content-type']).toMatch(/^application\/problem\+json/);
    const wrong = await h.app.inject({ url: '/v1/cases/FI-2026-004711/timeline', headers: { authorization: 'Bearer dco_not-a-key' } });
    expect(wrong.statusCode).toBe(401);
  });

  it('answers an unknown case with 404 and a known one with its entries', async () => {
    const auth = { authorization: `Bearer ${h.apiKey}` };
    expect((await h.app.inject({ url: '/v1/cases/NOPE/timeline', headers: auth })).statusCode).toBe(404);
    const known = await h.app.inject({ url: '/v1/cases/FI-2026-004711/timeline', headers: { 'x-api-key': h.apiKey } });
    expect(known.statusCode).toBe(200);
    expect(known.json().entries[0]).toMatchObject({ kind: 'event', type: 'case.opened' });
  });
});
