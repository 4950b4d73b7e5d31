// The catalogue check's problems placed where an editor can act on them: which part (body,
// subject, html, text) and which line. A parse error names its line; an undeclared variable is
// found on the first line that reads it; a missing {{t "key"}} has no line (it is what is absent).

import Handlebars from 'handlebars';
import type { Channel } from '../domain/case-event.ts';
import type { CatalogueProblem } from './catalogue-check.ts';
import { PARTS } from './catalogue.ts';

export interface LocatedProblem {
  part: string | null;
  line: number | null;
  problem: string;
}

interface PathNode {
  type?: string;
  data?: boolean;
  parts?: string[];
  original?: unknown;
  loc?: { start?: { line?: number } };
}

/** The first line on which the template reads `variable` (a dotted path, "this", or a path as written), or null. */
export function firstLineReading(source: string, variable: string): number | null {
  let ast: unknown;
  try {
    ast = Handlebars.parse(source);
  } catch {
    return null;
  }
  let found: number | null = null;
  const visit = (node: unknown): void => {
    if (!node || typeof node !== 'object') return;
    if (Array.isArray(node)) {
      for (const child of node) visit(child);
      return;
    }
    const n = node as PathNode;
    if (n.type === 'PathExpression' && Array.isArray(n.parts)) {
      const path = (n.data ? n.parts.slice(1) : n.parts).join('.') || 'this';
      const line = n.loc?.start?.line;
      if ((path === variable || n.original === variable) && line !== undefined && (found === null || line < found)) found = line;
    }
    for (const [k, child] of Object.entries(n)) if (k !== 'loc' && child && typeof child === 'object') visit(child);
  };
  visit(ast);
  return found;
}

// compileParts names a candidate's files `<label>:<part>` and the shipped ones by path; the
// compiled template's key, quoted in compile and render errors, is `<channel>/<template>.<part>.<lang>.…`.
function partOfWhere(where: string, channel: Channel): string | null {
  const parts = PARTS[channel];
  const afterColon = /:([a-z]+)$/.exec(where)?.[1];
  if (afterColon && parts.some((p) => p.part === afterColon)) return afterColon;
  const bySuffix = [...parts].sort((a, b) => b.suffix.length - a.suffix.length).find((p) => where.endsWith(`.${p.suffix}`));
  return bySuffix?.part ?? null;
}

function partOfMessage(problem: string, channel: Channel): string | null {
  const named = new RegExp(`template ${channel}/[a-z-]+\\.([a-z]+)\\.`).exec(problem)?.[1];
  return named && PARTS[channel].some((p) => p.part === named) ? named : null;
}

/** The first line that calls {{t "key"}}, or null. */
function firstLineTranslating(source: string, key: string): number | null {
  const call = new RegExp(`\\{\\{~?\\s*t\\s+["']${key.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}["']`);
  const index = source.split('\n').findIndex((line) => call.test(line));
  return index < 0 ? null : index + 1;
}

/** Drops the compiled template's internal name, which says nothing to an editor. */
const readable = (problem: string): string => problem.replace(/template \S+ (does not compile|failed to render): /, '$1: ').replace(/template \S+: path/, 'path');

export function locateProblems(problems: readonly CatalogueProblem[], channel: Channel, sources: Readonly<Record<string, string>>): LocatedProblem[] {
  const only = PARTS[channel].length === 1 ? (PARTS[channel][0]?.part ?? null) : null;
  return problems.map(({ where, problem }) => {
    let part = partOfWhere(where, channel) ?? partOfMessage(problem, channel);
    let line: number | null = null;
    // Our parser errors say "line N"; Handlebars' own compile errors end in " - line:column".
    const lineNamed = /\bline (\d+)\b/i.exec(problem)?.[1] ?? / - (\d+):\d+$/.exec(problem)?.[1];
    const variable = /^reads "([^"]+)"/.exec(problem)?.[1] ?? /missing variable "([^"]+)"/.exec(problem)?.[1] ?? /path "([^"]+)" is not allowed/.exec(problem)?.[1];
    const key = /t: no text "([^"]+)"/.exec(problem)?.[1];
    const search = variable !== undefined ? (source: string) => firstLineReading(source, variable) : key !== undefined ? (source: string) => firstLineTranslating(source, key) : null;
    if (lineNamed) {
      line = Number(lineNamed);
    } else if (search) {
      // A compile-time problem names its part; one found while rendering may be in any of them.
      for (const candidate of part ? [part] : PARTS[channel].map((p) => p.part)) {
        const source = sources[candidate];
        const at = source === undefined ? null : search(source);
        if (at !== null) {
          part = candidate;
          line = at;
          break;
        }
      }
    }
    return { part: part ?? only, line, problem: readable(problem) };
  });
}
