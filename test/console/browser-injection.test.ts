import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { createHarness, type Harness } from '../support/harness.ts';
import { addStaff, STAFF_PASSWORD } from '../support/staff.ts';
import { launchChromium, newConsolePage, screenshot } from '../support/console-browser.ts';

// A template is untrusted input. Typed into the editor, script tags, event handlers and
// Handlebars prototype tricks must not run: not in the service (compile refuses them or renders
// them as text) and not in the console (the preview frame is sandboxed, the CSP forbids inline script).

let h: Harness;
let browser: Browser;

const PAYLOADS = [
  '<script>window.top.__pwned = "script"; alert(1)</script>',
  '<img src="x" onerror="window.top.__pwned = \'onerror\'; alert(2)">',
  '<a href="javascript:alert(3)">pay</a>',
  '<iframe srcdoc="<script>parent.parent.__pwned=1</script>"></iframe>',
  '{{constructor.constructor "globalThis.__pwnedInService = 1; return 1"}}',
  '{{#with this}}{{lookup constructor "constructor"}}{{/with}}',
];

beforeAll(async () => {
  h = await createHarness();
  await addStaff(h, 'erin', ['editor']);
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await h?.close();
});

describe('script and prototype payloads in a template', () => {
  it('never run in the email preview, the console page, or the service', async () => {
    const { page, errors, context } = await newConsolePage(browser, h.config.publicUrl);
    await page.goto('/console/');
    await page.getByLabel('Username').fill('erin');
    await page.getByLabel('Password').fill(STAFF_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    await page.goto('/console/templates/case-opened/email');
    const html = page.getByRole('region', { name: /Finnish/ }).getByRole('textbox', { name: /HTML/ });
    await html.waitFor();
    const append = async (text: string) => {
      await html.click();
      await page.keyboard.press('ControlOrMeta+End');
      await page.keyboard.insertText(`\n${text}`);
    };
    // First the markup payloads: they reach the preview frame as its document, and stay inert there.
    for (const payload of PAYLOADS.slice(0, 4)) await append(payload);
    const finnishFrames = page.getByRole('region', { name: /Finnish/ }).locator('iframe');
    await expect.poll(async () => (await finnishFrames.first().getAttribute('srcdoc')) ?? '', { timeout: 10_000 }).toContain('__pwned');
    const frames = await page.locator('iframe').evaluateAll((els) => els.map((el) => el.getAttribute('sandbox')));
    expect(frames.length).toBeGreaterThan(0);
    for (const sandbox of frames) expect(sandbox === '' || (sandbox !== null && !sandbox.includes('allow-scripts'))).toBe(true);
    await screenshot(page, 'preview-injection-frame');
    // Then the Handlebars payloads: the live check refuses them, naming their lines.
    for (const payload of PAYLOADS.slice(4)) await append(payload);
    const problems = page.getByRole('region', { name: /Finnish/ }).getByRole('list', { name: /HTML/ });
    await expect.poll(async () => (await problems.textContent()) ?? '', { timeout: 10_000 }).toMatch(/line \d+/i);
    await screenshot(page, 'preview-injection');
    expect(await page.evaluate<unknown>('window.__pwned')).toBeUndefined();
    expect((globalThis as { __pwnedInService?: unknown }).__pwnedInService).toBeUndefined();
    expect(errors.filter((e) => e.startsWith('dialog') || e.startsWith('pageerror'))).toEqual([]);
    await context.close();
  });

  it('the service refuses the prototype payloads when a draft is saved', async () => {
    for (const payload of PAYLOADS.slice(4)) {
      const res = await h.app.inject({
        method: 'POST',
        url: '/v1/templates/case-opened/sms/fi/versions',
        headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/json' },
        payload: { parts: { body: `Hei ${payload}\n{{t "optOut"}}` } },
      });
      expect(res.statusCode).toBe(422);
    }
    expect((globalThis as { __pwnedInService?: unknown }).__pwnedInService).toBeUndefined();
  });
});
