import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from '../support/harness.ts';
import { contractEvent } from '../support/fixtures.ts';
import { addStaff, signInAs } from '../support/staff.ts';

// Auditors' search over decisions and messages, through the real app: real decisions from the
// four contract events, plus rows written here where a test needs exact numbers (pages, ties
// within a millisecond, texts a spreadsheet would run as formulas, more rows than an export holds).

let h: Harness;
let auth: Record<string, string>;

const SE_DECISIONS = 120;
const TRICKY_REASONS = ['=HYPERLINK("http://evil.example","click")', '+1+2', '-3+4', '@SUM(A1:A9)', '\tTAB first', '\rCR first', 'a, b "quoted"\nsecond line'];

async function seed(): Promise<void> {
  const db = h.services.db;
  await db.query(`insert into debtors (id, locale, time_zone, address_country, flags, personal, last_event_at)
                  values ('deb-aud', 'sv-SE', 'Europe/Stockholm', 'SE', '{}', '{}', now()), ('deb-big', 'da-DK', 'Europe/Copenhagen', 'DK', '{}', '{}', now())`);
  await db.query(`insert into cases (id, debtor_id, creditor_id, country, currency, reference, snapshot, last_event_at)
                  values ('AUD-1', 'deb-aud', 'cred-aud', 'SE', 'SEK', 'AUD/1', '{}', now()), ('AUD-BIG', 'deb-big', 'cred-aud', 'DK', 'DKK', 'AUD/BIG', '{}', now())`);
  await db.query(`insert into events (id, webhook_id, type, case_id, debtor_id, occurred_at, payload, status)
                  values ('evt-aud', 'wh-aud', 'case.opened', 'AUD-1', 'deb-aud', now(), '{}', 'planned'), ('evt-big', 'wh-big', 'case.opened', 'AUD-BIG', 'deb-big', now(), '{}', 'planned')`);
  // 30 messages stored in the same microsecond, 30 within one millisecond: pages must neither skip nor repeat.
  await db.query(`insert into messages (id, event_id, case_id, debtor_id, step, channel, to_address, template, template_version, locale, body, segments, status, last_error_code, created_at)
                  select 'm-aud-' || lpad(i::text, 3, '0'), 'evt-aud', 'AUD-1', 'deb-aud', 's' || i, case when i % 2 = 0 then 'sms' else 'email' end,
                         '+46700000' || lpad(i::text, 3, '0'), 'payment-due', 'v1', 'sv', 'SECRET BODY for Sven Svensson', 1,
                         case when i % 3 = 0 then 'failed' else 'delivered' end, case when i % 3 = 0 then '=30007' end,
                         case when i <= 30 then '2026-01-05T10:00:00.123456Z'::timestamptz else '2026-01-05T10:00:00.123000Z'::timestamptz + (i - 30) * interval '10 microseconds' end
                    from generate_series(1, 60) i`);
  await db.query(`insert into decisions (message_id, event_id, case_id, stage, channel, outcome, rule, reason, policy_version, decided_at)
                  select 'm-aud-001', 'evt-aud', 'AUD-1', case when i % 2 = 0 then 'plan' else 'dispatch' end, 'sms',
                         case when i % 4 = 0 then 'block' else 'allow' end, case when i % 4 = 0 then 'consent.opted-out' else 'allow' end,
                         'reason ' || i, 'SE@test', '2026-01-01T00:00:00Z'::timestamptz + i * interval '1 hour'
                    from generate_series(1, ${SE_DECISIONS}) i`);
  await db.query(
    `insert into decisions (message_id, event_id, case_id, stage, channel, outcome, rule, reason, policy_version, decided_at)
     select 'm-aud-001', 'evt-aud', 'AUD-1', 'plan', 'email', 'defer', 'time.window', r, 'SE@test', '2026-02-01T00:00:00Z' from unnest($1::text[]) r`,
    [TRICKY_REASONS],
  );
}

beforeAll(async () => {
  h = await createHarness({ workers: true });
  auth = { authorization: `Bearer ${h.apiKey}` };
  for (const name of ['fi-case-opened', 'it-payment-due', 'nl-plan-agreed', 'pl-payment-missed'] as const) await h.postEvent(JSON.stringify(contractEvent(name)));
  await eventually(async () => (await h.count(`events where status = 'planned'`)) === 4);
  await seed();
}, 60_000);
afterAll(async () => {
  await h.close();
});

const get = (url: string, headers: Record<string, string> = auth) => h.app.inject({ url, headers });

/** Parses RFC 4180 text (quoted fields with commas, doubled quotes and line breaks). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') (cell += '"'), i++;
      else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') row.push(cell), (cell = '');
    else if (c === '\r' && text[i + 1] === '\n') row.push(cell), rows.push(row), (row = []), (cell = ''), i++;
    else cell += c;
  }
  return rows;
}

describe('GET /v1/audit/decisions', () => {
  it('lists the real decisions of the contract events with the audit fields, newest first', async () => {
    const res = await get('/v1/audit/decisions?country=PL');
    expect(res.statusCode).toBe(200);
    const { items, next } = res.json();
    expect(next).toBeNull();
    expect(items.length).toBeGreaterThan(0);
    expect(Object.keys(items[0]).sort()).toEqual(['caseId', 'channel', 'country', 'decidedAt', 'deferUntil', 'id', 'messageId', 'outcome', 'policyVersion', 'reason', 'rule', 'stage'].sort());
    expect(items.every((d: { caseId: string; country: string }) => d.caseId === 'PL-2026-000123' && d.country === 'PL')).toBe(true);
    const ids = items.map((d: { id: string }) => BigInt(d.id));
    expect([...ids].sort((a, b) => (a > b ? -1 : 1))).toEqual(ids);
    expect(items[0].policyVersion).toMatch(/^PL@/);
  });

  it('pages by id with `before`, without gaps or repeats', async () => {
    const seen: string[] = [];
    let url = '/v1/audit/decisions?country=SE&limit=50';
    for (let page = 0; page < 5; page++) {
      const { items, next } = (await get(url)).json();
      seen.push(...items.map((d: { id: string }) => d.id));
      if (!next) break;
      url = `/v1/audit/decisions?country=SE&limit=50&before=${next}`;
    }
    expect(seen).toHaveLength(SE_DECISIONS + TRICKY_REASONS.length);
    expect(new Set(seen).size).toBe(seen.length);
  });

  it('filters by period, rule, outcome, channel and stage', async () => {
    const period = (await get('/v1/audit/decisions?country=SE&from=2026-01-01T10:00:00Z&to=2026-01-01T20:00:00Z')).json().items;
    expect(period.map((d: { reason: string }) => d.reason)).toEqual(['reason 19', 'reason 18', 'reason 17', 'reason 16', 'reason 15', 'reason 14', 'reason 13', 'reason 12', 'reason 11', 'reason 10']);
    const blocked = (await get('/v1/audit/decisions?country=SE&outcome=block&rule=consent.opted-out&stage=plan&channel=sms&limit=500')).json().items;
    expect(blocked).toHaveLength(SE_DECISIONS / 4);
    expect(blocked.every((d: Record<string, string>) => d.outcome === 'block' && d.rule === 'consent.opted-out' && d.stage === 'plan' && d.channel === 'sms')).toBe(true);
    expect((await get('/v1/audit/decisions?country=SE&stage=dispatch&outcome=block')).json().items).toEqual([]);
  });

  it('answers 400 for an empty period, a bad instant, limit or cursor, an unknown filter or format', async () => {
    for (const url of [
      '/v1/audit/decisions?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z',
      '/v1/audit/decisions?from=yesterday',
      '/v1/audit/decisions?limit=501',
      '/v1/audit/decisions?limit=0',
      '/v1/audit/decisions?before=abc',
      '/v1/audit/decisions?outcome=maybe',
      '/v1/audit/decisions?country=pl',
      '/v1/audit/decisions?format=xlsx',
      '/v1/audit/decisions?debtor=deb-pl-000123',
      '/v1/audit/messages?before=bm9wZQ',
      '/v1/audit/messages?status=lost',
    ]) {
      const res = await get(url);
      expect(res.statusCode, url).toBe(400);
      expect(res.headers['content-type']).toContain('application/problem+json');
    }
  });

  it('answers 401 without a key, 403 to a staff member who is not an auditor, and records an auditor’s search', async () => {
    expect((await get('/v1/audit/decisions', {})).statusCode).toBe(401);
    await addStaff(h, 'an-editor', ['editor']);
    await addStaff(h, 'an-auditor', ['auditor']);
    const editor = await signInAs(h, 'an-editor');
    expect((await get('/v1/audit/decisions', { cookie: editor.cookie })).statusCode).toBe(403);
    const auditor = await signInAs(h, 'an-auditor');
    expect((await get('/v1/audit/decisions?country=SE&outcome=block', { cookie: auditor.cookie })).statusCode).toBe(200);
    expect((await get('/v1/audit/messages?country=SE&format=csv', { cookie: auditor.cookie })).statusCode).toBe(200);
    const { rows } = await h.services.db.query<{ action: string; target: Record<string, string> }>(`select action, target from staff_audit where actor = 'an-auditor' and action like 'audit.%' order by id`);
    expect(rows).toEqual([
      { action: 'audit.search', target: { country: 'SE', outcome: 'block' } },
      { action: 'audit.export', target: { country: 'SE' } },
    ]);
  });
});

describe('CSV export', () => {
  it('writes RFC 4180 with a header row and an attachment name, and neutralises formulas', async () => {
    const res = await get('/v1/audit/decisions?country=SE&from=2026-01-15T00:00:00Z&to=2026-03-01T00:00:00Z&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toBe('text/csv; charset=utf-8; header=present');
    expect(res.headers['content-disposition']).toBe('attachment; filename="decisions-20260115T000000Z-20260301T000000Z.csv"');
    expect(res.headers['x-truncated']).toBeUndefined();
    expect(res.body.endsWith('\r\n')).toBe(true);
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(['id', 'decidedAt', 'caseId', 'messageId', 'country', 'stage', 'channel', 'outcome', 'rule', 'reason', 'policyVersion', 'deferUntil']);
    const reasons = rows.map((r) => r[9]);
    expect(reasons.slice(0, TRICKY_REASONS.length).sort()).toEqual(
      ["'=HYPERLINK(\"http://evil.example\",\"click\")", "'+1+2", "'-3+4", "'@SUM(A1:A9)", "'\tTAB first", "'\rCR first", 'a, b "quoted"\nsecond line'].sort(),
    );
    // Every other cell starts with something a spreadsheet shows as text.
    expect(rows.flat().filter((cell) => /^[=+\-@\t\r]/.test(cell))).toEqual([]);
    // The hourly rows end on 2026-01-06: the period holds only the ones of 2026-02-01.
    expect(rows).toHaveLength(TRICKY_REASONS.length);
    expect(res.body).toContain('"a, b ""quoted""\nsecond line"');
  });

  it('exports messages without bodies or addresses, and names a file without a period "start" and "now"', async () => {
    const res = await get('/v1/audit/messages?country=SE&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-disposition']).toBe('attachment; filename="messages-start-now.csv"');
    const [header, ...rows] = parseCsv(res.body);
    expect(header).toEqual(['id', 'createdAt', 'caseId', 'country', 'channel', 'template', 'templateVersion', 'locale', 'status', 'segments', 'lastErrorCode']);
    expect(rows).toHaveLength(60);
    expect(res.body).not.toContain('SECRET BODY');
    expect(res.body).not.toContain('Sven');
    expect(res.body).not.toContain('+46700000');
    expect(rows.filter((r) => r[10] === "'=30007")).toHaveLength(20);
  });

  it('stops at 100,000 rows and says so', async () => {
    await h.services.db.query(`insert into decisions (message_id, event_id, case_id, stage, channel, outcome, rule, reason, policy_version)
                               select 'm-aud-001', 'evt-big', 'AUD-BIG', 'plan', 'sms', 'allow', 'allow', 'ok', 'DK@test' from generate_series(1, 100001)`);
    const res = await get('/v1/audit/decisions?country=DK&format=csv');
    expect(res.statusCode).toBe(200);
    expect(res.headers['x-truncated']).toBe('true');
    const lines = res.body.split('\r\n');
    expect(lines[lines.length - 1]).toBe('');
    expect(lines).toHaveLength(1 + 100_000 + 1);
    await h.services.db.query(`delete from decisions where id = (select max(id) from decisions where case_id = 'AUD-BIG')`);
    expect((await get('/v1/audit/decisions?country=DK&format=csv')).headers['x-truncated']).toBeUndefined();
  }, 60_000);
});

describe('GET /v1/audit/messages', () => {
  it('pages through messages stored in the same microsecond and the same millisecond without skipping any', async () => {
    const seen: string[] = [];
    let url = '/v1/audit/messages?country=SE&limit=7';
    for (let page = 0; page < 20; page++) {
      const res = await get(url);
      expect(res.statusCode).toBe(200);
      const { items, next } = res.json();
      seen.push(...items.map((m: { id: string }) => m.id));
      if (!next) break;
      url = `/v1/audit/messages?country=SE&limit=7&before=${next}`;
    }
    expect(seen).toHaveLength(60);
    expect(new Set(seen).size).toBe(60);
    // Newest first: the 30 of 10:00:00.123456 (ids descending), then the others from the latest down.
    expect(seen.slice(0, 3)).toEqual(['m-aud-030', 'm-aud-029', 'm-aud-028']);
    expect(seen[30]).toBe('m-aud-060');
  });

  it('returns the audit fields only, and filters by channel, status and template', async () => {
    const { items } = (await get('/v1/audit/messages?country=SE&channel=sms&status=failed&template=payment-due&limit=500')).json();
    expect(items).toHaveLength(10);
    expect(items[0]).toEqual({
      id: expect.stringMatching(/^m-aud-/),
      createdAt: expect.stringMatching(/^2026-01-05T10:00:00\.123Z$/),
      caseId: 'AUD-1',
      country: 'SE',
      channel: 'sms',
      template: 'payment-due',
      templateVersion: 'v1',
      locale: 'sv',
      status: 'failed',
      segments: 1,
      lastErrorCode: '=30007',
    });
    expect((await get('/v1/audit/messages?from=2030-01-01T00:00:00Z')).json()).toEqual({ items: [], next: null });
  });
});

describe('GET /v1/audit/facets', () => {
  it('lists the values the filters can take', async () => {
    const res = await get('/v1/audit/facets');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.rules).toEqual(expect.arrayContaining(['allow', 'consent.opted-out', 'time.window']));
    expect([...body.rules].sort()).toEqual(body.rules);
    expect(body.countries).toEqual(expect.arrayContaining(['DK', 'FI', 'IT', 'NL', 'PL', 'SE']));
    expect(body.channels).toEqual(['sms', 'whatsapp', 'email', 'letter']);
    expect(body.outcomes).toEqual(['allow', 'defer', 'block']);
    expect(body.statuses).toEqual(expect.arrayContaining(['pending', 'held', 'delivered', 'failed', 'printed', 'posted', 'blocked']));
    expect(body.templates).toEqual(expect.arrayContaining(['case-opened', 'contact-request', 'payment-due']));
  });
});
