// npm run holidays:build — regenerates policy/holidays.json from date-holidays: public and bank
// holidays of every country a debtor or a phone number may be in, from last year to ten years on.
// Run it when date-holidays is updated or the years run out; the policy falls back to the library.
import { readFileSync, writeFileSync } from 'node:fs';
import { buildHolidayTable } from '../src/policy/holiday-table.ts';
import { knownCountries } from '../src/policy/locations.ts';

const version = (JSON.parse(readFileSync(new URL('../node_modules/date-holidays/package.json', import.meta.url), 'utf8')) as { version: string }).version;
const year = new Date().getUTCFullYear();
const table = buildHolidayTable(knownCountries(), year - 1, year + 10, version);
writeFileSync(new URL('../policy/holidays.json', import.meta.url), `${JSON.stringify(table)}\n`);
console.log(`policy/holidays.json: ${Object.keys(table.countries).length} countries, ${table.from}–${table.to}, from date-holidays ${version}`);
