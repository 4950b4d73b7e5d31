// npm run bench:render — renders per second for each channel through the catalogue (strict
// context, checked helpers, i18next, SMS segmenting), against bare Handlebars rendering the same
// templates with plain helpers and a plain context, in the same run. Prints figures; asserts nothing.
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Handlebars from 'handlebars';
import { CHANNELS, type Channel } from '../src/domain/case-event.ts';
import { loadCatalogue, PARTS } from '../src/rendering/catalogue.ts';
import { sampleFor } from '../src/rendering/catalogue-check.ts';
import { buildRenderContext } from '../src/rendering/render-context.ts';
import { formatDate, formatIban, formatMoney } from '../src/rendering/format.ts';
import { createI18n, loadLocales } from '../src/rendering/i18n.ts';
import { contractFixtures } from '../src/rendering/sample-events.ts';

const SECONDS = Number(process.env.BENCH_SECONDS ?? 1);
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const catalogue = await loadCatalogue({ templatesDir: path.join(root, 'templates'), localesDir: path.join(root, 'locales') });
const fixtures = await contractFixtures();
const i18n = await createI18n(await loadLocales(path.join(root, 'locales'), ['pl', 'fi', 'it', 'nl']));
const INTL: Record<string, string> = { pl: 'pl-PL', fi: 'fi-FI', it: 'it-IT', nl: 'nl-NL' };

// The floor: the same template sources in a bare Handlebars with plain helpers.
const bare = Handlebars.create();
let current = { lang: 'fi', currency: 'EUR', ns: 'catalogue' };
bare.registerHelper('money', (amount: string) => formatMoney(amount, current.currency, INTL[current.lang] ?? 'fi-FI'));
bare.registerHelper('date', (d: string) => formatDate(d, INTL[current.lang] ?? 'fi-FI'));
bare.registerHelper('iban', (iban: string) => formatIban(iban));
bare.registerHelper('t', (key: string, options: Handlebars.HelperOptions) => i18n.t(key, { ...options.hash, lng: current.lang, ns: current.ns }));

function measure(run: () => void): number {
  let n = 0;
  const end = performance.now() + SECONDS * 1000;
  while (performance.now() < end) for (let i = 0; i < 100; i++, n++) run();
  return n / SECONDS;
}

const line = (s: string) => process.stdout.write(`${s}\n`);
line(`render benchmark: best of 3 alternating ${SECONDS} s rounds per figure, all templates of each channel in rotation over the four contract examples`);
line('channel     catalogue/s      bare/s   ratio   goal');
for (const channel of CHANNELS as readonly Channel[]) {
  const jobs: Array<{ ours: () => void; floor: () => void }> = [];
  for (const [template, spec] of Object.entries(catalogue.manifest.templates)) {
    if (!spec.channels.includes(channel)) continue;
    for (const fixture of fixtures) {
      const lang = catalogue.languageFor(fixture.event);
      const loaded = catalogue.parts.get(`${channel}/${template}.${lang}`);
      if (!loaded || loaded.size !== PARTS[channel].length) continue;
      const sample = sampleFor(template, fixture.event, channel);
      const compiled = [...loaded.values()].map((p) => bare.compile(p.source, { noEscape: p.format === 'text' }));
      const context = buildRenderContext(sample.event, sample.environment);
      const settings = { lang, currency: sample.event.case.currency, ns: channel === 'sms' ? 'sms' : 'catalogue' };
      jobs.push({
        ours: () => catalogue.render(template, channel, sample.event, sample.environment),
        floor: () => {
          current = settings;
          for (const c of compiled) c(context);
        },
      });
    }
  }
  if (!jobs.length) {
    line(`${channel.padEnd(10)}  (no templates yet)`);
    continue;
  }
  // Alternating rounds, best of three each: a busy neighbour then costs both sides alike.
  let ours = 0;
  let floor = 0;
  for (let round = 0; round < 3; round++) {
    let i = 0;
    ours = Math.max(ours, measure(() => jobs[i++ % jobs.length]!.ours()));
    i = 0;
    floor = Math.max(floor, measure(() => jobs[i++ % jobs.length]!.floor()));
  }
  const goal = channel === 'sms' || channel === 'email' ? (ours / floor >= 0.5 ? '≥ 0.5 met' : '≥ 0.5 NOT met') : '';
  line(`${channel.padEnd(10)} ${ours.toFixed(0).padStart(12)} ${floor.toFixed(0).padStart(11)} ${(ours / floor).toFixed(2).padStart(7)}   ${goal}`);
}
