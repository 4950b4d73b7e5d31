import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CaseEvent } from '../../src/domain/case-event.ts';
import { createHarness, eventually, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import { addStaff, signInAs } from '../support/staff.ts';

// Finding a case by what a caller gives, and the case's summary, through the real app with the
// events planned by the real workers.

let h: Harness;
let auth: Record<string, string>;

const FIXTURES = ['fi-case-opened', 'it-payment-due', 'nl-plan-agreed', 'pl-payment-missed'] as const;

function vulnerableCase(): CaseEvent {
  const e = contractEvent('pl-payment-missed');
  return {
    ...e,
    id: 'evt-pl-vulnerable-1',
    case: { ...e.case, id: 'PL-2026-000124', reference: 'KR/2026/000124' },
    debtor: { ...e.debtor, flags: { ...e.debtor.flags, vulnerable: true } },
  };
}

beforeAll(async () => {
  h = await createHarness({ workers: true });
  auth = { authorization: `Bearer ${h.apiKey}` };
  for (const name of FIXTURES) expect((await h.postEvent(JSON.stringify(contractEvent(name)))).statusCode).toBe(202);
  expect((await h.postEvent(JSON.stringify(vulnerableCase()))).statusCode).toBe(202);
  await eventually(async () => (await h.count(`events where status = 'planned'`)) === 5);
}, 60_000);
afterAll(async () => {
  await h.close();
});

const search = (q: string, extra = '') => h.app.inject({ url: `/v1/cases?q=${encodeURIComponent(q)}${extra}`, headers: auth });
interface Hit {
  caseId: string;
  matchedOn: string;
  messages: number;
  [k: string]: unknown;
}
const hits = async (q: string): Promise<Hit[]> => {
  const res = await search(q);
  expect(res.statusCode).toBe(200);
  return res.json<{ items: Hit[] }>().items;
};

describe('GET /v1/cases?q=', () => {
  it('finds a case by its exact id, with the fields of the list', async () => {
    const [hit, ...rest] = await hits('FI-2026-004711');
    expect(rest).toEqual([]);
    expect(hit).toEqual({
      caseId: 'FI-2026-004711',
      debtorId: 'deb-fi-004711',
      country: 'FI',
      creditorId: 'energia-fi',
      reference: '4711-2026',
      holdReason: null,
      lastEventAt: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      messages: expect.any(Number),
      matchedOn: 'case',
    });
    expect(hit?.messages).toBeGreaterThan(0);
  });

  it('finds cases by the start of their id, the exact one first; LIKE wildcards in the text are plain characters', async () => {
    expect((await hits('PL-2026-000123')).map((x) => x.caseId)).toEqual(['PL-2026-000123']);
    expect((await hits('PL-2026-0001')).map((x) => [x.caseId, x.matchedOn]).sort()).toEqual([['PL-2026-000123', 'case'], ['PL-2026-000124', 'case']]);
    expect(await hits('PL_2026')).toEqual([]);
    expect(await hits('PL%')).toEqual([]);
  });

  it('finds a case by the creditor’s reference and by the debtor’s id', async () => {
    expect((await hits('KR/2026/000123')).map((x) => [x.caseId, x.matchedOn])).toEqual([['PL-2026-000123', 'reference']]);
    expect((await hits('deb-pl-000123')).map((x) => [x.caseId, x.matchedOn]).sort()).toEqual([['PL-2026-000123', 'debtor'], ['PL-2026-000124', 'debtor']]);
  });

  it('finds a case by a phone number typed with spaces, and by an email address in any case', async () => {
    expect((await hits('+358 40 123 4567')).map((x) => [x.caseId, x.matchedOn])).toEqual([['FI-2026-004711', 'contact-point']]);
    expect((await hits('+39 347 123 4567')).map((x) => [x.caseId, x.matchedOn])).toEqual([['IT-2026-889900', 'contact-point']]);
    expect((await hits('Aino.Makela@EXAMPLE.fi')).map((x) => [x.caseId, x.matchedOn])).toEqual([['FI-2026-004711', 'contact-point']]);
    expect(await hits('nobody@example.fi')).toEqual([]);
  });

  it('honours the limit', async () => {
    const res = await search('deb-pl-000123', '&limit=1');
    expect(res.json().items).toHaveLength(1);
  });

  it('answers 400 for a missing, too short or control-character search, a bad limit or an unknown parameter', async () => {
    for (const url of ['/v1/cases', '/v1/cases?q=a', '/v1/cases?q=%20%20%20', '/v1/cases?q=ab%0Acd', '/v1/cases?q=abc&limit=0', '/v1/cases?q=abc&limit=51', '/v1/cases?q=abc&sort=x', '/v1/cases?q=abc&q=def']) {
      const res = await h.app.inject({ url, headers: auth });
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers 401 without a key', async () => {
    expect((await h.app.inject({ url: '/v1/cases?q=FI-2026' })).statusCode).toBe(401);
  });

  it('keeps the search text out of the logs and out of the staff audit', async () => {
    await addStaff(h, 'searcher', ['editor']);
    const staff = await signInAs(h, 'searcher');
    const res = await h.app.inject({ url: `/v1/cases?q=${encodeURIComponent('+48 601 234 567')}`, headers: { cookie: staff.cookie } });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((x: Hit) => x.caseId).sort()).toEqual(['PL-2026-000123', 'PL-2026-000124']);
    const { rows } = await h.services.db.query<{ action: string; target: unknown }>(`select action, target from staff_audit where actor = 'searcher' and action = 'case.search'`);
    expect(rows).toHaveLength(1);
    expect(JSON.stringify(rows[0]?.target)).not.toContain('601');
    expect(h.logLines.filter((l) => /601( |%20)?234|q=/.test(l))).toEqual([]);
  });
});

describe('GET /v1/cases/:caseId', () => {
  it('summarises a case: the case, the debtor’s settings and flags, contact points, no open task', async () => {
    const res = await h.app.inject({ url: '/v1/cases/FI-2026-004711', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      caseId: 'FI-2026-004711',
      debtorId: 'deb-fi-004711',
      country: 'FI',
      creditorId: 'energia-fi',
      reference: '4711-2026',
      currency: 'EUR',
      holdReason: null,
      holdSince: null,
      debtor: { id: 'deb-fi-004711', locale: 'fi-FI', timeZone: 'Europe/Helsinki', addressCountry: 'FI', flags: { vulnerable: false }, erased: false },
      openTask: null,
    });
    expect(body.contactPoints).toEqual(
      expect.arrayContaining([
        { channel: 'email', address: 'aino.makela@example.fi', verified: true, optIn: null, optedOutAt: null, invalidAt: null, kind: 'personal' },
        { channel: 'sms', address: '+358401234567', verified: true, optIn: null, optedOutAt: null, invalidAt: null, kind: null },
        expect.objectContaining({ channel: 'letter', kind: 'postal', verified: true }),
      ]),
    );
  });

  it('shows the open task of a case that went to a person', async () => {
    const body = (await h.app.inject({ url: '/v1/cases/PL-2026-000124', headers: auth })).json();
    expect(body.debtor.flags.vulnerable).toBe(true);
    expect(body.openTask).toEqual({ id: expect.any(String), kind: 'vulnerable', reason: expect.any(String), createdAt: expect.any(String) });
  });

  it('answers 404 for an unknown case and 401 without a key', async () => {
    const res = await h.app.inject({ url: '/v1/cases/XX-unknown', headers: auth });
    expect(res.statusCode).toBe(404);
    expect(res.json()).toMatchObject({ type: expect.stringContaining('case-not-found') });
    expect((await h.app.inject({ url: '/v1/cases/FI-2026-004711' })).statusCode).toBe(401);
  });

  it('after erasure: the debtor shows as erased and its old phone number finds nothing', async () => {
    const erased = await h.app.inject({ method: 'POST', url: '/v1/debtors/deb-nl-552201/erase', headers: auth, payload: { reason: 'request 42' } });
    expect(erased.statusCode).toBe(200);
    const body = (await h.app.inject({ url: '/v1/cases/NL-2026-552201', headers: auth })).json();
    expect(body.debtor.erased).toBe(true);
    expect(JSON.stringify(body.contactPoints)).not.toContain('+31612345678');
    expect(await hits('+31612345678')).toEqual([]);
    expect(await hits('sanne.devries@example.nl')).toEqual([]);
  });
});
