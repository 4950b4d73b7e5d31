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

// Septets per UTF-16 code unit, by code: 1 for the basic alphabet, 2 for the extension table,
// 0 for anything GSM-7 cannot carry. One pass over the text decides the encoding and the count.
const SEPTETS = (() => {
  const table = new Uint8Array(0x20ad); // up to € (U+20AC)
  for (const ch of GSM7_BASIC) table[ch.charCodeAt(0)] = 1;
  for (const ch of GSM7_EXTENSION) table[ch.charCodeAt(0)] = 2;
  return table;
})();

/** GSM-7 septets of the text, or -1 when it needs UCS-2. */
function gsm7Units(text: string): number {
  let units = 0;
  for (let i = 0; i < text.length; i++) {
    const size = SEPTETS[text.charCodeAt(i)] ?? 0;
    if (size === 0) return -1;
    units += size;
  }
  return units;
}

export function isGsm7(text: string): boolean {
  return gsm7Units(text) >= 0;
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

const SURROGATES = /[\uD800-\uDFFF]/;

export function segmentSms(text: string): SmsSegmentation {
  const septets = gsm7Units(text);
  const encoding: SmsEncoding = septets >= 0 ? 'GSM-7' : 'UCS-2';
  // Fast path: nothing that must stay whole (no escape pairs, no surrogate pairs), so the count is
  // plain arithmetic; the loop below is only needed when a pair could straddle a segment border.
  if (encoding === 'GSM-7' && septets === text.length) {
    return { encoding, units: septets, segments: septets <= GSM7_SINGLE ? 1 : Math.ceil(septets / GSM7_PER_SEGMENT) };
  }
  if (encoding === 'UCS-2' && !SURROGATES.test(text)) {
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
