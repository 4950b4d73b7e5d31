import { generateKeyPairSync } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simpleParser } from 'mailparser';
import { dkimVerify } from 'mailauth';
import { classifySmtpError, createSmtpEmailAdapter, htmlDocument, isSmtpConfigProblem, type SmtpEmailAdapterOptions } from '../../src/channels/smtp-email.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/channels/channel-adapter.ts';
import { messageId as deriveMessageId } from '../../src/domain/message-id.ts';
import { ConfigError, PermanentChannelError, TransientChannelError } from '../../src/errors.ts';
import { closedPort, startDroppingProxy, startSmtpSink, type SmtpSink } from '../support/smtp-sink.ts';

const DOMAIN = 'demo-collect.example';
const SELECTOR = 'dco2026';
const FROM = `help@${DOMAIN}`;
const UNSUBSCRIBE_MAILBOX = `unsubscribe@${DOMAIN}`;
const PUBLIC_URL = 'https://orchestrator.example';

const keys = generateKeyPairSync('rsa', { modulusLength: 2048 });
const privateKey = keys.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
const dnsRecord = `v=DKIM1; k=rsa; p=${keys.publicKey.export({ type: 'spki', format: 'der' }).toString('base64')}`;

/** The DNS a receiving server would ask: only our selector's TXT record exists. */
async function resolver(name: string, rrtype: string): Promise<string[][]> {
  if (rrtype === 'TXT' && name === `${SELECTOR}._domainkey.${DOMAIN}`) return [[dnsRecord]];
  throw Object.assign(new Error(`no ${rrtype} record for ${name}`), { code: 'ENOTFOUND' });
}

const openAdapters: Array<{ close(): Promise<void> }> = [];
const openSinks: Array<{ close(): Promise<void> }> = [];

function adapterFor(url: string, extra: Partial<SmtpEmailAdapterOptions> = {}) {
  const adapter = createSmtpEmailAdapter({
    smtpUrl: url,
    from: FROM,
    fromName: 'Demo Collect',
    unsubscribeMailbox: UNSUBSCRIBE_MAILBOX,
    poolSize: 3,
    dkim: { domainName: DOMAIN, keySelector: SELECTOR, privateKey },
    unsubscribeUrl: (id) => `${PUBLIC_URL}/v1/unsubscribe/${id}?e=1800000000&s=signature`,
    // smtp-server offers STARTTLS with its built-in self-signed certificate.
    tls: { rejectUnauthorized: false },
    ...extra,
  });
  openAdapters.push(adapter);
  return adapter;
}

async function sink(opts: Parameters<typeof startSmtpSink>[0] = {}): Promise<SmtpSink> {
  const s = await startSmtpSink(opts);
  openSinks.push(s);
  return s;
}

let counter = 0;
function message(to: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  const messageId = deriveMessageId('PL-2026-000123', `evt-${Date.now()}`, `step-${++counter}`);
  return {
    messageId,
    channel: 'email',
    to,
    body: 'Dzień dobry, przypominamy o płatności.',
    country: 'PL',
    statusCallbackUrl: '',
    parts: {
      subject: 'Przypomnienie o płatności – zażółć gęślą jaźń',
      html: '<h1>Przypomnienie</h1><p>Dzień dobry, przypominamy o płatności: <strong>120,00 zł</strong>.</p>',
      text: 'Dzień dobry, przypominamy o płatności: 120,00 zł.',
    },
    locale: 'pl',
    conversationOpen: false,
    ...overrides,
  };
}

async function sendError(adapter: ChannelAdapter, m: OutboundMessage): Promise<unknown> {
  try {
    await adapter.send(m);
  } catch (err) {
    return err;
  }
  throw new Error('expected the send to fail');
}

afterAll(async () => {
  for (const a of openAdapters) await a.close();
  for (const s of openSinks) await s.close();
});

describe('smtp email adapter: the message', () => {
  let server: SmtpSink;
  let adapter: ReturnType<typeof adapterFor>;
  beforeAll(async () => {
    server = await sink();
    adapter = adapterFor(server.url());
  });

  it('sends both parts, our Message-ID and both list headers, and reports sent', async () => {
    const m = message('jan.kowalski@example.pl');
    const result = await adapter.send(m);
    expect(result).toEqual({ providerId: `<${m.messageId}@${DOMAIN}>`, status: 'sent' });

    const received = await server.nth(1);
    expect(received.to).toEqual(['jan.kowalski@example.pl']);
    expect(received.from).toBe(FROM);
    const parsed = await simpleParser(received.raw);
    expect(parsed.subject).toBe('Przypomnienie o płatności – zażółć gęślą jaźń');
    expect(parsed.messageId).toBe(`<${m.messageId}@${DOMAIN}>`);
    expect(parsed.from?.value).toEqual([{ address: FROM, name: 'Demo Collect' }]);
    expect(parsed.text?.trim()).toBe('Dzień dobry, przypominamy o płatności: 120,00 zł.');
    expect(parsed.html).toContain('<html lang="pl" dir="ltr">');
    expect(parsed.html).toContain('<title>Przypomnienie o płatności – zażółć gęślą jaźń</title>');
    expect(parsed.html).toContain('<strong>120,00 zł</strong>');
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/alternative' });

    const header = (name: string) => parsed.headerLines.find((l) => l.key === name)?.line.replace(/\r?\n[ \t]+/g, ' ');
    expect(header('list-unsubscribe')).toBe(
      `List-Unsubscribe: <${PUBLIC_URL}/v1/unsubscribe/${m.messageId}?e=1800000000&s=signature>, <mailto:${UNSUBSCRIBE_MAILBOX}?subject=unsubscribe-${m.messageId}>`,
    );
    expect(header('list-unsubscribe-post')).toBe('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
  });

  it('is DKIM-signed over both list headers, as an independent verifier sees it', async () => {
    const m = message('aino.makela@example.fi', { locale: 'fi', parts: { subject: 'Muistutus: erääntynyt lasku', html: '<p>Hei, tämä on ystävällinen muistutus.</p>', text: 'Hei, tämä on ystävällinen muistutus.' } });
    await adapter.send(m);
    const received = await server.nth(2);

    const verdict = await dkimVerify(received.raw, { resolver, sender: FROM });
    const [signature] = verdict.results;
    expect(verdict.results).toHaveLength(1);
    expect(signature?.status.result).toBe('pass');
    expect(signature?.signingDomain).toBe(DOMAIN);
    expect(signature?.selector).toBe(SELECTOR);
    const signed = (signature?.signingHeaders?.keys ?? '').toLowerCase().split(/:\s*/);
    expect(signed).toEqual(expect.arrayContaining(['from', 'subject', 'message-id', 'list-unsubscribe', 'list-unsubscribe-post']));
    // The same list read straight from the h= tag of the header.
    const dkimHeader = (await simpleParser(received.raw)).headerLines.find((l) => l.key === 'dkim-signature')?.line.replace(/\s+/g, '') ?? '';
    const h = /[;:]h=([^;]+)/.exec(dkimHeader)?.[1]?.toLowerCase().split(':') ?? [];
    expect(h).toEqual(expect.arrayContaining(['list-unsubscribe', 'list-unsubscribe-post']));

    // A changed list header breaks the signature: it is really covered.
    const tampered = received.raw.toString('latin1').replace('List-Unsubscribe-Post: List-Unsubscribe=One-Click', 'List-Unsubscribe-Post: List-Unsubscribe=Two-Click');
    expect(tampered).not.toBe(received.raw.toString('latin1'));
    const broken = await dkimVerify(Buffer.from(tampered, 'latin1'), { resolver, sender: FROM });
    expect(broken.results[0]?.status.result).not.toBe('pass');
  });

  it('falls back to the body as the text part, and refuses a message without a subject', async () => {
    const m = message('jan.kowalski@example.pl', { parts: { subject: 'Tylko tekst' } });
    await adapter.send(m);
    const parsed = await simpleParser((await server.nth(3)).raw);
    expect(parsed.text?.trim()).toBe(m.body);
    expect(parsed.html).toBe(false);

    const err = await sendError(adapter, message('jan.kowalski@example.pl', { parts: { text: 'no subject' } }));
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect(err).toMatchObject({ code: 'EMAIL_PARTS_MISSING', contactPointEffect: null });
    expect(server.messages).toHaveLength(3);
  });

  it('keeps a pool of connections', async () => {
    const fresh = await sink();
    const pooled = adapterFor(fresh.url());
    await Promise.all(Array.from({ length: 30 }, (_, i) => pooled.send(message(`debtor${i}@example.nl`, { locale: 'nl' }))));
    expect(fresh.messages).toHaveLength(30);
    expect(fresh.connections()).toBeLessThanOrEqual(3);
  });
});

describe('smtp email adapter: AUTH', () => {
  const credentials = { user: 'orchestrator', pass: 'correct horse battery staple' };

  it('logs in over STARTTLS and sends', async () => {
    const server = await sink({ auth: credentials });
    const adapter = adapterFor(server.url(credentials));
    await expect(adapter.send(message('jan.kowalski@example.pl'))).resolves.toMatchObject({ status: 'sent' });
    expect(server.messages).toHaveLength(1);
  });

  it('treats refused credentials as a configuration problem: transient, not sent, reported once', async () => {
    const server = await sink({ auth: credentials });
    const problems: string[] = [];
    const adapter = adapterFor(server.url({ user: credentials.user, pass: 'wrong' }), { onConfigProblem: (code) => problems.push(code) });
    for (let i = 0; i < 3; i++) {
      const err = await sendError(adapter, message('jan.kowalski@example.pl'));
      expect(err).toBeInstanceOf(TransientChannelError);
      expect(err).toMatchObject({ code: 'SMTP_AUTH', mayHaveBeenSent: false });
      expect(isSmtpConfigProblem(err)).toBe(true);
      expect((err as Error).message).not.toContain('wrong');
    }
    expect(problems).toEqual(['SMTP_AUTH']);
    expect(server.messages).toHaveLength(0);
  });

  it('treats a server that demands AUTH we do not send (530) as the same configuration problem', async () => {
    const server = await sink({ auth: credentials });
    const err = await sendError(adapterFor(server.url()), message('jan.kowalski@example.pl'));
    expect(err).toMatchObject({ code: 'SMTP_AUTH', mayHaveBeenSent: false });
  });
});

describe('smtp email adapter: failure classes', () => {
  const replies: Record<string, [number, string]> = {
    unknown: [550, '5.1.1 No such user here'],
    gone: [551, 'User not local'],
    bad: [553, 'Mailbox name not allowed'],
    policy: [550, '5.7.1 Message rejected by policy'],
    full: [552, '5.2.2 Mailbox full'],
    spam: [554, '5.7.1 Rejected as spam'],
    closing: [421, '4.3.2 Service shutting down'],
    busy: [450, '4.2.1 Mailbox busy'],
    later: [451, '4.3.0 Try again later'],
    storage: [452, '4.3.1 Insufficient system storage'],
  };
  let server: SmtpSink;
  let adapter: ReturnType<typeof adapterFor>;
  beforeAll(async () => {
    server = await sink({
      rcpt: (address, attempt) => {
        const local = address.split('@')[0] ?? '';
        if (local === 'flaky') return attempt === 1 ? [451, '4.7.1 Greylisted, try again'] : null;
        return replies[local] ?? null;
      },
    });
    adapter = adapterFor(server.url());
  });

  it.each([
    ['unknown', 'SMTP_550_5.1.1', 'invalid'],
    ['gone', 'SMTP_551', 'invalid'],
    ['bad', 'SMTP_553', 'invalid'],
    ['policy', 'SMTP_550_5.7.1', null],
    ['full', 'SMTP_552_5.2.2', null],
    ['spam', 'SMTP_554_5.7.1', null],
  ] as const)('RCPT %s → permanent %s, contact point effect %s', async (local, code, effect) => {
    const to = `${local}@example.pl`;
    const err = await sendError(adapter, message(to));
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect(err).toMatchObject({ code, contactPointEffect: effect });
    expect((err as Error).message).not.toContain(to);
    expect((err as Error).cause).toBeUndefined();
  });

  it.each([
    ['closing', 'SMTP_421_4.3.2'],
    ['busy', 'SMTP_450_4.2.1'],
    ['later', 'SMTP_451_4.3.0'],
    ['storage', 'SMTP_452_4.3.1'],
  ] as const)('RCPT %s → transient %s, certainly not sent', async (local, code) => {
    const err = await sendError(adapter, message(`${local}@example.pl`));
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code, mayHaveBeenSent: false });
  });

  it('sends after a transient refusal, on retry, with the same Message-ID', async () => {
    const m = message('flaky@example.pl');
    const before = server.messages.length;
    const err = await sendError(adapter, m);
    expect(err).toMatchObject({ code: 'SMTP_451_4.7.1', mayHaveBeenSent: false });
    const retry = await adapter.send(m);
    expect(retry).toEqual({ providerId: `<${m.messageId}@${DOMAIN}>`, status: 'sent' });
    const received = await server.nth(before + 1);
    expect(received.to).toEqual(['flaky@example.pl']);
    expect((await simpleParser(received.raw)).messageId).toBe(`<${m.messageId}@${DOMAIN}>`);
  });

  it('keeps sending to good addresses after refusals on the same pooled connections', async () => {
    await expect(adapter.send(message('ok@example.pl'))).resolves.toMatchObject({ status: 'sent' });
  });

  it('treats a refused connection as transient and not sent', async () => {
    const err = await sendError(adapterFor(`smtp://127.0.0.1:${await closedPort()}`), message('jan.kowalski@example.pl'));
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: 'ECONNREFUSED', mayHaveBeenSent: false });
  });

  it('treats a host that does not resolve as transient and not sent', async () => {
    const err = await sendError(adapterFor('smtp://smtp.does-not-exist.invalid:2525'), message('jan.kowalski@example.pl'));
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ mayHaveBeenSent: false });
    expect((err as TransientChannelError).code).toMatch(/^(ENOTFOUND|EAI_AGAIN|EDNS)$/);
  });

  it('treats a connection reset during DATA as transient that may have been sent', async () => {
    const plain = await sink({ starttls: false });
    const proxy = await startDroppingProxy(plain.port);
    openSinks.push(proxy);
    const err = await sendError(adapterFor(`smtp://127.0.0.1:${proxy.port}`), message('jan.kowalski@example.pl'));
    expect(proxy.drops()).toBeGreaterThanOrEqual(1);
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ mayHaveBeenSent: true });
    expect((err as TransientChannelError).code).toMatch(/^(ECONNRESET|ECONNECTION|ESOCKET)$/);
  });

  it('treats a server that never answers the final dot as a timeout that may have been sent', async () => {
    const stalling = await sink({ stallAfterData: true });
    const err = await sendError(adapterFor(stalling.url(), { socketTimeoutMs: 300 }), message('jan.kowalski@example.pl'));
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: 'ETIMEDOUT', mayHaveBeenSent: true });
  });

  it('findSent cannot ask an SMTP server and finds nothing', async () => {
    expect(await adapter.findSent({ to: 'ok@example.pl', body: 'x', sentAfter: new Date(0) })).toEqual([]);
  });
});

describe('pure helpers', () => {
  it('classifies by code, reply code and command only', () => {
    const e = (fields: Record<string, unknown>) => classifySmtpError(Object.assign(new Error('550 5.1.1 <someone@example.pl>: no such user'), fields));
    expect(e({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 no such user' })).toMatchObject({ code: 'SMTP_550_5.1.1', contactPointEffect: 'invalid' });
    // The same reply to MAIL FROM is about our sender, not the debtor's address.
    expect(e({ code: 'EENVELOPE', responseCode: 550, command: 'MAIL FROM', response: '550 sender rejected' })).toMatchObject({ code: 'SMTP_550', contactPointEffect: null });
    expect(e({ code: 'EMESSAGE', responseCode: 554, command: 'DATA', response: '554 5.6.0 content rejected' })).toBeInstanceOf(PermanentChannelError);
    expect(e({ code: 'EENVELOPE', responseCode: 503, command: 'RCPT TO', response: '503 bad sequence' })).toMatchObject({ mayHaveBeenSent: false });
    expect(e({ code: 'ESOCKET', originalCode: 'ECONNREFUSED', command: 'CONN' })).toMatchObject({ code: 'ECONNREFUSED', mayHaveBeenSent: false });
    expect(e({ code: 'ECONNECTION', command: 'CONN' })).toMatchObject({ code: 'ECONNECTION', mayHaveBeenSent: true });
    expect(e({ code: 'ETLS', command: 'STARTTLS' })).toMatchObject({ code: 'SMTP_TLS', mayHaveBeenSent: false });
    expect(e({ code: 'EENVELOPE', command: 'API' })).toMatchObject({ code: 'SMTP_ADDRESS', contactPointEffect: 'invalid' });
    expect(classifySmtpError('weird')).toMatchObject({ code: 'UNKNOWN', mayHaveBeenSent: true });
    for (const err of [e({ code: 'EENVELOPE', responseCode: 550, command: 'RCPT TO', response: '550 5.1.1 <someone@example.pl>' })]) {
      expect(err.message).not.toContain('someone@example.pl');
    }
  });

  it('refuses a DKIM key it could not sign with at start, instead of sending unsigned mail', () => {
    const base = { smtpUrl: 'smtp://127.0.0.1:1', from: FROM, fromName: 'x', unsubscribeMailbox: UNSUBSCRIBE_MAILBOX, poolSize: 1, unsubscribeUrl: (id: string) => id };
    expect(() => createSmtpEmailAdapter({ ...base, dkim: { domainName: DOMAIN, keySelector: SELECTOR, privateKey: 'not a key' } })).toThrow(ConfigError);
    const ed25519 = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    expect(() => createSmtpEmailAdapter({ ...base, dkim: { domainName: DOMAIN, keySelector: SELECTOR, privateKey: ed25519 } })).toThrow(/RSA/);
    expect(() => createSmtpEmailAdapter({ ...base, from: 'no-domain' })).toThrow(ConfigError);
  });

  it('wraps the fragment in an accessible document with the language, escaping the subject', () => {
    const doc = htmlDocument('<p>Hallo</p>', 'Uw betaling <op tijd> & "meer"', 'nl');
    expect(doc).toMatch(/^<!doctype html>\n<html lang="nl" dir="ltr">/);
    expect(doc).toContain('<title>Uw betaling &#60;op tijd&#62; &#38; &#34;meer&#34;</title>');
    expect(doc).toContain('role="article"');
    expect(doc).toContain('<p>Hallo</p>');
    expect(htmlDocument('<p>x</p>', 's', '" onload="x')).not.toContain('onload');
    expect(htmlDocument('<p>x</p>', 's', null)).toContain('<html dir="ltr">');
  });
});
