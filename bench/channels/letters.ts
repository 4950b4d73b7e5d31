import { countPdfPages } from '../../src/channels/letter-adapter.ts';
import { createPdfRenderer } from '../../src/channels/letter/pdf-renderer.ts';
import type { Content } from './content.ts';
import { drive, fmt, line, warmUp } from './lib.ts';
import { descendants } from './cpu.ts';
import { INDENT, measure, printFigures, type Figures } from './measure.ts';
import { runOutbox } from './outbox.ts';

// Letters: the PDF renderer (one Chromium, a pool of pages) turning the catalogue's letter pages
// into A4 PDFs, pool of 2 and of 4 pages, with as many renders in flight as pages (a render waits
// for a free page anyway, so more in flight only adds waiting to the latency). Chromium's CPU is
// that of every process under the bench (browser, zygotes, GPU, one renderer per page) and of the
// print compositor process Chromium starts and ends for every PDF (see cpu.ts).

export interface LetterRunOptions {
  letters: number;
  pools: number[];
  chromiumPath: string;
  /** Also the letter adapter end to end (render + store in the outbox), with this database. */
  outbox: { databaseUrl: string; pages: number } | null;
}

export async function runLetters(content: Content, opts: LetterRunOptions): Promise<Figures[]> {
  if (opts.letters <= 0) return [];
  // The templates with letters among the contract events' types: every fixture in its own language and country's payment code.
  const pages = [...content.rendered('case-opened', 'letter'), ...content.rendered('payment-missed', 'letter')].map((r) => r.parts.page ?? '');
  const figures: Figures[] = [];
  for (const size of opts.pools) {
    const started = performance.now();
    const pdf = await createPdfRenderer({ chromiumPath: opts.chromiumPath, pages: size });
    const launchMs = performance.now() - started;
    try {
      let pageCount = 0;
      let bytes = 0;
      const render = async (i: number) => {
        const out = await pdf.render(pages[i % pages.length]!);
        pageCount += countPdfPages(out);
        bytes += out.length;
      };
      await warmUp(size * 2, size, render);
      pageCount = 0;
      bytes = 0;
      const f = await measure({
        label: `letters, ${size} pages`,
        unit: 'PDFs',
        goal: 20,
        concurrency: size,
        serverPids: () => descendants(process.pid),
        serverName: 'chromium',
        run: () => drive(opts.letters, size, render),
      });
      printFigures(f);
      const done = Math.max(1, f.run.done);
      line(
        `  ${INDENT} ${pages.length} letter pages in rotation (case-opened, payment-missed × FI/IT/NL/PL): ${(pageCount / done).toFixed(1)} A4 pages and ${fmt(bytes / done / 1024)} KB per PDF; Chromium and ${size} pages opened in ${fmt(launchMs)} ms; ${pdf.stats().replaced} pages replaced`,
      );
      figures.push(f);
    } finally {
      await pdf.close();
    }
  }
  if (opts.outbox) figures.push(await runOutbox(pages, { ...opts.outbox, letters: opts.letters, chromiumPath: opts.chromiumPath }));
  return figures;
}
