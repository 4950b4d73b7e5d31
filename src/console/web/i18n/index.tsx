import { createContext, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { en, type MessageKey } from './en.ts';
import { pl } from './pl.ts';
import { fi } from './fi.ts';
import { it } from './it.ts';
import { nl } from './nl.ts';

// The console's words: English is the source (en.ts), the other languages may miss keys for now and
// fall back to English. Placeholders are typed from the English string: t('x', { count: 2 }).

export const LOCALES = ['en', 'pl', 'fi', 'it', 'nl'] as const;
export type Locale = (typeof LOCALES)[number];

const DICTIONARIES: Record<Locale, Partial<Record<MessageKey, string>>> = { en, pl, fi, it, nl };
const TAGS: Record<Locale, string> = { en: 'en-GB', pl: 'pl-PL', fi: 'fi-FI', it: 'it-IT', nl: 'nl-NL' };
/** Each language named in itself, for the switcher. */
export const LOCALE_NAMES: Record<Locale, string> = { en: 'English', pl: 'Polski', fi: 'Suomi', it: 'Italiano', nl: 'Nederlands' };
const STORAGE_KEY = 'dco.console.locale';

type Placeholders<S extends string> = S extends `${string}{${infer P}}${infer Rest}` ? P | Placeholders<Rest> : never;
type Params<K extends MessageKey> = [Placeholders<(typeof en)[K]>] extends [never] ? [] : [Record<Placeholders<(typeof en)[K]>, string | number>];
/** Keys whose text has no placeholders: what a table of labels may hold. */
export type PlainKey = { [K in MessageKey]: [Placeholders<(typeof en)[K]>] extends [never] ? K : never }[MessageKey];
export type Translate = <K extends MessageKey>(key: K, ...params: Params<K>) => string;

export const isLocale = (v: unknown): v is Locale => typeof v === 'string' && (LOCALES as readonly string[]).includes(v);

export function translator(locale: Locale): Translate {
  return (key, ...params) => {
    const text = DICTIONARIES[locale][key] ?? en[key];
    const values = params[0] as Record<string, string | number> | undefined;
    return values ? text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole)) : text;
  };
}

export interface Formats {
  dateTime(iso: string | null | undefined, timeZone?: string | null): string;
  date(iso: string | null | undefined): string;
  number(n: number | null | undefined): string;
  percent(n: number): string;
  list(items: string[]): string;
  /** A day of every year, "--12-24" or "-12-24" as packs write it: 24 December, 24.12., 24 dicembre… */
  dayOfYear(monthDay: string): string;
}

function formats(locale: Locale): Formats {
  const tag = TAGS[locale];
  const numberFormat = new Intl.NumberFormat(tag);
  const percentFormat = new Intl.NumberFormat(tag, { style: 'percent', maximumFractionDigits: 0 });
  const listFormat = new Intl.ListFormat(tag, { type: 'conjunction' });
  const valid = (iso: string | null | undefined): iso is string => !!iso && !Number.isNaN(Date.parse(iso));
  return {
    dateTime: (iso, timeZone) => {
      if (!valid(iso)) return iso ?? '—';
      if (timeZone) {
        // dateStyle cannot be combined with timeZoneName: the parts are spelt out instead.
        try {
          return new Intl.DateTimeFormat(tag, { year: 'numeric', month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', timeZone, timeZoneName: 'short' }).format(new Date(iso));
        } catch {
          // an unknown zone: the reader's own time below
        }
      }
      return new Intl.DateTimeFormat(tag, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
    },
    date: (iso) => (valid(iso) ? new Intl.DateTimeFormat(tag, { dateStyle: 'medium' }).format(new Date(iso)) : (iso ?? '—')),
    number: (n) => (n === null || n === undefined ? '—' : numberFormat.format(n)),
    percent: (n) => percentFormat.format(n),
    list: (items) => listFormat.format(items),
    dayOfYear: (monthDay) => {
      const m = /^-{1,2}(\d{2})-(\d{2})$/.exec(monthDay);
      if (!m) return monthDay;
      return new Intl.DateTimeFormat(tag, { day: 'numeric', month: 'long', timeZone: 'UTC' }).format(new Date(Date.UTC(2000, Number(m[1]) - 1, Number(m[2]))));
    },
  };
}

interface I18n {
  locale: Locale;
  setLocale(locale: Locale): void;
  t: Translate;
  fmt: Formats;
}

const I18nContext = createContext<I18n | null>(null);

function stored(): Locale | null {
  try {
    const v = window.localStorage.getItem(STORAGE_KEY);
    return isLocale(v) ? v : null;
  } catch {
    return null;
  }
}

/** The staff member's own locale ("fi-FI", "fi") as a console language, if we have it. */
export function localeFromUser(userLocale: string | null | undefined): Locale | null {
  const short = (userLocale ?? '').slice(0, 2).toLowerCase();
  return isLocale(short) ? short : null;
}

export function I18nProvider({ children }: { children: ReactNode }) {
  const [chosen, setChosen] = useState<Locale | null>(stored);
  const [fallback, setFallback] = useState<Locale>('en');
  const locale = chosen ?? fallback;
  useEffect(() => {
    document.documentElement.lang = locale;
  }, [locale]);
  const value = useMemo<I18n>(
    () => ({
      locale,
      setLocale: (l) => {
        setChosen(l);
        try {
          window.localStorage.setItem(STORAGE_KEY, l);
        } catch {
          // private mode: the choice lasts for this page only
        }
      },
      t: translator(locale),
      fmt: formats(locale),
    }),
    [locale],
  );
  return (
    <I18nContext.Provider value={value}>
      <DefaultLocale set={setFallback}>{children}</DefaultLocale>
    </I18nContext.Provider>
  );
}

// The user's own locale applies until they pick one; the session sets it through this context.
const DefaultLocaleContext = createContext<(l: Locale) => void>(() => {});
function DefaultLocale({ set, children }: { set: (l: Locale) => void; children: ReactNode }) {
  return <DefaultLocaleContext.Provider value={set}>{children}</DefaultLocaleContext.Provider>;
}
export const useSetDefaultLocale = (): ((l: Locale) => void) => useContext(DefaultLocaleContext);

export function useI18n(): I18n {
  const ctx = useContext(I18nContext);
  if (!ctx) throw new Error('useI18n outside I18nProvider');
  return ctx;
}
