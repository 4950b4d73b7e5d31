import { fold, type IntentLanguage } from './text.ts';

// The date and amount of a promise to pay, read from the reply and resolved against the debtor's
// local today: weekday names ("w piątek" on Wednesday 18 Nov → Friday 20 Nov; the same weekday as
// today means next week), today/tomorrow, the end of the month, "15.12.", "15/12", "15 grudnia",
// a day of the month alone ("il 27", "10-go"); amounts with a currency ("300 euro", "300 €",
// "300 zł", "100e") or with decimals ("300,50"), or a bare number once dates are taken out.

export interface PromiseDetails {
  /** YYYY-MM-DD */
  date?: string;
  /** A decimal string: "300", "250.50" */
  amount?: string;
}

interface DateWords {
  relative: ReadonlyArray<readonly [RegExp, number]>;
  /** Monday first. */
  weekdays: readonly RegExp[];
  /** January first; matched right after a day number. */
  months: readonly string[];
  /** A day with its ordinal ending ("10-go", "5. päivä", "il 27", "de 25e"); group 1 is the day. */
  dayOnly: RegExp;
  endOfMonth: RegExp;
  nextWeek: RegExp;
}

const w = (source: string): RegExp => new RegExp(`\\b(?:${source})\\b`, 'g');

const WORDS: Record<IntentLanguage, DateWords> = {
  pl: {
    relative: [[w('dzis|dzisiaj'), 0], [w('jutro'), 1], [w('pojutrze'), 2]],
    weekdays: ['poniedzial\\w*', 'wtor(ek|ku)', 'srod(a|e|y|zie)', 'czwart(ek|ku)', 'piat(ek|ku)', 'sobot(a|e|y|ie)', 'niedziel(a|e|i)'].map(w),
    months: ['stycz\\w*', 'lut\\w*', 'mar(ca|zec)', 'kwie\\w*', 'maj(a)?', 'czerw\\w*', 'lip\\w*', 'sierp\\w*', 'wrze\\w*', 'pazdz\\w*', 'listopad\\w*', 'grud\\w*'],
    dayOnly: /\b(\d{1,2}) ?-? ?(?:go|tego|ego)\b/g,
    endOfMonth: w('kon(ca|iec|cem) (tego )?miesiaca'),
    nextWeek: w('(przyszl|nastepn)\\w* tygodni\\w*'),
  },
  fi: {
    relative: [[w('tanaan|tana iltana'), 0], [w('huomenna|huomiseen'), 1], [w('ylihuomenna'), 2]],
    weekdays: ['maanantai', 'tiistai', 'keskiviikko', 'torstai', 'perjantai', 'lauantai', 'sunnuntai'].map((d) => w(`${d}\\w*`)),
    months: ['tammi', 'helmi', 'maalis', 'huhti', 'touko', 'kesa', 'heina', 'elo', 'syys', 'loka', 'marras', 'joulu'].map((m) => `${m}kuu\\w*`),
    dayOnly: /\b(\d{1,2})\.? ?(?:paiva\w*|pv)\b/g,
    endOfMonth: w('(kuun|kuukauden) (loppuun|lopussa|lopulla)'),
    nextWeek: w('(ensi|seuraava\\w*) viiko\\w*'),
  },
  it: {
    relative: [[w('oggi|stasera|stamattina|stamani'), 0], [w('domani'), 1], [w('dopodomani'), 2]],
    weekdays: ['lunedi', 'martedi', 'mercoledi', 'giovedi', 'venerdi', 'sabato', 'domenica'].map(w),
    months: ['gennaio', 'febbraio', 'marzo', 'aprile', 'maggio', 'giugno', 'luglio', 'agosto', 'settembre', 'ottobre', 'novembre', 'dicembre'],
    dayOnly: /\b(?:il|entro il|per il) (\d{1,2})\b(?![.,/-]?\d)(?! ?(?:€|euro))/g,
    endOfMonth: w('fine (del |di questo )?mese'),
    nextWeek: w('settimana prossima|prossima settimana'),
  },
  nl: {
    relative: [[w('vandaag|vanavond|vanmiddag'), 0], [w('morgen\\w*'), 1], [w('overmorgen'), 2]],
    weekdays: ['maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag', 'zaterdag', 'zondag'].map((d) => w(`${d}\\w*`)),
    months: ['januari', 'februari', 'maart', 'april', 'mei', 'juni', 'juli', 'augustus', 'september', 'oktober', 'november', 'december'],
    dayOnly: /\bde (\d{1,2})(?:e|ste|de)\b/g,
    endOfMonth: w('eind(e)? (van )?(de|deze) maand'),
    nextWeek: w('volgende week'),
  },
};

const NUMBER = '(\\d{1,3}(?:[ .]\\d{3})+|\\d+)(?:,(\\d{1,2}))?';
const CURRENCY = ' ?(?:€|eur(?:o|oa|on|os)?|zl|zlotych|zlote|zloty|pln)(?![a-z])';
const AMOUNT_AFTER = new RegExp(`(?<![\\d.,/-])${NUMBER}${CURRENCY}`, 'g');
// "100e" is euros in Finnish, Italian and Polish SMS, but "de 25e" is a day in Dutch.
const AMOUNT_E = new RegExp(`(?<![\\d.,/-])${NUMBER}e(?![a-z])`, 'g');
const AMOUNT_BEFORE = new RegExp(`(?:€|\\beur) ?${NUMBER}`, 'g');
const DECIMAL = /(?<![\d.,/-])(\d+),(\d{1,2})(?!\d)/g;
const BARE = /(?<![\d.,/-])(\d{2,5})(?!\d|[.,/-]\d)/g;
const NUMERIC_DATE = /(?<![\d.,/-])(\d{1,2})[./-](\d{1,2})(?:[./-](\d{4}|\d{2}))?(?![\d,])/g;

const DAY = 86_400_000;
const iso = (t: number): string => new Date(t).toISOString().slice(0, 10);
const utc = (y: number, m: number, d: number): number | null => {
  const t = Date.UTC(y, m - 1, d);
  const back = new Date(t);
  return back.getUTCFullYear() === y && back.getUTCMonth() === m - 1 && back.getUTCDate() === d ? t : null;
};

const amountOf = (whole: string, cents: string | undefined): string => {
  const units = whole.replace(/[ .]/g, '').replace(/^0+(?=\d)/, '');
  return cents ? `${units}.${cents.padEnd(2, '0')}` : units;
};

/** Replaces what a pattern took with spaces, so that later patterns cannot read it again. */
const mask = (text: string, index: number, length: number): string => text.slice(0, index) + ' '.repeat(length) + text.slice(index + length);

export function promiseDetails(text: string, language: IntentLanguage, today: string): PromiseDetails {
  const words = WORDS[language];
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const now = Date.UTC(y, m - 1, d);
  let rest = fold(text);
  let amount: string | undefined;

  for (const pattern of language === 'nl' ? [AMOUNT_AFTER, AMOUNT_BEFORE] : [AMOUNT_AFTER, AMOUNT_E, AMOUNT_BEFORE]) {
    for (const hit of rest.matchAll(pattern)) {
      amount ??= amountOf(hit[1] ?? '', hit[2]);
      rest = mask(rest, hit.index, hit[0].length);
    }
  }

  // Candidate dates with where they stand; the first one written is the promise's date.
  const found: Array<{ at: number; date: number }> = [];
  const take = (pattern: RegExp, resolve: (hit: RegExpExecArray) => number | null): void => {
    for (const hit of rest.matchAll(pattern)) {
      const date = resolve(hit);
      if (date === null) continue;
      found.push({ at: hit.index, date });
      rest = mask(rest, hit.index, hit[0].length);
    }
  };
  /** A day and month without a year: this year, or next year when already past. */
  const dayMonth = (day: number, month: number, year?: number): number | null => {
    const t = utc(year ?? y, month, day);
    if (t === null || year !== undefined) return t;
    return t >= now ? t : utc(y + 1, month, day);
  };
  take(NUMERIC_DATE, (h) => dayMonth(Number(h[1]), Number(h[2]), h[3] ? Number(h[3].length === 2 ? `20${h[3]}` : h[3]) : undefined));
  words.months.forEach((month, i) => take(new RegExp(`\\b(\\d{1,2})(?:\\.|°|-?go|-?tego|-?ego|e|ste|de)? (?:${month})\\b`, 'g'), (h) => dayMonth(Number(h[1]), i + 1)));
  take(words.dayOnly, (h) => {
    const day = Number(h[1]);
    return day >= d ? utc(y, m, day) : utc(m === 12 ? y + 1 : y, m === 12 ? 1 : m + 1, day);
  });
  take(words.endOfMonth, () => Date.UTC(y, m, 0));
  for (const [pattern, days] of words.relative) take(pattern, () => now + days * DAY);
  const nextWeek = rest.search(words.nextWeek) >= 0;
  const todayIso = (new Date(now).getUTCDay() + 6) % 7; // Monday 0
  words.weekdays.forEach((pattern, target) => {
    take(pattern, () => (nextWeek ? now + (7 - todayIso + target) * DAY : now + ((target - todayIso + 7) % 7 || 7) * DAY));
  });

  if (amount === undefined) {
    const decimal = [...rest.matchAll(DECIMAL)][0];
    if (decimal) amount = amountOf(decimal[1] ?? '', decimal[2]);
  }
  if (amount === undefined) {
    // A bare number left over ("przeleję jutro 150") is an amount; years are not.
    const bare = [...rest.matchAll(BARE)].find((h) => !/^(19|20)\d\d$/.test(h[1] ?? ''));
    if (bare) amount = amountOf(bare[1] ?? '', undefined);
  }
  found.sort((a, b) => a.at - b.at);
  const first = found[0];
  return { ...(first ? { date: iso(first.date) } : {}), ...(amount !== undefined ? { amount } : {}) };
}
