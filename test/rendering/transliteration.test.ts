import { describe, expect, it } from 'vitest';
import { previewTransliteration, transliterate } from '../../src/rendering/transliteration.ts';

describe('SMS transliteration (off by default, per country)', () => {
  it('writes Polish letters without diacritics and keeps GSM-7 letters as they are', () => {
    expect(transliterate('Zażółć gęślą jaźń. Łódź')).toBe('Zazolc gesla jazn. Lodz');
    expect(transliterate('Hyvää päivää, Müller, è già, niño')).toBe('Hyvää päivää, Müller, è già, niño');
  });

  it('shows what a Polish reminder gains: UCS-2 at 3 segments becomes GSM-7 at 2', () => {
    const text =
      'Dzień dobry, nie odnotowaliśmy wpłaty raty nr 3 (250,00 zł, termin 15.11.2026), sprawa KR/2026/000123. Trudności ze spłatą? Odpisz, pomożemy.\nTelco Polska S.A.\nAby nie otrzymywać SMS, odpisz STOP.';
    const preview = previewTransliteration(text);
    expect(preview.before).toMatchObject({ encoding: 'UCS-2', segments: 3 });
    expect(preview.after).toMatchObject({ encoding: 'GSM-7', segments: 2 });
    expect(preview.segmentsSaved).toBe(1);
    expect(preview.changes).toEqual({ ń: 1, ś: 2, ł: 3, ą: 1, ż: 1, ć: 1 });
    expect(preview.text).toContain('250,00 zl');
  });

  it('says so when a character without a plain form keeps the message UCS-2', () => {
    const preview = previewTransliteration('Łódź 😀');
    expect(preview.becomesGsm7).toBe(false);
    expect(preview.segmentsSaved).toBe(0);
  });
});
