// What an editor needs to see about an SMS while writing it: the encoding and why, the segments
// against the template's budget, and what a long message costs. Segments are counted exactly as
// sending counts them (sms-segments); transliteration is shown as applied, or as what it would save.

import type { Manifest, RenderedMessage } from './catalogue.ts';
import { GSM7_SINGLE, isGsm7, segmentSms, UCS2_SINGLE, type SmsEncoding } from './sms-segments.ts';
import { previewTransliteration } from './transliteration.ts';

export interface SmsPreview {
  encoding: SmsEncoding;
  segments: number;
  /** Characters as a reader counts them (an emoji is one). */
  characters: number;
  budget: number;
  warnings: string[];
  transliteration?: {
    /** On for this country: the text above is already transliterated. */
    applied: boolean;
    changes: Record<string, number>;
    segmentsBefore: number;
    segmentsAfter: number;
    segmentsSaved: number;
    becomesGsm7: boolean;
  };
}

/** The segment budget of a template in a language, as the catalogue check applies it. */
export function segmentBudget(manifest: Manifest, template: string, lang: string): number {
  const budget = manifest.templates[template]?.segmentBudget;
  return budget?.[lang] ?? budget?.default ?? 1;
}

// A character people cannot see (a no-break space, a zero-width joiner) is named by its code.
const shown = (ch: string): string => (/^[\p{L}\p{N}\p{P}\p{S}]$/u.test(ch) ? `"${ch}"` : `U+${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}`);

/** The characters GSM-7 cannot carry, each once, in the order they first appear. */
export function ucs2Characters(text: string): string[] {
  const found = new Set<string>();
  for (const ch of text) if (!isGsm7(ch)) found.add(ch);
  return [...found];
}

export function smsPreview(message: Pick<RenderedMessage, 'parts' | 'transliteration'>, budget: number): SmsPreview {
  const body = message.parts.body ?? '';
  const { encoding, segments } = segmentSms(body);
  const warnings: string[] = [];
  if (segments > budget) warnings.push(`${segments} segments: over this template's budget of ${budget}`);
  if (encoding === 'UCS-2') {
    const offending = ucs2Characters(body);
    warnings.push(`UCS-2 because of ${offending.map(shown).join(', ')}: a message holds ${UCS2_SINGLE} characters instead of ${GSM7_SINGLE}`);
  }
  if (segments > 1) warnings.push(`a long message: ${segments} segments, billed as ${segments} messages to every recipient`);

  const preview: SmsPreview = { encoding, segments, characters: [...body].length, budget, warnings };
  const applied = message.transliteration;
  if (applied) {
    preview.transliteration = { applied: true, changes: applied.changes, segmentsBefore: applied.before.segments, segmentsAfter: segments, segmentsSaved: applied.segmentsSaved, becomesGsm7: applied.becomesGsm7 };
  } else {
    const possible = previewTransliteration(body);
    if (Object.keys(possible.changes).length) {
      preview.transliteration = { applied: false, changes: possible.changes, segmentsBefore: segments, segmentsAfter: possible.after.segments, segmentsSaved: possible.segmentsSaved, becomesGsm7: possible.becomesGsm7 };
    }
  }
  return preview;
}
