import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { ConfigError } from '../errors.ts';
import { fold } from './text.ts';

// Reply keywords (inbound/keywords.yaml): per language the words that, sent as the whole message,
// opt a debtor out of a channel, back in, or ask for help. The operator edits the file; it is read
// once at start and validated, and a bad file stops the process (like the policy packs).

export const KEYWORD_KINDS = ['stop', 'start', 'help'] as const;
export type KeywordKind = (typeof KEYWORD_KINDS)[number];

const Word = Type.String({ minLength: 1, maxLength: 40 });
const KeywordsFile = Type.Object({
  version: Type.Union([Type.String({ minLength: 1 }), Type.Number()]),
  languages: Type.Record(
    Type.String({ pattern: '^[a-z]{2}$' }),
    Type.Object({ stop: Type.Array(Word, { minItems: 1 }), start: Type.Array(Word), help: Type.Array(Word) }, { additionalProperties: false }),
    { minProperties: 1 },
  ),
});
type KeywordsDoc = Static<typeof KeywordsFile>;
const checkFile = Compile(KeywordsFile);

export interface KeywordMatch {
  keyword: KeywordKind;
  /** The language whose list holds the word (the preferred one when several do). */
  language: string;
}

export interface Keywords {
  readonly version: string;
  /** Languages in file order, each with its words as written in the file. */
  readonly languages: ReadonlyArray<{ language: string } & Record<KeywordKind, readonly string[]>>;
  /** Folded word → its kind and the languages listing it, in file order. */
  readonly index: ReadonlyMap<string, { kind: KeywordKind; languages: readonly string[] }>;
}

/**
 * The form a keyword and a reply are compared in: case and diacritics folded, punctuation and
 * symbols dropped (so "S.T.O.P", "stop-all" and "stop 🙏" read as the words), spaces collapsed.
 */
export const keywordForm = (text: string): string =>
  fold(text)
    .replace(/[^\p{L}\p{N}\s]+/gu, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Validates a parsed keywords document; `where` names it in errors. */
export function buildKeywords(doc: unknown, where: string): Keywords {
  if (!checkFile.Check(doc)) {
    throw new ConfigError(`keywords ${where}: ${[...checkFile.Errors(doc)].slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  }
  const file: KeywordsDoc = doc;
  const index = new Map<string, { kind: KeywordKind; languages: string[] }>();
  const languages: Array<{ language: string } & Record<KeywordKind, readonly string[]>> = [];
  for (const [language, lists] of Object.entries(file.languages)) {
    languages.push({ language, stop: lists.stop, start: lists.start, help: lists.help });
    for (const kind of KEYWORD_KINDS) {
      for (const word of lists[kind]) {
        const form = keywordForm(word);
        if (!form) throw new ConfigError(`keywords ${where}: ${language}.${kind} has "${word}", which has no letters or digits`);
        const seen = index.get(form);
        if (!seen) index.set(form, { kind, languages: [language] });
        // One word, two meanings would make a debtor's reply do something they did not ask for.
        else if (seen.kind !== kind) throw new ConfigError(`keywords ${where}: "${word}" is ${kind} in ${language} but ${seen.kind} in ${seen.languages.join(', ')}`);
        else if (!seen.languages.includes(language)) seen.languages.push(language);
      }
    }
  }
  return { version: String(file.version), languages, index };
}

/** Reads and validates `keywords.yaml` under `dir` (default: inbound/ in the project). */
export function loadKeywords(dir = new URL('../../inbound/', import.meta.url).pathname): Keywords {
  const file = join(dir, 'keywords.yaml');
  let doc: unknown;
  try {
    doc = parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`keywords file ${file} cannot be read: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
  return buildKeywords(doc, file);
}

/**
 * The keyword a reply is, or null when it is anything else (a sentence holding a keyword is not
 * one). `preferLanguage` (the debtor's language) picks the language reported when several list the
 * word; the kind never depends on it, so a Polish debtor answering STOP or CANCEL is opted out.
 */
export function matchKeyword(keywords: Keywords, text: string, preferLanguage?: string): KeywordMatch | null {
  const form = keywordForm(text);
  if (!form) return null;
  const hit = keywords.index.get(form);
  if (!hit) return null;
  const language = preferLanguage && hit.languages.includes(preferLanguage) ? preferLanguage : hit.languages[0];
  return language === undefined ? null : { keyword: hit.kind, language };
}
