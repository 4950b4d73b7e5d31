import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createHarness, eventually, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import { addStaff, STAFF_PASSWORD } from '../support/staff.ts';
import { DESKTOP, horizontalOverflow, launchChromium, newConsolePage, PHONE, screenshot } from '../support/console-browser.ts';
import { tabThrough, unlabelledControls } from '../support/accessibility.ts';

// Every page of the console, for an admin, at 1280×800 and 390×844: it renders without script
// errors, never scrolls sideways, every control has a name, and Tab reaches the controls with a
// visible focus ring. Screenshots of each land in test-results/console (docs/ with UPDATE_SCREENSHOTS=1).

let h: Harness;
let browser: Browser;
const CASE_ID = 'FI-2026-004711';

const PAGES: Array<{ name: string; path: string; ready: (page: Page) => Promise<unknown> }> = [
  { name: 'templates', path: '/console/templates', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor() },
  // Ready when the sandboxed frames show the rendered sample (its sender's postal address is in every letter).
  { name: 'template-editor-email', path: '/console/templates/case-opened/email', ready: (p) => p.frameLocator('iframe').last().locator('body').getByText(/\S/).first().waitFor() },
  { name: 'template-editor-letter', path: '/console/templates/case-opened/letter', ready: (p) => p.frameLocator('iframe').last().getByText(/Postbus 123/).first().waitFor() },
  { name: 'template-editor-whatsapp', path: '/console/templates/payment-due/whatsapp', ready: (p) => p.getByTestId('whatsapp-free-text').first().waitFor() },
  { name: 'cases', path: `/console/cases?q=${CASE_ID}`, ready: (p) => p.getByRole('link', { name: CASE_ID }).waitFor() },
  { name: 'case', path: `/console/cases/${CASE_ID}`, ready: (p) => p.getByTestId('timeline-message-text').first().waitFor() },
  { name: 'audit', path: '/console/audit', ready: (p) => p.getByRole('table').first().waitFor() },
  { name: 'policy', path: '/console/policy', ready: (p) => p.getByRole('heading', { level: 1 }).waitFor() },
  { name: 'operations', path: '/console/operations', ready: (p) => p.getByRole('table').first().waitFor() },
  { name: 'users', path: '/console/users', ready: (p) => p.getByRole('table').first().waitFor() },
  { name: 'staff-audit', path: '/console/staff-audit', ready: (p) => p.getByRole('table').first().waitFor() },
];

beforeAll(async () => {
  h = await createHarness({ workers: true });
  await addStaff(h, 'ada', ['admin']);
  await h.postEvent(JSON.stringify(contractEvent('fi-case-opened')));
  await eventually(async () => (await h.services.db.query(`select 1 from messages where case_id = $1 and status = 'delivered'`, [CASE_ID])).rowCount);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signInWithKeyboard(page: Page): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('Username').focus();
  await page.keyboard.type('ada');
  await page.keyboard.press('Tab');
  await page.keyboard.type(STAFF_PASSWORD);
  await page.keyboard.press('Enter');
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

describe.each([
  ['desktop', DESKTOP],
  ['phone', PHONE],
])('every console page at %s size', (label, viewport) => {
  it('renders without errors or sideways scrolling, with named controls and a working tab order', async () => {
    const { page, errors, context } = await newConsolePage(browser, h.config.publicUrl, viewport);
    await signInWithKeyboard(page);
    const report: Array<{ page: string; overflow: number; unlabelled: string[]; withoutFocusRing: string[]; stops: number }> = [];
    for (const p of PAGES) {
      await page.goto(p.path);
      await p.ready(page);
      // Chromium leaves frames outside the viewport unpainted in a full-page capture: pages with
      // previews are shot at their first preview instead.
      const frames = await page.locator('iframe').count();
      if (frames) await page.locator('iframe').first().scrollIntoViewIfNeeded();
      await screenshot(page, `${p.name}-${label}`, { fullPage: label === 'desktop' && !frames });
      const { stops, withoutFocusRing } = await tabThrough(page, 40);
      report.push({ page: p.name, overflow: await horizontalOverflow(page), unlabelled: await unlabelledControls(page), withoutFocusRing, stops: stops.length });
    }
    for (const r of report) {
      expect({ page: r.page, overflow: r.overflow, unlabelled: r.unlabelled, withoutFocusRing: r.withoutFocusRing }).toEqual({ page: r.page, overflow: 0, unlabelled: [], withoutFocusRing: [] });
      expect(r.stops, r.page).toBeGreaterThan(3);
    }
    expect(errors).toEqual([]);
    await context.close();
  });
});

describe('keyboard only', () => {
  it('finds a case and opens its timeline without a mouse', async () => {
    const { page, errors, context } = await newConsolePage(browser, h.config.publicUrl);
    await signInWithKeyboard(page);
    await page.goto('/console/cases');
    await page.getByRole('searchbox', { name: 'Search cases' }).waitFor();
    // The skip link is the first stop, and leads to the main content.
    await page.evaluate('document.activeElement && document.activeElement.blur()');
    await page.keyboard.press('Tab');
    expect(await page.evaluate<string>('document.activeElement.textContent')).toBe('Skip to main content');
    await page.getByRole('searchbox', { name: 'Search cases' }).focus();
    await page.keyboard.type(CASE_ID);
    await page.keyboard.press('Enter');
    const result = page.getByRole('link', { name: CASE_ID });
    await result.waitFor();
    await result.focus();
    await page.keyboard.press('Enter');
    await page.getByTestId('timeline-message-text').first().waitFor();
    expect(page.url()).toContain(`/console/cases/${CASE_ID}`);
    expect(errors).toEqual([]);
    await context.close();
  });
});
