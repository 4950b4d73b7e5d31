import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import twilio from 'twilio';
import { AUTH_TOKEN, createHarness, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import { planEvent } from '../src/jobs/plan-processor.ts';

let h: Harness;
let messageId: string;

beforeAll(async () => {
  h = await createHarness();
  const event = contractEvent('nl-plan-agreed');
  expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
});
afterAll(async () => {
  await h.close();
});

function callback(status: string, opts: { token?: string; sid?: string; url?: string } = {}) {
  const path = `/v1/providers/twilio/status/${messageId}`;
  const params = { MessageSid: opts.sid ?? `SM${'1'.repeat(32)}`, MessageStatus: status, AccountSid: 'AC' + 'ab'.repeat(16), To: '+31612345678' };
  const signature = twilio.getExpectedTwilioSignature(opts.token ?? AUTH_TOKEN, opts.url ?? `${h.config.publicUrl}${path}`, params);
  return h.app.inject({
    method: 'POST',
    url: path,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': signature },
    payload: new URLSearchParams(params).toString(),
  });
}

const history = async () =>
  (await h.services.db.query<{ status: string; source: string }>(`select status, source from message_statuses where message_id = $1 order by id`, [messageId])).rows;
const current = async () => (await h.services.db.query<{ status: string; provider_id: string | null }>(`select status, provider_id from messages where id = $1`, [messageId])).rows[0];

describe('Twilio status callbacks', () => {
  it('has a planned message to report on', async () => {
    // Plan without workers, so only the callbacks below move the message.
    const { rows } = await h.services.db.query<{ id: string }>(`select id from events where status = 'received'`);
    const { plannerDeps, openTemplateStore } = await import('../src/runtime.ts');
    const planner = await plannerDeps(h.services, await openTemplateStore(h.services));
    const deps = { ...planner, channels: new Set(['sms' as const]), db: h.services.db, queues: h.services.queues, metrics: h.services.metrics, now: h.services.now };
    for (const r of rows) await planEvent(deps, r.id);
    messageId = (await h.services.db.query<{ id: string }>(`select id from messages limit 1`)).rows[0]?.id ?? '';
    expect(messageId).toMatch(/^msg_/);
    expect((await current())?.status).toBe('pending');
  });

  it('stores a correctly signed status', async () => {
    const res = await callback('sent');
    expect(res.statusCode).toBe(204);
    expect(await current()).toEqual({ status: 'sent', provider_id: `SM${'1'.repeat(32)}` });
  });

  it('refuses a wrong signature with 403 and changes nothing', async () => {
    const before = await history();
    const res = await callback('delivered', { token: 'not-the-auth-token' });
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await history()).toEqual(before);
    expect((await current())?.status).toBe('sent');
  });

  it('refuses a signature computed for another URL', async () => {
    const res = await callback('delivered', { url: 'https://elsewhere.example/v1/providers/twilio/status/x' });
    expect(res.statusCode).toBe(403);
  });

  it('refuses an unsigned callback', async () => {
    const res = await h.app.inject({ method: 'POST', url: `/v1/providers/twilio/status/${messageId}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: 'MessageSid=SM1&MessageStatus=delivered' });
    expect(res.statusCode).toBe(403);
  });

  it('never moves a status backwards, but keeps every report in arrival order', async () => {
    expect((await callback('delivered')).statusCode).toBe(204);
    expect((await callback('sent')).statusCode).toBe(204); // late and out of order
    expect((await current())?.status).toBe('delivered');
    const reports = (await history()).filter((r) => r.source === 'provider').map((r) => r.status);
    expect(reports).toEqual(['sent', 'delivered', 'sent']);
  });

  it('records read after delivered', async () => {
    expect((await callback('read')).statusCode).toBe(204);
    expect((await current())?.status).toBe('read');
  });
});
