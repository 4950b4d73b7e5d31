// SMS encoding and segment count, by the rules Twilio applies:
// GSM-7 (3GPP TS 23.038 default alphabet): 160 septets in one message, 153 per segment when concatenated;
// the extension table (€ [ ] { } \ ^ ~ | and form feed) takes two septets (escape + char) and a pair is never split.
// Anything outside the alphabet makes the whole message UCS-2: 70 UTF-16 code units in one message, 67 per segment,
// and a surrogate pair is never split.

export type SmsEncoding = 'GSM-7' | 'UCS-2';

export interface SmsSegmentation {
  encoding: SmsEncoding;
  /** septets (GSM-7) or UTF-16 code units (UCS-2) */
  units: number;
  segments: number;
}

const GSM7_BASIC = new Set(
  '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?' +
    '¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
);
const GSM7_EXTENSION = new Set('\f^{}\\[~]|€');

export const GSM7_SINGLE = 160;
export const GSM7_PER_SEGMENT = 153;
export const UCS2_SINGLE = 70;
export const UCS2_PER_SEGMENT = 67;

const escapeClass = (chars: Iterable<string>): string => [...chars].map((c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`).join('');
const GSM7_ONLY = new RegExp(`^[${escapeClass(GSM7_BASIC)}${escapeClass(GSM7_EXTENSION)}]*$`);
const EXTENSION_CHARS = new RegExp(`[${escapeClass(GSM7_EXTENSION)}]`, 'g');
const SURROGATES = /[\uD800-\uDFFF]/;

export function isGsm7(text: string): boolean {
  return GSM7_ONLY.test(text);
}

export function detectEncoding(text: string): SmsEncoding {
  return isGsm7(text) ? 'GSM-7' : 'UCS-2';
}

/** Fills segments greedily with units that must not be split (an escape pair, a surrogate pair). */
function countSegments(sizes: number[], total: number, single: number, perSegment: number): number {
  if (total <= single) return 1;
  let segments = 1;
  let used = 0;
  for (const size of sizes) {
    if (used + size > perSegment) {
      segments += 1;
      used = 0;
    }
    used += size;
  }
  return segments;
}

export function segmentSms(text: string): SmsSegmentation {
  const encoding = detectEncoding(text);
  // Fast path: nothing that must stay whole (no escape pairs, no surrogate pairs), so the count is
  // plain arithmetic; the loop below is only needed when a pair could straddle a segment border.
  if (encoding === 'GSM-7') {
    const extensions = text.match(EXTENSION_CHARS)?.length ?? 0;
    if (extensions === 0) return { encoding, units: text.length, segments: text.length <= GSM7_SINGLE ? 1 : Math.ceil(text.length / GSM7_PER_SEGMENT) };
  } else if (!SURROGATES.test(text)) {
    return { encoding, units: text.length, segments: text.length <= UCS2_SINGLE ? 1 : Math.ceil(text.length / UCS2_PER_SEGMENT) };
  }
  const sizes: number[] = [];
  for (const ch of text) {
    sizes.push(encoding === 'GSM-7' ? (GSM7_EXTENSION.has(ch) ? 2 : 1) : ch.length);
  }
  const units = sizes.reduce((a, b) => a + b, 0);
  const segments =
    encoding === 'GSM-7'
      ? countSegments(sizes, units, GSM7_SINGLE, GSM7_PER_SEGMENT)
      : countSegments(sizes, units, UCS2_SINGLE, UCS2_PER_SEGMENT);
  return { encoding, units, segments };
}
