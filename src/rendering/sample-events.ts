import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CaseEvent } from '../domain/case-event.ts';

/** The four contract examples (test/fixtures/events): the sample data of every country for checks and previews. */
export async function contractFixtures(): Promise<Array<{ name: string; event: CaseEvent }>> {
  const dir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../test/fixtures/events');
  const files = (await readdir(dir)).filter((f) => f.endsWith('.json')).sort();
  return Promise.all(files.map(async (f) => ({ name: f.replace(/\.json$/, ''), event: JSON.parse(await readFile(path.join(dir, f), 'utf8')) as CaseEvent })));
}
