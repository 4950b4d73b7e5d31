import { describe, expect, it } from 'vitest';
import { en } from '../../src/console/web/i18n/en.ts';
import { pl } from '../../src/console/web/i18n/pl.ts';
import { fi } from '../../src/console/web/i18n/fi.ts';
import { it as itText } from '../../src/console/web/i18n/it.ts';
import { nl } from '../../src/console/web/i18n/nl.ts';

// The console's own text: every language has every key, with the same placeholders as English.
const placeholders = (s: string): string[] => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1] ?? '').sort();

describe.each([
  ['pl', pl],
  ['fi', fi],
  ['it', itText],
  ['nl', nl],
] as const)('the console in %s', (_lang, dictionary) => {
  it('translates every English key, keeping its placeholders and nothing more', () => {
    const missing = Object.keys(en).filter((k) => !(k in dictionary));
    const extra = Object.keys(dictionary).filter((k) => !(k in en));
    const mismatched = Object.entries(dictionary)
      .filter(([k, v]) => placeholders(v ?? '').join() !== placeholders(en[k as keyof typeof en]).join())
      .map(([k]) => k);
    expect({ missing, extra, mismatched }).toEqual({ missing: [], extra: [], mismatched: [] });
  });
});
