// The WhatsApp adapter through the real twilio-node client against the local Twilio stand-in:
// request shapes inside and outside the 24-hour window, every mapped error code, retries, and
// signed status callbacks up to `read`.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startCallbackReceiver } from '../support/callback-receiver.ts';
import twilio from 'twilio';
import { parse } from 'yaml';
import { startTwilioStandin, type TwilioStandin } from '../../scripts/standins/twilio-standin.ts';
import { createTwilioClient, type TwilioClient } from '../../src/channels/twilio-client.ts';
import {
  classifyTwilioWhatsappError,
  createTwilioWhatsappAdapter,
  whatsappAddress,
  whatsappContactPointEffect,
  type TwilioWhatsappAdapter,
  type WhatsappSentLookup,
} from '../../src/channels/twilio-whatsapp.ts';
import { mapTwilioStatus, mayHaveBeenSent } from '../../src/channels/twilio-sms.ts';
import type { ChannelAdapter, OutboundMessage } from '../../src/channels/channel-adapter.ts';
import { ConfigError, PermanentChannelError, TransientChannelError } from '../../src/errors.ts';
import type { CaseEvent } from '../../src/domain/case-event.ts';
import { loadCatalogue } from '../../src/rendering/catalogue.ts';
import { catalogueRenderer, type RenderedContent } from '../../src/rendering/message-renderer.ts';
import { SAMPLE_ENVIRONMENT } from '../../src/rendering/render-context.ts';
import { contractFixtures } from '../../src/rendering/sample-events.ts';

const root = path.resolve(import.meta.dirname, '../..');
const ACCOUNT_SID = 'AC' + 'b2'.repeat(16);
const AUTH_TOKEN = 'test-auth-token';
const FROM = 'whatsapp:+31612300000';



/** ContentSid → approved text, from templates/whatsapp/content.<lang>.yaml (what the operator approved at Twilio). */
async function approvedContentTexts(): Promise<Map<string, string>> {
  const texts = new Map<string, string>();
  for (const lang of ['pl', 'fi', 'it', 'nl']) {
    const file: unknown = parse(await readFile(path.join(root, 'templates', 'whatsapp', `content.${lang}.yaml`), 'utf8'));
    for (const entry of Object.values(file as Record<string, { contentSid: string; body: string }>)) texts.set(entry.contentSid, entry.body);
  }
  return texts;
}

let standin: TwilioStandin;
let receiver: Awaited<ReturnType<typeof startCallbackReceiver>>;
let client: TwilioClient;
let adapter: TwilioWhatsappAdapter;
let contentTexts: Map<string, string>;
let finnish: CaseEvent;
let rendered: RenderedContent;
let counter = 0;

/** A WhatsApp message carrying the rendered Finnish case-opened parts (free-form text and template). */
function message(to: string, overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  const messageId = `msg_${(++counter).toString(16).padStart(32, '0')}`;
  return {
    messageId,
    channel: 'whatsapp',
    to,
    body: rendered.body,
    country: 'FI',
    statusCallbackUrl: receiver.urlFor(messageId),
    parts: rendered.parts,
    locale: 'fi',
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

const storedFor = (sid: string) => standin.messages().find((s) => s.sid === sid);

beforeAll(async () => {
  contentTexts = await approvedContentTexts();
  const catalogue = await loadCatalogue({ templatesDir: path.join(root, 'templates'), localesDir: path.join(root, 'locales') });
  const fixture = (await contractFixtures()).find((f) => f.event.case.country === 'FI');
  if (!fixture) throw new Error('no Finnish contract fixture');
  finnish = fixture.event;
  rendered = catalogueRenderer(catalogue, SAMPLE_ENVIRONMENT).render('case-opened', 'whatsapp', finnish);
  receiver = await startCallbackReceiver();
  standin = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbackDelayMs: 1, contentTemplates: Object.fromEntries(contentTexts) });
  client = createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: standin.url });
  adapter = createTwilioWhatsappAdapter({ client, from: FROM, contentTexts });
});

afterAll(async () => {
  await standin?.close();
  await receiver?.close();
});

describe('twilio whatsapp adapter: request shapes', () => {
  it('outside the window sends only the approved Content template, with the rendered variables and no Body', async () => {
    const before = standin.stats().whatsapp;
    const m = message('+358401234567');
    const result = await adapter.send(m);
    expect(result).toMatchObject({ status: 'queued', providerId: expect.stringMatching(/^SM[0-9a-f]{32}$/) });
    const stored = storedFor(result.providerId);
    expect(stored).toMatchObject({ to: 'whatsapp:+358401234567', from: FROM, kind: 'template', bodyParam: null, contentSid: rendered.parts.contentSid, statusCallback: m.statusCallbackUrl });
    // The values come from the event and the sender, in the order content.fi.yaml gives them.
    expect(stored?.contentVariables).toEqual({ '1': finnish.case.creditor.name, '2': finnish.case.reference, '3': SAMPLE_ENVIRONMENT.sender.name, '4': SAMPLE_ENVIRONMENT.sender.phone });
    // Twilio shows the approved text filled in; the free-form text (with details) never went.
    expect(stored?.body).toContain(`asiassa ${finnish.case.reference} (${finnish.case.creditor.name})`);
    expect(stored?.body).not.toBe(rendered.parts.body);
    expect(standin.stats().whatsapp).toEqual({ freeForm: before.freeForm, template: before.template + 1 });
  });

  it('inside the window sends the free-form text, and does not prefix an address twice', async () => {
    const before = standin.stats().whatsapp;
    const result = await adapter.send(message('whatsapp:+358401234568', { conversationOpen: true }));
    const stored = storedFor(result.providerId);
    expect(stored).toMatchObject({ to: 'whatsapp:+358401234568', kind: 'free-form', bodyParam: rendered.parts.body, body: rendered.parts.body, contentSid: null, contentVariables: null });
    expect(standin.stats().whatsapp).toEqual({ freeForm: before.freeForm + 1, template: before.template });
  });

  it('outside the window without a template refuses, and nothing reaches Twilio', async () => {
    const before = standin.stats();
    const err = await sendError(message('+358401234569', { parts: { body: 'Free text only.' } }));
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect(err).toMatchObject({ code: 'no-content-template', contactPointEffect: null });
    expect(standin.stats()).toMatchObject({ accepted: before.accepted, rejected: before.rejected });
    const empty = await sendError(message('+358401234569', { conversationOpen: true, body: '', parts: {} }));
    expect(empty).toMatchObject({ code: 'empty-message', contactPointEffect: null });
    // Inside the window with no text, the template still may go.
    const viaTemplate = await adapter.send(message('+358401234569', { conversationOpen: true, parts: { ...rendered.parts, body: '' } }));
    expect(storedFor(viaTemplate.providerId)).toMatchObject({ kind: 'template' });
  });

  it("sends the template when Twilio says the window is closed (63016) although ours looked open", async () => {
    const result = await adapter.send(message('+358400063016', { conversationOpen: true }));
    expect(storedFor(result.providerId)).toMatchObject({ kind: 'template', bodyParam: null });
    // Without a template there is nothing that may go: the error stands.
    const err = await sendError(message('+358400063016', { conversationOpen: true, parts: { body: 'Free text only.' } }));
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect(err).toMatchObject({ code: '63016', contactPointEffect: null });
  });

  it('the stand-in refuses a request with neither Body nor ContentSid (21619), as Twilio does', async () => {
    const err: unknown = await client.messages.create({ to: 'whatsapp:+358401234570', from: FROM }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(twilio.RestException);
    expect(err).toMatchObject({ status: 400, code: 21619 });
    expect(classifyTwilioWhatsappError(err)).toMatchObject({ code: '21619', contactPointEffect: null });
  });

  it('an unknown ContentSid (21655) or unreadable ContentVariables (21656) fail permanently, touching no contact point', async () => {
    const unknown = await sendError(message('+358401234571', { parts: { ...rendered.parts, contentSid: 'HX' + '0'.repeat(32) } }));
    expect(unknown).toMatchObject({ code: '21655', contactPointEffect: null });
    const unreadable = await sendError(message('+358401234571', { parts: { ...rendered.parts, contentVariables: '{"1":' } }));
    expect(unreadable).toBeInstanceOf(PermanentChannelError);
    expect(unreadable).toMatchObject({ code: '21656', contactPointEffect: null });
  });

  it('refuses a sender that is not whatsapp:+E.164', () => {
    expect(() => createTwilioWhatsappAdapter({ client, from: '+31612300000' })).toThrow(ConfigError);
  });
});

describe('twilio whatsapp adapter: errors', () => {
  it.each([
    ['+358400063003', '63003', 'invalid'], // not a WhatsApp address
    ['+358400063024', '63024', 'invalid'], // Meta: invalid recipient
    ['+358400000001', '21211', 'invalid'],
    ['+358400063014', '63014', 'opted-out'], // blocked us
    ['+358400000002', '21610', 'opted-out'],
    ['+358400063032', '63032', null], // Meta's marketing experiment: not the debtor's choice
    ['+358400063049', '63049', null], // Meta chose not to deliver
  ] as const)('%s answers %s: permanent, contact point %s', async (to, code, effect) => {
    const err = await sendError(message(to));
    expect(err).toBeInstanceOf(PermanentChannelError);
    expect(err).toMatchObject({ code, contactPointEffect: effect });
    expect(mayHaveBeenSent(err)).toBe(false);
    // Twilio's own message may quote the address; ours never does.
    expect((err as Error).message).not.toContain(to);
    expect((err as Error).message).not.toContain(to.slice(1));
  });

  it('a channel rate limit (63018) is transient, nothing went out, and the retry succeeds', async () => {
    const m = message('+358400063018');
    const err = await sendError(m);
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: '63018', mayHaveBeenSent: false });
    await expect(adapter.send(m)).resolves.toMatchObject({ status: 'queued' });
  });

  it('a 500 is transient (it may have gone out) and the retry succeeds; a 429 is transient and did not', async () => {
    const m = message('+358400000003');
    const err = await sendError(m);
    expect(err).toBeInstanceOf(TransientChannelError);
    expect(err).toMatchObject({ code: '20500', mayHaveBeenSent: true });
    const retry = await adapter.send(m);
    expect(storedFor(retry.providerId)).toMatchObject({ kind: 'template' });

    const limited = message('+358400000005', { conversationOpen: true });
    expect(await sendError(limited)).toMatchObject({ code: '20429', mayHaveBeenSent: false });
    await expect(adapter.send(limited)).resolves.toMatchObject({ status: 'queued' });
  });

  it('maps ErrorCodes of failed status callbacks to what they say about the contact point', () => {
    expect(['63003', '63024', '21211'].map(whatsappContactPointEffect)).toEqual(['invalid', 'invalid', 'invalid']);
    expect(['63014', 21610].map(whatsappContactPointEffect)).toEqual(['opted-out', 'opted-out']);
    expect(['63016', '63032', '63049', '30003', '', null, undefined, 'x'].map(whatsappContactPointEffect)).toEqual([null, null, null, null, null, null, null, null]);
  });
});

describe('twilio whatsapp status callbacks', () => {
  it('posts signed callbacks queued → sent → delivered → read, and read is a status we store', async () => {
    const m = message('+358401234580');
    const result = await adapter.send(m);
    const steps = ['queued', 'sent', 'delivered', 'read'];
    const callbacks = await Promise.all(steps.map((s) => receiver.waitFor(m.messageId, s)));
    for (const cb of callbacks) {
      expect(cb.url).toBe(m.statusCallbackUrl);
      expect(twilio.validateRequest(AUTH_TOKEN, cb.signature, cb.url, cb.params)).toBe(true);
      expect(twilio.validateRequest('another-token', cb.signature, cb.url, cb.params)).toBe(false);
      expect(cb.params).toMatchObject({ MessageSid: result.providerId, AccountSid: ACCOUNT_SID, To: 'whatsapp:+358401234580', From: FROM, ChannelPrefix: 'whatsapp' });
      expect(cb.params.ErrorCode).toBeUndefined();
    }
    const order = callbacks.map((cb) => receiver.received.indexOf(cb));
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const read = callbacks[3];
    expect(twilio.validateRequest(AUTH_TOKEN, read?.signature ?? '', read?.url ?? '', { ...read?.params, MessageStatus: 'delivered' })).toBe(false);
    expect(mapTwilioStatus(read?.params.MessageStatus ?? '')).toBe('read');
    expect((await client.messages(result.providerId).fetch()).status).toBe('read');
  });

  it('reports a refusal after acceptance as a signed failed callback with its ErrorCode', async () => {
    const m = message('+358400163024');
    const result = await adapter.send(m);
    expect(result.status).toBe('queued');
    const failed = await receiver.waitFor(m.messageId, 'failed');
    expect(twilio.validateRequest(AUTH_TOKEN, failed.signature, failed.url, failed.params)).toBe(true);
    expect(failed.params.ErrorCode).toBe('63024');
    expect(mapTwilioStatus(failed.params.MessageStatus ?? '')).toBe('failed');
    expect(whatsappContactPointEffect(failed.params.ErrorCode)).toBe('invalid');
    expect(receiver.received.some((c) => c.url === m.statusCallbackUrl && c.params.MessageStatus === 'delivered')).toBe(false);
  });
});

describe('twilio whatsapp findSent', () => {
  it('finds a free-form send by its text and a template send by its filled-in approved text', async () => {
    const before = new Date();
    const to = '+358401234590';
    const free = await adapter.send(message(to, { conversationOpen: true }));
    const template = await adapter.send(message(to));
    const lookup: WhatsappSentLookup = { to, body: rendered.body, sentAfter: before };

    expect((await adapter.findSent(lookup)).map((f) => f.providerId)).toEqual([free.providerId]);
    const both = await adapter.findSent({ ...lookup, parts: rendered.parts });
    expect(both.map((f) => f.providerId)).toEqual([template.providerId, free.providerId]);

    expect(await adapter.findSent({ ...lookup, to: '+358401234591', parts: rendered.parts })).toEqual([]);
    expect(await adapter.findSent({ ...lookup, sentAfter: new Date(Date.now() + 60_000), parts: rendered.parts })).toEqual([]);
    // Without the approved texts a template send cannot be told apart: only the free-form one is found.
    const blind = createTwilioWhatsappAdapter({ client, from: FROM });
    expect((await blind.findSent({ ...lookup, parts: rendered.parts })).map((f) => f.providerId)).toEqual([free.providerId]);
  });
});

describe('twilio stand-in for whatsapp', () => {
  it('lists messages with their kind over HTTP and counts them in its stats', async () => {
    const fresh = await startTwilioStandin({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, callbacks: false });
    try {
      const a = createTwilioWhatsappAdapter({ client: createTwilioClient({ accountSid: ACCOUNT_SID, authToken: AUTH_TOKEN, apiUrl: fresh.url }), from: FROM });
      await a.send(message('+358401234600'));
      await a.send(message('+358401234601', { conversationOpen: true }));
      const listed = (await (await fetch(`${fresh.url}/__standin/messages`)).json()) as { messages: Array<{ kind: string; channel: string; body: string }> };
      expect(listed.messages.map((x) => [x.channel, x.kind])).toEqual([['whatsapp', 'template'], ['whatsapp', 'free-form']]);
      // Without configured templates the stand-in cannot fill one in: like Twilio behind a messaging service, the body is empty.
      expect(listed.messages[0]?.body).toBe('');
      const stats = (await (await fetch(`${fresh.url}/__standin/stats`)).json()) as unknown;
      expect(stats).toMatchObject({ accepted: 2, whatsapp: { freeForm: 1, template: 1 } });
      await fetch(`${fresh.url}/__standin/reset`, { method: 'POST' });
      expect(fresh.stats().whatsapp).toEqual({ freeForm: 0, template: 0 });
    } finally {
      await fresh.close();
    }
  });

  it('whatsappAddress prefixes once', () => {
    expect(whatsappAddress('+358401234567')).toBe('whatsapp:+358401234567');
    expect(whatsappAddress('whatsapp:+358401234567')).toBe('whatsapp:+358401234567');
  });
});
