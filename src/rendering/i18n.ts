// One i18next instance per renderer, loaded once: locales/<lang>/catalogue.json holds the strings
// every channel shares; locales/<lang>/sms.json the SMS-only short forms, which win for SMS.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import i18next, { type i18n as I18n, type Resource } from 'i18next';
import { TemplateError } from '../errors.ts';
import type { Translate } from './handlebars-env.ts';

export const NAMESPACES = ['catalogue', 'sms'] as const;
export type Namespace = (typeof NAMESPACES)[number];

/** i18next options a template must not set through {{t ... key=value}}. */
const RESERVED_T_OPTIONS = new Set([
  'lng', 'lngs', 'ns', 'defaultValue', 'fallbackLng', 'keySeparator', 'nsSeparator', 'returnObjects',
  'returnDetails', 'joinArrays', 'postProcess', 'interpolation', 'skipInterpolation', 'replace', 'ordinal', 'fallbackNS',
]);

function isMissingFile(err: unknown): boolean {
  return err instanceof Error && 'code' in err && err.code === 'ENOENT';
}

/** Reads locales/<lang>/<namespace>.json for each language; a missing file is an empty namespace. */
export async function loadLocales(dir: string, langs: readonly string[]): Promise<Resource> {
  const resources: Resource = {};
  for (const lang of langs) {
    resources[lang] = {};
    for (const ns of NAMESPACES) {
      const file = path.join(dir, lang, `${ns}.json`);
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (err) {
        if (isMissingFile(err)) continue;
        throw new TemplateError(`locale file cannot be read: ${file}`, { cause: err });
      }
      try {
        resources[lang][ns] = JSON.parse(text) as Record<string, string>;
      } catch (err) {
        throw new TemplateError(`locale file is not valid JSON: ${file}`, { cause: err });
      }
    }
  }
  return resources;
}

export async function createI18n(resources: Resource): Promise<I18n> {
  const instance = i18next.createInstance();
  await instance.init({
    resources,
    lng: 'en',
    fallbackLng: false,
    ns: [...NAMESPACES],
    defaultNS: 'catalogue',
    fallbackNS: 'catalogue',
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

const MISSING = '\u0000missing\u0000';

/** `{{t}}` for one language and namespace (SMS falls back to the shared catalogue strings). */
export function translator(i18n: I18n, lng: string, ns: Namespace): Translate {
  return (key, values) => {
    for (const name of Object.keys(values)) {
      if (RESERVED_T_OPTIONS.has(name)) throw new TemplateError(`t: option "${name}" cannot be set from a template`);
    }
    // One lookup: a missing key comes back as the sentinel instead of being checked for first.
    const text: unknown = (i18n.t as (k: string, o: object) => unknown)(key, { ...values, lng, ns, defaultValue: MISSING });
    if (text === MISSING) throw new TemplateError(`t: no text "${key}" for language ${lng}`);
    if (typeof text !== 'string') throw new TemplateError(`t: text "${key}" for language ${lng} is not a string`);
    return text;
  };
}
