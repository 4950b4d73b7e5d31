// Locale-aware formatting through Intl (CLDR data shipped with Node).
// Amounts arrive as decimal strings and are handed to Intl as strings: no float arithmetic anywhere.
// Dates arrive as YYYY-MM-DD and are formatted as calendar dates in UTC, so no time-zone can shift the day.

import { TemplateError } from '../errors.ts';

const DECIMAL = /^-?\d{1,13}(\.\d{1,4})?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const CURRENCY = /^[A-Z]{3}$/;
const IBAN = /^[A-Z]{2}\d{2}[A-Z0-9]{10,30}$/;

/** How each language writes a numeric date: pl 05.11.2026, fi 5.11.2026, it 05/11/2026, nl 05-11-2026. */
const DATE_OPTIONS: Readonly<Record<string, Intl.DateTimeFormatOptions>> = {
  pl: { day: '2-digit', month: '2-digit', year: 'numeric' },
  fi: { day: 'numeric', month: 'numeric', year: 'numeric' },
  it: { day: '2-digit', month: '2-digit', year: 'numeric' },
  nl: { day: '2-digit', month: '2-digit', year: 'numeric' },
};
const DEFAULT_DATE_OPTIONS: Intl.DateTimeFormatOptions = { day: 'numeric', month: 'numeric', year: 'numeric' };

const moneyFormats = new Map<string, Intl.NumberFormat>();
const dateFormats = new Map<string, Intl.DateTimeFormat>();

function languageOf(locale: string): string {
  return locale.split('-')[0]?.toLowerCase() ?? locale;
}

export function isDecimalString(value: unknown): value is string {
  return typeof value === 'string' && DECIMAL.test(value);
}

/**
 * Money in the local way, e.g. pl-PL "1275,10 zł", fi-FI "1 275,10 €", nl-NL "€ 1.001,40".
 * Keeps the (narrow) no-break spaces Intl puts in: right for email and letters. For SMS use formatMoneySms.
 * Digits beyond the currency's minor unit are rounded half-up by Intl on the decimal value itself.
 */
export function formatMoney(amount: string, currency: string, locale: string): string {
  if (!isDecimalString(amount)) throw new TemplateError('money: amount is not a decimal string');
  if (!CURRENCY.test(currency)) throw new TemplateError('money: currency is not an ISO 4217 code');
  const key = `${locale}|${currency}`;
  let nf = moneyFormats.get(key);
  if (!nf) {
    nf = new Intl.NumberFormat(locale, { style: 'currency', currency });
    moneyFormats.set(key, nf);
  }
  // Intl.NumberFormat.prototype.format takes a decimal string as an exact decimal (ES2023 Intl.NumberFormat v3).
  return nf.format(amount as Intl.StringNumericLiteral);
}

/** formatMoney with the separators an SMS can carry in GSM-7 (plain spaces, ASCII minus). */
export function formatMoneySms(amount: string, currency: string, locale: string): string {
  return toSmsText(formatMoney(amount, currency, locale));
}

/** Replaces NBSP (U+00A0), narrow NBSP (U+202F) and figure space (U+2007) by a space and U+2212 minus by '-'. */
const SMS_UNSAFE = /[\u00A0\u202F\u2007\u2212]/g;
export function toSmsText(text: string): string {
  return text.replace(SMS_UNSAFE, (c) => (c === '\u2212' ? '-' : ' '));
}

/** A YYYY-MM-DD calendar date in the local numeric way: pl 15.11.2026, fi 15.11.2026, it 30/11/2026, nl 30-11-2026. */
export function formatDate(isoDate: string, locale: string): string {
  const m = typeof isoDate === 'string' ? ISO_DATE.exec(isoDate) : null;
  if (!m) throw new TemplateError('date: value is not a YYYY-MM-DD date');
  const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(year, month - 1, day));
  if (date.getUTCFullYear() !== year || date.getUTCMonth() !== month - 1 || date.getUTCDate() !== day) {
    throw new TemplateError('date: value is not a real calendar date');
  }
  let df = dateFormats.get(locale);
  if (!df) {
    df = new Intl.DateTimeFormat(locale, { ...(DATE_OPTIONS[languageOf(locale)] ?? DEFAULT_DATE_OPTIONS), timeZone: 'UTC' });
    dateFormats.set(locale, df);
  }
  return df.format(date);
}

/** An IBAN grouped in fours for reading: "PL61 1090 1014 0000 0712 1981 2874". */
export function formatIban(iban: string): string {
  const compact = typeof iban === 'string' ? iban.replace(/\s+/g, '').toUpperCase() : '';
  if (!IBAN.test(compact)) throw new TemplateError('iban: value is not an IBAN');
  return compact.replace(/(.{4})(?=.)/g, '$1 ');
}
