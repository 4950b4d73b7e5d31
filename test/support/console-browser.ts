import { copyFileSync, mkdirSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

// Real Chromium from Debian's package, driven by playwright-core: a test tool's own browser
// download cannot work on a machine without internet, and the letters use this Chromium already.

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

export const DESKTOP = { width: 1280, height: 800 } as const;
export const PHONE = { width: 390, height: 844 } as const;

export async function newConsolePage(browser: Browser, baseURL: string, viewport: { width: number; height: number } = DESKTOP): Promise<{ context: BrowserContext; page: Page; errors: string[] }> {
  const context = await browser.newContext({ baseURL, viewport, locale: 'en-GB', reducedMotion: 'reduce' });
  // A step that cannot happen fails with its locator named, well before the test's own timeout.
  context.setDefaultTimeout(10_000);
  const page = await context.newPage();
  // Any script error or CSP violation on a console page fails the test that collects them.
  const errors: string[] = [];
  page.on('pageerror', (err) => errors.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && !/Failed to load resource: the server responded with a status of (401|403|404|409|422)/.test(msg.text())) errors.push(`console: ${msg.text()}`);
  });
  page.on('dialog', (dialog) => {
    errors.push(`dialog: ${dialog.message()}`);
    void dialog.dismiss();
  });
  return { context, page, errors };
}

/** The screenshots the README shows: `UPDATE_SCREENSHOTS=1 npx vitest run test/console` renews them in docs/screenshots/. */
const DOCUMENTED = new Set(['template-editor-preview', 'template-four-eyes-refused', 'case-timeline', 'templates-desktop', 'audit-desktop', 'policy-desktop', 'operations-desktop', 'users-desktop', 'template-editor-email-desktop', 'case-phone', 'template-editor-letter-desktop']);

/** Every screenshot lands in test-results/console/ for a look after the run. */
export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  mkdirSync('test-results/console', { recursive: true });
  const path = `test-results/console/${name}.png`;
  await page.screenshot({ path, fullPage: opts.fullPage ?? false });
  if (process.env.UPDATE_SCREENSHOTS && DOCUMENTED.has(name)) {
    mkdirSync('docs/screenshots', { recursive: true });
    copyFileSync(path, `docs/screenshots/${name}.png`);
  }
  return path;
}

/** The page never scrolls sideways: wide content scrolls inside its own container. */
export async function horizontalOverflow(page: Page): Promise<number> {
  // The function runs in the page; the service's tsconfig has no DOM types, so it is given as text.
  return page.evaluate<number>('document.documentElement.scrollWidth - document.documentElement.clientWidth');
}
