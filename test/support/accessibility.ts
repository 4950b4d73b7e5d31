import type { Page } from 'playwright-core';

// Checks run inside the page (given as text: the service's tsconfig has no DOM types).

/** Every visible form control and button with no accessible name: its tag and a short description. */
export async function unlabelledControls(page: Page): Promise<string[]> {
  return page.evaluate<string[]>(`(() => {
    const visible = (el) => { const r = el.getBoundingClientRect(); const s = getComputedStyle(el); return r.width > 0 && r.height > 0 && s.visibility !== 'hidden' && s.display !== 'none'; };
    const named = (el) => {
      if ((el.getAttribute('aria-label') || '').trim()) return true;
      const by = el.getAttribute('aria-labelledby');
      if (by && by.split(/\\s+/).some((id) => (document.getElementById(id)?.textContent || '').trim())) return true;
      if (el.labels && [...el.labels].some((l) => l.textContent.trim())) return true;
      if ((el.getAttribute('title') || '').trim()) return true;
      if (el.tagName === 'BUTTON' || el.tagName === 'A' || el.getAttribute('role') === 'tab') return (el.textContent || '').trim().length > 0;
      return false;
    };
    const controls = document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a[href], [role=textbox], [role=tab], [contenteditable=true], iframe');
    return [...controls].filter((el) => visible(el) && !named(el)).map((el) => el.tagName.toLowerCase() + ' ' + (el.outerHTML || '').slice(0, 120));
  })()`);
}

/**
 * Presses Tab up to `max` times and records what gets focus; fails on focus lost to the page body
 * midway (a dead end) or on an element without a visible focus indicator.
 */
export async function tabThrough(page: Page, max = 60): Promise<{ stops: string[]; withoutFocusRing: string[] }> {
  const stops: string[] = [];
  const withoutFocusRing: string[] = [];
  await page.evaluate('document.activeElement && document.activeElement.blur && document.activeElement.blur()');
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    // Focus styles that follow a class (CodeMirror's .cm-focused) land on the next frames.
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    const info = await page.evaluate<{ name: string; ring: boolean; inEditor: boolean } | null>(`(() => {
      const el = document.activeElement;
      if (!el || el === document.body) return null;
      // CodeMirror draws its focus ring on the editor around the focused content element.
      const ringed = el.closest('.cm-editor') || el;
      const s = getComputedStyle(ringed);
      const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) || s.boxShadow !== 'none';
      const name = el.tagName.toLowerCase() + ':' + (el.getAttribute('aria-label') || el.textContent || el.getAttribute('name') || '').trim().slice(0, 40);
      return { name, ring, inEditor: !!el.closest('.cm-editor') };
    })()`);
    if (!info) break;
    stops.push(info.name);
    if (!info.ring) withoutFocusRing.push(info.name);
    // CodeMirror keeps Tab for indentation; Escape then Tab leaves it (its documented way out).
    if (info.inEditor) await page.keyboard.press('Escape');
  }
  return { stops, withoutFocusRing };
}
