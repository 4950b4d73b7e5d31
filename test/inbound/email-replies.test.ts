import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import { signWebhook } from '../../src/http/webhook-signature.ts';

// An email reply through the app: the mail provider posts the raw message, signed; it is threaded
// to our email by In-Reply-To, its quoted history stripped, classified and acted on.

let h: Harness;
beforeAll(async () => {
  h = await createHarness({ workers: true, channels: ['sms', 'email'] });
});
afterAll(async () => {
  await h.close();
});

function rawReply(opts: { from: string; inReplyTo: string; text: string }): string {
  return [
    `From: Aino <${opts.from}>`,
    'To: help@demo-collect.example',
    'Subject: Re: Maksuvaatimus',
    `Message-ID: <${randomBytes(8).toString('hex')}@example.fi>`,
    `In-Reply-To: <${opts.inReplyTo}>`,
    `References: <${opts.inReplyTo}>`,
    'Date: Wed, 18 Nov 2026 10:00:00 +0200',
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    'Content-Transfer-Encoding: 8bit',
    '',
    opts.text,
    '',
    'ke 18.11.2026 klo 9.12 Demo Collect <help@demo-collect.example> kirjoitti:',
    '> Hei Aino, sinulla on maksamatta 191,55 €.',
    '',
  ].join('\r\n');
}

const post = (raw: string, secret = h.config.inboundEmailSecret ?? '') =>
  h.app.inject({ method: 'POST', url: '/v1/inbound/email', payload: raw, headers: { 'content-type': 'message/rfc822', ...signWebhook(secret, `msg_${randomBytes(8).toString('hex')}`, raw) } });

describe('email replies', () => {
  it('a Finnish dispute by email is threaded to our message, stripped of the quote, and holds the case', async () => {
    expect((await h.postEvent(JSON.stringify(contractEvent('fi-case-opened')))).statusCode).toBe(202);
    const sent = await eventually(async () => (await h.services.db.query<{ id: string; status: string }>(`select id, status from messages where case_id = 'FI-2026-004711' and channel = 'email'`)).rows.find((m) => m.status === 'sent'));
    const raw = rawReply({ from: 'aino.makela@example.fi', inReplyTo: `${sent.id}@demo-collect.example`, text: 'En ole velkaa tätä summaa, en ole koskaan tehnyt sopimusta Energia Oy:n kanssa.' });
    const res = await post(raw);
    expect(res.statusCode).toBe(202);
    const { rows } = await h.services.db.query(`select channel, debtor_id, case_id, reply_to_message_id, intent, body from inbound_messages where channel = 'email'`);
    expect(rows).toEqual([{ channel: 'email', debtor_id: 'deb-fi-004711', case_id: 'FI-2026-004711', reply_to_message_id: sent.id, intent: 'dispute', body: expect.not.stringContaining('191,55') }]);
    expect((await h.services.db.query(`select hold_reason from cases where id = 'FI-2026-004711'`)).rows).toEqual([{ hold_reason: 'dispute' }]);
    // The acknowledgement goes back by email, in Finnish, through the dispute's hold.
    await eventually(async () => (await h.services.db.query(`select 1 from messages where case_id = 'FI-2026-004711' and template = 'dispute-acknowledgement' and channel = 'email' and locale = 'fi' and status = 'sent'`)).rowCount === 1);
  });

  it('refuses an unsigned or wrongly signed email with 403 and stores nothing', async () => {
    const before = await h.count('inbound_messages');
    const raw = rawReply({ from: 'aino.makela@example.fi', inReplyTo: 'msg_00000000000000000000000000000000@demo-collect.example', text: 'STOP' });
    expect((await post(raw, 'whsec_d3Jvbmctc2VjcmV0LXdyb25nLXNlY3JldA==')).statusCode).toBe(403);
    const unsigned = await h.app.inject({ method: 'POST', url: '/v1/inbound/email', payload: raw, headers: { 'content-type': 'message/rfc822' } });
    expect(unsigned.statusCode).toBe(403);
    expect(await h.count('inbound_messages')).toBe(before);
  });
});
