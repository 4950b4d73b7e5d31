import type { FastifyInstance } from 'fastify';
import { createPdfRenderer, type PdfRenderer } from '../channels/letter/pdf-renderer.ts';
import { HttpProblem, problem } from './problem.ts';

// Letter PDFs for previews: one Chromium per app, started with the first preview (most API
// processes never render one) and closed with the app. The page is the same closed room the
// print path uses: no scripts, no network, only the letter fonts.

const PAGES = 2;
const TIMEOUT_MS = 20_000;

export function letterPdfPreviews(app: FastifyInstance): { render(html: string): Promise<Buffer> } {
  let started: Promise<PdfRenderer> | null = null;
  const unavailable = (detail: string) => new HttpProblem(problem(503, 'pdf-preview-unavailable', 'Letter PDFs cannot be made now', detail));

  app.addHook('onClose', async () => {
    const renderer = await started?.catch(() => null);
    await renderer?.close();
  });

  return {
    async render(html) {
      const { chromiumPath } = app.services.config;
      started ??= createPdfRenderer({ chromiumPath, pages: PAGES, timeoutMs: TIMEOUT_MS }).catch((err: unknown) => {
        started = null;
        throw err;
      });
      try {
        return await (await started).render(html);
      } catch (err) {
        // The error's kind only: a browser's message may quote the page, which holds sample data.
        app.log.error({ errorKind: err instanceof Error ? err.name : typeof err }, 'letter preview PDF failed');
        throw unavailable('The PDF renderer did not answer; try again in a moment.');
      }
    },
  };
}
