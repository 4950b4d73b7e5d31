import { holidaysIn } from './holiday-table.ts';
import { addDays, hhmm, localParts, WEEKDAYS, zonedInstant, type LocalDate, type LocalParts } from './local-time.ts';
import type { Pack } from './pack.ts';

// When a message may reach a debtor: the pack's send window per weekday, in one place's local time,
// minus Sundays (no window), the country's public holidays and the days the operator adds.

/** A place the debtor may be: their residence, or the country their phone number belongs to. */
export interface Location {
  timeZone: string;
  country: string;
  signal: 'residence' | 'phone';
}

const holidayCache = new Map<string, Map<string, string>>();

/** Holidays of a country (and region) in a year, by local date, of the types the pack blocks. */
function holidaysOf(country: string, region: string | undefined, types: readonly string[], year: number): Map<string, string> {
  const key = `${country}|${region ?? ''}|${types.join(',')}|${year}`;
  let days = holidayCache.get(key);
  if (!days) {
    days = holidaysIn(country, region, types, year);
    holidayCache.set(key, days);
  }
  return days;
}

/** Why a local date is closed: a holiday or operator day by name, or null when it is open. */
export function blockedDayName(pack: Pack, country: string, date: LocalParts | (LocalDate & { iso: string })): string | null {
  const { holidays, extra } = pack.blockedDays;
  // Elsewhere than the pack's country (a phone from abroad), that country's public holidays count.
  const types = country === pack.country ? holidays.types : ['public'];
  const named = holidaysOf(country, country === pack.country ? holidays.region : undefined, types, date.year).get(date.iso);
  if (named) return named;
  if (country !== pack.country) return null;
  for (const day of extra) if (day.date === date.iso || day.date === `-${date.iso.slice(4)}`) return day.name;
  return null;
}

/** The window [start, end) in minutes for a weekday, or null when the pack allows nothing that day. */
function windowOf(pack: Pack, weekday: number): { start: number; end: number } | null {
  const range = pack.window.days[WEEKDAYS[weekday] ?? 'sun'];
  if (!range) return null;
  const [from, to] = range.split('-') as [string, string];
  const minutes = (s: string): number => Number(s.slice(0, 2)) * 60 + Number(s.slice(3, 5));
  return { start: minutes(from), end: minutes(to) };
}

const DAY_NAMES = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];

/** "Mon–Fri 08:30–20:00, Sat 08:30–15:00": runs of days with the same hours, Monday first. */
export function describeWindow(pack: Pack): string {
  const runs: Array<{ from: number; to: number; hours: string }> = [];
  for (const day of [1, 2, 3, 4, 5, 6, 0]) {
    const w = windowOf(pack, day);
    if (!w) continue;
    const hours = `${hhmm(w.start)}–${hhmm(w.end)}`;
    const last = runs.at(-1);
    if (last && last.hours === hours && (last.to + 1) % 7 === day) last.to = day;
    else runs.push({ from: day, to: day, hours });
  }
  return runs.map((r) => `${DAY_NAMES[r.from]}${r.to !== r.from ? `–${DAY_NAMES[r.to]}` : ''} ${r.hours}`).join(', ') || 'never';
}

export interface WindowCheck {
  /** The first instant at or after `at` inside the window, or null if none within a year. */
  next: Date | null;
  local: string;
  timeZone: string;
  /** Why `at` itself is outside, when it is. */
  closedBecause: 'outside-hours' | 'closed-weekday' | 'holiday' | null;
  holiday: string | null;
}

const SEARCH_DAYS = 370;

export function checkWindow(pack: Pack, where: Location, at: Date): WindowCheck {
  const p = localParts(at, where.timeZone);
  const local = `${p.iso} ${hhmm(p.minutes)} ${WEEKDAYS[p.weekday]}`;
  const base = { local, timeZone: where.timeZone };
  const holidayToday = blockedDayName(pack, where.country, p);
  const today = windowOf(pack, p.weekday);
  if (!holidayToday && today && p.minutes >= today.start && p.minutes < today.end) return { ...base, next: at, closedBecause: null, holiday: null };
  const closedBecause = holidayToday ? 'holiday' : today ? 'outside-hours' : 'closed-weekday';
  if (!holidayToday && today && p.minutes < today.start) return { ...base, next: zonedInstant(p, today.start, where.timeZone), closedBecause, holiday: null };
  let date: LocalDate = p;
  for (let i = 0; i < SEARCH_DAYS; i++) {
    date = addDays(date, 1);
    const d = localParts(zonedInstant(date, 12 * 60, where.timeZone), where.timeZone);
    const w = windowOf(pack, d.weekday);
    if (w && !blockedDayName(pack, where.country, d)) return { ...base, next: zonedInstant(date, w.start, where.timeZone), closedBecause, holiday: holidayToday };
  }
  return { ...base, next: null, closedBecause, holiday: holidayToday };
}
