import { describe, expect, it } from 'vitest';
import { detectEncoding, segmentSms } from '../../src/rendering/sms-segments.ts';

describe('segmentSms', () => {
  it('GSM-7: 160 characters are one segment, 161 are two', () => {
    expect(segmentSms('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, segments: 1 });
    expect(segmentSms('a'.repeat(161))).toEqual({ encoding: 'GSM-7', units: 161, segments: 2 });
    expect(segmentSms('a'.repeat(306)).segments).toBe(2);
    expect(segmentSms('a'.repeat(307)).segments).toBe(3);
  });

  it('GSM-7 extension characters count twice', () => {
    for (const ch of ['€', '[', ']', '{', '}', '\\', '^', '~', '|']) {
      expect(segmentSms(ch)).toEqual({ encoding: 'GSM-7', units: 2, segments: 1 });
    }
    expect(segmentSms('€'.repeat(80)).segments).toBe(1);
    expect(segmentSms('a' + '€'.repeat(80)).segments).toBe(2);
  });

  it('an escape pair is never split across segments', () => {
    // 306 septets would fit two segments, but '€' (2) cannot start in septet 153: it opens segment 2, and the text spills into a third
    const text = 'a'.repeat(152) + '€' + 'a'.repeat(152);
    expect(segmentSms(text).units).toBe(306);
    expect(segmentSms(text).segments).toBe(3);
  });

  it('the GSM-7 letters of Finnish, Italian and Dutch stay GSM-7', () => {
    expect(detectEncoding('Hyvää päivää, Åsa! È? no: è é ù ì ò à Ä Ö Ü ñ')).toBe('UCS-2'); // È is not GSM-7
    expect(detectEncoding('Hyvää päivää, Åsa! è é ù ì ò à Ä Ö Ü ñ ß Ç É €')).toBe('GSM-7');
  });

  it('UCS-2: 70 code units are one segment, 71 are two', () => {
    expect(segmentSms('ą'.repeat(70))).toEqual({ encoding: 'UCS-2', units: 70, segments: 1 });
    expect(segmentSms('ą'.repeat(71))).toEqual({ encoding: 'UCS-2', units: 71, segments: 2 });
    expect(segmentSms('ą'.repeat(134)).segments).toBe(2);
    expect(segmentSms('ą'.repeat(135)).segments).toBe(3);
  });

  it('a surrogate pair is never split and counts two code units', () => {
    expect(segmentSms('😀')).toEqual({ encoding: 'UCS-2', units: 2, segments: 1 });
    const text = 'a'.repeat(66) + '😀' + 'a'.repeat(66); // 134 units, but the pair cannot straddle unit 67
    expect(segmentSms(text).units).toBe(134);
    expect(segmentSms(text).segments).toBe(3);
  });

  it('Polish diacritics force UCS-2', () => {
    const text = 'Dzień dobry, przypominamy o wpłacie raty nr 3 (250,00 zł) do 15.11.2026.';
    expect(text.length).toBe(72);
    expect(segmentSms(text)).toEqual({ encoding: 'UCS-2', units: 72, segments: 2 });
    expect(detectEncoding('Dzien dobry, przypominamy o wplacie')).toBe('GSM-7');
  });
});

describe('segment counts on real sentences, as Twilio counts them', () => {
  it.each([
    ['pl', 'Prosimy o wpłatę 250,00 zł do 15.11.2026.', 'UCS-2', 41, 1],
    ['pl, transliterated', 'Prosimy o wplate 250,00 zl do 15.11.2026.', 'GSM-7', 41, 1],
    ['fi', 'Hyvää päivää! Eräpäivä on 31.10.2026, summa 191,55 €.', 'GSM-7', 54, 1],
    ['it', 'La rata è scaduta: può pagare entro venerdì.', 'GSM-7', 44, 1],
    ['it, capital È', 'È scaduta la rata.', 'UCS-2', 18, 1],
    ['nl', 'Wilt u € 166,90 betalen vóór 1 december?', 'UCS-2', 40, 1],
    ['nl, ë', 'Heeft u financiële zorgen? Bel ons.', 'UCS-2', 35, 1],
    ['extension characters', 'Ref [KR/2026] {1} ~ | ^ \\ €', 'GSM-7', 36, 1],
  ])('%s', (_label, text, encoding, units, segments) => {
    expect(segmentSms(text)).toEqual({ encoding, units, segments });
  });
});
