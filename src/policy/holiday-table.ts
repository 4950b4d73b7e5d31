import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type HolidaysClass from 'date-holidays';

// Public holidays, from a table generated from date-holidays (policy/holidays.json, `npm run
// holidays:build`) for the years and countries we serve, so that a process does not carry the
// library's 37 MB; the library itself answers whatever the table does not hold (other years,
// regions, other holiday types) and is loaded only then.

const TABLE_TYPES = ['public', 'bank'] as const;

interface HolidayTable {
  generatedWith: string;
  from: number;
  to: number;
  /** country → YYYY-MM-DD → [name, type] */
  countries: Record<string, Record<string, [string, string]>>;
}

const TABLE_FILE = new URL('../../policy/holidays.json', import.meta.url);
let table: HolidayTable | null | undefined;
const loadTable = (): HolidayTable | null => {
  if (table === undefined) {
    try {
      table = JSON.parse(readFileSync(TABLE_FILE, 'utf8')) as HolidayTable;
    } catch {
      table = null;
    }
  }
  return table;
};

let library: typeof HolidaysClass | null = null;
const Holidays = (): typeof HolidaysClass => (library ??= createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass);

/** Holidays of a country (and region) in a year, by local date → name, of the given types. */
export function holidaysIn(country: string, region: string | undefined, types: readonly string[], year: number): Map<string, string> {
  const days = new Map<string, string>();
  const t = loadTable();
  const fromTable = t && !region && year >= t.from && year <= t.to && t.countries[country] && types.every((x) => (TABLE_TYPES as readonly string[]).includes(x));
  if (fromTable) {
    for (const [date, [name, type]] of Object.entries(t.countries[country] ?? {})) {
      if (date.startsWith(`${year}-`) && types.includes(type)) days.set(date, name);
    }
    return days;
  }
  const Calendar = Holidays();
  const calendar = region ? new Calendar(country, region) : new Calendar(country);
  for (const h of calendar.getHolidays(year) || []) if (types.includes(h.type)) days.set(h.date.slice(0, 10), h.name);
  return days;
}

/** The table's contents, built with the library (scripts/build-holidays.ts). */
export function buildHolidayTable(countries: readonly string[], from: number, to: number, version: string): HolidayTable {
  const Calendar = Holidays();
  const out: HolidayTable = { generatedWith: `date-holidays@${version}`, from, to, countries: {} };
  for (const country of countries) {
    const days: Record<string, [string, string]> = {};
    const calendar = new Calendar(country);
    for (let year = from; year <= to; year++) {
      for (const h of calendar.getHolidays(year) || []) {
        if ((TABLE_TYPES as readonly string[]).includes(h.type)) days[h.date.slice(0, 10)] = [h.name, h.type];
      }
    }
    out.countries[country] = days;
  }
  return out;
}
