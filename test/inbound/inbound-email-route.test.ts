import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import Fastify, { type FastifyInstance } from 'fastify';
import MailComposer from 'nodemailer/lib/mail-composer/index.js';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { registerProblemHandlers } from '../../src/http/problem.ts';
import inboundEmailRoute, { MAX_INBOUND_EMAIL_BYTES } from '../../src/http/inbound-email-route.ts';
import type { HandleReply, IncomingReply, ReplyOutcome } from '../../src/inbound/reply.ts';

const SECRET = 'whsec_aW5ib3VuZC1lbWFpbC10ZXN0LXNlY3JldC0wMQ==';
const OTHER_SECRET = 'whsec_c29tZWJvZHktZWxzZXMtc2VjcmV0LTAy';
const OURS = 'msg_0123456789abcdef0123456789abcdef';
const SENDER = 'anna.nowak@example.pl';
const WORDS = 'Straciłam pracę, proszę o kontakt z doradcą.';

/** The lead's handler as far as the route can tell: records what it is given, a Message-ID seen twice is a duplicate. */
function fakeHandler(): HandleReply & { calls: IncomingReply[]; fail: boolean } {
  const seen = new Map<string, string>();
  const handler = async (reply: IncomingReply): Promise<ReplyOutcome> => {
    handler.calls.push(reply);
    if (handler.fail) throw new Error('database unavailable');
    const known = seen.get(reply.providerId);
    if (known) return { kind: 'duplicate', inboundId: known };
    const inboundId = randomUUID();
    seen.set(reply.providerId, inboundId);
    return { kind: 'handled', inboundId, debtorId: 'debtor-1', caseId: 'case-1', keyword: null, intent: 'vulnerability', confidence: 0.97 };
  };
  handler.calls = [] as IncomingReply[];
  handler.fail = false;
  return handler;
}

const email = (messageId = `<${randomUUID()}@mail.example.pl>`) =>
  new MailComposer({ from: `Anna Nowak <${SENDER}>`, to: 'odpowiedzi@demo-collect.example', subject: 'Re: Przypomnienie', messageId, inReplyTo: `<${OURS}@demo-collect.example>`, text: `${WORDS}\n\n> Dzień dobry,\n` })
    .compile()
    .build();

/** Signed the way a relay using the official library signs the raw bytes. */
function signed(raw: Buffer, opts: { secret?: string; at?: Date; webhookId?: string } = {}): Record<string, string> {
  const at = opts.at ?? new Date();
  const webhookId = opts.webhookId ?? `msg_${randomUUID()}`;
  return {
    'webhook-id': webhookId,
    'webhook-timestamp': String(Math.floor(at.getTime() / 1000)),
    'webhook-signature': new Webhook(opts.secret ?? SECRET).sign(webhookId, at, raw),
  };
}

let app: FastifyInstance;
let handler: ReturnType<typeof fakeHandler>;
const logLines: string[] = [];

const post = (raw: Buffer, headers: Record<string, string>, contentType = 'message/rfc822') =>
  app.inject({ method: 'POST', url: '/v1/inbound/email', payload: raw, headers: { 'content-type': contentType, ...headers } });

beforeAll(async () => {
  const stream = new Writable({
    write(chunk: Buffer, _enc, done) {
      logLines.push(chunk.toString('utf8'));
      done();
    },
  });
  app = Fastify({ logger: { level: 'info', stream }, bodyLimit: 256 * 1024 });
  registerProblemHandlers(app);
  // One handler for the whole app: each test resets what it recorded.
  handler = fakeHandler();
  await app.register(inboundEmailRoute, { handleReply: (reply) => handler(reply), secret: SECRET });
  await app.ready();
});
afterAll(async () => {
  await app.close();
});
beforeEach(() => {
  handler.calls.length = 0;
  handler.fail = false;
});

describe('POST /v1/inbound/email', () => {
  it('hands a signed message to handleReply once and answers 202 with the outcome', async () => {
    const raw = await email();
    const res = await post(raw, signed(raw));
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ inboundId: expect.any(String), outcome: 'handled' });
    expect(handler.calls).toHaveLength(1);
    expect(handler.calls[0]).toMatchObject({ channel: 'email', from: SENDER, text: WORDS, inReplyTo: [OURS] });
  });

  it('takes application/octet-stream too, and bytes that are not UTF-8', async () => {
    const raw = Buffer.concat([
      Buffer.from('From: jan@example.pl\r\nMessage-ID: <latin2-1@example.pl>\r\nContent-Type: text/plain; charset=iso-8859-2\r\nContent-Transfer-Encoding: 8bit\r\n\r\nZap'),
      Buffer.from([0xb3]),
      Buffer.from('ac\r\n'),
    ]);
    const res = await post(raw, signed(raw), 'application/octet-stream');
    expect(res.statusCode).toBe(202);
    expect(handler.calls[0]?.text).toBe('Zapłac');
  });

  it('answers a replayed delivery of the same message 200 duplicate', async () => {
    const raw = await email('<replayed@mail.example.pl>');
    const first = await post(raw, signed(raw));
    const again = await post(raw, signed(raw));
    expect(first.statusCode).toBe(202);
    expect(again.statusCode).toBe(200);
    expect(again.json()).toEqual({ inboundId: first.json().inboundId, outcome: 'duplicate' });
  });

  it.each([
    ['unsigned', () => ({}), 'signature-missing'],
    ['signed with another secret', (raw: Buffer) => signed(raw, { secret: OTHER_SECRET }), 'signature-invalid'],
    ['signed over other bytes', (raw: Buffer) => signed(Buffer.concat([raw, Buffer.from('X')])), 'signature-invalid'],
    ['signed 10 minutes ago', (raw: Buffer) => signed(raw, { at: new Date(Date.now() - 10 * 60_000) }), 'signature-stale'],
    ['signed 10 minutes ahead', (raw: Buffer) => signed(raw, { at: new Date(Date.now() + 10 * 60_000) }), 'signature-stale'],
  ] as const)('refuses a message %s with 403 and does not handle it', async (_name, headers, slug) => {
    const raw = await email();
    const res = await post(raw, headers(raw));
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json().type).toMatch(new RegExp(`/${slug}$`));
    expect(handler.calls).toHaveLength(0);
  });

  it('answers 400 to signed bytes that are no email, without handling them', async () => {
    for (const raw of [Buffer.from('this is not an email\r\n'), Buffer.from([0x4d, 0x5a, 0x90, 0x00, 0x03, 0x00]), Buffer.alloc(0)]) {
      const res = await post(raw, signed(raw));
      expect(res.statusCode).toBe(400);
      expect(res.json()).toMatchObject({ status: 400, type: expect.stringMatching(/\/invalid-email$/) });
    }
    expect(handler.calls).toHaveLength(0);
  });

  it('answers 413 over 15 MiB and 415 to another media type, without handling either', async () => {
    const big = Buffer.concat([await email(), Buffer.alloc(MAX_INBOUND_EMAIL_BYTES, 0x41)]);
    const tooBig = await post(big, signed(big));
    expect(tooBig.statusCode).toBe(413);
    expect(tooBig.json()).toMatchObject({ status: 413, detail: 'Inbound emails are limited to 15 MiB.' });

    const raw = await email();
    for (const contentType of ['text/plain', 'application/json']) {
      const wrongType = await post(raw, signed(raw), contentType);
      expect(wrongType.statusCode).toBe(415);
      expect(wrongType.json().detail).toMatch(/message\/rfc822/);
    }
    expect(handler.calls).toHaveLength(0);
  });

  it('leaves a failure of handleReply to the app (500, safe to retry)', async () => {
    handler.fail = true;
    const raw = await email();
    const res = await post(raw, signed(raw));
    expect(res.statusCode).toBe(500);
    expect(res.json().type).toMatch(/\/internal$/);
  });

  it('keeps the sender and the words out of the log', async () => {
    const raw = await email();
    expect((await post(raw, signed(raw))).statusCode).toBe(202);
    const log = logLines.join('');
    expect(log).toContain('inbound email received');
    expect(log).not.toContain(SENDER);
    expect(log).not.toContain('pracę');
  });
});
