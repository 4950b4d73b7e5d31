// npm run templates:check — every template of the catalogue in every language and channel: present,
// compiling, rendering with each country's sample data, within SMS budgets, carrying its required
// and legal blocks. Exits 1 with the list of problems.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../src/rendering/catalogue.ts';
import { checkCatalogue } from '../src/rendering/catalogue-check.ts';
import { contractFixtures } from '../src/rendering/sample-events.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const catalogue = await loadCatalogue({ templatesDir: path.join(root, 'templates'), localesDir: path.join(root, 'locales') });
const { problems, rendered } = checkCatalogue(catalogue, await contractFixtures());
for (const p of problems) process.stdout.write(`${p.where}: ${p.problem}\n`);
process.stdout.write(`${rendered.length} renders checked, ${problems.length} problem(s)\n`);
process.exitCode = problems.length ? 1 : 0;
