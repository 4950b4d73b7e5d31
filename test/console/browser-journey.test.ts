import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { createHarness, eventually, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import { addStaff, STAFF_PASSWORD } from '../support/staff.ts';
import { launchChromium, newConsolePage, screenshot } from '../support/console-browser.ts';

// The journey, in Debian's Chromium against the running service: an editor changes the
// Finnish SMS, sees the preview and its segment count change, submits it, is refused approving
// it, a colleague approves and activates it, and the next Finnish event's SMS carries the text.

let h: Harness;
let browser: Browser;
// Shorter than the shipped text: one segment instead of two.
const NEW_TEXT = 'Maksamatta {{money case.balance.total}} (asia {{case.reference}}). Vastaa, niin sovitaan maksuaikataulusta.\n{{case.creditor.name}}\n{{t "optOut"}}';

beforeAll(async () => {
  h = await createHarness({ workers: true });
  // Erin may approve too: the refusal must come from the four-eyes rule, not from a missing role.
  await addStaff(h, 'erin', ['editor', 'approver']);
  await addStaff(h, 'arto', ['approver']);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

async function signIn(page: Page, username: string): Promise<void> {
  await page.goto('/console/');
  await page.getByLabel('Username').fill(username);
  await page.getByLabel('Password').fill(STAFF_PASSWORD);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('button', { name: 'Sign out' }).waitFor();
}

async function signOut(page: Page): Promise<void> {
  await page.getByRole('button', { name: 'Sign out' }).click();
  await page.getByLabel('Username').waitFor();
}

const finnishColumn = (page: Page) => page.getByRole('region', { name: /Finnish/ });
const segments = async (page: Page) => Number(await finnishColumn(page).getByTestId('sms-segments').first().textContent());

describe('the console in Chromium', () => {
  it('edit the Finnish SMS, preview, submit, be refused self-approval, approve as a colleague, and find the new text on a case timeline', async () => {
    const { page, errors, context } = await newConsolePage(browser, h.config.publicUrl);
    await signIn(page, 'erin');
    await screenshot(page, 'templates-list');

    await page.getByRole('link', { name: 'Templates' }).click();
    await page.goto('/console/templates/case-opened/sms');
    const fi = finnishColumn(page);
    await fi.getByTestId('sms-segments').first().waitFor();
    const before = await segments(page);
    await screenshot(page, 'template-editor-before');

    // Replace the body through the keyboard, as a person would.
    const editor = fi.getByRole('textbox', { name: /Finnish/ }).first();
    await editor.click();
    await page.keyboard.press('ControlOrMeta+a');
    await page.keyboard.press('Delete');
    await page.keyboard.insertText(NEW_TEXT);
    await expect.poll(() => segments(page), { timeout: 10_000 }).not.toBe(before);
    expect({ before, after: await segments(page) }).toEqual({ before: 2, after: 1 });
    await expect.poll(async () => (await fi.getByTestId('sms-text').first().textContent()) ?? '').toContain('sovitaan maksuaikataulusta');
    await screenshot(page, 'template-editor-preview', { fullPage: true });

    await fi.getByRole('button', { name: 'Save draft' }).click();
    await fi.getByText(/Draft v2 saved/).waitFor();
    await fi.getByRole('button', { name: 'Submit for review' }).click();
    await fi.getByText(/Version 2 submitted for review/).waitFor();

    // Erin holds the approver role, but she wrote v2: the service refuses, and the console says why.
    const review = fi.getByRole('form', { name: /Review v2/ });
    await review.getByRole('button', { name: 'Approve' }).click();
    const refusal = fi.getByRole('alert').filter({ hasText: /cannot be reviewed by its author/ });
    await refusal.waitFor();
    await screenshot(page, 'template-four-eyes-refused');
    await signOut(page);

    await signIn(page, 'arto');
    await page.goto('/console/templates/case-opened/sms');
    const review2 = finnishColumn(page).getByRole('form', { name: /Review v2/ });
    await review2.getByLabel('Review comment').fill('Selkeä ja ystävällinen. Hyväksytty.');
    await review2.getByRole('button', { name: 'Approve' }).click();
    await finnishColumn(page).getByText(/Version 2 approved/).waitFor();
    await finnishColumn(page).getByRole('button', { name: 'Activate v2' }).click();
    await finnishColumn(page).getByText(/Version 2 is now active/).waitFor();
    await screenshot(page, 'template-approved-active', { fullPage: true });

    // A Finnish case opens; its SMS is rendered from version 2.
    const e = contractEvent('fi-case-opened');
    const caseId = 'FI-2026-CONSOLE-1';
    await h.postEvent(JSON.stringify({ ...e, id: 'evt-console-journey-1', case: { ...e.case, id: caseId }, debtor: { ...e.debtor, id: 'deb-console-1' } }));
    await eventually(async () => (await h.services.db.query(`select 1 from messages where case_id = $1 and channel = 'sms' and status = 'delivered'`, [caseId])).rowCount);

    await page.getByRole('link', { name: 'Cases' }).click();
    await page.getByRole('searchbox', { name: 'Search cases' }).fill(caseId);
    await page.getByRole('button', { name: 'Search' }).click();
    await page.getByRole('link', { name: caseId }).click();
    const text = page.getByTestId('timeline-message-text').filter({ hasText: 'sovitaan maksuaikataulusta' });
    await text.first().waitFor();
    expect(await text.first().textContent()).toContain('Energia Oy');
    await screenshot(page, 'case-timeline', { fullPage: true });

    expect(errors).toEqual([]);
    await context.close();
  });
});
