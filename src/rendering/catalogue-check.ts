// The catalogue's checks (npm run templates:check, and the tests): every declared file exists and
// compiles; each renders with the sample data of every country; every SMS stays within its budget;
// every electronic message carries the required keys; every country's legal blocks are present; a
// template with a `reads` list reads nothing else (contact-request: no debt details may reach it).

import Handlebars from 'handlebars';
import { Type } from 'typebox';
import { Compile } from 'typebox/compile';
import type { CaseEvent, Channel } from '../domain/case-event.ts';
import { TemplateError } from '../errors.ts';
import { LANGUAGE_OF_COUNTRY, type Catalogue, type LoadedPart, type RenderedMessage } from './catalogue.ts';
import { SAMPLE_ENVIRONMENT, type RenderEnvironment } from './render-context.ts';
import { segmentBudget } from './sms-preview.ts';

export interface CatalogueProblem {
  where: string;
  problem: string;
}

const SAMPLE_DATA: Record<string, CaseEvent['data']> = {
  'plan-agreed': { plan: { instalments: 6, amount: '166.90', firstDueDate: '2026-12-01', frequency: 'monthly' } },
  'instalment-reminder': { plan: { instalments: 6, amount: '166.90', firstDueDate: '2026-12-01', frequency: 'monthly' }, instalment: { number: 2, amount: '166.90', dueDate: '2027-01-01' } },
  'instalment-missed': { plan: { instalments: 6, amount: '166.90', firstDueDate: '2026-12-01', frequency: 'monthly' }, instalment: { number: 2, amount: '166.90', dueDate: '2027-01-01' } },
  'payment-received': { payment: { amount: '250.00', receivedOn: '2026-11-20' } },
  'settlement-offer': { offer: { amount: '150.00', validUntil: '2026-12-31' } },
};

/**
 * The event a template is checked with: a contract example, plus the data the template's event
 * type always carries when the example lacks it (a plan, an instalment, a payment, an offer).
 */
export function sampleFor(template: string, event: CaseEvent, channel: Channel): { event: CaseEvent; environment: RenderEnvironment } {
  const data = { ...SAMPLE_DATA[template], ...event.data };
  return { event: { ...event, data }, environment: { ...SAMPLE_ENVIRONMENT, optedOutChannel: template === 'opt-out-confirmation' ? channel : null } };
}

const HELPERS = new Set(['money', 'date', 'iban', 't', 'if', 'unless', 'each', 'with']);

interface AstNode {
  type?: string;
  original?: unknown;
  path?: AstNode;
  params?: AstNode[];
  hash?: { pairs?: Array<{ value: AstNode }> };
  program?: AstNode;
  inverse?: AstNode;
  body?: AstNode[];
  data?: boolean;
  depth?: number;
  parts?: string[];
}

/**
 * Every variable path a template reads from the render context: paths outside #each/#with bodies,
 * and inside them those that climb back to the root (`../` once per enclosing block, or `@root.`);
 * paths relative to a block's item are not. Reading the whole context (`this` at the root) is "this".
 */
export function variablesOf(source: string): string[] {
  const found = new Set<string>();
  // level: how many #each/#with bodies enclose the node.
  const visit = (node: AstNode | undefined, level = 0, isHelperName = false): void => {
    if (!node) return;
    if (node.type === 'PathExpression') {
      const fromRoot = node.data ? node.parts?.[0] === 'root' : (node.depth ?? 0) === level;
      if (!isHelperName && fromRoot) found.add((node.data ? node.parts?.slice(1) : node.parts)?.join('.') || 'this');
      return;
    }
    if (node.type === 'MustacheStatement' || node.type === 'SubExpression' || node.type === 'BlockStatement') {
      const name = node.path?.original;
      const callsHelper = typeof name === 'string' && (HELPERS.has(name) || (node.params?.length ?? 0) > 0);
      visit(node.path, level, callsHelper);
      for (const p of node.params ?? []) visit(p, level);
      for (const pair of node.hash?.pairs ?? []) visit(pair.value, level);
      const changesContext = node.type === 'BlockStatement' && (name === 'each' || name === 'with');
      visit(node.program, changesContext ? level + 1 : level);
      visit(node.inverse, level);
      return;
    }
    for (const child of node.body ?? []) visit(child, level);
  };
  visit(Handlebars.parse(source) as AstNode);
  return [...found];
}

function allowed(path: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('.*') ? path === p.slice(0, -2) || path.startsWith(p.slice(0, -1)) : path === p));
}

const usesKey = (source: string, key: string): boolean => new RegExp(`\\{\\{~?\\s*t\\s+"${key.replaceAll('.', '\\.')}"`).test(source);

export interface CheckResult {
  problems: CatalogueProblem[];
  rendered: Array<{ fixture: string; message: RenderedMessage }>;
}

/** The checks of one template on one channel in one language, given its compiled parts. */
function checkEntry(
  catalogue: Catalogue,
  key: { template: string; channel: Channel; lang: string },
  parts: ReadonlyMap<string, LoadedPart>,
  version: string,
  fixtures: ReadonlyArray<{ name: string; event: CaseEvent }>,
  result: CheckResult,
): void {
  const { template, channel, lang } = key;
  const { manifest } = catalogue;
  const spec = manifest.templates[template];
  if (!spec) return;
  const where = `${channel}/${template}.${lang}`;
  // Every body (an email's HTML and its text alike) carries the lines; a subject need not.
  const bodies = [...parts.entries()].filter(([part]) => part !== 'subject').map(([, p]) => p);
  const country = Object.entries(LANGUAGE_OF_COUNTRY).find(([, l]) => l === lang)?.[0] ?? '';
  const required = (manifest.requiredKeys[channel] ?? []).map((k) => spec.replaces?.[k] ?? k);
  const legal = [...(manifest.legal.all?.[template]?.[channel] ?? []), ...(manifest.legal[country]?.[template]?.[channel] ?? [])];
  for (const k of [...required, ...legal]) {
    for (const body of bodies) if (!usesKey(body.source, k)) result.problems.push({ where: body.file, problem: `does not use {{t "${k}"}}` });
  }
  for (const part of parts.values()) {
    for (const variable of variablesOf(part.source)) {
      if (!allowed(variable, manifest.variables)) result.problems.push({ where: part.file, problem: `reads "${variable}", which the catalogue does not declare` });
      else if (spec.reads && !allowed(variable, spec.reads)) result.problems.push({ where: part.file, problem: `reads "${variable}", which is not in the template's reads list` });
    }
  }
  for (const fixture of fixtures) {
    const sample = sampleFor(template, { ...fixture.event, debtor: { ...fixture.event.debtor, locale: lang } }, channel);
    try {
      const message = catalogue.renderWith(parts, version, template, channel, sample.event, sample.environment);
      result.rendered.push({ fixture: fixture.name, message });
      if (channel === 'sms') {
        const budget = segmentBudget(manifest, template, lang);
        if ((message.segments ?? 0) > budget) result.problems.push({ where, problem: `${message.segments} segments with ${fixture.name} (budget ${budget})` });
      }
    } catch (err) {
      result.problems.push({ where, problem: `with ${fixture.name}: ${err instanceof TemplateError ? err.message : String(err)}` });
    }
  }
}

const ContentTemplate = Type.Object({
  contentSid: Type.String({ pattern: '^HX[0-9a-f]{32}$' }),
  variables: Type.Record(Type.String({ pattern: '^[1-9][0-9]?$' }), Type.String()),
  body: Type.String({ minLength: 1, maxLength: 1024 }),
});
const checkContent = Compile(ContentTemplate);

/** Every WhatsApp template has an approved Content template per language, whose placeholders match its variables. */
function checkContentTemplates(catalogue: Catalogue, onlyLanguage: string | undefined, problems: CatalogueProblem[]): void {
  for (const lang of catalogue.manifest.languages) {
    if (onlyLanguage && lang !== onlyLanguage) continue;
    const where = `whatsapp/content.${lang}.yaml`;
    const entries = catalogue.contentTemplates.get(lang);
    for (const [template, spec] of Object.entries(catalogue.manifest.templates)) {
      if (!spec.channels.includes('whatsapp')) continue;
      const entry = entries?.[template];
      if (!checkContent.Check(entry)) {
        problems.push({ where, problem: `${template}: needs contentSid (HX + 32 hex), variables {"1": path, …} and body` });
        continue;
      }
      const numbers = Object.keys(entry.variables).map(Number).sort((a, b) => a - b);
      if (numbers.some((n, i) => n !== i + 1)) problems.push({ where, problem: `${template}: variables must be numbered 1, 2, 3… without gaps` });
      const used = new Set([...entry.body.matchAll(/\{\{(\d+)\}\}/g)].map((m) => Number(m[1])));
      for (const n of numbers) if (!used.has(n)) problems.push({ where, problem: `${template}: variable {{${n}}} is not in the body` });
      for (const n of used) if (!numbers.includes(n)) problems.push({ where, problem: `${template}: the body uses {{${n}}}, which has no variable` });
      for (const p of Object.values(entry.variables)) {
        if (!allowed(p, catalogue.manifest.variables)) problems.push({ where, problem: `${template}: variable path "${p}" is not declared` });
        else if (spec.reads && !allowed(p, spec.reads)) problems.push({ where, problem: `${template}: variable path "${p}" is not in the template's reads list` });
      }
    }
  }
}

export function checkCatalogue(catalogue: Catalogue, fixtures: ReadonlyArray<{ name: string; event: CaseEvent }>, onlyLanguage?: string): CheckResult {
  const result: CheckResult = {
    problems: catalogue.problems.filter((p) => !onlyLanguage || p.file.includes(`.${onlyLanguage}.`)).map((p) => ({ where: p.file, problem: p.problem })),
    rendered: [],
  };
  checkContentTemplates(catalogue, onlyLanguage, result.problems);
  for (const [template, spec] of Object.entries(catalogue.manifest.templates)) {
    for (const channel of spec.channels) {
      for (const lang of catalogue.manifest.languages) {
        if (onlyLanguage && lang !== onlyLanguage) continue;
        const parts = catalogue.parts.get(`${channel}/${template}.${lang}`);
        if (parts) checkEntry(catalogue, { template, channel, lang }, parts, '', fixtures, result);
      }
    }
  }
  return result;
}

/**
 * The same checks for a version before it can be submitted: it must compile, render and comply.
 * The renderings come back too, so a preview need not render the samples a second time.
 */
export function checkCandidateRendering(
  catalogue: Catalogue,
  key: { template: string; channel: Channel; lang: string },
  sources: Readonly<Record<string, string>>,
  fixtures: ReadonlyArray<{ name: string; event: CaseEvent }>,
): CheckResult {
  const compiled = catalogue.compileParts(key.template, key.channel, key.lang, sources, 'candidate');
  const result: CheckResult = { problems: compiled.problems.map((p) => ({ where: p.file, problem: p.problem })), rendered: [] };
  if (!result.problems.length) checkEntry(catalogue, key, compiled.parts, 'candidate', fixtures, result);
  return result;
}

export function checkCandidate(
  catalogue: Catalogue,
  key: { template: string; channel: Channel; lang: string },
  sources: Readonly<Record<string, string>>,
  fixtures: ReadonlyArray<{ name: string; event: CaseEvent }>,
): CatalogueProblem[] {
  return checkCandidateRendering(catalogue, key, sources, fixtures).problems;
}
