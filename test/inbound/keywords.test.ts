import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadKeywords, matchKeyword } from '../../src/inbound/keywords.ts';

// A keyword is a whole reply, compared without case, diacritics, punctuation or surrounding
// spaces; the same word inside a sentence is not a keyword (the sentence is read for its intent).

const keywords = loadKeywords();

describe('the shipped keywords', () => {
  it.each([
    // The English set
    ...['STOP', 'STOPALL', 'UNSUBSCRIBE', 'CANCEL', 'END', 'QUIT'].map((text) => ({ text, keyword: 'stop', language: 'en' })),
    ...['START', 'YES', 'UNSTOP'].map((text) => ({ text, keyword: 'start', language: 'en' })),
    { text: 'HELP', keyword: 'help', language: 'en' },
    // Each language's own words
    { text: 'Wypisz', keyword: 'stop', language: 'pl' },
    { text: 'wypisz mnie', keyword: 'stop', language: 'pl' },
    { text: 'REZYGNUJĘ', keyword: 'stop', language: 'pl' },
    { text: 'rezygnuje', keyword: 'stop', language: 'pl' },
    { text: 'Wznów', keyword: 'start', language: 'pl' },
    { text: 'pomoc', keyword: 'help', language: 'pl' },
    { text: 'Lopeta', keyword: 'stop', language: 'fi' },
    { text: 'ALOITA', keyword: 'start', language: 'fi' },
    { text: 'Apua!', keyword: 'help', language: 'fi' },
    { text: 'ohje', keyword: 'help', language: 'fi' },
    { text: 'Basta!!', keyword: 'stop', language: 'it' },
    { text: 'annulla', keyword: 'stop', language: 'it' },
    { text: 'Inizia', keyword: 'start', language: 'it' },
    { text: 'AIUTO', keyword: 'help', language: 'it' },
    { text: 'Afmelden', keyword: 'stop', language: 'nl' },
    { text: 'uitschrijven.', keyword: 'stop', language: 'nl' },
    { text: 'aanmelden', keyword: 'start', language: 'nl' },
  ])('"$text" is $keyword ($language)', ({ text, keyword, language }) => {
    expect(matchKeyword(keywords, text)).toEqual({ keyword, language });
  });

  it.each([' Stop ', 'stop.', 'STOP!', '"stop"', 'S.T.O.P', '¡stop!', 'stop 🙏'])('case, punctuation and spaces do not matter: %j', (text) => {
    expect(matchKeyword(keywords, text)?.keyword).toBe('stop');
  });

  it('a word several languages list is reported in the debtor language when given', () => {
    expect(matchKeyword(keywords, 'STOP', 'fi')).toEqual({ keyword: 'stop', language: 'fi' });
    expect(matchKeyword(keywords, 'info', 'it')).toEqual({ keyword: 'help', language: 'it' });
    // A word only English lists stays English: the kind never depends on the debtor's language.
    expect(matchKeyword(keywords, 'unsubscribe', 'pl')).toEqual({ keyword: 'stop', language: 'en' });
  });

  it.each([
    'stop calling me, I will pay friday',
    'Stop, nie piszcie już, wpłacę pieniądze w czwartek',
    'STOP! To nie mój dług',
    'Basta messaggi, pago sabato',
    'Stop met sms’en, ik betaal zaterdag',
    'Lopettakaa viestittely',
    'wypisz mnie z tej listy natychmiast',
    'Pomocy, co to za wiadomość?',
    'Apua, mistä tässä on kyse?',
    'Info o długu proszę',
    'Help, wat moet ik hiermee?',
    'stop stop',
    'Yes I will pay',
  ])('a sentence holding a keyword is not a keyword: %j', (text) => {
    expect(matchKeyword(keywords, text)).toBeNull();
  });

  it.each(['TAK', 'nie', 'Kyllä', 'ei', 'Sì', 'no', 'Ja', 'Nee', 'ok', '', '   ', '!!!', '🙂'])('a bare yes, no or nothing is not a keyword: %j', (text) => {
    expect(matchKeyword(keywords, text)).toBeNull();
  });
});

describe('loadKeywords on a broken file', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  async function dirWith(content: string | null): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'keywords-'));
    dirs.push(dir);
    if (content !== null) await writeFile(path.join(dir, 'keywords.yaml'), content);
    return dir;
  }

  it.each([
    { description: 'a word that is stop in one language and start in another', content: 'version: 1\nlanguages:\n  en: { stop: [STOP], start: [START], help: [] }\n  pl: { stop: [Start], start: [], help: [] }\n', names: '"Start" is stop in pl but start in en' },
    { description: 'the same word twice in one language under two kinds, written differently', content: 'version: 1\nlanguages:\n  pl: { stop: [REZYGNUJĘ], start: [rezygnuje], help: [] }\n', names: 'rezygnuje' },
    { description: 'a language without stop words', content: 'version: 1\nlanguages:\n  fi: { stop: [], start: [ALOITA], help: [] }\n', names: '/languages/fi/stop' },
    { description: 'an unknown kind', content: 'version: 1\nlanguages:\n  it: { stop: [BASTA], start: [], help: [], pause: [PAUSA] }\n', names: '/languages/it' },
    { description: 'a word without letters or digits', content: 'version: 1\nlanguages:\n  nl: { stop: ["!!"], start: [], help: [] }\n', names: 'no letters or digits' },
    { description: 'a file that is not YAML', content: 'version: 1\nlanguages: [unclosed\n', names: 'cannot be read' },
    { description: 'no file at all', content: null, names: 'cannot be read' },
  ])('$description: ConfigError ($names)', async ({ content, names }) => {
    const dir = await dirWith(content);
    expect(() => loadKeywords(dir)).toThrow(ConfigError);
    expect(() => loadKeywords(dir)).toThrow(names);
  });

  it('a valid file from elsewhere loads with its own words', async () => {
    const dir = await dirWith('version: 7\nlanguages:\n  pl: { stop: [DOŚĆ], start: [], help: [] }\n');
    const own = loadKeywords(dir);
    expect(own.version).toBe('7');
    expect(matchKeyword(own, 'dosc!')).toEqual({ keyword: 'stop', language: 'pl' });
    expect(matchKeyword(own, 'STOP')).toBeNull();
  });
});
