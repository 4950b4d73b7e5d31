// npm exec -- node scripts/render-catalogue.ts <lang> [template]: renders a language's catalogue
// with the four contract examples and prints every message, its SMS segments and every problem.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadCatalogue } from '../src/rendering/catalogue.ts';
import { checkCatalogue } from '../src/rendering/catalogue-check.ts';
import { contractFixtures } from '../src/rendering/sample-events.ts';

const [lang, only] = process.argv.slice(2);
if (!lang) throw new Error('usage: render-catalogue.ts <pl|fi|it|nl> [template]');
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const catalogue = await loadCatalogue({ templatesDir: path.join(root, 'templates'), localesDir: path.join(root, 'locales') });
const { problems, rendered } = checkCatalogue(catalogue, await contractFixtures(), lang);
const out = (s = '') => process.stdout.write(`${s}\n`);
for (const { fixture, message } of rendered) {
  if (only && message.template !== only) continue;
  const sms = message.channel === 'sms' ? ` · ${message.encoding}, ${message.segments} segment(s)` : '';
  out(`── ${message.channel}/${message.template}.${message.locale} with ${fixture}${sms}`);
  for (const [part, text] of Object.entries(message.parts)) out(`[${part}]\n${text}`);
  out();
}
out(problems.length ? `${problems.length} problem(s):` : 'no problems');
for (const p of problems) out(`  ${p.where}: ${p.problem}`);
