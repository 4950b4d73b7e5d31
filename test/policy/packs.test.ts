import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.ts';
import { loadPacks } from '../../src/policy/pack.ts';
import { block, decideFor, summary } from './support.ts';

// Every decision names the pack and version it used; a debtor no pack covers gets nothing; a pack
// or override that does not validate stops loading with an error that says which file.

const SHIPPED = new URL('../../policy/', import.meta.url).pathname;

describe('packs in decisions', () => {
  it.each([
    { country: 'PL', at: '2026-11-18T10:00:00Z' },
    { country: 'FI', at: '2026-11-18T09:00:00Z' },
    { country: 'IT', at: '2026-11-18T10:00:00Z' },
    { country: 'NL', at: '2026-11-18T10:00:00Z' },
  ])('$country: the decision records the pack id $country@2026.11-1', ({ country, at }) => {
    for (const d of [decideFor({ country, at }), decideFor({ country, at: '2026-11-22T10:00:00Z' }), decideFor({ country, at, flags: { insolvency: true } })]) {
      expect(d.policyVersion).toBe(`${country}@2026.11-1`);
    }
  });

  it('a debtor living in a country without a pack is blocked', () => {
    const d = decideFor({ country: 'DE', at: '2026-11-18T10:00:00Z' });
    expect(summary(d)).toEqual(block('pack.none'));
    expect(d.policyVersion).toBe('none');
    expect(d.reason).toContain('DE');
  });
});

describe('loadPacks on a broken directory', () => {
  const dirs: string[] = [];
  afterAll(() => Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true }))));

  /** A copy of the shipped packs with one file written over (or added). */
  async function packsWith(file: string, edit: (shipped: string) => string): Promise<string> {
    const dir = await mkdtemp(path.join(tmpdir(), 'policy-packs-'));
    dirs.push(dir);
    await cp(path.join(SHIPPED, 'packs'), path.join(dir, 'packs'), { recursive: true });
    await mkdir(path.join(dir, 'overrides', 'creditors'), { recursive: true });
    const target = path.join(dir, file);
    const shipped = await readFile(target, 'utf8').catch(() => '');
    await writeFile(target, edit(shipped));
    return dir;
  }

  it.each([
    { description: 'a window hour that is not HH:MM', file: 'packs/pl.yaml', edit: (s: string) => s.replace('mon: "08:00-20:00"', 'mon: "8-20"'), names: 'pl.yaml' },
    { description: 'a pack that is a list, not a mapping', file: 'packs/it.yaml', edit: () => '- country: IT\n', names: 'it.yaml' },
    { description: 'a cap that is not a number', file: 'packs/fi.yaml', edit: (s: string) => s.replace('perDay: 3', 'perDay: three'), names: 'fi.yaml' },
    { description: 'a section citing a source the pack does not list', file: 'packs/nl.yaml', edit: (s: string) => s.replace('sources: [bki-4-2, atw]', 'sources: [bki-4-2, atw, no-such-law]'), names: 'nl.yaml' },
    { description: 'an override citing an unknown source', file: 'overrides/creditors/acme.yaml', edit: () => 'version: 3\npacks:\n  IT:\n    caps:\n      sources: [made-up]\n', names: 'creditor:acme' },
    { description: 'an override without a version', file: 'overrides/creditors/acme.yaml', edit: () => 'packs:\n  "*":\n    caps: { perDay: 2 }\n', names: 'creditor/acme.yaml' },
  ])('$description: ConfigError naming $names', async ({ file, edit, names }) => {
    const dir = await packsWith(file, edit);
    expect(() => loadPacks(dir)).toThrow(ConfigError);
    expect(() => loadPacks(dir)).toThrow(names);
  });

  it('a valid override is applied and recorded in the pack id', async () => {
    const dir = await packsWith('overrides/creditors/acme.yaml', () => 'version: 3\npacks:\n  "*":\n    caps: { perDay: 2 }\n');
    const pack = loadPacks(dir).resolve({ country: 'NL', creditorId: 'acme', portfolio: null });
    expect(pack?.id).toBe('NL@2026.11-1+creditor:acme@3');
    expect(pack?.caps.perDay).toBe(2);
  });

  // A broken pack stops the process with a ConfigError naming the file, a YAML syntax error too.
  it('a pack that is not valid YAML: ConfigError naming pl.yaml', async () => {
    const dir = await packsWith('packs/pl.yaml', (s) => s.replace('appliesTo: [sms, whatsapp, email]', 'appliesTo: [sms, whatsapp, email'));
    expect(() => loadPacks(dir)).toThrow(ConfigError);
    expect(() => loadPacks(dir)).toThrow('pl.yaml');
  });
});
