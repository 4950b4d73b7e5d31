import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createApiKey } from '../src/store/api-keys-repo.ts';
import { activeVersions } from '../src/store/template-versions-repo.ts';
import { exportVersions } from '../src/rendering/catalogue-export.ts';

let h: Harness;
let author: Record<string, string>;
let reviewer: Record<string, string>;
const base = '/v1/templates/case-opened/sms/fi/versions';
const NEW_TEXT = 'Hei, tässä uusi teksti: maksamatta {{money case.balance.total}} (asia {{case.reference}}). Vastaa tähän, niin sovitaan maksusta.\n{{case.creditor.name}}\n{{t "optOut"}}';

beforeAll(async () => {
  h = await createHarness({ workers: true });
  author = { authorization: `Bearer ${h.apiKey}` };
  reviewer = { authorization: `Bearer ${(await createApiKey(h.services.db, 'second pair of eyes')).key}` };
});
afterAll(async () => {
  await h.close();
});

const call = (method: 'GET' | 'POST', url: string, headers: Record<string, string>, payload?: object) =>
  h.app.inject({ method, url, headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) }, ...(payload ? { payload } : {}) });

async function sendFinnishEvent(id: string, caseId: string) {
  const e = contractEvent('fi-case-opened');
  // A debtor per case: the contact caps would hold back a second message to one debtor the same day.
  const debtor = { ...e.debtor, id: `deb-${caseId}`, contactPoints: [{ channel: 'sms' as const, address: `+3584055${caseId.replace(/\D/g, '').padStart(5, '5')}`, verified: true }] };
  await h.postEvent(JSON.stringify({ ...e, id, case: { ...e.case, id: caseId }, debtor }));
  return eventually(async () => {
    const { rows } = await h.services.db.query<{ body: string; template_version: string }>(`select body, template_version from messages where case_id = $1 and status = 'delivered'`, [caseId]);
    return rows[0];
  });
}

describe('template versions with four-eyes approval', () => {
  let draftId = '';

  it('starts from the shipped files as approved, active version 1', async () => {
    const res = await call('GET', base, author);
    expect(res.statusCode).toBe(200);
    expect(res.json().versions).toEqual([expect.objectContaining({ number: 1, status: 'approved', author: 'catalogue', active: true })]);
  });

  it('a draft is created by one user and cannot be approved before it is submitted', async () => {
    const res = await call('POST', base, author, { parts: { body: NEW_TEXT } });
    expect(res.statusCode).toBe(201);
    expect(res.json()).toMatchObject({ number: 2, status: 'draft', author: 'tests', active: false });
    draftId = res.json().id;
    expect((await call('POST', `/v1/template-versions/${draftId}/approve`, reviewer, {})).statusCode).toBe(409);
  });

  it('submitting runs the checks; the author cannot approve; a second user can, and activation makes the next message use it', async () => {
    const submitted = await call('POST', `/v1/template-versions/${draftId}/submit`, author);
    expect(submitted.statusCode).toBe(200);
    expect(submitted.json().status).toBe('submitted');

    const own = await call('POST', `/v1/template-versions/${draftId}/approve`, author, {});
    expect(own.statusCode).toBe(403);
    expect(own.json().type).toContain('four-eyes');

    const approved = await call('POST', `/v1/template-versions/${draftId}/approve`, reviewer, { comment: 'Selkeä.' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', reviewer: 'second pair of eyes', reviewComment: 'Selkeä.' });

    expect((await call('POST', `/v1/template-versions/${draftId}/activate`, reviewer)).json()).toMatchObject({ active: true });
    const message = await sendFinnishEvent('evt-version-2', 'FI-VERSION-2');
    expect(message.body).toContain('tässä uusi teksti');
    expect(message.template_version).toBe(`v${draftId}`);
    const timeline = await call('GET', '/v1/cases/FI-VERSION-2/timeline', author);
    expect(timeline.json().entries.find((e: { kind: string }) => e.kind === 'message')).toMatchObject({ templateVersion: `v${draftId}` });
  });

  it('previews a version with each country’s sample data, SMS segments and what transliteration would save', async () => {
    const res = await call('GET', `/v1/template-versions/${draftId}/preview`, author);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.samples.map((s: { country: string }) => s.country).sort()).toEqual(['FI', 'IT', 'NL', 'PL']);
    const fi = body.samples.find((s: { country: string }) => s.country === 'FI');
    expect(fi.parts.body).toContain('maksamatta 191,55 €');
    expect(fi).toMatchObject({ encoding: 'GSM-7', segments: expect.any(Number), transliteration: { segmentsSaved: 0 } });
    expect(body.warnings).toEqual([]);
    const pl = await call('GET', `/v1/template-versions/${(await call('GET', '/v1/templates/payment-missed/sms/pl/versions', author)).json().versions[0].id}/preview`, author);
    expect(pl.json().samples.find((s: { country: string }) => s.country === 'PL')).toMatchObject({ encoding: 'UCS-2', transliteration: { becomesGsm7: true, segmentsSaved: 1 } });
  });

  it('exports the active versions back to the catalogue’s files', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'export-'));
    const { versions } = await activeVersions(h.services.db);
    const written = await exportVersions(versions, dir);
    expect(written).toContain('sms/case-opened.fi.hbs');
    expect(written).toContain('email/case-opened.fi.subject.hbs');
    expect(written).toHaveLength(56 + 56 + 168 + 32);
    expect(await readFile(path.join(dir, 'sms', 'case-opened.fi.hbs'), 'utf8')).toBe(NEW_TEXT);
  });

  it('previews a letter on its A4 page with the address in the envelope window, escaped', async () => {
    const v = (await call('GET', '/v1/templates/case-opened/letter/nl/versions', author)).json().versions[0];
    const nl = (await call('GET', `/v1/template-versions/${v.id}/preview`, author)).json().samples.find((s: { country: string }) => s.country === 'NL');
    expect(nl.page).toMatch(/@page \{ size: A4;/);
    expect(nl.page).toMatch(/<address>Sanne de Vries<br>Keizersgracht 123<br>1015 CJ Amsterdam<br>NL<\/address>/);
    expect(nl.page).toMatch(/€\s129,00/); // Intl's no-break space stays in print
  });

  it('a rollback is a new activation of the older version', async () => {
    const v1 = (await call('GET', base, author)).json().versions.find((v: { number: number }) => v.number === 1);
    expect((await call('POST', `/v1/template-versions/${v1.id}/activate`, author)).statusCode).toBe(200);
    const message = await sendFinnishEvent('evt-version-1-again', 'FI-VERSION-1');
    expect(message.body).not.toContain('tässä uusi teksti');
    expect(message.template_version).toBe(`v${v1.id}`);
    const { rows } = await h.services.db.query(`select count(*)::int as n from template_activations where template = 'case-opened' and channel = 'sms' and locale = 'fi'`);
    expect(rows[0].n).toBe(3);
  });

  it('a version that fails the checks stays a draft, with the problems, and cannot be approved', async () => {
    const broken = await call('POST', base, author, { parts: { body: 'Hei {{debtor.secretNote}}, maksa {{money case.balance.total}}.' } });
    const id = broken.json().id;
    const submitted = await call('POST', `/v1/template-versions/${id}/submit`, author);
    expect(submitted.statusCode).toBe(422);
    const problems = submitted.json().problems.map((p: { problem: string }) => p.problem).join('\n');
    expect(problems).toMatch(/does not use \{\{t "optOut"\}\}/);
    expect(problems).toMatch(/reads "debtor\.secretNote", which the catalogue does not declare/);
    expect((await call('POST', `/v1/template-versions/${id}/approve`, reviewer, {})).statusCode).toBe(409);
    expect((await call('POST', `/v1/template-versions/${id}/activate`, reviewer)).statusCode).toBe(409);
  });

  it('refuses templates that could run code or reach prototypes, and parts that do not fit the channel', async () => {
    for (const body of ['{{constructor.constructor "return process"}}', '{{#with this}}{{__proto__}}{{/with}}', '{{> partial}}', '<script>{{lookup this "x"}}</script>', '{{#if x}}unclosed']) {
      const created = await call('POST', base, author, { parts: { body } });
      expect(created.statusCode, body).toBe(422);
      expect(created.json().type).toContain('template-does-not-compile');
    }
    const saved = await call('POST', base, author, { parts: { body: 'Hei\n{{#if case.reference}}auki' } });
    expect(saved.json().detail).toMatch(/parse error on line 2/);
    const { rows } = await h.services.db.query(`select count(*)::int as n from template_versions where parts->>'body' like '%constructor%'`);
    expect(rows[0].n).toBe(0);
    expect((await call('POST', base, author, { parts: { subject: 'x' } })).statusCode).toBe(400);
    expect((await call('POST', '/v1/templates/case-opened/sms/xx/versions', author, { parts: { body: 'x' } })).statusCode).toBe(404);
    expect((await call('POST', '/v1/templates/case-opened/pigeon/fi/versions', author, { parts: { body: 'x' } })).statusCode).toBe(400);
    expect((await call('POST', '/v1/templates/no-such/sms/fi/versions', author, { parts: { body: 'x' } })).statusCode).toBe(404);
    expect((await call('POST', base, {}, { parts: { body: 'x' } })).statusCode).toBe(401);
  });
});
