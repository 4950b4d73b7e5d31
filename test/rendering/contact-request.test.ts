// contact-request goes to a contact point not verified as the debtor's own (or shared by two
// debtors): it may say who we are, give a reference and a number to call, and carry the opt-out
// line. No amounts, dates, creditor, debtor name or debt wording, in any language, on any channel.
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent, Channel } from '../../src/domain/case-event.ts';
import { loadCatalogue, type Catalogue } from '../../src/rendering/catalogue.ts';
import { checkCandidate, variablesOf } from '../../src/rendering/catalogue-check.ts';
import { formatDate, formatMoney, toSmsText } from '../../src/rendering/format.ts';
import { SAMPLE_ENVIRONMENT } from '../../src/rendering/render-context.ts';
import { contractFixtures } from '../../src/rendering/sample-events.ts';

const root = path.resolve(import.meta.dirname, '../..');
const CHANNELS: Channel[] = ['sms', 'whatsapp', 'email'];
const LANGUAGES = ['pl', 'fi', 'it', 'nl'] as const;
const INTL_LOCALES = ['pl-PL', 'fi-FI', 'it-IT', 'nl-NL'];

/** A decimal string however it is written: 1275.10, 1275,10, 1 275,10, 1.275,10, 1,275.10 (and 2450 for 2450.00). */
function amountPattern(decimal: string): RegExp {
  const [int = '', frac = ''] = decimal.split('.');
  const digits = int.replace(/\B(?=(\d{3})+$)/g, "[.,'\\s\\u00a0\\u202f]?");
  const fraction = frac === '00' && int.length >= 3 ? '(?:[.,]00)?' : `[.,]${frac}`;
  return new RegExp(`(?<![\\d.,])${digits}${fraction}(?!\\d)`);
}

/** A YYYY-MM-DD date as 2026-11-15, 15.11.2026, 15/11/2026, 15-11-2026 (leading zeros optional). */
function datePattern(iso: string): RegExp {
  const [y, m, d] = iso.split('-');
  const day = `0?${Number(d)}`;
  const month = `0?${Number(m)}`;
  return new RegExp(`${iso}|(?<!\\d)${day}[./-]${month}[./-]${y}`);
}

/** Words (stems) that tell a reader this is about money owed, in English and the four languages. */
const DEBT_WORDS = [
  'debt', 'payment', 'collection', 'reminder', 'overdue', 'arrears', 'creditor',
  'dług', 'zadłuż', 'należn', 'windyk', 'płat', 'spłat', 'zaległ', 'wierzyc', 'odsetk', 'przypomn', 'komornik',
  'velka', 'velko', 'perintä', 'perimi', 'maksu', 'maksa', 'muistutus', 'saatava', 'eräpäivä',
  'debit', 'pagament', 'pagare', 'recupero', 'credit', 'sollecit', 'insolut', 'scadenz', 'morosit',
  'schuld', 'betal', 'incasso', 'herinner', 'aanmaning', 'achterstand', 'vordering', 'openstaand', 'deurwaarder',
];

let catalogue: Catalogue;
let fixtures: Array<{ name: string; event: CaseEvent }>;

beforeAll(async () => {
  catalogue = await loadCatalogue({ templatesDir: path.join(root, 'templates'), localesDir: path.join(root, 'locales') });
  fixtures = await contractFixtures();
});

/** The amounts and dates an event carries: none may reach a contact-request. */
function secretsOf(event: CaseEvent): { amounts: string[]; dates: string[]; names: string[] } {
  const { balance, dueDate, creditor } = event.case;
  const { instalment, plan, payment, offer } = event.data;
  const amounts = [...Object.values(balance), instalment?.amount, plan?.amount, payment?.amount, offer?.amount];
  const dates = [dueDate, instalment?.dueDate, plan?.firstDueDate, payment?.receivedOn, offer?.validUntil];
  return {
    amounts: amounts.filter((a): a is string => typeof a === 'string' && Number(a) > 0),
    dates: dates.filter((d): d is string => typeof d === 'string'),
    names: [creditor.name, event.debtor.name.given, event.debtor.name.family],
  };
}

describe('contact-request', () => {
  it('finds amounts and dates however they are formatted (the patterns below are not vacuous)', () => {
    for (const locale of INTL_LOCALES) {
      for (const amount of ['1275.10', '191.55', '2450.00', '5.00']) {
        expect(toSmsText(formatMoney(amount, 'EUR', locale))).toMatch(amountPattern(amount));
        expect(formatMoney(amount, 'PLN', locale)).toMatch(amountPattern(amount));
      }
      expect(formatDate('2026-11-05', locale)).toMatch(datePattern('2026-11-05'));
    }
    expect('191,55 €').toMatch(amountPattern('191.55'));
    expect('+31 20 123 4567, KR/2026/000123').not.toMatch(amountPattern('1200.00'));
  });

  describe.each(['fi-case-opened', 'it-payment-due', 'nl-plan-agreed', 'pl-payment-missed'])('with %s', (name) => {
    it.each(CHANNELS)('on %s, in every language: reference and phone, and nothing about the debt', (channel) => {
      const fixture = fixtures.find((f) => f.name === name);
      if (!fixture) throw new Error(`contract fixture ${name} not found`);
      const { amounts, dates, names } = secretsOf(fixture.event);
      const own = catalogue.render('contact-request', channel, fixture.event);
      expect(own.locale).toBe(name.slice(0, 2));
      for (const lang of LANGUAGES) {
        const message = catalogue.render('contact-request', channel, { ...fixture.event, debtor: { ...fixture.event.debtor, locale: lang } });
        const where = `${channel}/contact-request.${lang} with ${name}`;
        for (const [part, text] of Object.entries(message.parts)) {
          if (part !== 'subject') {
            expect(text, `${where} ${part}`).toContain(fixture.event.case.reference);
            expect(text, `${where} ${part}`).toContain(SAMPLE_ENVIRONMENT.sender.phone);
          }
          const lower = text.toLowerCase();
          for (const amount of amounts) expect(text, `${where} ${part}: amount ${amount}`).not.toMatch(amountPattern(amount));
          for (const date of dates) expect(text, `${where} ${part}: date ${date}`).not.toMatch(datePattern(date));
          for (const n of names) expect(text, `${where} ${part}: name`).not.toMatch(new RegExp(`(?<!\\p{L})${n}(?!\\p{L})`, 'iu'));
          for (const word of DEBT_WORDS) expect(lower, `${where} ${part}: "${word}"`).not.toContain(word);
        }
      }
    });
  });

  it('keeps the SMS short: one GSM-7 segment in fi, it and nl, two UCS-2 segments in pl', () => {
    for (const fixture of fixtures) {
      for (const lang of LANGUAGES) {
        const sms = catalogue.render('contact-request', 'sms', { ...fixture.event, debtor: { ...fixture.event.debtor, locale: lang } });
        expect({ lang, encoding: sms.encoding, segments: sms.segments }).toEqual(lang === 'pl' ? { lang, encoding: 'UCS-2', segments: 2 } : { lang, encoding: 'GSM-7', segments: 1 });
      }
    }
  });

  it('fails the check when a version reads anything outside its reads list, however it reaches it', () => {
    const check = (body: string) =>
      checkCandidate(catalogue, { template: 'contact-request', channel: 'sms', lang: 'fi' }, { body }, fixtures).map((p) => p.problem).join('\n');
    expect(check('{{sender.name}} {{case.reference}} {{sender.phone}} {{t "optOut"}}')).toBe('');
    expect(check('{{case.creditor.name}} {{case.reference}} {{t "optOut"}}')).toMatch(/reads "case\.creditor\.name", which is not in the template's reads list/);
    expect(check('{{money case.balance.total}} {{t "optOut"}}')).toMatch(/reads "case\.balance\.total"/);
    expect(check('{{#if case.dueDate}}x{{/if}} {{t "optOut"}}')).toMatch(/reads "case\.dueDate"/);
    expect(check('{{@root.case.balance.total}} {{t "optOut"}}')).toMatch(/reads "case\.balance\.total"/);
    expect(check('{{#with sender}}{{../case.creditor.name}}{{/with}} {{t "optOut"}}')).toMatch(/reads "case\.creditor\.name"/);
    expect(check('{{#with this}}{{name}}{{/with}} {{t "optOut"}}')).toMatch(/reads "this"/);
    expect(check('{{#with case}}{{reference}}{{/with}} {{t "optOut"}}')).toMatch(/reads "case"/);
    expect(check('{{#with case.creditor}}{{name}}{{/with}} {{t "optOut"}}')).toMatch(/reads "case\.creditor", which is not in the template's reads list/);
  });

  it('reads only the sender, the reference and the links its reads list names', () => {
    const spec = catalogue.manifest.templates['contact-request'];
    expect(spec?.reads).toEqual(['sender.*', 'case.reference', 'links.help', 'links.optOut']);
    for (const [key, parts] of catalogue.parts) {
      if (!key.includes('/contact-request.')) continue;
      for (const part of parts.values()) {
        for (const variable of variablesOf(part.source)) expect(variable, part.file).toMatch(/^(sender\.[a-z.]+|case\.reference|links\.(help|optOut))$/);
      }
    }
    // The approved WhatsApp Content template (outside the 24-hour window) says no more than the message.
    for (const lang of LANGUAGES) {
      const entry = catalogue.contentTemplates.get(lang)?.['contact-request'] as { body: string } | undefined;
      expect(entry?.body, lang).toBeTruthy();
      for (const word of DEBT_WORDS) expect(entry?.body.toLowerCase(), `content.${lang}.yaml: "${word}"`).not.toContain(word);
    }
  });
});

describe('variablesOf', () => {
  it('follows paths back to the root from inside #each and #with, but not paths relative to the item', () => {
    expect(variablesOf('{{#each sender.address.lines}}{{this}} {{../case.reference}} {{@root.case.id}} {{@index}}{{/each}}').sort()).toEqual(
      ['case.id', 'case.reference', 'sender.address.lines'],
    );
    expect(variablesOf('{{#with sender}}{{#each address.lines}}{{../../case.id}} {{../name}}{{/each}}{{/with}} {{this.today}}').sort()).toEqual(['case.id', 'sender', 'today']);
  });
});
