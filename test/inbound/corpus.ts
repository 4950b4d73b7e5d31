import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { classifyReply, type Classification } from '../../src/inbound/intents.ts';
import { matchKeyword, type Keywords } from '../../src/inbound/keywords.ts';
import { INTENT_LANGUAGES, type IntentLanguage } from '../../src/inbound/text.ts';

// The labelled replies of test/fixtures/replies and how the keyword matcher plus the intent
// classifier do on them: precision and recall per label, per language, per part (tuning, holdout),
// and the confusion pairs. Shared by the corpus test and scripts/intent-report.ts.

export const LABELS = ['dispute', 'vulnerability', 'promise', 'preference', 'question', 'stop', 'start', 'help'] as const;
export type Label = (typeof LABELS)[number];
export const PARTS = ['tuning', 'holdout'] as const;
export type Part = (typeof PARTS)[number];

const Lang = Type.Union(INTENT_LANGUAGES.map((l) => Type.Literal(l)));
const Entry = Type.Object(
  {
    text: Type.String({ minLength: 1 }),
    intent: Type.Union(LABELS.map((l) => Type.Literal(l))),
    promise: Type.Optional(Type.Object({ date: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' })), amount: Type.Optional(Type.String({ pattern: '^\\d+(\\.\\d{2})?$' })) })),
    preference: Type.Optional(Type.Object({ channel: Type.Optional(Type.Union(['sms', 'whatsapp', 'email', 'letter'].map((c) => Type.Literal(c)))), language: Type.Optional(Lang) })),
    kind: Type.Optional(Type.Union(['illness', 'bereavement', 'job-loss', 'debt-advice', 'other'].map((k) => Type.Literal(k)))),
    /** The language the reply is written in, when not the file's ("en" for one we do not classify). */
    language: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
);
const CorpusFile = Type.Object({ language: Lang, today: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }), tuning: Type.Array(Entry), holdout: Type.Array(Entry) });
const checkCorpus = Compile(CorpusFile);
export type CorpusEntry = Static<typeof Entry>;

export interface Case {
  entry: CorpusEntry;
  file: IntentLanguage;
  part: Part;
  today: string;
}

export function loadCorpus(dir = new URL('../fixtures/replies/', import.meta.url).pathname): Case[] {
  const cases: Case[] = [];
  for (const file of INTENT_LANGUAGES) {
    const doc: unknown = parse(readFileSync(`${dir}${file}.yaml`, 'utf8'));
    if (!checkCorpus.Check(doc)) throw new Error(`${file}.yaml: ${[...checkCorpus.Errors(doc)].slice(0, 3).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`);
    for (const part of PARTS) for (const entry of doc[part]) cases.push({ entry, file, part, today: doc.today });
  }
  return cases;
}

export interface Outcome extends Case {
  predicted: Label;
  classification: Classification | null;
}

/** What the inbound pipeline does with a reply: a keyword first, else the intent classifier. */
export function predict(c: Case, keywords: Keywords): Outcome {
  const keyword = matchKeyword(keywords, c.entry.text, c.file);
  if (keyword) return { ...c, predicted: keyword.keyword, classification: null };
  const classification = classifyReply(c.entry.text, { languageHint: c.file, today: c.today });
  return { ...c, predicted: classification.intent, classification };
}

export interface LabelScore {
  label: string;
  support: number;
  predicted: number;
  truePositives: number;
  /** null when nothing was predicted as the label (or nothing carries it). */
  precision: number | null;
  recall: number | null;
}

/** Precision and recall of `label`; `is` decides which labels count as it (the keyword set is three). */
export function score(outcomes: readonly Outcome[], label: string, is: (l: Label) => boolean = (l) => l === label): LabelScore {
  const support = outcomes.filter((o) => is(o.entry.intent)).length;
  const predicted = outcomes.filter((o) => is(o.predicted)).length;
  // For the keyword set, a hit must be the right kind (STOP read as START is no hit).
  const truePositives = outcomes.filter((o) => is(o.entry.intent) && o.predicted === o.entry.intent).length;
  return { label, support, predicted, truePositives, precision: predicted ? truePositives / predicted : null, recall: support ? truePositives / support : null };
}

export const KEYWORD_SET = (l: Label): boolean => l === 'stop' || l === 'start' || l === 'help';

export function confusions(outcomes: readonly Outcome[]): Array<{ expected: Label; predicted: Label; count: number; texts: string[] }> {
  const pairs = new Map<string, { expected: Label; predicted: Label; count: number; texts: string[] }>();
  for (const o of outcomes) {
    if (o.predicted === o.entry.intent) continue;
    const key = `${o.entry.intent}>${o.predicted}`;
    const pair = pairs.get(key) ?? { expected: o.entry.intent, predicted: o.predicted, count: 0, texts: [] };
    pair.count++;
    pair.texts.push(`[${o.file}] ${o.entry.text}`);
    pairs.set(key, pair);
  }
  return [...pairs.values()].sort((a, b) => b.count - a.count);
}

/** For replies read correctly: are the promise date and amount, the channel or language, the kind right? */
export function detailMisses(outcomes: readonly Outcome[]): { checked: number; wrong: string[] } {
  const wrong: string[] = [];
  let checked = 0;
  for (const o of outcomes) {
    const c = o.classification;
    if (!c || o.predicted !== o.entry.intent) continue;
    const want = o.entry;
    const pairs: Array<[string, unknown, unknown]> = [];
    if (want.intent === 'promise') pairs.push(['date', want.promise?.date, c.promise?.date], ['amount', want.promise?.amount, c.promise?.amount]);
    if (want.intent === 'preference') pairs.push(['channel', want.preference?.channel, c.preference?.channel], ['language', want.preference?.language, c.preference?.language]);
    if (want.intent === 'vulnerability') pairs.push(['kind', want.kind, c.vulnerabilityKind]);
    for (const [what, expected, got] of pairs) {
      checked++;
      if (expected !== got) wrong.push(`[${o.file}] ${want.text}: ${what} ${String(got)}, expected ${String(expected)}`);
    }
  }
  return { checked, wrong };
}

/** Replies written in the file's language whose language the classifier named otherwise. */
export function languageMisses(outcomes: readonly Outcome[]): { checked: number; wrong: string[] } {
  const read = outcomes.filter((o) => o.classification && (o.entry.language ?? o.file) !== 'en');
  const wrong = read.filter((o) => o.classification?.language !== (o.entry.language ?? o.file)).map((o) => `[${o.file}] ${o.entry.text}: ${String(o.classification?.language)}`);
  return { checked: read.length, wrong };
}
