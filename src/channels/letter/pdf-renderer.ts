// Letters to PDF with headless Chromium: ONE browser and a fixed pool of pages reused for every
// render (starting a browser and a page takes ~300 ms; a warm page turns a two-page letter into a
// PDF for ~35 ms of CPU).
// The page is a closed room: scripts are off, every request is refused except the letter fonts,
// which are answered from the package files (data: URIs never leave the page anyway).
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page, Route } from 'playwright-core';
import { letterFontFiles } from '../../rendering/letter-layout.ts';

export interface PdfRenderer {
  render(html: string): Promise<Buffer>;
  close(): Promise<void>;
}

export interface PdfRendererStats {
  pages: number;
  busy: number;
  waiting: number;
  /** Pages thrown away after a crash or a timeout and opened again. */
  replaced: number;
}

export interface PdfRendererOptions {
  chromiumPath: string;
  /** Pages rendering at once; a render waits for a free one. */
  pages: number;
  /** Longest a single render may take before its page is given up (default 30 s). */
  timeoutMs?: number;
}

interface Slot {
  page: Page | null;
  /** Set by the page's crash event, or when a render on it failed: open a fresh page before the next use. */
  broken: boolean;
}

class PdfRenderTimeout extends Error {
  override readonly name = 'PdfRenderTimeout';
}

const PDF_OPTIONS = { format: 'A4', printBackground: true, preferCSSPageSize: true, displayHeaderFooter: false } as const;
// Evaluated in the page after it loaded: waits for the fonts in use and counts any that failed.
const FONTS_FAILED = 'document.fonts.ready.then(() => [...document.fonts].filter((f) => f.status === "error").length)';

export async function createPdfRenderer(opts: PdfRendererOptions): Promise<PdfRenderer & { stats(): PdfRendererStats }> {
  if (!Number.isInteger(opts.pages) || opts.pages < 1) throw new RangeError('pdf renderer: pages must be a positive integer');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const fonts = new Map([...letterFontFiles()].map(([url, file]) => [url, readFileSync(file)]));

  let closed = false;
  let replaced = 0;
  const live: { browser: Browser | null; context: BrowserContext | null; starting: Promise<BrowserContext> | null } = { browser: null, context: null, starting: null };

  const answer = (route: Route): Promise<void> => {
    const font = fonts.get(route.request().url());
    return font ? route.fulfill({ status: 200, contentType: 'font/woff2', body: font }) : route.abort('blockedbyclient');
  };

  // The browser is started once; if it dies (killed, out of memory) the next render starts another.
  async function liveContext(): Promise<BrowserContext> {
    if (live.context && live.browser?.isConnected()) return live.context;
    live.starting ??= (async () => {
      // --no-sandbox: containers run Chromium as root without user namespaces; the page runs no
      // scripts and reaches nothing. --disable-dev-shm-usage: Docker's 64 MB /dev/shm is too small.
      // --host-resolver-rules: refusing requests is not enough, Chromium still opens speculative
      // connections (preconnect) to hosts a page names; with no host resolving it opens none.
      const args = ['--no-sandbox', '--disable-dev-shm-usage', '--host-resolver-rules=MAP * ~NOTFOUND'];
      // Loaded with the first letter: playwright-core costs 60 MB of memory in every process that imports it.
      const { chromium } = await import('playwright-core');
      const launched = await chromium.launch({ executablePath: opts.chromiumPath, headless: true, args });
      const ctx = await launched.newContext({ javaScriptEnabled: false, serviceWorkers: 'block', acceptDownloads: false });
      await ctx.route('**/*', answer);
      live.browser = launched;
      live.context = ctx;
      return ctx;
    })().finally(() => {
      live.starting = null;
    });
    return live.starting;
  }

  async function openPage(slot: Slot): Promise<Page> {
    const old = slot.page;
    slot.page = null;
    if (old) {
      replaced++;
      await old.close().catch(() => undefined);
    }
    const page = await (await liveContext()).newPage();
    page.setDefaultTimeout(timeoutMs);
    page.on('crash', () => {
      slot.broken = true;
    });
    slot.page = page;
    slot.broken = false;
    return page;
  }

  const slots: Slot[] = Array.from({ length: opts.pages }, () => ({ page: null, broken: false }));
  const idle: Slot[] = [...slots];
  const waiting: Array<{ resolve: (slot: Slot) => void; reject: (err: Error) => void }> = [];

  const acquire = (): Promise<Slot> => {
    const slot = idle.pop();
    if (slot) return Promise.resolve(slot);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
  const release = (slot: Slot): void => {
    const next = waiting.shift();
    if (next) next.resolve(slot);
    else idle.push(slot);
  };

  async function renderOn(slot: Slot, html: string): Promise<Buffer> {
    const page = slot.page && !slot.broken && !slot.page.isClosed() ? slot.page : await openPage(slot);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new PdfRenderTimeout(`pdf render took longer than ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      return await Promise.race([
        (async () => {
          await page.setContent(html, { waitUntil: 'load' });
          const failed = await page.evaluate(FONTS_FAILED);
          if (failed !== 0) throw new Error('pdf render: a letter font did not load');
          return page.pdf(PDF_OPTIONS);
        })(),
        deadline,
      ]);
    } catch (err) {
      // A page that failed a render (crashed, hung, closed with the browser) is not trusted again.
      // Playwright gives a crash no error type of its own, so no error is let off as harmless.
      slot.broken = true;
      throw err;
    } finally {
      clearTimeout(timer);
    }
  }

  await Promise.all(slots.map(openPage));
  replaced = 0;

  return {
    async render(html) {
      if (closed) throw new Error('pdf renderer is closed');
      const slot = await acquire();
      try {
        try {
          return await renderOn(slot, html);
        } catch (err) {
          // Retried once on a fresh page (and, if the browser died, a fresh browser); a letter
          // that fails twice, or hangs once, fails.
          if (err instanceof PdfRenderTimeout || closed) throw err;
          return await renderOn(slot, html);
        }
      } finally {
        release(slot);
      }
    },
    stats: () => ({ pages: slots.filter((s) => s.page !== null).length, busy: slots.length - idle.length, waiting: waiting.length, replaced }),
    async close() {
      if (closed) return;
      closed = true;
      for (const w of waiting.splice(0)) w.reject(new Error('pdf renderer is closed'));
      await live.starting?.catch(() => undefined);
      await live.browser?.close();
    },
  };
}
