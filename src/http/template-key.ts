import type { Channel } from '../domain/case-event.ts';
import { PARTS, type Manifest } from '../rendering/catalogue.ts';
import { HttpProblem, problem } from './problem.ts';

// What the template routes refuse before any work: a template, channel or language the catalogue
// does not declare (404), and parts that are not exactly the channel's (400).

export function assertDeclared(manifest: Manifest, template: string, channel: Channel, locale: string): void {
  const spec = manifest.templates[template];
  if (!spec || !spec.channels.includes(channel) || !(manifest.languages as readonly string[]).includes(locale)) {
    throw new HttpProblem(problem(404, 'template-not-found', 'No such template', `The catalogue has no ${channel} template "${template}" in "${locale}".`));
  }
}

export function assertChannelParts(channel: Channel, parts: Readonly<Record<string, string>>): void {
  const expected = PARTS[channel].map((p) => p.part).sort();
  if (expected.join() !== Object.keys(parts).sort().join()) {
    throw new HttpProblem(problem(400, 'template-parts', 'The parts do not match the channel', `A ${channel} template has exactly these parts: ${expected.join(', ')}.`));
  }
}
