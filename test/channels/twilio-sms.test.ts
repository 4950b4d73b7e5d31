import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../support/callback-receiver.ts';
import twilio from 'twilio';
import { startTwilioStandin, type TwilioStandin } from '../../scripts/standins/twilio-standin.ts';
import { createTwilioClient, rebaseTwilioUrl, type TwilioClient } from '../../src/channels/twilio-client.ts';
import { classifyTwilioError, createTwilioSmsAdapter, mapTwilioStatus, mayHaveBeenSent } from '../../src/channels/twilio-sms.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/channels/channel-adapter.ts';
import { PermanentChannelError, TransientChannelError } from '../../src/errors.ts';

const ACCOUNT_SID = 'AC' + 'a1'.repeat(16);
const AUTH_TOKEN = 'test-auth-token';
const SENDER_PL = '+48799000111';
const SENDER_DEFAULT = '+15005550006';



let standin: TwilioStandin;
let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
let client: TwilioClient;
let adapter: ChannelAdapter;
let counter = 0;

function message(to: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  const messageId = `msg-${Date.now().toString(36)}-${++counter}`;
  return {
    messageId,
    channel: 'sms',
    to,
    body: `Hello, this is a reminder ${counter}.`,
    country: 'PL',
    statusCallbackUrl: receiver.urlFor(messageId),
    parts: {},
    locale: 'pl',
    conversationOpen: false,
    ...overrides,
  };
}

async function sendError(m: OutboundMessage, using: ChannelAdapter = adapter): Promise<unknown> {
  try {
    await using.send(m);
  } catch (err) {
    return err;
  }
  throw new Error('expected send to fail');
}

beforeAll(async () => {
  receiver = await startCallbackReceiver();
  standin = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackDelayMs: 1 });
  client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: standin.url });
  adapter = createTwilioSmsAdapter({ client, sendersByCountry: { PL: SENDER_PL }, defaultSender: SENDER_DEFAULT });
});

afterAll(async () => {
  await standin?.close();
  await receiver?.close();
});

describe('twilio sms adapter against the stand-in', () => {
  it('sends and returns the Twilio message SID with status queued', async () => {
    const m = message('+48501234567');
    const result = await adapter.send(m);
    expect(result.status).toBe('queued');
    expect(result.providerId).toMatch(/^SM[0-9a-f]{32}$/);
    const stored = standin.messages().find((s) => s.sid === result.providerId);
    expect(stored).toMatchObject({ to: m.to, from: SENDER_PL, body: m.body, statusCallback: m.statusCallbackUrl });
  });

  it('picks the default sender for countries without one, and a messaging service when configured', async () => {
    const fi = await adapter.send(message('+358401234567', { country: 'FI' }));
    expect(standin.messages().find((s) => s.sid === fi.providerId)?.from).toBe(SENDER_DEFAULT);

    const serviceSid = 'MG' + '0f'.repeat(16);
    const viaService = createTwilioSmsAdapter({ client, messagingServiceSid: serviceSid });
    const result = await viaService.send(message('+48501234568'));
    expect(result.status).toBe('queued'); // Twilio says "accepted"
    expect(standin.messages().find((s) => s.sid === result.providerId)).toMatchObject({
      status: expect.stringMatching(/accepted|sent|delivered/),
      messagingServiceSid: serviceSid,
    });
  });

  it('maps 21211 (invalid To) to a permanent error marking the contact point invalid', async () => {
    for (const to of ['+48500000001', '0048 500 123']) {
      const err = await sendError(message(to));
      expect(err).toBeInstanceOf(PermanentChannelError);
      expect(err).toMatchObject({ code: '21211', contactPointEffect: 'invalid' });
      // Twilio's own message echoes the number; ours must not.
      expect((err as Error).message).not.toContain(to);
    }
  });

  it('maps 21610 (unsubscribed) to a permanent error marking the contact point opted out', async () => {
    const err = await sendError(message('+48500000002'));
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect(err).toMatchObject({ code: '21610', contactPointEffect: 'opted-out' });
  });

  it('treats a 500 as transient and succeeds on retry', async () => {
    const m = message('+48510000003');
    const err = await sendError(m);
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: '20500' });
    const retry = await adapter.send(m);
    expect(retry.providerId).toMatch(/^SM[0-9a-f]{32}$/);
  });

  it('treats a 429 as transient', async () => {
    const m = message('+48510000005');
    const err = await sendError(m);
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: '20429' });
    await expect(adapter.send(m)).resolves.toMatchObject({ status: 'queued' });
  });

  it('treats a refused connection as transient', async () => {
    const gone = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbacks: false });
    const goneUrl = gone.url;
    await gone.close();
    const goneAdapter = createTwilioSmsAdapter({
      client: createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: goneUrl }),
      defaultSender: SENDER_DEFAULT,
    });
    const err = await sendError(message('+48501234569'), goneAdapter);
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED' });
  });

  it('treats a connection dropped under a kept-alive socket as transient', async () => {
    const dropping = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbacks: false });
    const droppingAdapter = createTwilioSmsAdapter({
      client: createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: dropping.url }),
      defaultSender: SENDER_DEFAULT,
    });
    await droppingAdapter.send(message('+48501234569')); // leaves a kept-alive socket in the pool
    await dropping.close();
    const err = await sendError(message('+48501234569'), droppingAdapter);
    expect(err).toBeInstanceOf(TransientChannelError);
    // The stale socket may be reused before its close is noticed (reset) or already dropped (refused).
    expect((err as TransientChannelError).code).toMatch(/^(ECONNRESET|ECONNREFUSED)$/);
  });

  it('rejects wrong credentials with a permanent error (401, code 20003)', async () => {
    const wrong = createTwilioSmsAdapter({
      client: createTwilioClient({ accountSid: ACCOUNT_SID, authToken: 'wrong', apiUrl: standin.url }),
      defaultSender: SENDER_DEFAULT,
    });
    const err = await sendError(message('+48501234570'), wrong);
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect(err).toMatchObject({ code: '20003', contactPointEffect: null });
  });

  it('findSent finds sent messages by recipient and body, newest first, and nothing otherwise', async () => {
    const before = new Date();
    const to = '+48601234567';
    const sent = await adapter.send(message(to, { body: 'Your plan instalment is due on 5 May.' }));
    await adapter.send(message(to, { body: 'Another message to the same number.' }));

    const found = await adapter.findSent({ to, body: 'Your plan instalment is due on 5 May.', sentAfter: before });
    expect(found.map((f) => f.providerId)).toEqual([sent.providerId]);
    expect(found[0]?.status).toMatch(/queued|sent|delivered/);
    const again = await adapter.send(message(to, { body: 'Your plan instalment is due on 5 May.' }));
    const both = await adapter.findSent({ to, body: 'Your plan instalment is due on 5 May.', sentAfter: before });
    expect(both.map((f) => f.providerId)).toEqual([again.providerId, sent.providerId]);

    expect(await adapter.findSent({ to, body: 'Never sent.', sentAfter: before })).toEqual([]);
    expect(await adapter.findSent({ to: '+48601234000', body: 'Your plan instalment is due on 5 May.', sentAfter: before })).toEqual([]);
    const later = new Date(Date.now() + 60_000);
    expect(await adapter.findSent({ to, body: 'Your plan instalment is due on 5 May.', sentAfter: later })).toEqual([]);
  });

  it('findSent pages through the list (next_page_uri is rebased onto the stand-in)', async () => {
    const before = new Date();
    const to = '+48601234999';
    const first = await adapter.send(message(to, { body: 'The first one.' }));
    for (let i = 0; i < 120; i++) await adapter.send(message(to, { body: `Filler ${i}.` }));
    const found = await adapter.findSent({ to, body: 'The first one.', sentAfter: before });
    expect(found.map((f) => f.providerId)).toEqual([first.providerId]);
  });

  it('keeps connections alive', async () => {
    const fresh = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbacks: false });
    const a = createTwilioSmsAdapter({
      client: createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: fresh.url }),
      defaultSender: SENDER_DEFAULT,
    });
    for (let i = 0; i < 20; i++) await a.send(message('+48501234571'));
    expect(fresh.stats().accepted).toBe(20);
    expect(fresh.stats().connections).toBeLessThanOrEqual(2);
    await fresh.close();
  });

  it('posts signed status callbacks: sent, then delivered', async () => {
    const m = message('+48501234572');
    const result = await adapter.send(m);
    const sent = await receiver.waitFor(m.messageId, 'sent');
    const delivered = await receiver.waitFor(m.messageId, 'delivered');
    for (const cb of [sent, delivered]) {
      expect(cb.url).toBe(m.statusCallbackUrl);
      expect(twilio.validateRequest(AUTH_TOKEN, cb.signature, cb.url, cb.params)).toBe(true);
      expect(twilio.validateRequest('another-token', cb.signature, cb.url, cb.params)).toBe(false);
      expect(twilio.validateRequest(AUTH_TOKEN, cb.signature, cb.url, { ...cb.params, MessageStatus: 'read' })).toBe(false);
      expect(cb.params).toMatchObject({
        MessageSid: result.providerId,
        SmsSid: result.providerId,
        AccountSid: ACCOUNT_SID,
        To: m.to,
        From: SENDER_PL,
        ApiVersion: '2010-04-01',
      });
      expect(cb.params.ErrorCode).toBeUndefined();
    }
    expect(receiver.received.indexOf(sent)).toBeLessThan(receiver.received.indexOf(delivered));
    expect(mapTwilioStatus(delivered.params.SmsStatus ?? '')).toBe('delivered');

    const fetched = await client.messages(result.providerId).fetch();
    expect(fetched.status).toBe('delivered');
    expect(fetched.dateSent).toBeInstanceOf(Date);
  });

  it('reports undelivered with ErrorCode 30003 for the …0000004 number', async () => {
    const m = message('+48500000004');
    const result = await adapter.send(m);
    expect(result.status).toBe('queued');
    const cb = await receiver.waitFor(m.messageId, 'undelivered');
    expect(cb.params.ErrorCode).toBe('30003');
    expect(twilio.validateRequest(AUTH_TOKEN, cb.signature, cb.url, cb.params)).toBe(true);
    expect(mapTwilioStatus(cb.params.MessageStatus ?? '')).toBe('undelivered');
  });

  it('lists with Twilio DateSent filters (as twilio-node names them)', async () => {
    const m = message('+48501234573');
    const result = await adapter.send(m);
    await receiver.waitFor(m.messageId, 'sent');
    const today = new Date(new Date().toISOString().slice(0, 10));
    const after = await client.messages.list({ to: m.to, dateSentAfter: today });
    expect(after.map((x) => x.sid)).toContain(result.providerId);
    const before = await client.messages.list({ to: m.to, dateSentBefore: new Date(Date.now() - 86_400_000) });
    expect(before).toHaveLength(0);
  });
});

describe('twilio stand-in counting', () => {
  it('counts accepted messages per message key and reports duplicates', async () => {
    const counting = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbacks: false });
    try {
      const a = createTwilioSmsAdapter({
        client: createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: counting.url }),
        defaultSender: SENDER_DEFAULT,
      });
      const base = 'https://orchestrator.example/v1/webhooks/twilio/status/';
      const one = { ...message('+48501234574'), statusCallbackUrl: base + 'case-1:event-1:0' };
      const two = { ...message('+48501234575'), statusCallbackUrl: base + 'case-1:event-1:1?x=1' };
      await a.send(one);
      await a.send(one);
      await a.send(two);
      await a.send(one);
      await sendError({ ...message('+48500000001'), statusCallbackUrl: base + 'rejected' }, a);

      const stats = counting.stats();
      expect(stats).toMatchObject({ accepted: 4, uniqueMessages: 2, duplicates: 1, duplicateKeys: ['case-1:event-1:0'], rejected: 1 });
      const overHttp = (await (await fetch(`${counting.url}/__standin/stats`)).json()) as unknown;
      expect(overHttp).toMatchObject({ accepted: 4, uniqueMessages: 2, duplicates: 1 });

      const reset = await fetch(`${counting.url}/__standin/reset`, { method: 'POST' });
      expect(reset.status).toBe(200);
      expect(counting.stats()).toMatchObject({ accepted: 0, uniqueMessages: 0, duplicates: 0, duplicateKeys: [] });
      expect(counting.messages()).toHaveLength(0);
    } finally {
      await counting.close();
    }
  });
});

describe('twilio stand-in robustness', () => {
  it('counts failed callbacks when the receiver is down, and keeps serving', async () => {
    const down = await startCallbackReceiver();
    await down.close();
    const lonely = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackDelayMs: 0 });
    try {
      const a = createTwilioSmsAdapter({
        client: createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: lonely.url }),
        defaultSender: SENDER_DEFAULT,
      });
      await a.send({ ...message('+48501234576'), statusCallbackUrl: down.urlFor('x1') });
      await a.send({ ...message('+48500000004'), statusCallbackUrl: down.urlFor('x2') });
      await lonely.settled();
      expect(lonely.stats()).toMatchObject({ accepted: 2, callbacksSent: 0, callbacksFailed: 4, callbacksPending: 0 });
      expect(lonely.messages().map((m) => m.status)).toEqual(['delivered', 'undelivered']);
      await expect(a.send(message('+48501234577'))).resolves.toMatchObject({ status: 'queued' });
    } finally {
      await lonely.close();
    }
  });
});

describe('pure helpers', () => {
  it('tells which failed sends may nevertheless have gone out', () => {
    const network = (code: string) => classifyTwilioError(Object.assign(new Error('socket'), { code }));
    const answered = (status: number, code: number) => classifyTwilioError(new twilio.RestException({ statusCode: status, body: { code, message: 'x', status } }));
    expect(mayHaveBeenSent(network('ECONNREFUSED'))).toBe(false);
    expect(mayHaveBeenSent(answered(429, 20429))).toBe(false);
    expect(mayHaveBeenSent(network('ECONNRESET'))).toBe(true);
    expect(mayHaveBeenSent(answered(500, 20500))).toBe(true);
    expect(mayHaveBeenSent(new TransientChannelError('x', 'anything'))).toBe(true);
    expect(mayHaveBeenSent(new PermanentChannelError('x', '21211', 'invalid'))).toBe(false);
  });

  it('maps Twilio statuses', () => {
    expect(['accepted', 'scheduled', 'queued', 'sending'].map(mapTwilioStatus)).toEqual(['queued', 'queued', 'queued', 'queued']);
    expect(['sent', 'delivered', 'undelivered', 'failed', 'read'].map(mapTwilioStatus)).toEqual([
      'sent',
      'delivered',
      'undelivered',
      'failed',
      'read',
    ]);
    expect(mapTwilioStatus('received')).toBeNull();
    expect(mapTwilioStatus('toString')).toBeNull();
  });

  it('rebases *.twilio.com URLs onto the configured API URL', () => {
    const api = new URL('http://127.0.0.1:4010');
    expect(rebaseTwilioUrl('https://api.twilio.com/2010-04-01/Accounts/AC1/Messages.json?To=%2B48&Page=1', api)).toBe(
      'http://127.0.0.1:4010/2010-04-01/Accounts/AC1/Messages.json?To=%2B48&Page=1',
    );
    expect(rebaseTwilioUrl('https://messaging.twilio.com/v1/Services', new URL('http://stand.in/twilio/'))).toBe(
      'http://stand.in/twilio/v1/Services',
    );
    expect(rebaseTwilioUrl('https://example.com/x', api)).toBe('https://example.com/x');
  });
});
