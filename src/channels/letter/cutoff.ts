// The print house's daily cut-off, a local time in its zone. Instants come from the zone's rules
// for each date (local-time.ts), so the cut-off stays at 15:00 local across daylight-saving
// changes: the UTC instant moves, the local time does not.
import { addDays, localParts, zonedInstant, type LocalDate } from '../../policy/local-time.ts';
import { ConfigError } from '../../errors.ts';

/** 'HH:MM' → minutes since local midnight. */
export function cutoffMinutes(cutoff: string): number {
  const m = /^([01]\d|2[0-3]):([0-5]\d)$/.exec(cutoff);
  if (!m) throw new ConfigError(`the letter cut-off must be HH:MM, got "${cutoff}"`);
  return Number(m[1]) * 60 + Number(m[2]);
}

const cutoffOn = (date: LocalDate, cutoff: string, timeZone: string): Date => zonedInstant(date, cutoffMinutes(cutoff), timeZone);

/** The first cut-off strictly after `now`. */
export function nextCutoff(now: Date, cutoff: string, timeZone: string): Date {
  const today = localParts(now, timeZone);
  const candidate = cutoffOn(today, cutoff, timeZone);
  return candidate.getTime() > now.getTime() ? candidate : cutoffOn(addDays(today, 1), cutoff, timeZone);
}

/** The last cut-off at or before `now`: letters stored before it belong in a batch by now. */
export function previousCutoff(now: Date, cutoff: string, timeZone: string): Date {
  const today = localParts(now, timeZone);
  const candidate = cutoffOn(today, cutoff, timeZone);
  return candidate.getTime() <= now.getTime() ? candidate : cutoffOn(addDays(today, -1), cutoff, timeZone);
}

/** The local date of a cut-off, `YYYY-MM-DD`: the first part of its batch ids. */
export const cutoffDate = (cutoffAt: Date, timeZone: string): string => localParts(cutoffAt, timeZone).iso;
