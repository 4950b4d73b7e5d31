import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import type HolidaysClass from 'date-holidays';
import { holidaysIn } from '../../src/policy/holiday-table.ts';
import { knownCountries } from '../../src/policy/locations.ts';

// policy/holidays.json is generated from date-holidays (npm run holidays:build); the library
// answers what the table does not hold. Both must say the same.

const Holidays = createRequire(import.meta.url)('date-holidays') as typeof HolidaysClass;
const fromLibrary = (country: string, types: string[], year: number) =>
  new Map((new Holidays(country).getHolidays(year) || []).filter((h) => types.includes(h.type)).map((h) => [h.date.slice(0, 10), h.name]));

describe('the holiday table', () => {
  it.each(knownCountries())('%s in 2026 and 2030: the same public and bank holidays as date-holidays', (country) => {
    for (const year of [2026, 2030]) {
      expect(holidaysIn(country, undefined, ['public'], year)).toEqual(fromLibrary(country, ['public'], year));
      expect(holidaysIn(country, undefined, ['public', 'bank'], year)).toEqual(fromLibrary(country, ['public', 'bank'], year));
    }
  });

  it('falls back to the library for years, types and regions it does not hold', () => {
    expect(holidaysIn('PL', undefined, ['public'], 2045).get('2045-11-11')).toBe('Narodowe Święto Niepodległości');
    expect(holidaysIn('NL', undefined, ['public', 'school'], 2026).get('2026-05-05')).toBe('Bevrijdingsdag');
    expect(holidaysIn('IT', '32', ['public'], 2026).size).toBeGreaterThan(10);
  });
});
