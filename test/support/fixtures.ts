import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseEvent } from '../../src/domain/case-event.ts';

const DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/events');

/** The four contract examples (copied from shared/contract), by file name without .json. */
export function contractEvent(name: 'fi-case-opened' | 'it-payment-due' | 'nl-plan-agreed' | 'pl-payment-missed'): CaseEvent {
  return JSON.parse(readFileSync(path.join(DIR, `${name}.json`), 'utf8')) as CaseEvent;
}

export function contractEventTexts(): Array<{ name: string; text: string }> {
  return readdirSync(DIR)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ name: f.replace(/\.json$/, ''), text: readFileSync(path.join(DIR, f), 'utf8') }));
}
