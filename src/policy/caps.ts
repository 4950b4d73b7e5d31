import type { Channel } from '../domain/case-event.ts';
import { addDays, localParts, startOfLocalDay } from './local-time.ts';
import type { Pack } from './pack.ts';

// Contact caps per debtor across all cases and channels, counted from the ledger of what went out.
// A cap that is reached says when it frees: the next local day, or the instant the oldest contact
// in the rolling window leaves it.

export interface Contact {
  at: Date;
  channel: Channel;
  /** Receipts and replies the debtor asked for: not counted, and not chargeable reminders either. */
  capExempt: boolean;
}

const WEEK_MS = 7 * 24 * 3600 * 1000;

export interface CapCounts {
  today: number;
  todayOnChannel: number;
  last7Days: number;
  last7DaysOnChannel: number;
  lastLetter?: string;
}

export interface CapCheck {
  counts: CapCounts;
  /** Caps reached at this instant, each with the instant it frees. */
  reached: Array<{ rule: string; count: number; limit: number; freesAt: Date | null }>;
}

/** The earliest instant the number of contacts in the rolling week drops below `limit` (never if 0). */
function rollingFree(times: number[], limit: number): Date | null {
  if (limit <= 0) return null;
  const sorted = [...times].sort((a, b) => a - b);
  const oldestToLeave = sorted[sorted.length - limit];
  return oldestToLeave === undefined ? null : new Date(oldestToLeave + WEEK_MS);
}

export function checkCaps(pack: Pack, channel: Channel, timeZone: string, history: readonly Contact[], at: Date): CapCheck {
  const { caps } = pack;
  const today = localParts(at, timeZone);
  const dayStart = startOfLocalDay(today, timeZone).getTime();
  const nextDay = startOfLocalDay(addDays(today, 1), timeZone);
  const weekAgo = at.getTime() - WEEK_MS;
  // A contact stamped after `at` (another process's clock, a little ahead) still happened: it
  // counts as if it were now, never not at all.
  const counted = history.filter((c) => !c.capExempt).map((c) => (c.at.getTime() > at.getTime() ? { ...c, at } : c));
  const inDay = counted.filter((c) => c.at.getTime() >= dayStart && c.at.getTime() < nextDay.getTime());
  const inWeek = counted.filter((c) => c.at.getTime() > weekAgo).map((c) => ({ t: c.at.getTime(), channel: c.channel }));
  const weekOnChannel = inWeek.filter((c) => c.channel === channel).map((c) => c.t);
  const counts: CapCounts = {
    today: inDay.length,
    todayOnChannel: inDay.filter((c) => c.channel === channel).length,
    last7Days: inWeek.length,
    last7DaysOnChannel: weekOnChannel.length,
  };
  const reached: CapCheck['reached'] = [];
  if (counts.today >= caps.perDay) reached.push({ rule: 'cap.per-day', count: counts.today, limit: caps.perDay, freesAt: caps.perDay ? nextDay : null });
  if (counts.todayOnChannel >= caps.perDayPerChannel) reached.push({ rule: 'cap.per-day-per-channel', count: counts.todayOnChannel, limit: caps.perDayPerChannel, freesAt: caps.perDayPerChannel ? nextDay : null });
  if (counts.last7Days >= caps.rolling7Days) reached.push({ rule: 'cap.rolling-7-days', count: counts.last7Days, limit: caps.rolling7Days, freesAt: rollingFree(inWeek.map((c) => c.t), caps.rolling7Days) });
  const channelLimit = caps.perChannel7Days[channel];
  if (counts.last7DaysOnChannel >= channelLimit) reached.push({ rule: 'cap.channel-7-days', count: counts.last7DaysOnChannel, limit: channelLimit, freesAt: rollingFree(weekOnChannel, channelLimit) });
  if (channel === 'letter' && caps.letterSpacingFullDays) {
    const letters = counted.filter((c) => c.channel === 'letter').map((c) => c.at.getTime());
    if (letters.length) {
      const last = new Date(Math.max(...letters));
      const lastDay = localParts(last, timeZone);
      counts.lastLetter = lastDay.iso;
      // "At least 14 full days apart": the 14 days after the letter's day pass before the next one.
      const allowedFrom = startOfLocalDay(addDays(lastDay, caps.letterSpacingFullDays + 1), timeZone);
      if (allowedFrom.getTime() > at.getTime()) reached.push({ rule: 'cap.letter-spacing', count: 1, limit: caps.letterSpacingFullDays, freesAt: allowedFrom });
    }
  }
  return { counts, reached };
}
