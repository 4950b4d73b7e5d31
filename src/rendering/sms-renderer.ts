// Renders SMS bodies from the shipped template catalogue (templates/sms/<template>.<lang>.hbs) and the i18next
// resources (locales/<lang>/sms.json). Everything is read and compiled once, at creation; rendering is synchronous.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18n, type Resource } from 'i18next';
import type { CaseEvent } from '../domain/case-event.ts';
import { TemplateError } from '../errors.ts';
import { compileTemplate, type CompiledTemplate, type RenderSettings, type Translate } from './handlebars-env.ts';
import { toSmsText } from './format.ts';
import { segmentSms } from './sms-segments.ts';

export const SMS_TEMPLATE_NAMES = [
  'case-opened',
  'payment-due',
  'payment-missed',
  'plan-agreed',
  'payment-received',
  'case-closed',
] as const;
export type SmsTemplateName = (typeof SMS_TEMPLATE_NAMES)[number];

export const SMS_LANGUAGES = ['pl', 'fi', 'it', 'nl'] as const;
export type SmsLanguage = (typeof SMS_LANGUAGES)[number];

export interface RenderedSms {
  body: string;
  encoding: 'GSM-7' | 'UCS-2';
  segments: number;
  template: SmsTemplateName;
  locale: SmsLanguage;
  templateVersion: string;
}

export interface SmsRenderer {
  renderSms(template: SmsTemplateName, event: CaseEvent): RenderedSms;
  supportsLocale(locale: string): boolean;
}

const INTL_LOCALE: Record<SmsLanguage, string> = { pl: 'pl-PL', fi: 'fi-FI', it: 'it-IT', nl: 'nl-NL' };
const LANGUAGE_OF_COUNTRY: Readonly<Record<string, SmsLanguage>> = { PL: 'pl', FI: 'fi', IT: 'it', NL: 'nl' };
/** Locale files loaded besides the SMS languages (en: for operators in the console). */
const EXTRA_LOCALES = ['en'] as const;

/** Control characters other than \n, line/paragraph separators and bidi overrides/isolates. */
const FORBIDDEN_CHARS = /[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

/** i18next options a template must not set through {{t ... key=value}}. */
const RESERVED_T_OPTIONS = new Set([
  'lng', 'lngs', 'ns', 'defaultValue', 'fallbackLng', 'keySeparator', 'nsSeparator', 'returnObjects',
  'returnDetails', 'joinArrays', 'postProcess', 'interpolation', 'skipInterpolation', 'replace', 'ordinal',
]);

const TEMPLATE_FILE = /^([a-z][a-z-]*)\.([a-z]{2})\.hbs$/;

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface LoadedTemplate {
  compiled: CompiledTemplate;
  version: string;
}

function isTemplateName(name: string): name is SmsTemplateName {
  return (SMS_TEMPLATE_NAMES as readonly string[]).includes(name);
}

function isSmsLanguage(lang: string | undefined): lang is SmsLanguage {
  return lang !== undefined && (SMS_LANGUAGES as readonly string[]).includes(lang);
}

function languageOf(locale: string): string | undefined {
  return locale.split(/[-_]/)[0]?.toLowerCase();
}

function isMissingFile(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

/** A plain, prototype-less copy holding only the given keys (absent optional values become null). */
function pick(source: object | undefined, keys: readonly string[]): Record<string, unknown> | null {
  if (source === undefined || source === null) return null;
  const out: Record<string, unknown> = Object.create(null);
  for (const key of keys) out[key] = (source as Record<string, unknown>)[key] ?? null;
  return out;
}

function obj(entries: Record<string, unknown>): Record<string, unknown> {
  return Object.assign(Object.create(null) as Record<string, unknown>, entries);
}

/** What templates see: the event's case, the debtor's name, the event data, and the amount/date that is due. */
function buildContext(event: CaseEvent): Record<string, unknown> {
  const c = event.case;
  const { instalment, plan, payment } = event.data;
  return obj({
    case: obj({
      id: c.id,
      reference: c.reference,
      creditor: obj({ id: c.creditor.id, name: c.creditor.name }),
      country: c.country,
      currency: c.currency,
      balance: pick(c.balance, ['principal', 'interest', 'fees', 'total']),
      dueDate: c.dueDate,
      payment: pick(c.payment, ['iban', 'reference']),
    }),
    debtor: obj({ name: pick(event.debtor.name, ['given', 'family']), locale: event.debtor.locale }),
    data: obj({
      instalment: pick(instalment, ['number', 'amount', 'dueDate']),
      plan: pick(plan, ['instalments', 'amount', 'firstDueDate', 'frequency']),
      payment: pick(payment, ['amount', 'receivedOn']),
    }),
    // payment-due / payment-missed: the instalment when the event names one, else the whole balance.
    due: instalment
      ? obj({ amount: instalment.amount, date: instalment.dueDate, instalmentNumber: instalment.number })
      : obj({ amount: c.balance.total, date: c.dueDate, instalmentNumber: null }),
  });
}

async function loadTemplates(dir: string): Promise<Map<string, LoadedTemplate>> {
  let files: string[];
  try {
    files = (await readdir(dir)).sort();
  } catch (err) {
    throw new TemplateError(`SMS templates directory cannot be read: ${dir}`, { cause: err });
  }
  const templates = new Map<string, LoadedTemplate>();
  for (const file of files) {
    if (!file.endsWith('.hbs')) continue;
    const m = TEMPLATE_FILE.exec(file);
    const name = m?.[1];
    const lang = m?.[2];
    if (!name || !isTemplateName(name) || !isSmsLanguage(lang)) {
      throw new TemplateError(`unexpected SMS template file ${file}: expected <template>.<pl|fi|it|nl>.hbs`);
    }
    const source = await readFile(path.join(dir, file), 'utf8');
    templates.set(`${name}.${lang}`, {
      compiled: compileTemplate(name, 'sms', lang, source),
      version: createHash('sha256').update(source).digest('hex').slice(0, 12),
    });
  }
  return templates;
}

async function loadLocales(dir: string, langs: readonly string[]): Promise<Resource> {
  const resources: Resource = {};
  for (const lang of langs) {
    const file = path.join(dir, lang, 'sms.json');
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if (isMissingFile(err) && !isSmsLanguage(lang)) continue;
      throw new TemplateError(`locale file cannot be read: ${file}`, { cause: err });
    }
    try {
      resources[lang] = { sms: JSON.parse(text) as Record<string, string> };
    } catch (err) {
      throw new TemplateError(`locale file is not valid JSON: ${file}`, { cause: err });
    }
  }
  return resources;
}

async function createI18n(resources: Resource): Promise<I18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: 'en',
    fallbackLng: false,
    ns: ['sms'],
    defaultNS: 'sms',
    initAsync: false,
    returnNull: false,
    returnEmptyString: false,
    interpolation: { escapeValue: false },
    missingInterpolationHandler: (_text: string, value: unknown) => {
      const name = Array.isArray(value) ? String(value[1] ?? value[0]) : 'value';
      throw new TemplateError(`t: interpolation value "${name}" is missing`);
    },
  });
  return instance;
}

function translator(i18n: I18n, lng: string): Translate {
  return (key, values) => {
    for (const name of Object.keys(values)) {
      if (RESERVED_T_OPTIONS.has(name)) throw new TemplateError(`t: option "${name}" cannot be set from a template`);
    }
    const options = { ...values, lng, ns: 'sms' };
    if (!i18n.exists(key, options)) throw new TemplateError(`t: no text "${key}" for language ${lng}`);
    const text: unknown = (i18n.t as (k: string, o: object) => unknown)(key, options);
    if (typeof text !== 'string') throw new TemplateError(`t: text "${key}" for language ${lng} is not a string`);
    return text;
  };
}

export async function createSmsRenderer(opts: { templatesDir?: string; localesDir?: string } = {}): Promise<SmsRenderer> {
  const templatesDir = opts.templatesDir ?? path.join(repoRoot, 'templates', 'sms');
  const localesDir = opts.localesDir ?? path.join(repoRoot, 'locales');

  const templates = await loadTemplates(templatesDir);
  const languages = new Set(SMS_LANGUAGES.filter((lang) => SMS_TEMPLATE_NAMES.some((t) => templates.has(`${t}.${lang}`))));
  const i18n = await createI18n(await loadLocales(localesDir, [...languages, ...EXTRA_LOCALES]));
  const translators = new Map<SmsLanguage, Translate>([...languages].map((lang) => [lang, translator(i18n, lang)]));

  function resolveLanguage(event: CaseEvent): SmsLanguage {
    const fromLocale = languageOf(event.debtor.locale);
    if (isSmsLanguage(fromLocale) && languages.has(fromLocale)) return fromLocale;
    const fromCountry = LANGUAGE_OF_COUNTRY[event.case.country];
    if (fromCountry && languages.has(fromCountry)) return fromCountry;
    throw new TemplateError(`no SMS language for debtor locale ${event.debtor.locale} or case country ${event.case.country}`);
  }

  return {
    supportsLocale(locale) {
      const lang = languageOf(locale);
      return isSmsLanguage(lang) && languages.has(lang);
    },

    renderSms(template, event) {
      if (!isTemplateName(template)) throw new TemplateError(`unknown SMS template "${String(template)}"`);
      const lang = resolveLanguage(event);
      const loaded = templates.get(`${template}.${lang}`);
      const translate = translators.get(lang);
      if (!loaded || !translate) throw new TemplateError(`no SMS template "${template}" in language ${lang}`);
      if (template === 'plan-agreed' && !event.data.plan) throw new TemplateError('plan-agreed needs event.data.plan');

      const settings: RenderSettings = Object.freeze({
        lang,
        intlLocale: INTL_LOCALE[lang],
        channel: 'sms',
        currency: event.case.currency,
        translate,
      });
      const raw = loaded.compiled.render(buildContext(event), settings);
      if (FORBIDDEN_CHARS.test(raw)) {
        throw new TemplateError(`SMS ${template}.${lang} rendered a control character`);
      }
      const body = toSmsText(raw).replace(/ +\n/g, '\n').trim();
      if (body.length === 0) throw new TemplateError(`SMS ${template}.${lang} rendered empty`);
      const { encoding, segments } = segmentSms(body);
      return { body, encoding, segments, template, locale: lang, templateVersion: loaded.version };
    },
  };
}
