import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { CHANNELS, HOLD_REASONS, type Channel } from '../domain/case-event.ts';
import { ConfigError } from '../errors.ts';
import { isTimeZone } from './local-time.ts';

// Policy packs: the contact rules of a country as a readable, versioned YAML file with its sources
// (policy/packs/<cc>.yaml on top of policy/packs/common.yaml), changed per creditor or portfolio by
// override files. Everything here is read once at start and validated; a bad pack stops the process.

const Hhmm = '([01]\\d|2[0-3]):[0-5]\\d';
const Range = Type.String({ pattern: `^${Hhmm}-(${Hhmm}|24:00)$` });
const SourceIds = Type.Array(Type.String({ minLength: 1 }));
const PerChannel = Type.Object(Object.fromEntries(CHANNELS.map((c) => [c, Type.Integer({ minimum: 0 })])) as Record<Channel, ReturnType<typeof Type.Integer>>);
const HoldEffect = Type.Union([Type.Literal('pause'), Type.Literal('stop'), Type.Literal('person')]);

export const PackSchema = Type.Object({
  country: Type.String({ pattern: '^[A-Z]{2}$' }),
  version: Type.String({ minLength: 1 }),
  timeZone: Type.String({ minLength: 1 }),
  sources: Type.Record(Type.String(), Type.Object({ kind: Type.String(), text: Type.String() })),
  window: Type.Object({
    appliesTo: Type.Array(Type.Enum(CHANNELS)),
    days: Type.Partial(Type.Object({ mon: Range, tue: Range, wed: Range, thu: Range, fri: Range, sat: Range, sun: Range })),
    sources: SourceIds,
  }),
  blockedDays: Type.Object({
    holidays: Type.Object({ types: Type.Array(Type.String()), region: Type.Optional(Type.String()) }),
    extra: Type.Array(Type.Object({ date: Type.String({ pattern: '^(\\d{4}|-)-\\d{2}-\\d{2}$' }), name: Type.String() })),
    sources: SourceIds,
  }),
  caps: Type.Object({
    perDay: Type.Integer({ minimum: 0 }),
    perDayPerChannel: Type.Integer({ minimum: 0 }),
    rolling7Days: Type.Integer({ minimum: 0 }),
    perChannel7Days: PerChannel,
    letterSpacingFullDays: Type.Optional(Type.Integer({ minimum: 0 })),
    sources: SourceIds,
  }),
  privacy: Type.Object({
    /** To a contact point not verified as the debtor's (or shared): the minimal message, or nothing. */
    unverified: Type.Union([Type.Literal('minimal'), Type.Literal('none')]),
    /** Debt details on sms/whatsapp/email: to verified points, or only where the debtor agreed (opt-in). */
    debtDetailsElectronically: Type.Union([Type.Literal('verified'), Type.Literal('agreed')]),
    sharedGetsMinimal: Type.Boolean(),
    sources: SourceIds,
  }),
  holds: Type.Object({
    effects: Type.Object(Object.fromEntries(HOLD_REASONS.map((k) => [k, HoldEffect])) as Record<HoldKind, typeof HoldEffect>),
    estatePauseDays: Type.Integer({ minimum: 0 }),
    sources: SourceIds,
  }),
});

export type HoldKind = (typeof HOLD_REASONS)[number];
export type Pack = Static<typeof PackSchema> & { /** country@version plus the overrides applied */ id: string };

const checkPack = Compile(PackSchema);
const OverrideFile = Type.Object({ version: Type.Union([Type.String({ minLength: 1 }), Type.Integer()]), packs: Type.Record(Type.String(), Type.Record(Type.String(), Type.Unknown())) });
const checkOverride = Compile(OverrideFile);

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Objects merge key by key; lists and values replace. */
export function mergeDeep(base: Json, patch: Json): Json {
  const out: Json = { ...base };
  for (const [key, value] of Object.entries(patch)) {
    // A pack change posted to the simulator is untrusted JSON: never let it reach a prototype.
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    const current = out[key];
    out[key] = isObject(current) && isObject(value) ? mergeDeep(current, value) : value;
  }
  return out;
}

export interface PackScope {
  country: string;
  creditorId: string;
  portfolio?: string | null;
}

export interface Packs {
  /** The pack for a debtor's country of residence and the case's creditor and portfolio, or null. */
  resolve(scope: PackScope): Pack | null;
  countries(): string[];
  /** The operator's override files: name (creditor:<id> or portfolio:<id>), version, the countries they change ("*": all). */
  overrides(): Array<{ name: string; version: string; countries: string[] }>;
  /** A copy with some partial packs applied on top (the simulator's "what if"). */
  withChanges(changes: Record<string, Json>, label: string): Packs;
}

interface Override {
  name: string;
  version: string;
  packs: Record<string, Json>;
}

function readYaml(file: string): unknown {
  try {
    return parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ConfigError(`policy file ${file} cannot be read: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}`);
  }
}

function readOverrides(dir: string, kind: string): Map<string, Override> {
  const out = new Map<string, Override>();
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort()) {
    const id = file.slice(0, -'.yaml'.length);
    const doc = readYaml(join(dir, file));
    if (!checkOverride.Check(doc)) throw new ConfigError(`policy override ${kind}/${file}: ${[...checkOverride.Errors(doc)].map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
    out.set(id, { name: `${kind}:${id}`, version: String(doc.version), packs: doc.packs as Record<string, Json> });
  }
  return out;
}

function validate(doc: Json, where: string): Pack {
  const candidate = { ...doc, id: '' };
  delete (candidate as Json).id;
  if (!checkPack.Check(candidate)) {
    throw new ConfigError(`policy pack ${where}: ${[...checkPack.Errors(candidate)].slice(0, 5).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ')}`);
  }
  const pack = candidate as Static<typeof PackSchema>;
  if (!isTimeZone(pack.timeZone)) throw new ConfigError(`policy pack ${where}: timeZone "${pack.timeZone}" is not an IANA time zone`);
  for (const section of [pack.window, pack.blockedDays, pack.caps, pack.privacy, pack.holds]) {
    for (const id of section.sources) if (!pack.sources[id]) throw new ConfigError(`policy pack ${where}: source "${id}" is cited but not listed under sources`);
  }
  return { ...pack, id: '' };
}

function build(bases: Map<string, Json>, creditors: Map<string, Override>, portfolios: Map<string, Override>, extra: { changes: Record<string, Json>; label: string } | null): Packs {
  const cache = new Map<string, Pack | null>();
  const apply = (doc: Json, country: string, o: Override | undefined, parts: string[]): Json => {
    if (!o) return doc;
    const patch = o.packs[country] ?? o.packs['*'];
    const all = o.packs['*'] && o.packs[country] ? mergeDeep(o.packs['*'], o.packs[country]) : patch;
    if (!all) return doc;
    parts.push(`${o.name}@${o.version}`);
    return mergeDeep(doc, all);
  };
  const packs: Packs = {
    resolve({ country, creditorId, portfolio }) {
      const key = `${country}|${creditorId}|${portfolio ?? ''}`;
      if (cache.has(key)) return cache.get(key) ?? null;
      const base = bases.get(country);
      let result: Pack | null = null;
      if (base) {
        const parts = [`${country}@${String(base.version)}`];
        let doc = apply(base, country, creditors.get(creditorId), parts);
        if (portfolio) doc = apply(doc, country, portfolios.get(portfolio), parts);
        if (extra) {
          const patch = extra.changes[country] ?? extra.changes['*'];
          if (patch) {
            doc = mergeDeep(doc, patch);
            parts.push(extra.label);
          }
        }
        result = { ...validate(doc, parts.join('+')), id: parts.join('+') };
      }
      cache.set(key, result);
      return result;
    },
    countries: () => [...bases.keys()],
    overrides: () => [...creditors.values(), ...portfolios.values()].map((o) => ({ name: o.name, version: o.version, countries: Object.keys(o.packs) })),
    withChanges: (changes, label) => {
      const p = build(bases, creditors, portfolios, { changes, label });
      for (const country of bases.keys()) p.resolve({ country, creditorId: '', portfolio: null });
      return p;
    },
  };
  return packs;
}

/** Reads and validates every pack and override under `dir` (default: policy/ in the project). */
export function loadPacks(dir = new URL('../../policy/', import.meta.url).pathname): Packs {
  const common = readYaml(join(dir, 'packs', 'common.yaml'));
  if (!isObject(common)) throw new ConfigError('policy/packs/common.yaml must be a mapping');
  const bases = new Map<string, Json>();
  for (const file of readdirSync(join(dir, 'packs')).filter((f) => /^[a-z]{2}\.yaml$/.test(f)).sort()) {
    const doc = readYaml(join(dir, 'packs', file));
    if (!isObject(doc)) throw new ConfigError(`policy/packs/${file} must be a mapping`);
    const merged = mergeDeep({ ...common, version: undefined }, doc);
    // The sources of shared sections come from the country file, which knows its own citations.
    const pack = validate(merged, file);
    bases.set(pack.country, merged);
  }
  const creditors = readOverrides(join(dir, 'overrides', 'creditors'), 'creditor');
  const portfolios = readOverrides(join(dir, 'overrides', 'portfolios'), 'portfolio');
  const packs = build(bases, creditors, portfolios, null);
  // Every override must give a valid pack for every country: found at start, not at 3 a.m.
  for (const country of bases.keys()) {
    packs.resolve({ country, creditorId: '', portfolio: null });
    for (const creditorId of creditors.keys()) packs.resolve({ country, creditorId, portfolio: null });
    for (const portfolio of portfolios.keys()) packs.resolve({ country, creditorId: '', portfolio });
  }
  return packs;
}
