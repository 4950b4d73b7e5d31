// Renders SMS bodies from the shipped template catalogue (templates/sms/<template>.<lang>.hbs) and the i18next
// resources (locales/<lang>/sms.json). Everything is read and compiled once, at creation; rendering is synchronous.

import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseEvent } from '../domain/case-event.ts';
import { TemplateError } from '../errors.ts';
import { compileTemplate, type CompiledTemplate, type RenderSettings, type Translate } from './handlebars-env.ts';
import { toSmsText } from './format.ts';
import { segmentSms } from './sms-segments.ts';
import { createI18n, loadLocales, translator } from './i18n.ts';
import { buildRenderContext, SAMPLE_ENVIRONMENT, type RenderEnvironment } from './render-context.ts';

export const SMS_TEMPLATE_NAMES = [
  'case-opened',
  'payment-due',
  'payment-missed',
  'plan-agreed',
  'instalment-reminder',
  'instalment-missed',
  'payment-received',
  'settlement-offer',
  'case-closed',
  'dispute-acknowledgement',
  'debt-advice-referral',
  'opt-out-confirmation',
  'help-reply',
  'contact-request',
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




export async function createSmsRenderer(opts: { templatesDir?: string; localesDir?: string; environment?: RenderEnvironment } = {}): Promise<SmsRenderer> {
  const environment = opts.environment ?? SAMPLE_ENVIRONMENT;
  const templatesDir = opts.templatesDir ?? path.join(repoRoot, 'templates', 'sms');
  const localesDir = opts.localesDir ?? path.join(repoRoot, 'locales');

  const templates = await loadTemplates(templatesDir);
  const languages = new Set(SMS_LANGUAGES.filter((lang) => SMS_TEMPLATE_NAMES.some((t) => templates.has(`${t}.${lang}`))));
  const i18n = await createI18n(await loadLocales(localesDir, [...languages, ...EXTRA_LOCALES]));
  const translators = new Map<SmsLanguage, Translate>([...languages].map((lang) => [lang, translator(i18n, lang, 'sms')]));

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
      const raw = loaded.compiled.render(buildRenderContext(event, environment), settings);
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
