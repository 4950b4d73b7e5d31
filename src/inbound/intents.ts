import type { Channel } from '../domain/case-event.ts';
import { LETTERS, QUESTION_MARK_WEIGHT, RULES, SPELLINGS, type LanguageRules, type Rule, type VulnerabilityKind } from './intent-patterns.ts';
import { promiseDetails, type PromiseDetails } from './promise-details.ts';
import { INTENT_LANGUAGES, words, type IntentLanguage } from './text.ts';

// The intent of a debtor's reply (not a keyword: see keywords.ts), by rules a person can read
// (intent-patterns.ts). Several intents can be present; the one with the stronger duty wins:
// a dispute stops collection, so it beats everything; a sign of vulnerability beats a promise
// ("I lost my job, I'll pay when I can" needs care, not a reminder on the promised day); a
// promise beats a channel preference. Anything not clearly one of them is a question for a person.

export type Intent = 'dispute' | 'vulnerability' | 'promise' | 'preference' | 'question';
export type { VulnerabilityKind } from './intent-patterns.ts';

export interface ClassifyOptions {
  /** The debtor's language: breaks a tie when the text alone cannot tell. */
  languageHint?: IntentLanguage;
  /** YYYY-MM-DD in the debtor's time zone: promised weekdays and dates are resolved against it. */
  today: string;
}

export interface Classification {
  intent: Intent;
  /** 0–1. For 'question': how sure we are that none of the other intents applies. */
  confidence: number;
  language: IntentLanguage | null;
  promise?: PromiseDetails;
  preference?: { channel?: Channel; language?: IntentLanguage };
  vulnerabilityKind?: VulnerabilityKind;
  /** The rules that decided, as `language.intent: pattern` (our patterns, never the reply's text). */
  evidence: string[];
}

/** Below this, an intent is not acted on and a person reads the reply. */
export const CONFIDENT = 0.6;
const PRIORITY = ['dispute', 'vulnerability', 'promise', 'preference'] as const;
type Actionable = (typeof PRIORITY)[number];

/** Several independent signs of one intent: 1 − Π(1 − w), kept below 1. */
const combine = (weights: number[]): number => Math.min(0.99, 1 - weights.reduce((p, w) => p * (1 - w), 1));
const round = (x: number): number => Math.round(x * 100) / 100;

const spelled = (text: string, rules: LanguageRules): string => rules.spelling.reduce((t, [from, to]) => t.replace(new RegExp(from.source, 'g'), to), text);

/** Whether a negator stands inside the match or within two words of it (after it too, in Dutch). */
function negated(text: string, index: number, length: number, rules: LanguageRules, after: boolean): boolean {
  const around = [
    ...text.slice(0, index).trim().split(' ').slice(-2),
    ...text.slice(index, index + length).split(' '),
    ...(after ? text.slice(index + length).trim().split(' ').slice(0, 2) : []),
  ];
  return around.some((w) => rules.negators.has(w));
}

interface Hits {
  weights: number[];
  rules: Rule[];
}

function match(text: string, list: Rule[], rules: LanguageRules): Hits {
  const hits: Hits = { weights: [], rules: [] };
  for (const rule of list) {
    const found = [...text.matchAll(new RegExp(rule.re.source, 'g'))].some((m) => !rule.neg || !negated(text, m.index, m[0].length, rules, rules.negatesAfter));
    if (found) {
      hits.weights.push(rule.weight);
      hits.rules.push(rule);
    }
  }
  return hits;
}

/** The first thing of a list named in the text and not negated ("no SMS, e-mail please" → email). */
function firstNamed<T>(text: string, list: ReadonlyArray<readonly [T, RegExp]>, rules: LanguageRules): T | undefined {
  let best: { at: number; value: T } | undefined;
  for (const [value, pattern] of list) {
    for (const m of text.matchAll(new RegExp(pattern.source, 'g'))) {
      if (negated(text, m.index, 0, rules, false)) continue;
      if (!best || m.index < best.at) best = { at: m.index, value };
      break;
    }
  }
  return best?.value;
}

interface Reading {
  language: IntentLanguage;
  text: string;
  scores: Record<Actionable | 'question', number>;
  hits: Record<Actionable | 'question', Hits>;
  signs: number;
}

function read(raw: string, base: string, language: IntentLanguage): Reading {
  const rules = RULES[language];
  const text = spelled(base, rules);
  const hits = {
    dispute: match(text, rules.dispute, rules),
    vulnerability: match(text, rules.vulnerability, rules),
    promise: match(text, rules.promise, rules),
    question: match(text, rules.question, rules),
    preference: { weights: [], rules: [] } as Hits,
  };
  const questionWeights = [...hits.question.weights, ...(raw.includes('?') ? [QUESTION_MARK_WEIGHT] : [])];
  const scores = {
    dispute: combine(hits.dispute.weights),
    vulnerability: combine(hits.vulnerability.weights),
    promise: combine(hits.promise.weights),
    question: combine(questionWeights),
    preference: 0,
  };
  const tokens = text.split(' ');
  const lower = raw.toLowerCase();
  const letters = Math.min(3, lower.match(LETTERS[language])?.length ?? 0);
  const spellings = Math.min(2, lower.match(SPELLINGS[language])?.length ?? 0);
  const ruleHits = hits.dispute.rules.length + hits.vulnerability.rules.length + hits.promise.rules.length + hits.question.rules.length + (rules.preferenceCues.test(text) ? 1 : 0);
  const signs = tokens.filter((t) => rules.stopWords.has(t)).length + 2 * letters + spellings + 1.5 * ruleHits;
  return { language, text, scores, hits, signs };
}

/** Replies are short; a long email body is read up to here (the rules need no more, and work stays bounded). */
const MAX_CHARS = 4000;

export function classifyReply(fullText: string, opts: ClassifyOptions): Classification {
  const text = fullText.slice(0, MAX_CHARS);
  const base = words(text);
  const readings = INTENT_LANGUAGES.map((language) => read(text, base, language));
  const top = Math.max(...readings.map((r) => r.signs));
  const tied = readings.filter((r) => r.signs === top);
  const reading = top === 0 ? readings.find((r) => r.language === opts.languageHint) : (tied.find((r) => r.language === opts.languageHint) ?? tied[0]);
  if (!reading) return { intent: 'question', confidence: 1, language: null, evidence: [] };

  const { language, scores, hits } = reading;
  const rules = RULES[language];
  // A question ("what account do I pay to?") weakens a promise or preference worded in it.
  const asking = scores.question;
  let promise: PromiseDetails | undefined;
  if (scores.promise > 0) {
    promise = promiseDetails(text, language, opts.today);
    if (promise.date || promise.amount) scores.promise = combine([scores.promise, 0.5]);
    scores.promise *= 1 - 0.5 * asking;
  }
  const channel = firstNamed(reading.text, rules.channels, rules);
  const preferred = firstNamed(reading.text, rules.languages, rules);
  if (channel || preferred) scores.preference = (rules.preferenceCues.test(reading.text) ? 0.9 : 0.5) * (1 - 0.3 * asking);

  const intent = PRIORITY.find((i) => scores[i] >= CONFIDENT);
  const evidence = (i: Intent): string[] =>
    i === 'preference' ? [`${language}.preference: ${[channel, preferred].filter(Boolean).join(', ')}`] : hits[i].rules.map((r) => `${language}.${i}: ${r.re.source}`);
  if (!intent) {
    const best = Math.max(...PRIORITY.map((i) => scores[i]));
    return { intent: 'question', confidence: round(Math.max(scores.question, 1 - best)), language, evidence: evidence('question') };
  }
  const result: Classification = { intent, confidence: round(scores[intent]), language, evidence: evidence(intent) };
  if (intent === 'promise' && promise && (promise.date || promise.amount)) result.promise = promise;
  if (intent === 'preference') result.preference = { ...(channel ? { channel } : {}), ...(preferred ? { language: preferred } : {}) };
  if (intent === 'vulnerability') {
    const strongest = hits.vulnerability.rules.reduce<Rule | undefined>((a, r) => (!a || r.weight > a.weight ? r : a), undefined);
    result.vulnerabilityKind = strongest?.kind ?? 'other';
  }
  return result;
}
