import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCatalogue } from '../../src/rendering/catalogue.ts';
import { checkCatalogue, variablesOf } from '../../src/rendering/catalogue-check.ts';
import { contractFixtures } from '../../src/rendering/sample-events.ts';

const MANIFEST = `version: 1
languages: [fi]
variables: [case.reference, case.creditor.*, due.*]
requiredKeys: { sms: [optOut], email: [optOut] }
legal:
  FI:
    probe: { email: [legal.fi.paymentDemand] }
templates:
  probe:
    description: a template for the checks' own tests
    channels: [sms, email]
    segmentBudget: { default: 1 }
`;
const GOOD_SMS = '{{case.creditor.name}} {{case.reference}}: {{money due.amount}}. {{t "optOut"}}';
const GOOD_EMAIL = {
  subject: 'Asia {{case.reference}}',
  html: '<p>{{money due.amount}}</p><p>{{t "legal.fi.paymentDemand"}}</p><p>{{t "optOut"}}</p>',
  text: '{{money due.amount}} {{t "legal.fi.paymentDemand"}} {{t "optOut"}}',
};

async function catalogueWith(files: { sms?: string | null; email?: Partial<typeof GOOD_EMAIL> }) {
  const dir = await mkdtemp(path.join(tmpdir(), 'catalogue-'));
  await writeFile(path.join(dir, 'catalogue.yaml'), MANIFEST);
  for (const channel of ['sms', 'email']) await mkdir(path.join(dir, channel));
  await mkdir(path.join(dir, 'locales', 'fi'), { recursive: true });
  await writeFile(path.join(dir, 'locales', 'fi', 'catalogue.json'), JSON.stringify({ optOut: 'Vastaa STOP.', 'legal.fi.paymentDemand': 'Maksuvaatimus.' }));
  const sms = files.sms === undefined ? GOOD_SMS : files.sms;
  if (sms !== null) await writeFile(path.join(dir, 'sms', 'probe.fi.hbs'), sms);
  const email = { ...GOOD_EMAIL, ...files.email };
  for (const [part, source] of Object.entries(email)) await writeFile(path.join(dir, 'email', `probe.fi.${part}.hbs`), source);
  const catalogue = await loadCatalogue({ templatesDir: dir, localesDir: path.join(dir, 'locales') });
  return checkCatalogue(catalogue, await contractFixtures()).problems.map((p) => `${path.basename(p.where)}: ${p.problem}`);
}

describe('templates:check', () => {
  it('passes a correct catalogue', async () => {
    expect(await catalogueWith({})).toEqual([]);
  });

  it.each([
    ['a declared file is missing', { sms: null }, /probe\.fi\.hbs: missing/],
    ['a helper is unknown', { sms: '{{shout case.reference}} {{t "optOut"}}' }, /does not compile/],
    ['a template uses what strict templates forbid', { sms: '{{lookup case "reference"}} {{t "optOut"}}' }, /probe\.fi\.hbs: .*(not allowed|does not compile)/],
    ['a variable is not declared', { sms: '{{debtor.name.given}} {{t "optOut"}}' }, /reads "debtor\.name\.given", which the catalogue does not declare/],
    ['an SMS exceeds its budget with some country’s data', { sms: `${'x'.repeat(150)} {{case.creditor.name}} {{t "optOut"}}` }, /2 segments with .* \(budget 1\)/],
    ['a required line is missing', { sms: '{{case.reference}}' }, /probe\.fi\.hbs: does not use \{\{t "optOut"\}\}/],
    ['a country’s legal block is missing', { email: { html: '<p>{{t "optOut"}}</p>' } }, /probe\.fi\.html\.hbs: does not use \{\{t "legal\.fi\.paymentDemand"\}\}/],
    ['a text key does not exist', { sms: '{{t "nope"}} {{t "optOut"}}' }, /no text "nope"/],
  ])('fails when %s', async (_label, files, expected) => {
    const problems = await catalogueWith(files);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('transliterates SMS for a country that turns it on, and reports what it saved', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'catalogue-'));
    await writeFile(path.join(dir, 'catalogue.yaml'), MANIFEST.replace('languages: [fi]', 'languages: [pl]\ntransliteration: { PL: true }').replace('FI:', 'PL:'));
    for (const channel of ['sms', 'email']) await mkdir(path.join(dir, channel));
    await mkdir(path.join(dir, 'locales', 'pl'), { recursive: true });
    await writeFile(path.join(dir, 'locales', 'pl', 'catalogue.json'), JSON.stringify({ optOut: 'Aby nie otrzymywać SMS, odpisz STOP.' }));
    await writeFile(path.join(dir, 'sms', 'probe.pl.hbs'), 'Zaległość {{money due.amount}}, sprawa {{case.reference}}. {{t "optOut"}}');
    const catalogue = await loadCatalogue({ templatesDir: dir, localesDir: path.join(dir, 'locales') });
    const pl = (await contractFixtures()).find((f) => f.name === 'pl-payment-missed')!;
    const sms = catalogue.render('probe', 'sms', pl.event);
    expect(sms.parts.body).toBe('Zaleglosc 250,00 zl, sprawa KR/2026/000123. Aby nie otrzymywac SMS, odpisz STOP.');
    expect(sms).toMatchObject({ encoding: 'GSM-7', segments: 1, transliteration: { before: { encoding: 'UCS-2', segments: 2 }, segmentsSaved: 1, changes: { ł: 2, ś: 1, ć: 2 } } });
  });

  it('checks each WhatsApp template’s approved Content template: SID, numbering, placeholders, paths', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'catalogue-'));
    await writeFile(path.join(dir, 'catalogue.yaml'), MANIFEST.replace('channels: [sms, email]', 'channels: [whatsapp]').replace('requiredKeys: { sms: [optOut], email: [optOut] }', 'requiredKeys: {}'));
    await mkdir(path.join(dir, 'whatsapp'));
    await mkdir(path.join(dir, 'locales', 'fi'), { recursive: true });
    await writeFile(path.join(dir, 'locales', 'fi', 'catalogue.json'), '{}');
    await writeFile(path.join(dir, 'whatsapp', 'probe.fi.hbs'), '{{case.reference}}');
    const check = async (yaml: string) => {
      await writeFile(path.join(dir, 'whatsapp', 'content.fi.yaml'), yaml);
      const catalogue = await loadCatalogue({ templatesDir: dir, localesDir: path.join(dir, 'locales') });
      return checkCatalogue(catalogue, await contractFixtures()).problems.map((p) => p.problem).join('\n');
    };
    const sid = 'HX' + 'a'.repeat(32);
    expect(await check(`probe:\n  contentSid: ${sid}\n  variables: { "1": case.reference }\n  body: "Asia {{1}}"\n`)).toBe('');
    expect(await check('other: {}\n')).toMatch(/probe: needs contentSid/);
    expect(await check(`probe:\n  contentSid: SM123\n  variables: { "1": case.reference }\n  body: "x {{1}}"\n`)).toMatch(/needs contentSid/);
    expect(await check(`probe:\n  contentSid: ${sid}\n  variables: { "1": case.reference, "3": case.id }\n  body: "{{1}} {{3}}"\n`)).toMatch(/numbered 1, 2, 3/);
    expect(await check(`probe:\n  contentSid: ${sid}\n  variables: { "1": case.reference }\n  body: "{{1}} {{2}}"\n`)).toMatch(/uses \{\{2\}\}, which has no variable/);
    expect(await check(`probe:\n  contentSid: ${sid}\n  variables: { "1": debtor.iban }\n  body: "{{1}}"\n`)).toMatch(/"debtor\.iban" is not declared/);
  });

  it('refuses to render a control or bidi character into a text part', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const catalogue = await loadCatalogue({ templatesDir: path.join(root, 'templates'), localesDir: path.join(root, 'locales') });
    const [fixture] = await contractFixtures();
    const spoof = { ...fixture!.event, case: { ...fixture!.event.case, creditor: { id: 'x', name: 'Bank\u202Eevil' } } };
    expect(() => catalogue.render('case-opened', 'sms', spoof)).toThrow(/control or bidi character/);
    expect(catalogue.render('case-opened', 'letter', spoof).parts.html).toContain('Bank');
  });

  it('reads variable paths through helpers and conditions, but not inside #each and #with', () => {
    expect(variablesOf('{{#if data.offer}}{{money data.offer.amount}}{{/if}} {{t "x" n=case.reference}} {{#each debtor.address.lines}}{{this}}{{/each}}').sort()).toEqual(
      ['case.reference', 'data.offer', 'data.offer.amount', 'debtor.address.lines'],
    );
  });
});

describe('the shipped catalogue', () => {
  it('is complete in pl, fi, it and nl on every declared channel, and passes every check', async () => {
    const root = path.resolve(import.meta.dirname, '../..');
    const catalogue = await loadCatalogue({ templatesDir: path.join(root, 'templates'), localesDir: path.join(root, 'locales') });
    const { problems, rendered } = checkCatalogue(catalogue, await contractFixtures());
    expect(problems.map((p) => `${path.relative(root, p.where)}: ${p.problem}`)).toEqual([]);
    const declared = Object.values(catalogue.manifest.templates).reduce((n, t) => n + t.channels.length, 0);
    expect(rendered).toHaveLength(declared * 4 * 4); // every template × channel × language × country sample
  });
});
