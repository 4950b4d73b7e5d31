import { describe, expect, it } from 'vitest';
import { TemplateError } from '../../src/errors.ts';
import { formatDate, formatIban, formatMoney, formatMoneySms, toSmsText } from '../../src/rendering/format.ts';

const NBSP = '\u00a0';

describe('formatMoney', () => {
  it.each([
    ['pl-PL', '1275.10', 'PLN', `1275,10${NBSP}zł`, '1275,10 zł'],
    ['fi-FI', '1275.10', 'EUR', `1${NBSP}275,10${NBSP}€`, '1 275,10 €'],
    ['it-IT', '2511.25', 'EUR', `2511,25${NBSP}€`, '2511,25 €'],
    ['nl-NL', '1001.40', 'EUR', `€${NBSP}1.001,40`, '€ 1.001,40'],
  ])('%s %s %s', (locale, amount, currency, full, sms) => {
    expect(formatMoney(amount, currency, locale)).toBe(full);
    expect(formatMoneySms(amount, currency, locale)).toBe(sms);
    expect(formatMoneySms(amount, currency, locale)).not.toMatch(/[\u00a0\u202f]/);
  });

  it('works on the decimal itself, not on a float', () => {
    // 1.005 as a double is 1.00499999999999989..., which would round down to 1,00
    expect(formatMoneySms('1.005', 'EUR', 'fi-FI')).toBe('1,01 €');
    expect(formatMoneySms('9999999999999.99', 'PLN', 'pl-PL')).toBe('9 999 999 999 999,99 zł');
    expect(formatMoneySms('0.1', 'EUR', 'it-IT')).toBe('0,10 €');
  });

  it('rejects what is not a decimal string', () => {
    expect(() => formatMoney('12,50', 'EUR', 'fi-FI')).toThrow(TemplateError);
    expect(() => formatMoney('1e3', 'EUR', 'fi-FI')).toThrow(TemplateError);
    expect(() => formatMoney(12.5 as unknown as string, 'EUR', 'fi-FI')).toThrow(TemplateError);
    expect(() => formatMoney('12.50', 'euro', 'fi-FI')).toThrow(TemplateError);
  });
});

describe('toSmsText', () => {
  it('turns no-break spaces into spaces and the minus sign into a hyphen', () => {
    expect(toSmsText(`a${NBSP}b\u202fc\u2212d`)).toBe('a b c-d');
  });
});

describe('formatDate', () => {
  it.each([
    ['pl-PL', '2026-11-15', '15.11.2026'],
    ['fi-FI', '2026-11-15', '15.11.2026'],
    ['it-IT', '2026-11-30', '30/11/2026'],
    ['nl-NL', '2026-11-30', '30-11-2026'],
    ['pl-PL', '2026-12-01', '01.12.2026'],
    ['fi-FI', '2026-12-01', '1.12.2026'],
    ['it-IT', '2026-12-01', '01/12/2026'],
    ['nl-NL', '2026-12-01', '01-12-2026'],
  ])('%s %s -> %s', (locale, iso, expected) => {
    expect(formatDate(iso, locale)).toBe(expected);
  });

  it('never shifts the calendar day (first and last day of the year)', () => {
    expect(formatDate('2026-01-01', 'fi-FI')).toBe('1.1.2026');
    expect(formatDate('2026-12-31', 'nl-NL')).toBe('31-12-2026');
  });

  it('rejects what is not a calendar date', () => {
    expect(() => formatDate('2026-02-30', 'pl-PL')).toThrow(TemplateError);
    expect(() => formatDate('2026-11-15T00:00:00Z', 'pl-PL')).toThrow(TemplateError);
    expect(() => formatDate('15.11.2026', 'pl-PL')).toThrow(TemplateError);
  });
});

describe('formatIban', () => {
  it('groups in fours', () => {
    expect(formatIban('PL61109010140000071219812874')).toBe('PL61 1090 1014 0000 0712 1981 2874');
    expect(formatIban('FI2112345600000785')).toBe('FI21 1234 5600 0007 85');
    expect(formatIban('nl91 abna 0417 1643 00')).toBe('NL91 ABNA 0417 1643 00');
  });
  it('rejects what is not an IBAN', () => {
    expect(() => formatIban('1234')).toThrow(TemplateError);
  });
});
