import { mkdtemp, readdir, readFile, rm, writeFile, cp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/case-event.ts';
import { TemplateError } from '../../src/errors.ts';
import { createSmsRenderer, SMS_LANGUAGES, type SmsRenderer, type SmsTemplateName } from '../../src/rendering/sms-renderer.ts';
import { segmentSms } from '../../src/rendering/sms-segments.ts';

const repoRoot = path.resolve(import.meta.dirname, '../..');
// The contract examples, copied from shared/contract so that a clone of this repository is enough.
const contractDir = path.resolve(repoRoot, 'test/fixtures/events');
const localesDir = path.join(repoRoot, 'locales');

async function loadEvent(file: string): Promise<CaseEvent> {
  return JSON.parse(await readFile(path.join(contractDir, file), 'utf8')) as CaseEvent;
}

/** A renderer over a scratch template directory holding the given plan-agreed.<lang> etc. sources. */
async function rendererWith(files: Record<string, string>): Promise<{ renderer: SmsRenderer; dir: string }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'sms-templates-'));
  for (const [name, source] of Object.entries(files)) await writeFile(path.join(dir, name), source);
  return { renderer: await createSmsRenderer({ templatesDir: dir, localesDir }), dir };
}

let renderer: SmsRenderer;
const events: Record<string, CaseEvent> = {};
const scratch: string[] = [];

beforeAll(async () => {
  renderer = await createSmsRenderer();
  for (const file of await readdir(contractDir)) {
    if (file.endsWith('.json')) events[file.replace(/\.json$/, '')] = await loadEvent(file);
  }
});

afterAll(async () => {
  for (const dir of scratch) await rm(dir, { recursive: true, force: true });
});

function event(name: string): CaseEvent {
  const e = events[name];
  if (!e) throw new Error(`contract event ${name} not found in ${contractDir}`);
  return structuredClone(e);
}

const OPT_OUT = {
  pl: 'Aby nie otrzymywać SMS, odpisz STOP.',
  fi: 'Vastaa STOP, jos et halua tekstiviestejä.',
  it: 'Per non ricevere più SMS risponda STOP.',
  nl: 'Geen sms meer? Stuur STOP.',
};

describe('the four contract events', () => {
  it('pl payment.missed: instalment amount and due date, UCS-2, at most 3 segments', () => {
    const sms = renderer.renderSms('payment-missed', event('pl-payment-missed'));
    expect(sms.locale).toBe('pl');
    expect(sms.template).toBe('payment-missed');
    expect(sms.body).toContain('raty nr 3');
    expect(sms.body).toContain('250,00 zł');
    expect(sms.body).toContain('15.11.2026');
    expect(sms.body).toContain('KR/2026/000123');
    expect(sms.body).toContain('Telco Polska S.A.');
    expect(sms.body.endsWith(OPT_OUT.pl)).toBe(true);
    expect(sms.encoding).toBe('UCS-2');
    expect(sms.segments).toBeLessThanOrEqual(3);
  });

  it('fi case.opened: total and due date, GSM-7, at most 2 segments', () => {
    const sms = renderer.renderSms('case-opened', event('fi-case-opened'));
    expect(sms.locale).toBe('fi');
    expect(sms.body).toContain('191,55 €');
    expect(sms.body).toContain('31.10.2026');
    expect(sms.body).toContain('4711-2026');
    expect(sms.body).toContain('Energia Oy');
    expect(sms.body.endsWith(OPT_OUT.fi)).toBe(true);
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.segments).toBeLessThanOrEqual(2);
  });

  it('it payment.due: instalment amount, due date and IBAN, GSM-7, at most 2 segments', () => {
    const sms = renderer.renderSms('payment-due', event('it-payment-due'));
    expect(sms.locale).toBe('it');
    expect(sms.body).toContain('rata n. 2 di 420,00 €');
    expect(sms.body).toContain('30/11/2026');
    expect(sms.body).toContain('PR-889900');
    expect(sms.body).toContain('IT60 X054 2811 1010 0000 0123 456');
    expect(sms.body).toContain('Banca Esempio S.p.A.');
    expect(sms.body.endsWith(OPT_OUT.it)).toBe(true);
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.segments).toBeLessThanOrEqual(2);
  });

  it('nl plan.agreed: instalments, amount and first due date, GSM-7, at most 2 segments', () => {
    const sms = renderer.renderSms('plan-agreed', event('nl-plan-agreed'));
    expect(sms.locale).toBe('nl');
    expect(sms.body).toContain('6 termijnen van € 166,90 per maand');
    expect(sms.body).toContain('01-12-2026');
    expect(sms.body).toContain('INC-552201');
    expect(sms.body).toContain('NL91 ABNA 0417 1643 00');
    expect(sms.body).toContain('Zorgverzekeraar Voorbeeld N.V.');
    expect(sms.body.endsWith(OPT_OUT.nl)).toBe(true);
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.segments).toBeLessThanOrEqual(2);
  });

  it('reports encoding and segments as the segment counter does, and no no-break spaces', () => {
    for (const [name, template] of [
      ['pl-payment-missed', 'payment-missed'],
      ['fi-case-opened', 'case-opened'],
      ['it-payment-due', 'payment-due'],
      ['nl-plan-agreed', 'plan-agreed'],
    ] as const) {
      const sms = renderer.renderSms(template, event(name));
      const { encoding, segments } = segmentSms(sms.body);
      expect({ encoding: sms.encoding, segments: sms.segments }).toEqual({ encoding, segments });
      expect(sms.body).not.toMatch(/[\u00a0\u202f]/);
      expect(sms.templateVersion).toMatch(/^[0-9a-f]{12}$/);
    }
  });
});

describe('every template in every language', () => {
  const withEverything = (e: CaseEvent): CaseEvent => ({
    ...e,
    data: {
      ...e.data,
      instalment: e.data.instalment ?? { number: 1, amount: '100.00', dueDate: '2026-12-15' },
      plan: e.data.plan ?? { instalments: 5, amount: '99.99', firstDueDate: '2026-12-15', frequency: 'monthly' },
      payment: { amount: '100.00', receivedOn: '2026-11-18' },
    },
  });

  // The six templates the pipeline sends today; the whole catalogue is checked in catalogue.test.ts.
  const PIPELINE_TEMPLATES = ['case-opened', 'payment-due', 'payment-missed', 'plan-agreed', 'payment-received', 'case-closed'] as const;
  it.each(PIPELINE_TEMPLATES.flatMap((t) => ['pl-payment-missed', 'fi-case-opened', 'it-payment-due', 'nl-plan-agreed'].map((e) => [t, e] as const)))(
    '%s for %s renders, signs with the creditor, carries the opt-out, stays within budget',
    (template: SmsTemplateName, name) => {
      for (const e of [event(name), withEverything(event(name))]) {
        if (template === 'plan-agreed' && !e.data.plan) continue;
        const sms = renderer.renderSms(template, e);
        expect(sms.body).toContain(e.case.creditor.name);
        expect(sms.body).toContain(e.case.reference);
        expect(sms.body.endsWith(OPT_OUT[sms.locale])).toBe(true);
        expect(sms.segments).toBeLessThanOrEqual(sms.encoding === 'UCS-2' ? 3 : 2);
        expect(sms.body).not.toMatch(/[\u0000-\u0009\u000b-\u001f]/);
      }
    },
  );

  it('payment-due falls back to the balance total and case due date without an instalment', () => {
    const e = event('it-payment-due');
    delete e.data.instalment;
    const sms = renderer.renderSms('payment-due', e);
    expect(sms.body).toContain('2511,25 €');
    expect(sms.body).toContain('30/11/2026');
    expect(sms.body).not.toContain('rata n.');
  });

  it('payment-received names the amount when the event has one, and reads well without', () => {
    const e = event('pl-payment-missed');
    expect(renderer.renderSms('payment-received', e).body).toMatch(/^Dzień dobry, dziękujemy za wpłatę w sprawie KR\/2026\/000123\./);
    e.data.payment = { amount: '250.00' };
    expect(renderer.renderSms('payment-received', e).body).toMatch(/^Dzień dobry, dziękujemy za wpłatę 250,00 zł w sprawie/);
  });
});

describe('plural forms', () => {
  it('Polish: 1 rata, 2 raty, 5 rat, 22 raty (and the monthly forms of the shipped template)', async () => {
    const { renderer: r, dir } = await rendererWith({ 'plan-agreed.pl.hbs': '{{t "instalments" count=data.plan.instalments}}' });
    scratch.push(dir);
    const forms: Record<number, string> = { 1: '1 rata', 2: 'raty', 5: '5 rat', 12: '12 rat', 22: '22 raty', 25: '25 rat' };
    for (const [n, expected] of Object.entries(forms)) {
      const e = event('pl-payment-missed');
      e.data.plan = { instalments: Number(n), amount: '100.00', firstDueDate: '2026-12-01', frequency: 'monthly' };
      expect(r.renderSms('plan-agreed', e).body).toBe(expected.includes(' ') ? expected : `${n} ${expected}`);
      const shipped = renderer.renderSms('plan-agreed', e).body;
      expect(shipped).toContain(
        { 1: '1 rata miesięczna po', 2: '2 raty miesięczne po', 5: '5 rat miesięcznych po', 12: '12 rat miesięcznych po', 22: '22 raty miesięczne po', 25: '25 rat miesięcznych po' }[n],
      );
    }
  });

  it('Finnish: partitive after numerals (1 erä, 6 erää)', () => {
    const e = event('fi-case-opened');
    e.data.plan = { instalments: 6, amount: '31.93', firstDueDate: '2026-12-01', frequency: 'monthly' };
    expect(renderer.renderSms('plan-agreed', e).body).toContain('6 kuukausierää, erän suuruus 31,93 €');
    e.data.plan = { instalments: 1, amount: '191.55', firstDueDate: '2026-12-01', frequency: 'weekly' };
    expect(renderer.renderSms('plan-agreed', e).body).toContain('1 viikkoerä,');
  });

  it('Italian and Dutch', () => {
    const it_ = event('it-payment-due');
    it_.data.plan = { instalments: 1, amount: '2511.25', firstDueDate: '2026-12-01', frequency: 'monthly' };
    expect(renderer.renderSms('plan-agreed', it_).body).toContain('1 rata mensile da 2511,25 €');
    const nl = event('nl-plan-agreed');
    nl.data.plan = { instalments: 1, amount: '1001.40', firstDueDate: '2026-12-01', frequency: 'weekly' };
    expect(renderer.renderSms('plan-agreed', nl).body).toContain('1 termijn van € 1.001,40 per week');
  });
});

describe('locale choice', () => {
  it('takes the language of the debtor locale', () => {
    const e = event('fi-case-opened');
    e.debtor.locale = 'nl';
    expect(renderer.renderSms('case-opened', e).locale).toBe('nl');
  });

  it('falls back to the language of the case country', () => {
    const e = event('fi-case-opened');
    e.debtor.locale = 'sv-FI';
    expect(renderer.renderSms('case-opened', e).locale).toBe('fi');
  });

  it('throws TemplateError when neither is supported', () => {
    const e = event('fi-case-opened');
    e.debtor.locale = 'sv-SE';
    e.case.country = 'SE';
    expect(() => renderer.renderSms('case-opened', e)).toThrow(TemplateError);
  });

  it('supportsLocale', () => {
    for (const lang of SMS_LANGUAGES) expect(renderer.supportsLocale(`${lang}-XX`)).toBe(true);
    expect(renderer.supportsLocale('pl')).toBe(true);
    expect(renderer.supportsLocale('en-GB')).toBe(false);
    expect(renderer.supportsLocale('sv-FI')).toBe(false);
  });
});

describe('failures', () => {
  it('an unknown template throws TemplateError', () => {
    expect(() => renderer.renderSms('debt-sold' as SmsTemplateName, event('fi-case-opened'))).toThrow(TemplateError);
  });

  it('plan-agreed without a plan throws TemplateError', () => {
    expect(() => renderer.renderSms('plan-agreed', event('fi-case-opened'))).toThrow(TemplateError);
  });

  it('a missing variable throws TemplateError, in a mustache, a helper argument or an #if', async () => {
    const { renderer: r, dir } = await rendererWith({
      'case-opened.fi.hbs': 'Hei {{case.nickname}}',
      'payment-due.fi.hbs': 'Hei {{money case.balance.outstanding}}',
      'payment-missed.fi.hbs': 'Hei {{#if data.promise}}x{{/if}}',
      'case-closed.fi.hbs': 'Hei {{t "noSuchKey"}}',
      'payment-received.fi.hbs': 'Hei {{t "instalments"}}',
    });
    scratch.push(dir);
    const e = event('fi-case-opened');
    for (const t of ['case-opened', 'payment-due', 'payment-missed', 'case-closed', 'payment-received'] as const) {
      expect(() => r.renderSms(t, e), t).toThrow(TemplateError);
    }
    // a template that does not exist in the chosen language
    expect(() => r.renderSms('plan-agreed', e)).toThrow(TemplateError);
  });

  it('a missing value does not leak data into the error message', async () => {
    const { renderer: r, dir } = await rendererWith({ 'case-opened.fi.hbs': '{{case.balance.total.cents}}' });
    scratch.push(dir);
    expect(() => r.renderSms('case-opened', event('fi-case-opened'))).toThrow(TemplateError);
    try {
      r.renderSms('case-opened', event('fi-case-opened'));
    } catch (err) {
      expect(String(err)).not.toContain('191.55');
    }
  });

  it.each([
    '{{constructor.constructor}}',
    '{{constructor}}',
    '{{case.__proto__}}',
    '{{#with case}}{{constructor.name}}{{/with}}',
    '{{lookup case "constructor"}}',
    '{{log case}}',
    '{{> partial}}',
    '{{@_render.translate}}',
    '{{case.toString}}',
    '{{evil "x"}}',
  ])('refuses %s when the template is loaded, before any render', async (source) => {
    await expect(rendererWith({ 'case-opened.fi.hbs': source })).rejects.toThrow(TemplateError);
  });

  it('even a prototype name reached dynamically fails instead of reaching the prototype', async () => {
    const { renderer: r, dir } = await rendererWith({ 'case-opened.fi.hbs': '{{#each case}}{{/each}}{{case}}' });
    scratch.push(dir);
    expect(() => r.renderSms('case-opened', event('fi-case-opened'))).toThrow(TemplateError);
  });

  it('rejects control characters coming from the data', () => {
    const e = event('fi-case-opened');
    e.case.creditor.name = 'Energia Oy\u0007';
    expect(() => renderer.renderSms('case-opened', e)).toThrow(TemplateError);
    e.case.creditor.name = 'Energia\u202eOy';
    expect(() => renderer.renderSms('case-opened', e)).toThrow(TemplateError);
  });

  it('does not HTML-escape SMS text', () => {
    const e = event('fi-case-opened');
    e.case.creditor.name = 'Meijeri & Co <Oy>';
    expect(renderer.renderSms('case-opened', e).body).toContain('Meijeri & Co <Oy>');
  });

  it('refuses unexpected template file names', async () => {
    await expect(rendererWith({ 'case-opened.sv.hbs': 'Hej' })).rejects.toThrow(TemplateError);
    await expect(rendererWith({ 'debt-sold.fi.hbs': 'Hei' })).rejects.toThrow(TemplateError);
  });
});

describe('template version', () => {
  it('is the first 12 hex characters of the sha256 of the template source', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'sms-templates-'));
    scratch.push(dir);
    await cp(path.join(repoRoot, 'templates', 'sms'), dir, { recursive: true });
    const { createHash } = await import('node:crypto');
    const source = await readFile(path.join(dir, 'case-opened.fi.hbs'), 'utf8');
    const r = await createSmsRenderer({ templatesDir: dir, localesDir });
    expect(r.renderSms('case-opened', event('fi-case-opened')).templateVersion).toBe(
      createHash('sha256').update(source).digest('hex').slice(0, 12),
    );
  });
});
