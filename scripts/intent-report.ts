// npm run intents:report — how keywords and the intent classifier do on the labelled replies in
// test/fixtures/replies: precision and recall per intent and per language, for the tuning part
// and for the holdout (written before the patterns and never tuned against), the confusion pairs,
// and whether promise dates and amounts, channels, languages and vulnerability kinds came out right.
// Goal (issue 6): precision ≥ 0.95 for stop, dispute and vulnerability, recall ≥ 0.9.
// `--examples` lists the replies behind each confusion and each wrong detail.
import { loadKeywords } from '../src/inbound/keywords.ts';
import { INTENT_LANGUAGES } from '../src/inbound/text.ts';
import { confusions, detailMisses, KEYWORD_SET, LABELS, languageMisses, loadCorpus, PARTS, predict, score, type LabelScore, type Outcome } from '../test/inbound/corpus.ts';

const examples = process.argv.includes('--examples');
const out = (line = ''): void => void process.stdout.write(`${line}\n`);
const pct = (x: number | null): string => (x === null ? '   –' : x.toFixed(2));
const GOALS: Array<{ label: string; precision: number; recall: number }> = [
  { label: 'stop', precision: 0.95, recall: 0.9 },
  { label: 'keywords', precision: 0.95, recall: 0.9 },
  { label: 'dispute', precision: 0.95, recall: 0.9 },
  { label: 'vulnerability', precision: 0.95, recall: 0.9 },
];

function row(s: LabelScore): string {
  return `  ${s.label.padEnd(24)} ${String(s.support).padStart(7)} ${String(s.predicted).padStart(9)} ${pct(s.precision).padStart(9)} ${pct(s.recall).padStart(6)}`;
}

function scores(outcomes: readonly Outcome[]): LabelScore[] {
  return [...LABELS.map((l) => score(outcomes, l)), score(outcomes, 'keywords (stop+start+help)', KEYWORD_SET)];
}

function report(part: string, outcomes: readonly Outcome[]): void {
  out(`== ${part}: ${outcomes.length} replies ==`);
  out(`  ${'label'.padEnd(24)} support predicted precision recall`);
  const all = scores(outcomes);
  for (const s of all) out(row(s));

  out();
  out(`  per language (precision/recall)`);
  out(`  ${'label'.padEnd(24)} ${INTENT_LANGUAGES.map((l) => l.padStart(11)).join('')}`);
  const byLanguage = INTENT_LANGUAGES.map((l) => scores(outcomes.filter((o) => o.file === l)));
  all.forEach((s, i) => out(`  ${s.label.padEnd(24)} ${byLanguage.map((ls) => `${pct(ls[i]?.precision ?? null)}/${pct(ls[i]?.recall ?? null)}`.padStart(11)).join('')}`));

  out();
  const pairs = confusions(outcomes);
  out(`  confusion pairs (expected → predicted): ${pairs.length ? '' : 'none'}`);
  for (const p of pairs) {
    out(`    ${p.expected} → ${p.predicted}: ${p.count}`);
    if (examples) for (const t of p.texts) out(`        ${t}`);
  }
  const details = detailMisses(outcomes);
  out(`  details (promise date/amount, channel/language, vulnerability kind): ${details.checked - details.wrong.length}/${details.checked} right`);
  if (examples) for (const w of details.wrong) out(`        ${w}`);
  const language = languageMisses(outcomes);
  out(`  language detected: ${language.checked - language.wrong.length}/${language.checked} right`);
  if (examples) for (const w of language.wrong) out(`        ${w}`);

  const keyed = new Map(all.map((s) => [s.label.startsWith('keywords') ? 'keywords' : s.label, s]));
  const verdicts = GOALS.map((g) => {
    const s = keyed.get(g.label);
    const met = s !== undefined && (s.precision ?? 0) >= g.precision && (s.recall ?? 0) >= g.recall;
    return `${g.label} ${met ? 'met' : 'NOT met'}`;
  });
  out(`  goal (precision ≥ 0.95, recall ≥ 0.9): ${verdicts.join(', ')}`);
  out();
}

const keywords = loadKeywords();
const outcomes = loadCorpus().map((c) => predict(c, keywords));
out(`Keywords ${keywords.version}; corpus test/fixtures/replies/{${INTENT_LANGUAGES.join(',')}}.yaml`);
out();
for (const part of PARTS) report(part, outcomes.filter((o) => o.part === part));
