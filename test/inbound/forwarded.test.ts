import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import twilio from 'twilio';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTH_TOKEN, createHarness, eventually, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';

// The case system's side: a receiver that verifies every webhook with the official
// standardwebhooks library, and sees replies, opt-outs and status changes of its cases, in order.

const SECRET = 'whsec_Y2FzZS1zeXN0ZW0tcmVjZWl2ZXItc2VjcmV0LTEyMzQ=';
const received: Array<{ type: string; caseId: string | null; data: Record<string, unknown> }> = [];
let rejected = 0;
let receiver: Server;
let h: Harness;

beforeAll(async () => {
  const verifier = new Webhook(SECRET);
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        const body = verifier.verify(Buffer.concat(chunks).toString('utf8'), req.headers as Record<string, string>) as { type: string; caseId?: string | null; data?: Record<string, unknown> } & Record<string, unknown>;
        const data = body.data ?? {};
        received.push({ type: body.type, caseId: typeof data.caseId === 'string' ? data.caseId : null, data });
        res.writeHead(204).end();
      } catch {
        rejected++;
        res.writeHead(400).end();
      }
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  const port = (receiver.address() as AddressInfo).port;
  h = await createHarness({ workers: true, env: { FORWARD_URL: `http://127.0.0.1:${port}/hooks`, FORWARD_SECRET: SECRET } });
});
afterAll(async () => {
  await h.close();
  await new Promise((resolve) => receiver.close(resolve));
});

describe('forwarding to the case system', () => {
  it('sends the reply, the opt-out and the message statuses, each verified with the official library, in order per case', async () => {
    const base = contractEvent('pl-payment-missed');
    const event = { ...base, id: 'evt-fwd-1', case: { ...base.case, id: 'PL-FWD-1' }, debtor: { ...base.debtor, id: 'deb-fwd-1', contactPoints: [{ channel: 'sms' as const, address: '+48601778001', verified: true }] } };
    expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
    await eventually(async () => received.some((r) => r.type === 'message.status' && r.data.status === 'delivered'));
    const url = `${h.config.publicUrl}/v1/providers/twilio/inbound`;
    const params = { MessageSid: 'SM' + 'cd'.repeat(16), From: '+48601778001', To: '+3197010000000', Body: 'STOP' };
    const res = await h.app.inject({ method: 'POST', url: '/v1/providers/twilio/inbound', payload: new URLSearchParams(params).toString(), headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-twilio-signature': twilio.getExpectedTwilioSignature(AUTH_TOKEN, url, params) } });
    expect(res.statusCode).toBe(200);
    await eventually(async () => received.some((r) => r.type === 'consent.opted_out') && received.filter((r) => r.type === 'message.status').length >= 8);
    expect(rejected).toBe(0);
    const ofCase = received.filter((r) => r.caseId === 'PL-FWD-1').map((r) => (r.type === 'message.status' ? `status:${String(r.data.status)}` : r.type));
    // The first message's statuses, then the reply and the opt-out, then the confirmation's statuses.
    expect(ofCase.slice(0, ofCase.indexOf('reply.received'))).toEqual(expect.arrayContaining(['status:pending', 'status:sending', 'status:delivered']));
    expect(ofCase.indexOf('reply.received')).toBeLessThan(ofCase.indexOf('consent.opted_out'));
    // Everything is delivered in the end: the last statuses may still be on their way.
    await eventually(async () => (await h.services.db.query<{ n: number }>(`select count(*)::int as n from forward_events where status <> 'delivered'`)).rows[0]?.n === 0);
  });
});
