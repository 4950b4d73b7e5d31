import { cpSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPacks } from '../src/policy/pack.ts';
import { ROOT_DIR } from '../src/runtime.ts';

// An operator changes the shipped packs per creditor or portfolio with files, not code; each
// decision then names every file that shaped its pack.

const dir = mkdtempSync(path.join(tmpdir(), 'packs-'));
cpSync(path.join(ROOT_DIR, 'policy', 'packs'), path.join(dir, 'packs'), { recursive: true });
mkdirSync(path.join(dir, 'overrides', 'creditors'), { recursive: true });
mkdirSync(path.join(dir, 'overrides', 'portfolios'), { recursive: true });
writeFileSync(
  path.join(dir, 'overrides', 'creditors', 'energia-fi.yaml'),
  ['version: 3', 'packs:', '  "*":', '    caps: { perDay: 2 }', '  FI:', '    window:', '      days: { sat: "10:00-14:00" }', ''].join('\n'),
);
writeFileSync(path.join(dir, 'overrides', 'portfolios', 'legacy-2019.yaml'), ['version: 1', 'packs:', '  FI:', '    caps: { perDay: 1 }', ''].join('\n'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('policy overrides per creditor and portfolio', () => {
  const packs = loadPacks(dir);

  it('leaves other creditors on the shipped pack', () => {
    const pack = packs.resolve({ country: 'FI', creditorId: 'someone-else', portfolio: null });
    expect(pack?.id).toBe('FI@2026.11-1');
    expect(pack?.caps.perDay).toBe(3);
    expect(pack?.window.days.sat).toBeUndefined();
  });

  it('merges the creditor’s file key by key, "*" first and the country on top, and names it in the version', () => {
    const pack = packs.resolve({ country: 'FI', creditorId: 'energia-fi', portfolio: null });
    expect(pack?.id).toBe('FI@2026.11-1+creditor:energia-fi@3');
    expect(pack?.caps).toMatchObject({ perDay: 2, perDayPerChannel: 1, rolling7Days: 7 });
    expect(pack?.window.days).toMatchObject({ mon: '08:00-20:00', sat: '10:00-14:00' });
    expect(packs.resolve({ country: 'NL', creditorId: 'energia-fi', portfolio: null })?.caps.perDay).toBe(2);
  });

  it('lets a portfolio’s file win over the creditor’s', () => {
    const pack = packs.resolve({ country: 'FI', creditorId: 'energia-fi', portfolio: 'legacy-2019' });
    expect(pack?.id).toBe('FI@2026.11-1+creditor:energia-fi@3+portfolio:legacy-2019@1');
    expect(pack?.caps.perDay).toBe(1);
  });

  it('refuses, at load, an override that would break a pack, naming the file', () => {
    const broken = mkdtempSync(path.join(tmpdir(), 'packs-broken-'));
    cpSync(path.join(dir, 'packs'), path.join(broken, 'packs'), { recursive: true });
    mkdirSync(path.join(broken, 'overrides', 'creditors'), { recursive: true });
    writeFileSync(path.join(broken, 'overrides', 'creditors', 'bad.yaml'), ['version: 1', 'packs:', '  PL:', '    window: { days: { mon: "8 to 20" } }', ''].join('\n'));
    try {
      expect(() => loadPacks(broken)).toThrow(/creditor:bad@1.*\/window\/days\/mon/);
    } finally {
      rmSync(broken, { recursive: true, force: true });
    }
  });
});
