import { randomBytes } from 'node:crypto';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import servicesPlugin from '../../src/plugins/services.ts';
import { registerProblemHandlers } from '../../src/http/problem.ts';
import unsubscribeRoute, { multipartFields, unsubscribeUrl } from '../../src/http/unsubscribe-route.ts';
import emailEventsRoute, { messageRef } from '../../src/http/email-events-route.ts';
import { signWebhook } from '../../src/http/webhook-signature.ts';
import { messageId as deriveMessageId } from '../../src/domain/message-id.ts';

let h: Harness;
let app: FastifyInstance;
let eventsSecret: string;
const DOMAIN = 'demo-collect.example';

/** The harness's services behind an app with just these two routes (app.ts does not register them yet). */
async function buildRoutesApp(harness: Harness): Promise<FastifyInstance> {
  const a = Fastify({
    loggerInstance: harness.services.log as FastifyBaseLogger,
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: true } },
    routerOptions: { maxParamLength: 128 },
  });
  registerProblemHandlers(a);
  await a.register(servicesPlugin, { services: harness.services });
  await a.register(unsubscribeRoute);
  await a.register(emailEventsRoute);
  await a.ready();
  return a;
}

interface EmailMessage {
  id: string;
  contactPointId: string;
  messageIdHeader: string;
}

/**
 * A debtor of its own (a contract event with fresh ids, through real intake), and the email message
 * dispatch would have left after the server took it: status sent, our Message-ID as provider id.
 */
async function sentEmail(fixture: 'fi-case-opened' | 'it-payment-due' | 'nl-plan-agreed' | 'pl-payment-missed', locale: string): Promise<EmailMessage> {
  const suffix = randomBytes(4).toString('hex');
  const event = contractEvent(fixture);
  event.id = `${event.id}-${suffix}`;
  event.case.id = `${event.case.id}-${suffix}`;
  event.debtor.id = `${event.debtor.id}-${suffix}`;
  expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
  const id = deriveMessageId(event.case.id, event.id, 'email-test');
  const messageIdHeader = `<${id}@${DOMAIN}>`;
  const { rows } = await h.services.db.query<{ contact_point_id: string }>(
    `insert into messages (id, event_id, case_id, debtor_id, step, channel, contact_point_id, to_address, template, locale, body, status, provider_id, parts)
     select $1, $2, $3, $4, 'email-test', 'email', p.id, p.address, 'payment-reminder', $5, 'text', 'sent', $6, '{"subject":"s","text":"t"}'::jsonb
       from contact_points p where p.debtor_id = $4 and p.channel = 'email'
     returning contact_point_id::text`,
    [id, event.id, event.case.id, event.debtor.id, locale, messageIdHeader],
  );
  const contactPointId = rows[0]?.contact_point_id;
  if (!contactPointId) throw new Error('the fixture has no email contact point');
  return { id, contactPointId, messageIdHeader };
}

const point = async (id: string) =>
  (await h.services.db.query<{ opted_out_at: Date | null; invalid_at: Date | null; invalid_reason: string | null }>('select opted_out_at, invalid_at, invalid_reason from contact_points where id = $1', [id])).rows[0];
const messageRow = async (id: string) =>
  (await h.services.db.query<{ status: string; last_error_code: string | null }>('select status, last_error_code from messages where id = $1', [id])).rows[0];
const statusHistory = async (id: string) =>
  (await h.services.db.query<{ status: string; provider_status: string | null; error_code: string | null; source: string }>(
    'select status, provider_status, error_code, source from message_statuses where message_id = $1 order by id',
    [id],
  )).rows;

beforeAll(async () => {
  h = await createHarness({ channels: ['email'] });
  app = await buildRoutesApp(h);
  eventsSecret = h.config.email?.eventsSecret ?? '';
  expect(eventsSecret).toMatch(/^whsec_/);
});
afterAll(async () => {
  await app?.close();
  await h?.close();
});

describe('one-click unsubscribe', () => {
  const inADay = () => new Date(h.services.now().getTime() + 24 * 3600_000);
  const linkPath = (messageId: string, expires = inADay()) => {
    const url = new URL(unsubscribeUrl(h.config.publicUrl, h.config.linkSigningSecret, messageId, expires));
    return `${url.pathname}${url.search}`;
  };
  const oneClick = (url: string, payload = 'List-Unsubscribe=One-Click') =>
    app.inject({ method: 'POST', url, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload });

  it('GET shows a page in the message language with a button that POSTs, and changes nothing', async () => {
    const m = await sentEmail('nl-plan-agreed', 'nl');
    const url = linkPath(m.id);
    const res = await app.inject({ method: 'GET', url });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.body).toContain('<html lang="nl">');
    expect(res.body).toContain('Wilt u geen e-mails meer van ons ontvangen op dit adres?');
    expect(res.body).toContain(`<form method="post" action="${url.replace(/&/g, '&#38;')}">`);
    expect(res.body).toContain('<input type="hidden" name="List-Unsubscribe" value="One-Click">');
    expect(res.body).toContain('<button type="submit">Afmelden voor e-mail</button>');
    expect(res.body).not.toContain('sanne');
    // A second GET (a mail scanner, a preview) changes nothing either.
    await app.inject({ method: 'GET', url });
    expect((await point(m.contactPointId))?.opted_out_at).toBeNull();
  });

  it.each([
    ['pl-payment-missed', 'pl', 'Rezygnuję z wiadomości e-mail'],
    ['fi-case-opened', 'fi', 'Peru sähköpostiviestit'],
    ['it-payment-due', 'it', 'Disattiva le e-mail'],
  ] as const)('speaks %s', async (fixture, locale, button) => {
    const m = await sentEmail(fixture, locale);
    const res = await app.inject({ method: 'GET', url: linkPath(m.id) });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain(`<html lang="${locale}">`);
    expect(res.body).toContain(`<button type="submit">${button}</button>`);
  });

  it('POST List-Unsubscribe=One-Click records the opt-out once, without cookies or credentials', async () => {
    const m = await sentEmail('nl-plan-agreed', 'nl');
    const url = linkPath(m.id);
    const first = await oneClick(url);
    expect(first.statusCode).toBe(200);
    expect(first.body).toContain('Gelukt. U ontvangt geen e-mails meer van ons op dit adres.');
    const recorded = (await point(m.contactPointId))?.opted_out_at;
    expect(recorded).toBeInstanceOf(Date);

    const again = await oneClick(url);
    expect(again.statusCode).toBe(200);
    expect(again.body).toContain('U bent al afgemeld.');
    expect((await point(m.contactPointId))?.opted_out_at).toEqual(recorded);

    const page = await app.inject({ method: 'GET', url });
    expect(page.body).toContain('U bent al afgemeld.');
    expect(page.body).not.toContain('<form');
  });

  it('takes the RFC 8058 body as multipart/form-data too', async () => {
    const m = await sentEmail('pl-payment-missed', 'pl');
    const boundary = '----dco' + randomBytes(6).toString('hex');
    const payload = `--${boundary}\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--${boundary}--\r\n`;
    const res = await app.inject({ method: 'POST', url: linkPath(m.id), headers: { 'content-type': `multipart/form-data; boundary=${boundary}` }, payload });
    expect(res.statusCode).toBe(200);
    expect(res.body).toContain('Gotowe.');
    expect((await point(m.contactPointId))?.opted_out_at).toBeInstanceOf(Date);
  });

  it('refuses a forged, borrowed or expired signature with 403 and changes nothing', async () => {
    const m = await sentEmail('it-payment-due', 'it');
    const other = await sentEmail('fi-case-opened', 'fi');
    const good = new URL(`http://x${linkPath(m.id)}`);
    const forged = `${good.pathname}?e=${good.searchParams.get('e')}&s=${'A'.repeat(32)}`;
    const borrowed = `/v1/unsubscribe/${m.id}${new URL(`http://x${linkPath(other.id)}`).search}`;
    const expired = linkPath(m.id, new Date(h.services.now().getTime() - 60_000));
    const later = `${good.pathname}?e=${Number(good.searchParams.get('e')) + 1}&s=${good.searchParams.get('s')}`;
    for (const url of [forged, borrowed, expired, later, `/v1/unsubscribe/${m.id}`]) {
      for (const method of ['GET', 'POST'] as const) {
        const res = method === 'GET' ? await app.inject({ method, url }) : await oneClick(url);
        expect(res.statusCode, `${method} ${url}`).toBe(403);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(res.json()).toMatchObject({ status: 403, type: expect.stringContaining('unsubscribe-link-invalid') });
      }
    }
    expect((await point(m.contactPointId))?.opted_out_at).toBeNull();
  });

  it('answers 404 for a correctly signed link to a message we do not have', async () => {
    const unknown = deriveMessageId('NO-CASE', 'no-event', 'no-step');
    for (const method of ['GET', 'POST'] as const) {
      const res = method === 'GET' ? await app.inject({ method, url: linkPath(unknown) }) : await oneClick(linkPath(unknown));
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('refuses a POST without the one-click body with 400 and changes nothing', async () => {
    const m = await sentEmail('nl-plan-agreed', 'nl');
    for (const payload of ['', 'List-Unsubscribe=Yes', 'unsubscribe=1']) {
      const res = await oneClick(linkPath(m.id), payload);
      expect(res.statusCode, payload).toBe(400);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect((await point(m.contactPointId))?.opted_out_at).toBeNull();
  });
});

describe('email provider events', () => {
  const post = (body: unknown, opts: { secret?: string; raw?: string } = {}) => {
    const payload = opts.raw ?? JSON.stringify(body);
    const headers = signWebhook(opts.secret ?? eventsSecret, `msg_${randomBytes(8).toString('hex')}`, payload);
    return app.inject({ method: 'POST', url: '/v1/providers/email/events', payload, headers: { 'content-type': 'application/json', ...headers } });
  };
  const occurredAt = '2026-11-18T09:30:00Z';

  it('a hard bounce makes the message undelivered and the address invalid', async () => {
    const m = await sentEmail('nl-plan-agreed', 'nl');
    const res = await post({ type: 'bounce', bounceType: 'hard', messageId: m.messageIdHeader, occurredAt });
    expect(res.statusCode).toBe(204);
    expect(await messageRow(m.id)).toEqual({ status: 'undelivered', last_error_code: 'bounce-hard' });
    expect(await point(m.contactPointId)).toMatchObject({ invalid_at: expect.any(Date), invalid_reason: 'bounce-hard', opted_out_at: null });
    expect((await statusHistory(m.id)).at(-1)).toEqual({ status: 'undelivered', provider_status: 'bounce-hard', error_code: 'bounce-hard', source: 'provider' });
  });

  it('a soft bounce makes the message undelivered and leaves the address alone (found by our bare message id)', async () => {
    const m = await sentEmail('pl-payment-missed', 'pl');
    const res = await post({ type: 'bounce', bounceType: 'soft', messageId: m.id, occurredAt });
    expect(res.statusCode).toBe(204);
    expect(await messageRow(m.id)).toEqual({ status: 'undelivered', last_error_code: 'bounce-soft' });
    expect(await point(m.contactPointId)).toMatchObject({ invalid_at: null, opted_out_at: null });
  });

  it('a complaint is an unsubscribe: the address is opted out, the email counts as delivered', async () => {
    const m = await sentEmail('fi-case-opened', 'fi');
    const res = await post({ type: 'complaint', messageId: m.messageIdHeader.slice(1, -1), occurredAt, feedbackType: 'abuse' });
    expect(res.statusCode).toBe(204);
    expect((await point(m.contactPointId))?.opted_out_at).toBeInstanceOf(Date);
    expect((await messageRow(m.id))?.status).toBe('delivered');
    expect((await statusHistory(m.id)).at(-1)).toMatchObject({ status: 'delivered', provider_status: 'complaint', source: 'provider' });
  });

  it('a delivery report makes the message delivered, and a repeat changes nothing but the history', async () => {
    const m = await sentEmail('it-payment-due', 'it');
    expect((await post({ type: 'delivered', messageId: m.messageIdHeader, occurredAt })).statusCode).toBe(204);
    expect((await post({ type: 'delivered', messageId: m.messageIdHeader, occurredAt })).statusCode).toBe(204);
    expect(await messageRow(m.id)).toEqual({ status: 'delivered', last_error_code: null });
    expect(await point(m.contactPointId)).toMatchObject({ invalid_at: null, opted_out_at: null });
  });

  it('refuses a bad signature (401), a bad body (400) and an unknown message (404), changing nothing', async () => {
    const m = await sentEmail('nl-plan-agreed', 'nl');
    const before = { history: await statusHistory(m.id), point: await point(m.contactPointId), count: await h.count('message_statuses') };
    const bounce = { type: 'bounce', bounceType: 'hard', messageId: m.messageIdHeader, occurredAt };

    const wrongSecret = await post(bounce, { secret: `whsec_${Buffer.from('another secret, not the provider one').toString('base64')}` });
    expect(wrongSecret.statusCode).toBe(401);
    const unsigned = await app.inject({ method: 'POST', url: '/v1/providers/email/events', payload: JSON.stringify(bounce), headers: { 'content-type': 'application/json' } });
    expect(unsigned.statusCode).toBe(401);
    // Signed for other bytes than those sent.
    const headers = signWebhook(eventsSecret, 'msg_tampered', JSON.stringify({ ...bounce, type: 'delivered' }));
    const tampered = await app.inject({ method: 'POST', url: '/v1/providers/email/events', payload: JSON.stringify(bounce), headers: { 'content-type': 'application/json', ...headers } });
    expect(tampered.statusCode).toBe(401);

    for (const bad of [{ ...bounce, type: 'opened' }, { ...bounce, bounceType: 'permanent' }, { type: 'bounce', occurredAt }, { ...bounce, occurredAt: 'yesterday' }]) {
      const res = await post(bad);
      expect(res.statusCode, JSON.stringify(bad)).toBe(400);
    }
    expect((await post(undefined, { raw: '{"type":' })).statusCode).toBe(400);

    for (const unknown of [deriveMessageId('x', 'y', 'z'), `<someone-elses-id@${DOMAIN}>`, 'not an id']) {
      const res = await post({ ...bounce, messageId: unknown });
      expect(res.statusCode, unknown).toBe(404);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    }

    for (const res of [wrongSecret, unsigned, tampered]) expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(await statusHistory(m.id)).toEqual(before.history);
    expect(await point(m.contactPointId)).toEqual(before.point);
    expect(await h.count('message_statuses')).toBe(before.count);
  });
});

describe('route helpers', () => {
  it('reads multipart fields and message references', () => {
    expect(multipartFields('--b\r\nContent-Disposition: form-data; name="List-Unsubscribe"\r\n\r\nOne-Click\r\n--b--\r\n', 'multipart/form-data; boundary=b')).toEqual({ 'List-Unsubscribe': 'One-Click' });
    expect(multipartFields('x', 'multipart/form-data')).toBeNull();
    const id = `msg_${'ab'.repeat(16)}`;
    expect(messageRef(`<${id}@${DOMAIN}>`)).toEqual({ id, header: `<${id}@${DOMAIN}>` });
    expect(messageRef(`${id}@${DOMAIN}`)).toEqual({ id, header: `<${id}@${DOMAIN}>` });
    expect(messageRef(id)).toEqual({ id, header: null });
    expect(messageRef('<0100018b5c3c0a4f-1@email.amazonses.com>')).toEqual({ id: null, header: '<0100018b5c3c0a4f-1@email.amazonses.com>' });
  });
});
