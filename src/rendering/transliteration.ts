// Optional SMS transliteration, per country and off by default: letters outside GSM-7 are written
// without their diacritics (ł → l, ś → s, ő → o) so a message stays GSM-7 (160/153 per segment)
// instead of UCS-2 (70/67). Compliance decides per country; the preview shows exactly what changes
// and what it saves, because "zaplac" for "zapłać" is a real loss of correctness in Polish.

import { isGsm7, segmentSms, type SmsSegmentation } from './sms-segments.ts';

// Letters that have a GSM-7 form without diacritics. GSM-7 letters (ä ö ü ñ à è é ù ì ò Ä Ö Ü …)
// are kept as they are: they cost nothing.
const PLAIN: Readonly<Record<string, string>> = {
  ą: 'a', ć: 'c', ę: 'e', ł: 'l', ń: 'n', ó: 'o', ś: 's', ź: 'z', ż: 'z',
  Ą: 'A', Ć: 'C', Ę: 'E', Ł: 'L', Ń: 'N', Ó: 'O', Ś: 'S', Ź: 'Z', Ż: 'Z',
  á: 'a', â: 'a', ã: 'a', ç: 'c', ê: 'e', ë: 'e', í: 'i', î: 'i', ï: 'i', ô: 'o', õ: 'o', ú: 'u', û: 'u', ý: 'y', ÿ: 'y', š: 's', ž: 'z',
  Á: 'A', Â: 'A', Ã: 'A', È: 'E', Ê: 'E', Ë: 'E', Í: 'I', Ì: 'I', Î: 'I', Ï: 'I', Ò: 'O', Ô: 'O', Õ: 'O', Ú: 'U', Ù: 'U', Û: 'U', Ý: 'Y', Š: 'S', Ž: 'Z',
  '\u2019': "'", '\u2018': "'", '\u201C': '"', '\u201D': '"', '\u201E': '"', '\u2013': '-', '\u2014': '-', '\u2026': '...', '\u00A0': ' ', '\u202F': ' ',
};

export function transliterate(text: string): string {
  let out = '';
  for (const ch of text) out += PLAIN[ch] ?? ch;
  return out;
}

export interface TransliterationPreview {
  before: SmsSegmentation;
  after: SmsSegmentation;
  /** Each replaced character with how often it occurs, e.g. { "ł": 2, "ś": 1 }. */
  changes: Record<string, number>;
  /** Segments saved per message (0 when it stays UCS-2 or was GSM-7 already). */
  segmentsSaved: number;
  /** Whether the result is GSM-7 at all: one character without a plain form keeps it UCS-2. */
  becomesGsm7: boolean;
  text: string;
}

export function previewTransliteration(text: string): TransliterationPreview {
  const changes: Record<string, number> = {};
  for (const ch of text) if (PLAIN[ch] !== undefined && PLAIN[ch] !== ch) changes[ch] = (changes[ch] ?? 0) + 1;
  const result = transliterate(text);
  const before = segmentSms(text);
  const after = segmentSms(result);
  return { before, after, changes, segmentsSaved: Math.max(0, before.segments - after.segments), becomesGsm7: isGsm7(result), text: result };
}
