import twilio from 'twilio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_TOKEN, createHarness, eventually, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import type { CaseEvent } from '../../src/domain/case-event.ts';

// Debtors' replies through Twilio's incoming-message webhook, signed with twilio's own helper:
// matched, classified, acted on, answered in the debtor's language, forwarded.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ workers: true, channels: ['sms', 'whatsapp'] });
});
afterAll(async () => {
  await h.close();
});

let sid = 0;
const nextSid = () => `SM${(++sid).toString(16).padStart(32, '0')}`;

function inbound(params: Record<string, string>, opts: { sign?: 'ok' | 'wrong' | 'none' } = {}) {
  const url = `${h.config.publicUrl}/v1/providers/twilio/inbound`;
  const body = { MessageSid: nextSid(), To: '+3197010000000', ...params };
  const signature = opts.sign === 'none' ? undefined : twilio.getExpectedTwilioSignature(opts.sign === 'wrong' ? 'not-the-token-123' : AUTH_TOKEN, url, body);
  return h.app.inject({
    method: 'POST',
    url: '/v1/providers/twilio/inbound',
    payload: new URLSearchParams(body).toString(),
    headers: { 'content-type': 'application/x-www-form-urlencoded', ...(signature ? { 'x-twilio-signature': signature } : {}) },
  });
}

function debtorEvent(tag: string, phone: string, change: (e: CaseEvent) => CaseEvent = (e) => e): CaseEvent {
  const base = contractEvent('pl-payment-missed');
  return change({ ...base, id: `evt-${tag}`, case: { ...base.case, id: `PL-${tag}` }, debtor: { ...base.debtor, id: `deb-${tag}`, preferredChannel: 'sms', contactPoints: [{ channel: 'sms', address: phone, verified: true }] } });
}

const rows = async <T extends object>(sql: string, values: unknown[] = []) => (await h.services.db.query(sql, values)).rows as T[];

describe('Twilio-signed replies', () => {
  it('refuses an unsigned or wrongly signed reply with 403 and changes nothing', async () => {
    for (const sign of ['none', 'wrong'] as const) {
      const res = await inbound({ From: '+48601777111', Body: 'STOP' }, { sign });
      expect(res.statusCode).toBe(403);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    }
    expect(await h.count('inbound_messages')).toBe(0);
  });

  it('keeps a reply from an unknown number for a person, answers nothing', async () => {
    const res = await inbound({ From: '+48601777999', Body: 'Kim Państwo są?' });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('<Response></Response>');
    expect(await rows(`select status, debtor_id from inbound_messages where from_address = '+48601777999'`)).toEqual([{ status: 'review', debtor_id: null }]);
    const review = await h.app.inject({ method: 'GET', url: '/v1/inbound/review', headers: { authorization: `Bearer ${h.apiKey}` } });
    expect(review.json().entries).toEqual([expect.objectContaining({ channel: 'sms', from: '+48601777999', reason: 'unknown' })]);
  });

  it('STOP opts out at once, cancels what waits for that number, confirms once in Polish; START opts back in', async () => {
    const event = debtorEvent('stop-1', '+48601777001');
    expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
    await eventually(async () => (await rows<{ status: string }>(`select status from messages where case_id = 'PL-stop-1'`))[0]?.status === 'delivered');
    // A second message the same day waits for tomorrow (the daily cap).
    expect((await h.postEvent(JSON.stringify({ ...event, id: 'evt-stop-1b', type: 'payment.due' }))).statusCode).toBe(202);
    const waiting = await eventually(async () => (await rows<{ id: string }>(`select id from messages where event_id = 'evt-stop-1b' and status = 'pending'`))[0]);

    expect((await inbound({ From: '+48601777001', Body: 'stop' })).statusCode).toBe(200);
    const [point] = await rows<{ opted_out_at: Date | null; last_inbound_at: Date | null }>(`select opted_out_at, last_inbound_at from contact_points where debtor_id = 'deb-stop-1' and channel = 'sms'`);
    expect(point?.opted_out_at).toBeInstanceOf(Date);
    expect(point?.last_inbound_at).toBeInstanceOf(Date);
    expect(await rows(`select status from messages where id = $1`, [waiting.id])).toEqual([{ status: 'cancelled' }]);
    const confirmation = await eventually(async () => (await rows<{ status: string; body: string; locale: string }>(`select status, body, locale from messages where template = 'opt-out-confirmation' and case_id = 'PL-stop-1'`)).find((m) => m.status === 'delivered'));
    expect(confirmation.locale).toBe('pl');
    expect(confirmation.body).toMatch(/SMS/);
    // A second STOP changes nothing and sends no second confirmation.
    expect((await inbound({ From: '+48601777001', Body: 'STOP' })).statusCode).toBe(200);
    expect(await h.count(`messages where template = 'opt-out-confirmation' and case_id = 'PL-stop-1'`)).toBe(1);
    const forwarded = await rows<{ type: string }>(`select type from forward_events where case_id = 'PL-stop-1' order by id`);
    expect(forwarded.map((f) => f.type)).toEqual(expect.arrayContaining(['reply.received', 'consent.opted_out']));

    expect((await inbound({ From: '+48601777001', Body: 'START' })).statusCode).toBe(200);
    expect(await rows(`select opted_out_at from contact_points where debtor_id = 'deb-stop-1' and channel = 'sms'`)).toEqual([{ opted_out_at: null }]);
  });

  it('a dispute in Polish holds the case, opens a task, and acknowledges through the hold', async () => {
    expect((await h.postEvent(JSON.stringify(debtorEvent('dispute-1', '+48601777002')))).statusCode).toBe(202);
    await eventually(async () => (await rows<{ status: string }>(`select status from messages where case_id = 'PL-dispute-1'`))[0]?.status === 'delivered');
    expect((await inbound({ From: '+48601777002', Body: 'To nie mój dług, nigdy nie miałem umowy z tą firmą' })).statusCode).toBe(200);
    expect(await rows(`select intent from inbound_messages where debtor_id = 'deb-dispute-1'`)).toEqual([{ intent: 'dispute' }]);
    expect(await rows(`select hold_reason from cases where id = 'PL-dispute-1'`)).toEqual([{ hold_reason: 'dispute' }]);
    expect(await rows(`select kind from tasks where case_id = 'PL-dispute-1'`)).toEqual([{ kind: 'dispute' }]);
    await eventually(async () => (await rows<{ status: string }>(`select status from messages where case_id = 'PL-dispute-1' and template = 'dispute-acknowledgement'`))[0]?.status === 'delivered');
    const res = await h.app.inject({ method: 'GET', url: '/v1/cases/PL-dispute-1/conversation', headers: { authorization: `Bearer ${h.apiKey}` } });
    expect((res.json().entries as Array<{ direction: string }>).map((e) => e.direction)).toEqual(['out', 'in', 'out']);
  });

  it('a promise on WhatsApp is forwarded with its date and amount, and opens the 24-hour window for free text', async () => {
    const base = contractEvent('it-payment-due');
    const debtor = { ...base.debtor, id: 'deb-wa-1', contactPoints: [{ channel: 'whatsapp' as const, address: '+393471777001', verified: true, optIn: true }] };
    expect((await h.postEvent(JSON.stringify({ ...base, id: 'evt-wa-1', case: { ...base.case, id: 'IT-WA-1' }, debtor }))).statusCode).toBe(202);
    await eventually(async () => (await rows<{ status: string }>(`select status from messages where case_id = 'IT-WA-1'`))[0]?.status === 'read');
    expect((await inbound({ From: 'whatsapp:+393471777001', Body: 'Pagherò lunedì 300 euro' })).statusCode).toBe(200);
    expect(await rows(`select channel, intent, details->'promise' as promise from inbound_messages where debtor_id = 'deb-wa-1'`)).toEqual([
      { channel: 'whatsapp', intent: 'promise', promise: { date: '2026-11-23', amount: '300' } },
    ]);
    expect(await rows(`select reply_channel from debtors where id = 'deb-wa-1'`)).toEqual([{ reply_channel: 'whatsapp' }]);
    const promised = await rows<{ payload: Record<string, unknown> }>(`select payload from forward_events where type = 'promise_to_pay.made' and case_id = 'IT-WA-1'`);
    expect(promised[0]?.payload).toMatchObject({ date: '2026-11-23', amount: '300' });
    const [point] = await rows<{ last_inbound_at: Date | null }>(`select last_inbound_at from contact_points where debtor_id = 'deb-wa-1'`);
    expect(point?.last_inbound_at).toBeInstanceOf(Date);
  });

  it('the same reply delivered twice is handled once', async () => {
    const params = { MessageSid: 'SM' + 'ab'.repeat(16), From: '+48601777002', Body: 'Dziękuję' };
    const url = `${h.config.publicUrl}/v1/providers/twilio/inbound`;
    const body = { To: '+3197010000000', ...params };
    const send = () => h.app.inject({ method: 'POST', url: '/v1/providers/twilio/inbound', payload: new URLSearchParams(body).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, body) } });
    expect((await send()).statusCode).toBe(200);
    expect((await send()).statusCode).toBe(200);
    expect(await h.count(`inbound_messages where provider_id = '${params.MessageSid}'`)).toBe(1);
  });
});
