// Wall-clock arithmetic in IANA time zones with Intl only: the debtor's local date and time of an
// instant, and the instant of a local date and time. Daylight-saving changes are handled by asking
// Intl for the offset at the instant itself, never by adding hours to a local time.

export interface LocalDate {
  year: number;
  month: number; // 1–12
  day: number;
}

export interface LocalParts extends LocalDate {
  /** 0 = Sunday … 6 = Saturday */
  weekday: number;
  /** Minutes since local midnight. */
  minutes: number;
  /** YYYY-MM-DD */
  iso: string;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

export function isTimeZone(timeZone: string): boolean {
  try {
    formatter(timeZone);
    return true;
  } catch {
    return false;
  }
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0');
export const isoDate = (d: LocalDate): string => `${pad(d.year, 4)}-${pad(d.month)}-${pad(d.day)}`;

const QUARTER_HOUR = 15 * 60 * 1000;
const offsets = new Map<string, number>();

/**
 * Offset of the zone from UTC at an instant, in milliseconds (positive east of Greenwich). Zones
 * change offset on a quarter hour at most, so the answer is cached per quarter hour: Intl is slow.
 */
function offsetAt(instant: number, timeZone: string): number {
  const bucket = Math.floor(instant / QUARTER_HOUR) * QUARTER_HOUR;
  const key = `${timeZone}|${bucket}`;
  let offset = offsets.get(key);
  if (offset === undefined) {
    const p = fields(bucket, timeZone);
    offset = Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) - bucket;
    if (offsets.size > 200_000) offsets.clear();
    offsets.set(key, offset);
  }
  return offset;
}

function fields(instant: number, timeZone: string): { year: number; month: number; day: number; hour: number; minute: number; second: number } {
  const out = { year: 0, month: 0, day: 0, hour: 0, minute: 0, second: 0 };
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type in out) out[part.type as keyof typeof out] = Number(part.value);
  }
  return out;
}

export function localParts(instant: Date | number, timeZone: string): LocalParts {
  const t = typeof instant === 'number' ? instant : instant.getTime();
  const wall = new Date(t + offsetAt(t, timeZone));
  const date = { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate() };
  return { ...date, weekday: wall.getUTCDay(), minutes: wall.getUTCHours() * 60 + wall.getUTCMinutes(), iso: isoDate(date) };
}

/**
 * The instant a local date and time happens in a zone. A time that does not exist (skipped when
 * clocks go forward) maps to the first instant after the gap; a time that happens twice (clocks
 * go back) maps to the first of the two.
 */
export function zonedInstant(date: LocalDate, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, 0, minutes);
  const before = wall - offsetAt(wall - 86_400_000 / 2, timeZone);
  const after = wall - offsetAt(wall + 86_400_000 / 2, timeZone);
  // Try both offsets seen around that day; the earliest one that reads back as the wall time wins.
  const candidates = [Math.min(before, after), Math.max(before, after)];
  for (const t of candidates) {
    if (t + offsetAt(t, timeZone) === wall) return new Date(t);
  }
  // In the gap: read with the offset from before the change, which lands as far past the gap as
  // the wall time was into it (02:30 on the spring-forward night becomes 03:30).
  return new Date(before);
}

export function addDays(date: LocalDate, days: number): LocalDate {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

export const startOfLocalDay = (date: LocalDate, timeZone: string): Date => zonedInstant(date, 0, timeZone);

export const hhmm = (minutes: number): string => `${pad(Math.floor(minutes / 60))}:${pad(minutes % 60)}`;

export const WEEKDAYS = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const;
export type Weekday = (typeof WEEKDAYS)[number];
const WEEKDAY_NAMES = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTH_NAMES = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "Monday 23 November 2026 08:00 (Europe/Helsinki)": for reasons people read. */
export function describeLocal(instant: Date, timeZone: string): string {
  const p = localParts(instant, timeZone);
  return `${WEEKDAY_NAMES[p.weekday]} ${p.day} ${MONTH_NAMES[p.month - 1]} ${p.year} ${hhmm(p.minutes)} (${timeZone})`;
}
