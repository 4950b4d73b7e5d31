import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadPacks } from '../../src/policy/pack.ts';
import { createHarness, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import { addStaff, signInAs } from '../support/staff.ts';
import { csvCell, csvRow } from '../../src/http/csv.ts';

// The policy packs as the console reads them, the queues and recent failures for operators, and
// the CSV cell rules every export uses.

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

let h: Harness;
let auth: Record<string, string>;

beforeAll(async () => {
  h = await createHarness();
  auth = { authorization: `Bearer ${h.apiKey}` };
});
afterAll(async () => {
  await h.close();
});

describe('GET /v1/policy/packs', () => {
  it('lists each country’s pack with its rules, its sources and the overrides that change it', async () => {
    const res = await h.app.inject({ url: '/v1/policy/packs', headers: auth });
    expect(res.statusCode).toBe(200);
    const { packs } = res.json();
    expect(packs.map((p: { country: string }) => p.country)).toEqual(['FI', 'IT', 'NL', 'PL']);
    const fi = packs[0];
    expect(fi).toMatchObject({ country: 'FI', id: expect.stringMatching(/^FI@/), timeZone: 'Europe/Helsinki', overrides: [] });
    expect(fi.pack.caps).toMatchObject({ perDay: 3, letterSpacingFullDays: 14 });
    expect(fi.pack.window.days.mon).toBe('08:00-20:00');
    expect(fi.sources).toContainEqual({ id: 'kko-2024', kind: 'G', text: expect.stringContaining('14 full days') });
    // Every source a section cites is listed.
    const listed = new Set(fi.sources.map((s: { id: string }) => s.id));
    for (const section of ['window', 'blockedDays', 'caps', 'privacy', 'holds']) for (const id of fi.pack[section].sources) expect(listed.has(id)).toBe(true);
  });

  it('shows the packs a creditor’s cases get, and refuses unknown parameters', async () => {
    const res = await h.app.inject({ url: '/v1/policy/packs?creditor=energia-fi', headers: auth });
    expect(res.statusCode).toBe(200);
    expect((await h.app.inject({ url: '/v1/policy/packs?country=FI', headers: auth })).statusCode).toBe(400);
    expect((await h.app.inject({ url: '/v1/policy/packs' })).statusCode).toBe(401);
  });

  it('names the overrides that change a country’s pack, and applies a creditor’s when asked', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'console-policy-'));
    const shipped = h.services.packs;
    try {
      await cp(path.join(ROOT, 'policy'), dir, { recursive: true });
      await mkdir(path.join(dir, 'overrides', 'creditors'), { recursive: true });
      await mkdir(path.join(dir, 'overrides', 'portfolios'), { recursive: true });
      await writeFile(path.join(dir, 'overrides', 'creditors', 'energia-fi.yaml'), 'version: 3\npacks:\n  FI:\n    caps: { perDay: 2 }\n');
      await writeFile(path.join(dir, 'overrides', 'portfolios', 'winter.yaml'), 'version: 1\npacks:\n  "*":\n    caps: { rolling7Days: 5 }\n');
      h.services.packs = loadPacks(dir);
      const plain = (await h.app.inject({ url: '/v1/policy/packs', headers: auth })).json().packs;
      expect(plain.find((p: { country: string }) => p.country === 'FI').overrides).toEqual([{ name: 'creditor:energia-fi', version: '3' }, { name: 'portfolio:winter', version: '1' }]);
      expect(plain.find((p: { country: string }) => p.country === 'PL').overrides).toEqual([{ name: 'portfolio:winter', version: '1' }]);
      expect(plain.find((p: { country: string }) => p.country === 'FI').pack.caps.perDay).toBe(3);
      const creditors = (await h.app.inject({ url: '/v1/policy/packs?creditor=energia-fi', headers: auth })).json().packs;
      const fi = creditors.find((p: { country: string }) => p.country === 'FI');
      expect(fi.id).toMatch(/^FI@.+\+creditor:energia-fi@3$/);
      expect(fi.pack.caps.perDay).toBe(2);
    } finally {
      h.services.packs = shipped;
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('GET /v1/operations/queues and /failures', () => {
  it('counts the jobs of every queue', async () => {
    await h.postEvent(JSON.stringify(contractEvent('fi-case-opened')));
    const res = await h.app.inject({ url: '/v1/operations/queues', headers: auth });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.checkedAt).toMatch(/^\d{4}-\d{2}-\d{2}T/);
    expect(body.queues.map((q: { name: string }) => q.name)).toEqual(['plan', 'fallback', 'dispatch-sms', 'dispatch-whatsapp', 'dispatch-email', 'dispatch-letter']);
    // No workers run here: the event's plan job waits.
    expect(body.queues[0]).toEqual({ name: 'plan', waiting: 1, active: 0, delayed: 0, failed: 0, completed: 0, paused: 0 });
    await h.services.queues.plan.pause();
    const paused = (await h.app.inject({ url: '/v1/operations/queues', headers: auth })).json();
    expect(paused.queues[0]).toMatchObject({ waiting: 1, paused: 1 });
    await h.services.queues.plan.resume();
  });

  it('lists failed and undelivered messages, most recent first', async () => {
    const db = h.services.db;
    await db.query(`insert into messages (id, event_id, case_id, debtor_id, step, channel, status, last_error_code, updated_at)
                    values ('m-ops-1', 'evt-fi-004711-0001', 'FI-2026-004711', 'deb-fi-004711', 'a', 'sms', 'failed', '30003', '2026-11-18T08:00:00Z'),
                           ('m-ops-2', 'evt-fi-004711-0001', 'FI-2026-004711', 'deb-fi-004711', 'b', 'email', 'undelivered', null, '2026-11-18T08:30:00Z'),
                           ('m-ops-3', 'evt-fi-004711-0001', 'FI-2026-004711', 'deb-fi-004711', 'c', 'sms', 'delivered', null, '2026-11-18T08:45:00Z')`);
    const res = await h.app.inject({ url: '/v1/operations/failures', headers: auth });
    expect(res.statusCode).toBe(200);
    expect(res.json().items).toEqual([
      { messageId: 'm-ops-2', caseId: 'FI-2026-004711', channel: 'email', status: 'undelivered', lastErrorCode: null, at: '2026-11-18T08:30:00.000Z' },
      { messageId: 'm-ops-1', caseId: 'FI-2026-004711', channel: 'sms', status: 'failed', lastErrorCode: '30003', at: '2026-11-18T08:00:00.000Z' },
    ]);
    expect((await h.app.inject({ url: '/v1/operations/failures?limit=1', headers: auth })).json().items).toHaveLength(1);
    expect((await h.app.inject({ url: '/v1/operations/failures?limit=abc', headers: auth })).statusCode).toBe(400);
  });

  it('lets admins and auditors in, not editors', async () => {
    await addStaff(h, 'ops-editor', ['editor']);
    await addStaff(h, 'ops-auditor', ['auditor']);
    const editor = await signInAs(h, 'ops-editor');
    const auditor = await signInAs(h, 'ops-auditor');
    expect((await h.app.inject({ url: '/v1/operations/queues', headers: { cookie: editor.cookie } })).statusCode).toBe(403);
    expect((await h.app.inject({ url: '/v1/operations/failures', headers: { cookie: auditor.cookie } })).statusCode).toBe(200);
    // Policy and the catalogue are for all staff.
    expect((await h.app.inject({ url: '/v1/policy/packs', headers: { cookie: editor.cookie } })).statusCode).toBe(200);
    expect((await h.app.inject({ url: '/v1/templates', headers: { cookie: editor.cookie } })).statusCode).toBe(200);
  });
});

describe('CSV cells', () => {
  it('quotes as RFC 4180 says and writes CRLF rows', () => {
    expect(csvRow(['a', 'b,c', 'say "hi"', 'two\nlines', null, undefined, 3])).toBe('a,"b,c","say ""hi""","two\nlines",,,3\r\n');
  });

  it('neutralises what a spreadsheet would run as a formula', () => {
    expect(['=1+1', '+1', '-1', '@A1', '\t=1', '\r=1'].map(csvCell)).toEqual(["'=1+1", "'+1", "'-1", "'@A1", "'\t=1", '"\'\r=1"']);
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('a=1')).toBe('a=1');
    expect(csvCell(new Date('2026-11-18T09:00:00Z'))).toBe('2026-11-18T09:00:00.000Z');
  });
});
