// The template catalogue on every channel: templates/catalogue.yaml says which templates exist, on
// which channels, what they may read and what each country requires them to say; the files beside
// it hold the text. Everything is read and compiled once; rendering is synchronous.

import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { CHANNELS, type CaseEvent, type Channel } from '../domain/case-event.ts';
import { TemplateError } from '../errors.ts';
import { compileTemplate, type CompiledTemplate, type RenderSettings } from './handlebars-env.ts';
import { createI18n, loadLocales, translator } from './i18n.ts';
import { buildRenderContext, SAMPLE_ENVIRONMENT, type RenderEnvironment } from './render-context.ts';
import { toSmsText } from './format.ts';
import { segmentSms } from './sms-segments.ts';
import { previewTransliteration, type TransliterationPreview } from './transliteration.ts';

const LANGUAGES = ['pl', 'fi', 'it', 'nl'] as const;
const FORBIDDEN_IN_TEXT = /[\u0000-\u0008\u000B-\u001F\u007F-\u009F\u2028\u2029\u202A-\u202E\u2066-\u2069]/;

/** Staff-edited templates are untrusted input: a part may not be larger than this. */
export const MAX_PART_CHARS = 20_000;
export type Language = (typeof LANGUAGES)[number];
const INTL_LOCALE: Record<Language, string> = { pl: 'pl-PL', fi: 'fi-FI', it: 'it-IT', nl: 'nl-NL' };
export const LANGUAGE_OF_COUNTRY: Readonly<Record<string, Language>> = { PL: 'pl', FI: 'fi', IT: 'it', NL: 'nl' };

const KeysByChannel = Type.Record(Type.String(), Type.Array(Type.String()));
const Manifest = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  languages: Type.Array(Type.Enum(LANGUAGES)),
  variables: Type.Array(Type.String()),
  transliteration: Type.Optional(Type.Record(Type.String({ pattern: '^[A-Z]{2}$' }), Type.Boolean())),
  requiredKeys: KeysByChannel,
  legal: Type.Record(Type.String(), Type.Record(Type.String(), KeysByChannel)),
  templates: Type.Record(
    Type.String({ pattern: '^[a-z][a-z-]*$' }),
    Type.Object({
      description: Type.String(),
      channels: Type.Array(Type.Enum(CHANNELS)),
      segmentBudget: Type.Record(Type.String(), Type.Integer({ minimum: 1, maximum: 10 })),
      replaces: Type.Optional(Type.Record(Type.String(), Type.String())),
      /** When set, the template may read only these paths (patterns as in `variables`), on top of `variables`. */
      reads: Type.Optional(Type.Array(Type.String())),
    }),
  ),
});
export type Manifest = Static<typeof Manifest>;
const checkManifest = Compile(Manifest);

/** The files a template has on a channel; email has three parts. */
export const PARTS: Record<Channel, ReadonlyArray<{ part: string; suffix: string; format: 'text' | 'html' }>> = {
  sms: [{ part: 'body', suffix: 'hbs', format: 'text' }],
  whatsapp: [{ part: 'body', suffix: 'hbs', format: 'text' }],
  email: [
    { part: 'subject', suffix: 'subject.hbs', format: 'text' },
    { part: 'html', suffix: 'html.hbs', format: 'html' },
    { part: 'text', suffix: 'text.hbs', format: 'text' },
  ],
  letter: [{ part: 'html', suffix: 'html.hbs', format: 'html' }],
};

export const templateFile = (root: string, channel: Channel, template: string, lang: string, suffix: string): string =>
  path.join(root, channel, `${template}.${lang}.${suffix}`);

export interface LoadedPart {
  file: string;
  source: string;
  compiled: CompiledTemplate;
  format: 'text' | 'html';
}

export interface RenderedMessage {
  template: string;
  channel: Channel;
  locale: Language;
  /** Content hash of the parts' sources: what the message was rendered from. */
  version: string;
  parts: Record<string, string>;
  /** SMS only. */
  encoding?: 'GSM-7' | 'UCS-2';
  segments?: number;
  /** SMS only: what transliteration changed and saved, when the case's country has it on. */
  transliteration?: Omit<TransliterationPreview, 'text' | 'after'>;
}

/** A Twilio Content template (approved by WhatsApp) for one template and language: used outside the 24-hour window. */
export interface ContentTemplate {
  contentSid: string;
  /** Twilio's {{1}}, {{2}}… → render-context paths. */
  variables: Record<string, string>;
  body: string;
}

export interface Catalogue {
  manifest: Manifest;
  /** templates/whatsapp/content.<lang>.yaml, by language then template (unvalidated: see the checks). */
  contentTemplates: ReadonlyMap<string, Readonly<Record<string, unknown>>>;
  /** Parts that exist, by `${channel}/${template}.${lang}`; a missing file is simply absent. */
  parts: ReadonlyMap<string, ReadonlyMap<string, LoadedPart>>;
  /** Files the manifest declares that could not be loaded, with the reason. */
  problems: ReadonlyArray<{ file: string; problem: string }>;
  languageFor(event: CaseEvent): Language;
  render(template: string, channel: Channel, event: CaseEvent, environment?: RenderEnvironment): RenderedMessage;
  /** Renders given parts (a candidate version) as if they were the template's. */
  renderWith(parts: ReadonlyMap<string, LoadedPart>, version: string, template: string, channel: Channel, event: CaseEvent, environment?: RenderEnvironment): RenderedMessage;
  /** Compiles the parts of a version; compile errors come back as problems, not exceptions. */
  compileParts(template: string, channel: Channel, lang: string, sources: Readonly<Record<string, string>>, label: string): { parts: Map<string, LoadedPart>; problems: Array<{ file: string; problem: string }> };
  /** Makes stored versions the ones rendered (the active versions from the database). */
  useVersions(versions: ReadonlyArray<{ id: string; template: string; channel: string; locale: string; parts: Record<string, string> }>): Array<{ file: string; problem: string }>;
}

function languageOf(locale: string): string | undefined {
  return locale.split(/[-_]/)[0]?.toLowerCase();
}

export async function loadCatalogue(opts: { templatesDir: string; localesDir: string }): Promise<Catalogue> {
  const raw: unknown = parse(await readFile(path.join(opts.templatesDir, 'catalogue.yaml'), 'utf8'));
  if (!checkManifest.Check(raw)) {
    const first = [...checkManifest.Errors(raw)][0];
    throw new TemplateError(`templates/catalogue.yaml is invalid at ${first?.instancePath ?? '/'}: ${first?.message ?? ''}`);
  }
  const manifest = raw;
  const i18n = await createI18n(await loadLocales(opts.localesDir, manifest.languages));
  const parts = new Map<string, Map<string, LoadedPart>>();
  const versionIds = new Map<string, string>();
  const problems: Array<{ file: string; problem: string }> = [];

  const compileParts = (template: string, channel: Channel, lang: string, sources: Readonly<Record<string, string>>, label: string) => {
    const loaded = new Map<string, LoadedPart>();
    const found: Array<{ file: string; problem: string }> = [];
    for (const { part, suffix, format } of PARTS[channel]) {
      const file = label === 'files' ? templateFile(opts.templatesDir, channel, template, lang, suffix) : `${label}:${part}`;
      const source = sources[part];
      if (source === undefined) {
        found.push({ file, problem: 'missing' });
        continue;
      }
      if (source.length > MAX_PART_CHARS) {
        found.push({ file, problem: `longer than ${MAX_PART_CHARS} characters` });
        continue;
      }
      try {
        loaded.set(part, { file, source, format, compiled: compileTemplate(`${template}.${part}`, channel, `${lang}.${label}`, source, format) });
      } catch (err) {
        found.push({ file, problem: err instanceof Error ? err.message : 'does not compile' });
      }
    }
    return { parts: loaded, problems: found };
  };

  for (const [template, spec] of Object.entries(manifest.templates)) {
    for (const channel of spec.channels) {
      for (const lang of manifest.languages) {
        const sources: Record<string, string> = {};
        for (const { part, suffix } of PARTS[channel]) {
          try {
            sources[part] = await readFile(templateFile(opts.templatesDir, channel, template, lang, suffix), 'utf8');
          } catch {
            // reported as missing by compileParts
          }
        }
        const compiled = compileParts(template, channel, lang, sources, 'files');
        problems.push(...compiled.problems);
        if (compiled.parts.size) {
          const key = `${channel}/${template}.${lang}`;
          parts.set(key, compiled.parts);
          // The shipped files are named by a hash of their text; a stored version by its id.
          const hash = createHash('sha256');
          for (const p of compiled.parts.values()) hash.update(p.source);
          versionIds.set(key, hash.digest('hex').slice(0, 12));
        }
      }
    }
  }

  const contentTemplates = new Map<string, Record<string, unknown>>();
  for (const lang of manifest.languages) {
    try {
      const parsed: unknown = parse(await readFile(path.join(opts.templatesDir, 'whatsapp', `content.${lang}.yaml`), 'utf8'));
      if (parsed && typeof parsed === 'object') contentTemplates.set(lang, parsed as Record<string, unknown>);
    } catch (err) {
      if (!(err instanceof Error && 'code' in err && err.code === 'ENOENT')) problems.push({ file: `whatsapp/content.${lang}.yaml`, problem: 'is not valid YAML' });
    }
  }

  const languages = new Set(manifest.languages);
  const translators = new Map<string, ReturnType<typeof translator>>();
  // Settings depend only on language, channel and currency: built once, shared by every render.
  const settingsCache = new Map<string, RenderSettings>();
  const settingsFor = (lang: Language, channel: Channel, currency: string): RenderSettings => {
    const key = `${lang}/${channel}/${currency}`;
    let found = settingsCache.get(key);
    if (!found) {
      found = Object.freeze({ lang, intlLocale: INTL_LOCALE[lang], channel, currency, translate: translate(lang, channel === 'sms' ? 'sms' : 'catalogue') });
      settingsCache.set(key, found);
    }
    return found;
  };
  const translate = (lang: Language, ns: 'sms' | 'catalogue') => {
    const key = `${lang}/${ns}`;
    let t = translators.get(key);
    if (!t) translators.set(key, (t = translator(i18n, lang, ns)));
    return t;
  };
  const languageFor = (event: CaseEvent): Language => {
    const fromLocale = languageOf(event.debtor.locale) as Language;
    if (languages.has(fromLocale)) return fromLocale;
    const fromCountry = LANGUAGE_OF_COUNTRY[event.case.country];
    if (fromCountry && languages.has(fromCountry)) return fromCountry;
    throw new TemplateError(`no language for debtor locale ${event.debtor.locale} or case country ${event.case.country}`);
  };

  const catalogue: Catalogue = {
    manifest,
    contentTemplates,
    parts,
    problems,
    languageFor,
    compileParts,
    useVersions(versions) {
      const found: Array<{ file: string; problem: string }> = [];
      for (const v of versions) {
        if (!(CHANNELS as readonly string[]).includes(v.channel)) continue;
        const compiled = compileParts(v.template, v.channel as Channel, v.locale, v.parts, `version ${v.id}`);
        if (compiled.problems.length) {
          found.push(...compiled.problems);
          continue;
        }
        parts.set(`${v.channel}/${v.template}.${v.locale}`, compiled.parts);
        versionIds.set(`${v.channel}/${v.template}.${v.locale}`, `v${v.id}`);
      }
      return found;
    },
    render(template, channel, event, environment = SAMPLE_ENVIRONMENT) {
      const lang = languageFor(event);
      const key = `${channel}/${template}.${lang}`;
      const loaded = parts.get(key);
      if (!loaded) throw new TemplateError(`no ${channel} template "${template}" in language ${lang}`);
      return catalogue.renderWith(loaded, versionIds.get(key) ?? '', template, channel, event, environment);
    },
    renderWith(loaded, version, template, channel, event, environment = SAMPLE_ENVIRONMENT) {
      const lang = languageFor(event);
      const expected = PARTS[channel];
      if (loaded.size !== expected.length) throw new TemplateError(`no complete ${channel} template "${template}" in language ${lang}`);
      const settings = settingsFor(lang, channel, event.case.currency);
      const context = buildRenderContext(event, environment);
      const out: Record<string, string> = {};
      for (const { part } of expected) {
        const p = loaded.get(part);
        if (!p) throw new TemplateError(`${channel} template "${template}" has no ${part} in ${lang}`);
        const text = p.compiled.render(context, settings).replace(/[ \t]+\n/g, '\n').trim();
        // Plain-text parts reach phones and mail clients as they are: no control characters, no
        // line separators, no bidi overrides (which can make a message read differently).
        if (p.format === 'text' && FORBIDDEN_IN_TEXT.test(text)) throw new TemplateError(`${channel} ${template}.${lang} ${part} rendered a control or bidi character`);
        out[part] = channel === 'sms' ? toSmsText(text) : text;
      }
      const rendered: RenderedMessage = { template, channel, locale: lang, version, parts: out };
      if (channel === 'sms') {
        if (manifest.transliteration?.[event.case.country]) {
          const { text, after, ...preview } = previewTransliteration(out.body ?? '');
          out.body = text;
          rendered.transliteration = preview;
        }
        Object.assign(rendered, segmentSms(out.body ?? ''));
      }
      return rendered;
    },
  };
  return catalogue;
}
