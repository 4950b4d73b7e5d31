import type { Channel } from '../domain/case-event.ts';
import type { Location } from './calendar.ts';
import { isTimeZone } from './local-time.ts';

// Where a debtor may be when a message arrives: their residence (debtor.timeZone, else their
// address country's zone) and, for a phone from another country, that country too. The window must
// be open in every place at once (COMPLIANCE.md: only the overlap of the windows).

const COUNTRY_ZONES: Record<string, string> = {
  PL: 'Europe/Warsaw', FI: 'Europe/Helsinki', IT: 'Europe/Rome', NL: 'Europe/Amsterdam', BE: 'Europe/Brussels',
  DE: 'Europe/Berlin', FR: 'Europe/Paris', ES: 'Europe/Madrid', PT: 'Europe/Lisbon', GB: 'Europe/London',
  IE: 'Europe/Dublin', AT: 'Europe/Vienna', CH: 'Europe/Zurich', LU: 'Europe/Luxembourg', DK: 'Europe/Copenhagen',
  SE: 'Europe/Stockholm', NO: 'Europe/Oslo', EE: 'Europe/Tallinn', LV: 'Europe/Riga', LT: 'Europe/Vilnius',
  CZ: 'Europe/Prague', SK: 'Europe/Bratislava', HU: 'Europe/Budapest', RO: 'Europe/Bucharest', BG: 'Europe/Sofia',
  GR: 'Europe/Athens', HR: 'Europe/Zagreb', SI: 'Europe/Ljubljana', UA: 'Europe/Kyiv', TR: 'Europe/Istanbul',
};

// E.164 country codes of the countries above (longest prefix first when matching).
const CALLING_CODES: Array<[string, string]> = (
  [
    ['48', 'PL'], ['358', 'FI'], ['39', 'IT'], ['31', 'NL'], ['32', 'BE'], ['49', 'DE'], ['33', 'FR'], ['34', 'ES'],
    ['351', 'PT'], ['44', 'GB'], ['353', 'IE'], ['43', 'AT'], ['41', 'CH'], ['352', 'LU'], ['45', 'DK'], ['46', 'SE'],
    ['47', 'NO'], ['372', 'EE'], ['371', 'LV'], ['370', 'LT'], ['420', 'CZ'], ['421', 'SK'], ['36', 'HU'], ['40', 'RO'],
    ['359', 'BG'], ['30', 'GR'], ['385', 'HR'], ['386', 'SI'], ['380', 'UA'], ['90', 'TR'],
  ] as Array<[string, string]>
).sort((a, b) => b[0].length - a[0].length);

export const zoneOfCountry = (country: string): string | null => COUNTRY_ZONES[country] ?? null;

/** The countries a debtor or a phone number is placed in: those with a known zone. */
export const knownCountries = (): string[] => Object.keys(COUNTRY_ZONES);

/** The country an E.164 number (+…, or whatsapp:+…) belongs to, if we know it. */
export function countryOfPhone(address: string): string | null {
  const m = /^(?:whatsapp:)?\+(\d{6,15})$/.exec(address.replace(/[\s()-]/g, ''));
  if (!m?.[1]) return null;
  const digits = m[1];
  return CALLING_CODES.find(([code]) => digits.startsWith(code))?.[1] ?? null;
}

export interface DebtorWhereabouts {
  timeZone: string | null;
  country: string;
}

export function locationsFor(debtor: DebtorWhereabouts, packZone: string, channel: Channel | null, address: string | null): Location[] {
  const residenceZone = debtor.timeZone && isTimeZone(debtor.timeZone) ? debtor.timeZone : (zoneOfCountry(debtor.country) ?? packZone);
  const places: Location[] = [{ timeZone: residenceZone, country: debtor.country, signal: 'residence' }];
  if ((channel === 'sms' || channel === 'whatsapp') && address) {
    const phoneCountry = countryOfPhone(address);
    const zone = phoneCountry ? zoneOfCountry(phoneCountry) : null;
    if (phoneCountry && zone && phoneCountry !== debtor.country) places.push({ timeZone: zone, country: phoneCountry, signal: 'phone' });
  }
  return places;
}
