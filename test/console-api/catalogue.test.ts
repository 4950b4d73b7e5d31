import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import type { Channel } from '../../src/domain/case-event.ts';
import { loadCatalogue } from '../../src/rendering/catalogue.ts';
import { contractFixtures } from '../../src/rendering/sample-events.ts';
import { renderSamples, versionPreviewSample } from '../../src/rendering/template-preview.ts';

// The console's catalogue API through the real app: the listing, and live previews of unsaved
// text (located problems, samples, SMS encoding and segments, WhatsApp, letters), including text
// written to break out of the template sandbox.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const shipped = (file: string) => readFile(path.join(ROOT, 'templates', file), 'utf8');

let h: Harness;
let auth: Record<string, string>;

beforeAll(async () => {
  h = await createHarness();
  auth = { authorization: `Bearer ${h.apiKey}` };
});
afterAll(async () => {
  await h.close();
});

const preview = (key: string, body: object, headers = auth) =>
  h.app.inject({ method: 'POST', url: `/v1/templates/${key}/preview`, headers: { ...headers, 'content-type': 'application/json' }, payload: body });

interface Sample {
  sample: string;
  country: string;
  parts: Record<string, string>;
  error?: string;
  sms?: { encoding: string; segments: number; characters: number; budget: number; warnings: string[]; transliteration?: Record<string, unknown> };
  whatsapp?: { freeText: string; template: { contentSid: string; body: string } | null };
  letterPage?: string;
}
interface Preview {
  problems: Array<{ part: string | null; line: number | null; problem: string }>;
  samples: Sample[];
}

describe('GET /v1/templates', () => {
  it('lists every template with its channels and, per channel and language, the active and newest versions', async () => {
    const res = await h.app.inject({ url: '/v1/templates', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.languages).toEqual(['pl', 'fi', 'it', 'nl']);
    expect(body.channels).toEqual(['sms', 'whatsapp', 'email', 'letter']);
    const opened = body.templates.find((t: { template: string }) => t.template === 'case-opened');
    expect(opened).toMatchObject({ description: expect.stringContaining('First notice'), channels: ['sms', 'whatsapp', 'email', 'letter'], readsRestricted: false });
    expect(opened.entries).toHaveLength(16);
    expect(opened.entries[0]).toEqual({
      channel: 'sms',
      locale: 'pl',
      active: { id: expect.any(String), number: 1 },
      latest: { id: expect.any(String), number: 1, status: 'approved', author: 'catalogue', createdAt: expect.any(String) },
      awaitingReview: 0,
    });
    expect(body.templates.find((t: { template: string }) => t.template === 'contact-request').readsRestricted).toBe(true);
  });

  it('counts the versions awaiting review and shows the newest next to the active one', async () => {
    const body = await shipped('sms/payment-due.nl.hbs');
    const created = await h.app.inject({ method: 'POST', url: '/v1/templates/payment-due/sms/nl/versions', headers: auth, payload: { parts: { body: `${body} ` } } });
    expect(created.statusCode).toBe(201);
    expect((await h.app.inject({ method: 'POST', url: `/v1/template-versions/${created.json().id}/submit`, headers: auth })).statusCode).toBe(200);
    const list = (await h.app.inject({ url: '/v1/templates', headers: auth })).json();
    const entry = list.templates.find((t: { template: string }) => t.template === 'payment-due').entries.find((e: { channel: string; locale: string }) => e.channel === 'sms' && e.locale === 'nl');
    expect(entry).toMatchObject({ active: { number: 1 }, latest: { number: 2, status: 'submitted', author: 'tests' }, awaitingReview: 1 });
  });

  it('answers 401 without a key', async () => {
    const res = await h.app.inject({ url: '/v1/templates' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});

describe('POST /v1/templates/:template/:channel/:locale/preview', () => {
  it('renders shipped text with every country’s sample and finds no problem', async () => {
    const res = await preview('payment-due/sms/fi', { parts: { body: await shipped('sms/payment-due.fi.hbs') } });
    expect(res.statusCode).toBe(200);
    const body = res.json<Preview>();
    expect(body.problems).toEqual([]);
    expect(body.samples.map((s) => s.country)).toEqual(['FI', 'IT', 'NL', 'PL']);
    for (const s of body.samples) {
      expect(s.parts.body).toContain('Hei');
      expect(s.sms).toMatchObject({ budget: 2, encoding: expect.stringMatching(/^(GSM-7|UCS-2)$/), segments: expect.any(Number) });
      expect(s.sms?.characters).toBe([...(s.parts.body ?? '')].length);
    }
  });

  it('renders one sample when asked', async () => {
    const res = await preview('payment-due/sms/fi', { parts: { body: await shipped('sms/payment-due.fi.hbs') }, sample: 'NL' });
    expect(res.json<Preview>().samples.map((s) => s.sample)).toEqual(['nl-plan-agreed']);
  });

  it('counts GSM-7 segments: 160 characters fit one, 161 need two (153 each)', async () => {
    const one = (await preview('payment-due/sms/fi', { parts: { body: 'A'.repeat(160) }, sample: 'FI' })).json<Preview>().samples[0]?.sms;
    expect(one).toMatchObject({ encoding: 'GSM-7', segments: 1, characters: 160, warnings: [] });
    const two = (await preview('payment-due/sms/fi', { parts: { body: 'A'.repeat(161) }, sample: 'FI' })).json<Preview>().samples[0]?.sms;
    expect(two).toMatchObject({ encoding: 'GSM-7', segments: 2, characters: 161 });
    expect(two?.warnings).toEqual([expect.stringContaining('2 segments, billed as 2 messages')]);
    const four = (await preview('payment-due/sms/fi', { parts: { body: 'A'.repeat(153 * 3 + 1) }, sample: 'FI' })).json<Preview>().samples[0]?.sms;
    expect(four?.segments).toBe(4);
    expect(four?.warnings[0]).toBe("4 segments: over this template's budget of 2");
  });

  it('counts UCS-2 segments (70, then 67 each) and names the characters that force UCS-2', async () => {
    const one = (await preview('payment-due/sms/pl', { parts: { body: `ł${'a'.repeat(69)}` }, sample: 'PL' })).json<Preview>().samples[0]?.sms;
    expect(one).toMatchObject({ encoding: 'UCS-2', segments: 1, characters: 70, budget: 3 });
    expect(one?.warnings).toEqual(['UCS-2 because of "ł": a message holds 70 characters instead of 160']);
    const two = (await preview('payment-due/sms/pl', { parts: { body: `Zapłać ${'a'.repeat(60)} ść 😀` }, sample: 'PL' })).json<Preview>().samples[0]?.sms;
    expect(two).toMatchObject({ encoding: 'UCS-2', segments: 2 });
    expect(two?.warnings[0]).toBe('UCS-2 because of "ł", "ć", "ś", "😀": a message holds 70 characters instead of 160');
    // What transliteration (off for PL) would save: ł ć ś have plain forms, the emoji keeps it UCS-2.
    expect(two?.transliteration).toMatchObject({ applied: false, changes: { ł: 1, ć: 2, ś: 1 }, becomesGsm7: false });
  });

  it('locates problems: a parse error on line 3 is line 3 of its part', async () => {
    const res = await preview('payment-due/sms/fi', { parts: { body: 'Hei {{case.reference}}\nrivi kaksi\nviite {{case.reference}\n{{t "optOut"}}' } });
    expect(res.statusCode).toBe(200);
    const body = res.json<Preview>();
    expect(body.problems).toEqual([{ part: 'body', line: 3, problem: expect.stringMatching(/^does not compile: parse error on line 3/) }]);
    expect(body.samples).toEqual([]);
    // A block closed by the wrong name is placed where it opens (Handlebars' own compile error).
    const block = await preview('payment-due/sms/fi', { parts: { body: 'Hei\nrivi kaksi\n{{#if case.id}}\n{{t "optOut"}}\n{{/each}}' } });
    expect(block.json<Preview>().problems).toEqual([{ part: 'body', line: 3, problem: "does not compile: if doesn't match each - 3:3" }]);
  });

  it('locates an undeclared variable on the first line reading it, and a missing {{t}} key on no line', async () => {
    const parts = {
      subject: 'Maksu {{case.reference}}',
      html: '<p>Hei</p>\n<p>{{case.reference}}</p>\n<p>{{debtor.secretScore}}</p>\n<p>{{debtor.secretScore}}</p>\n{{t "optOut"}}',
      text: 'Hei {{case.reference}} {{t "optOut"}} {{t "contactPerson" phone=sender.phone hours=sender.hours email=sender.email}}',
    };
    const body = (await preview('payment-due/email/fi', { parts, sample: 'FI' })).json<Preview>();
    expect(body.problems).toContainEqual({ part: 'html', line: 3, problem: 'reads "debtor.secretScore", which the catalogue does not declare' });
    expect(body.problems).toContainEqual({ part: 'html', line: null, problem: 'does not use {{t "contactPerson"}}' });
  });

  it('answers 404 for a template, channel or language the catalogue lacks, and 400 for wrong parts or fields', async () => {
    expect((await preview('no-such/sms/fi', { parts: { body: 'x' } })).statusCode).toBe(404);
    expect((await preview('opt-out-confirmation/letter/fi', { parts: { html: 'x' } })).statusCode).toBe(404);
    expect((await preview('payment-due/sms/de', { parts: { body: 'x' } })).statusCode).toBe(404);
    const wrongParts = await preview('payment-due/email/fi', { parts: { body: 'x' } });
    expect(wrongParts.statusCode).toBe(400);
    expect(wrongParts.json()).toMatchObject({ type: expect.stringContaining('template-parts') });
    expect((await preview('payment-due/sms/fi', { parts: { body: 'x' }, sample: 'DE' })).statusCode).toBe(400);
    expect((await preview('payment-due/sms/fi', { parts: { body: 'x' }, extra: 1 })).statusCode).toBe(400);
    expect((await preview('payment-due/sms/fi', { parts: { body: 'x'.repeat(20_001) } })).statusCode).toBe(400);
    expect((await preview('payment-due/sms/fi', { parts: { body: 'x' } }, {})).statusCode).toBe(401);
  });

  it('runs no code from a template: prototype paths are refused, script tags come back as text', async () => {
    const g = globalThis as Record<string, unknown>;
    delete g.__consolePwned;
    const escape = await preview('payment-due/sms/fi', {
      parts: { body: 'Hei\n\n{{constructor.constructor "globalThis.__consolePwned = 1; return process"}}\n{{#with (lookup this "constructor")}}{{/with}}{{t "optOut"}}' },
    });
    expect(escape.statusCode).toBe(200);
    const refused = escape.json<Preview>();
    expect(refused.problems[0]).toMatchObject({ part: 'body', line: 3, problem: expect.stringContaining('is not allowed') });
    expect(refused.samples).toEqual([]);

    const script = '<script>globalThis.__consolePwned = 1</script><img src=x onerror="globalThis.__consolePwned=1">';
    const email = await preview('payment-due/email/fi', {
      parts: { subject: 'Hei {{case.reference}}', html: `<p>Hei {{debtor.name.given}}</p>\n${script}\n{{t "optOut"}}`, text: 'Hei {{t "optOut"}}' },
      sample: 'FI',
    });
    expect(email.statusCode).toBe(200);
    const html = email.json<Preview>().samples[0]?.parts.html ?? '';
    expect(html).toContain(script);
    expect(html).toContain('<p>Hei Aino</p>');
    expect(g.__consolePwned).toBeUndefined();
  });

  it('escapes values in HTML parts: a debtor’s name cannot inject markup', async () => {
    const res = await preview('payment-due/email/fi', {
      parts: { subject: 'Hei', html: '<p>{{debtor.name.given}} {{case.creditor.name}}</p>{{t "optOut"}}', text: 'Hei {{t "optOut"}}' },
      sample: 'NL',
    });
    const sample = res.json<Preview>().samples[0];
    expect(sample?.parts.html).toMatch(/^<p>Sanne Zorgverzekeraar Voorbeeld N\.V\.<\/p>/);
  });

  it('shows WhatsApp’s free text and the approved template that goes outside the 24-hour window, filled in', async () => {
    const res = await preview('case-opened/whatsapp/pl', { parts: { body: await shipped('whatsapp/case-opened.pl.hbs') }, sample: 'PL' });
    const s = res.json<Preview>().samples[0];
    expect(s?.whatsapp?.freeText).toBe(s?.parts.body);
    expect(s?.whatsapp?.template?.contentSid).toMatch(/^HX[0-9a-f]{32}$/);
    expect(s?.whatsapp?.template?.body).toContain('KR/2026/000123');
    expect(s?.whatsapp?.template?.body).not.toMatch(/\{\{\d+\}\}/);
  });

  it('shows a letter on its A4 page, with the address in the window and the payment slip', async () => {
    const res = await preview('case-opened/letter/fi', { parts: { html: await shipped('letter/case-opened.fi.html.hbs') }, sample: 'FI' });
    expect(res.statusCode).toBe(200);
    const s = res.json<Preview>().samples[0];
    expect(s?.letterPage).toMatch(/^<!doctype html>/);
    expect(s?.letterPage).toContain('Hämeenkatu 12 B 7');
    expect(s?.letterPage).toContain('Maksutiedot');
    expect(s?.parts.html).toBeTruthy();
  });
});

describe('the shared sample rendering', () => {
  it('gives what the stored version preview gives, so that route can call it', async () => {
    const catalogue = await loadCatalogue({ templatesDir: path.join(ROOT, 'templates'), localesDir: path.join(ROOT, 'locales') });
    const fixtures = await contractFixtures();
    for (const [template, channel, locale] of [['payment-due', 'sms', 'pl'], ['case-opened', 'letter', 'nl'], ['payment-due', 'email', 'it']] as Array<[string, Channel, string]>) {
      const { versions } = (await h.app.inject({ url: `/v1/templates/${template}/${channel}/${locale}/versions`, headers: auth })).json();
      const v = versions[versions.length - 1];
      const viaRoute = (await h.app.inject({ url: `/v1/template-versions/${v.id}/preview`, headers: auth })).json();
      const compiled = catalogue.compileParts(template, channel, locale, v.parts, `version ${v.id}`);
      const shared = renderSamples(catalogue, { template, channel, locale }, compiled.parts, `v${v.id}`, fixtures).map((s) => versionPreviewSample(s, channel));
      expect(JSON.parse(JSON.stringify(shared))).toEqual(viaRoute.samples);
    }
  });
});
