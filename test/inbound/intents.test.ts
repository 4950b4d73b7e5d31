import { describe, expect, it } from 'vitest';
import { classifyReply, CONFIDENT } from '../../src/inbound/intents.ts';
import { loadKeywords } from '../../src/inbound/keywords.ts';
import { promiseDetails } from '../../src/inbound/promise-details.ts';
import type { IntentLanguage } from '../../src/inbound/text.ts';
import { KEYWORD_SET, loadCorpus, predict, score } from './corpus.ts';

// The intent of a reply in Polish, Finnish, Italian and Dutch. Today is Wednesday 18 November 2026
// in the debtor's zone throughout, as in the corpus.

const today = '2026-11-18';
const classify = (text: string, languageHint?: IntentLanguage) => classifyReply(text, { today, ...(languageHint ? { languageHint } : {}) });

describe('the issue examples', () => {
  it.each([
    { text: 'to nie mój dług', language: 'pl' },
    { text: 'en ole velkaa', language: 'fi' },
    { text: 'non è un mio debito', language: 'it' },
    { text: 'ik betwist deze vordering', language: 'nl' },
  ])('"$text" is a dispute in $language', ({ text, language }) => {
    const c = classify(text);
    expect(c).toMatchObject({ intent: 'dispute', language });
    expect(c.confidence).toBeGreaterThanOrEqual(0.9);
    expect(c.evidence.length).toBeGreaterThan(0);
  });

  it.each([
    { text: 'zapłacę w piątek', language: 'pl', promise: { date: '2026-11-20' } },
    { text: 'maksan 15.12.', language: 'fi', promise: { date: '2026-12-15' } },
    { text: 'pagherò lunedì 300 euro', language: 'it', promise: { date: '2026-11-23', amount: '300' } },
    { text: 'ik betaal vrijdag', language: 'nl', promise: { date: '2026-11-20' } },
  ])('"$text" is a promise in $language', ({ text, language, promise }) => {
    expect(classify(text)).toMatchObject({ intent: 'promise', language, promise });
  });
});

describe('several intents in one reply: the stronger duty wins', () => {
  it.each([
    { text: 'Zapłacę w piątek, ale to nie mój dług', intent: 'dispute' },
    { text: 'Maksan perjantaina vaikka en ole velkaa teille mitään', intent: 'dispute' },
    { text: 'Ik betaal vrijdag maar ik betwist de incassokosten', intent: 'dispute' },
    { text: 'Nie mogę zapłacić, straciłem pracę', intent: 'vulnerability', kind: 'job-loss' },
    { text: 'En pysty maksamaan, jäin työttömäksi', intent: 'vulnerability', kind: 'job-loss' },
    { text: 'Non posso pagare, ho perso il lavoro', intent: 'vulnerability', kind: 'job-loss' },
    { text: 'Ik kan niet betalen, ik ben mijn baan kwijt', intent: 'vulnerability', kind: 'job-loss' },
    { text: 'Pagherò venerdì, adesso sono in ospedale', intent: 'vulnerability', kind: 'illness' },
    { text: 'Mijn vrouw is overleden, ik betaal volgende maand', intent: 'vulnerability', kind: 'bereavement' },
    { text: 'Stop z tymi smsami, zapłacę w piątek. Wolę maile.', intent: 'promise' },
  ])('"$text" → $intent', ({ text, intent, kind }) => {
    const c = classify(text);
    expect(c.intent).toBe(intent);
    if (kind) expect(c.vulnerabilityKind).toBe(kind);
  });
});

describe('negations: a refusal is not a promise', () => {
  it.each(['nie zapłacę', 'Nie mogę teraz zapłacić', 'non pagherò mai', 'Non posso pagare', 'ik betaal niet', 'Ik kan niet betalen', 'ik ga niet betalen'])('%j is no promise', (text) => {
    expect(classify(text).intent).not.toBe('promise');
  });

  it.each([
    { text: 'nie piszcie smsów, proszę mailem', channel: 'email' },
    { text: 'ei tekstiviestejä, lähettäkää kirje', channel: 'letter' },
    { text: 'preferisco sms invece della mail', channel: 'sms' },
    { text: 'liever geen mail, stuur een sms', channel: 'sms' },
  ])('the channel asked for, not the one refused: "$text" → $channel', ({ text, channel }) => {
    expect(classify(text)).toMatchObject({ intent: 'preference', preference: { channel } });
  });
});

describe('not sure → a question for a person', () => {
  it.each(['asdfgh', 'ok', '???', 'Dzień dobry', 'Kiitos', 'Grazie mille', 'Bedankt', 'Who is this?', 'Podajcie numer konta to zapłacę', 'Mihin tilinumeroon maksan?'])('%j', (text) => {
    const c = classify(text);
    expect(c.intent).toBe('question');
    expect(c.promise).toBeUndefined();
  });

  it('an intent below the threshold is not acted on', () => {
    // "Can I pay?" without a date or amount is a question, not a promise.
    for (const text of ['Czy mogę zapłacić?', 'Posso pagare a rate?', 'Kan ik in termijnen betalen?']) {
      expect(classify(text).intent).toBe('question');
    }
    for (const text of ['zapłacę w piątek', 'mój mąż zmarł']) expect(classify(text).confidence).toBeGreaterThanOrEqual(CONFIDENT);
  });
});

describe('what comes back', () => {
  it('says which rules decided, in our words, never the reply', () => {
    const c = classify('Mąż zmarł, proszę o czas. Jan Kowalski, tel. 600 100 200');
    expect(c).toMatchObject({ intent: 'vulnerability', vulnerabilityKind: 'bereavement' });
    expect(c.evidence.join(' ')).toContain('pl.vulnerability');
    expect(c.evidence.join(' ')).not.toMatch(/kowalski|600/i);
  });

  it('a long email body is read up to its first 4000 characters', () => {
    const c = classify(`Zapłacę w piątek. ${'Pozdrawiam serdecznie. '.repeat(500)}To nie mój dług.`);
    expect(c).toMatchObject({ intent: 'promise', promise: { date: '2026-11-20' } });
  });
});

describe('language', () => {
  it.each([
    { text: 'Zaplace jutro', language: 'pl' },
    { text: 'Maksan huomenna', language: 'fi' },
    { text: 'Pago domani', language: 'it' },
    { text: 'Ik betaal morgen', language: 'nl' },
    { text: 'Proszę pisać do mnie po polsku, nie rozumiem po niderlandzku', language: 'pl', hint: 'nl' as const },
  ])('"$text" is read as $language', ({ text, language, hint }) => {
    expect(classify(text, hint).language).toBe(language);
  });

  it('the debtor language breaks a tie, and is the answer when the text tells nothing', () => {
    expect(classify('ok', 'fi').language).toBe('fi');
    expect(classify('123', 'it').language).toBe('it');
    expect(classify('123').language).toBeNull();
  });
});

describe('promise dates and amounts, resolved against Wednesday 2026-11-18', () => {
  it.each([
    { text: 'zapłacę w piątek', language: 'pl', date: '2026-11-20' },
    { text: 'zaplace w srode', language: 'pl', date: '2026-11-25' },
    { text: 'maksan 15.12.', language: 'fi', date: '2026-12-15' },
    { text: 'pagherò lunedì', language: 'it', date: '2026-11-23' },
    { text: 'ik betaal vrijdag', language: 'nl', date: '2026-11-20' },
    { text: 'betaal ik volgende week vrijdag', language: 'nl', date: '2026-11-27' },
    { text: 'zapłacę dzisiaj', language: 'pl', date: '2026-11-18' },
    { text: 'maksan huomenna', language: 'fi', date: '2026-11-19' },
    { text: 'pago dopodomani', language: 'it', date: '2026-11-20' },
    { text: 'ik betaal overmorgen', language: 'nl', date: '2026-11-20' },
    { text: 'zapłacę 15 grudnia', language: 'pl', date: '2026-12-15' },
    { text: 'maksan 15. joulukuuta', language: 'fi', date: '2026-12-15' },
    { text: 'pago il 15 dicembre', language: 'it', date: '2026-12-15' },
    { text: 'ik betaal 15 december', language: 'nl', date: '2026-12-15' },
    { text: 'pago il 15/12', language: 'it', date: '2026-12-15' },
    { text: 'ik betaal op 15-12-2026', language: 'nl', date: '2026-12-15' },
    { text: 'maksan 5.1.', language: 'fi', date: '2027-01-05' },
    { text: 'zapłacę 10-go', language: 'pl', date: '2026-12-10' },
    { text: 'zapłacę 25-go', language: 'pl', date: '2026-11-25' },
    { text: 'pago il 27', language: 'it', date: '2026-11-27' },
    { text: 'ik betaal op de 30e', language: 'nl', date: '2026-11-30' },
    { text: 'maksan kuun loppuun mennessä', language: 'fi', date: '2026-11-30' },
    { text: 'ik betaal 31-11', language: 'nl', date: undefined },
  ])('$language "$text" → $date', ({ text, language, date }) => {
    expect(promiseDetails(text, language as IntentLanguage, today).date).toBe(date);
  });

  it.each([
    { text: 'pagherò lunedì 300 euro', amount: '300' },
    { text: 'pago 300 €', amount: '300' },
    { text: 'pago €300', amount: '300' },
    { text: 'zapłacę 300 zł', amount: '300' },
    { text: 'zaplace 300zl', amount: '300' },
    { text: 'maksan 100e perjantaina', amount: '100' },
    { text: 'maksan 300 euroa', amount: '300' },
    { text: 'pago 300,50', amount: '300.50' },
    { text: 'pago 300,5 euro', amount: '300.50' },
    { text: 'zapłacę 1 200 zł', amount: '1200' },
    { text: 'pago 1.200 euro', amount: '1200' },
    { text: 'ik maak op 15-12 € 250 over', amount: '250' },
    { text: 'przeleję jutro 150', amount: '150' },
    { text: 'zapłacę w piątek', amount: undefined },
    { text: 'maksan 15.12.', amount: undefined },
  ])('"$text" → amount $amount', ({ text, amount }) => {
    expect(promiseDetails(text, 'it', today).amount ?? promiseDetails(text, 'pl', today).amount).toBe(amount);
  });

  it('Dutch "de 25e" is a day, not 25 euros', () => {
    expect(promiseDetails('ik betaal op de 25e', 'nl', today)).toEqual({ date: '2026-11-25' });
  });
});

describe('the corpus (tuning part)', () => {
  const keywords = loadKeywords();
  const outcomes = loadCorpus()
    .filter((c) => c.part === 'tuning')
    .map((c) => predict(c, keywords));

  it('has at least 40 tuning replies per language', () => {
    for (const language of ['pl', 'fi', 'it', 'nl']) expect(outcomes.filter((o) => o.file === language).length).toBeGreaterThanOrEqual(40);
  });

  it.each([
    { label: 'dispute', is: undefined },
    { label: 'vulnerability', is: undefined },
    { label: 'stop', is: undefined },
    { label: 'keywords', is: KEYWORD_SET },
  ])('$label: precision ≥ 0.95 and recall ≥ 0.9', ({ label, is }) => {
    const s = score(outcomes, label, is);
    expect(s.support).toBeGreaterThan(0);
    expect(s.precision).toBeGreaterThanOrEqual(0.95);
    expect(s.recall).toBeGreaterThanOrEqual(0.9);
  });

  it.each(['promise', 'preference', 'question'])('%s: recall ≥ 0.9', (label) => {
    expect(score(outcomes, label).recall).toBeGreaterThanOrEqual(0.9);
  });
});
