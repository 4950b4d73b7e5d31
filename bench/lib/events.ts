import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type { CaseEvent } from '../../src/domain/case-event.ts';

// The four contract events, used as templates: every request gets its own event id, case id
// and debtor id so the service writes realistic rows (new debtor, new case) instead of
// hitting the same snapshot rows, and never the duplicate path.

const FIXTURES_DIR = fileURLToPath(new URL('../../test/fixtures/events/', import.meta.url));

export const TEMPLATES: readonly CaseEvent[] = readdirSync(FIXTURES_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(FIXTURES_DIR, f), 'utf8')) as CaseEvent);

/** A source of distinct event bodies; `tag` keeps ids unique across runs and targets. */
export function eventBodies(tag: string): () => { id: string; body: string } {
  let n = 0;
  return () => {
    const template = TEMPLATES[n % TEMPLATES.length]!;
    const seq = `${tag}-${++n}`;
    const event: CaseEvent = {
      ...template,
      id: `${template.id}-${seq}`,
      case: { ...template.case, id: `${template.case.id}-${seq}` },
      debtor: { ...template.debtor, id: `${template.debtor.id}-${seq}` },
    };
    return { id: event.id, body: JSON.stringify(event) };
  };
}
