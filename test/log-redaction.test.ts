import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from './support/harness.ts';
import { contractEvent, contractEventTexts } from './support/fixtures.ts';
import { createLogger } from '../src/logger.ts';
import { Writable } from 'node:stream';
import type { CaseEvent } from '../src/domain/case-event.ts';

let h: Harness;
const events: CaseEvent[] = [];

beforeAll(async () => {
  h = await createHarness({ workers: true });
  // The whole journey, including a provider refusal whose message quotes the phone number,
  // and bad input whose problem+json echoes field names.
  for (const { text } of contractEventTexts()) {
    events.push(JSON.parse(text) as CaseEvent);
    await h.postEvent(text);
  }
  const pl = contractEvent('pl-payment-missed');
  const refused: CaseEvent = { ...pl, id: 'evt-redact-refused', case: { ...pl.case, id: 'PL-REDACT' }, debtor: { ...pl.debtor, id: 'deb-redact', contactPoints: [{ channel: 'sms', address: '+48600000001', verified: true }] } };
  events.push(refused);
  await h.postEvent(JSON.stringify(refused));
  await h.postEvent(JSON.stringify({ ...pl, id: 'evt-redact-bad', case: { ...pl.case, balance: { ...pl.case.balance, total: 'lots' } } }));
  await h.postEvent(JSON.stringify(pl), { secret: 'whsec_d3Jvbmctc2VjcmV0LW5vdC1jb25maWd1cmVk' });
  await eventually(async () => {
    const { rows } = await h.services.db.query<{ n: number }>(`select count(*)::int as n from messages where status in ('delivered', 'failed')`);
    return rows[0]?.n === 5;
  });
});
afterAll(async () => {
  await h.close();
});

function personalData(): string[] {
  const values = new Set<string>();
  for (const e of events) {
    values.add(e.debtor.name.given);
    values.add(e.debtor.name.family);
    for (const line of e.debtor.address.lines) values.add(line);
    values.add(e.debtor.address.postalCode);
    for (const cp of e.debtor.contactPoints) {
      values.add(cp.address);
      values.add(cp.address.replace(/^\+/, ''));
    }
    for (const amount of Object.values(e.case.balance)) values.add(amount);
    values.add(e.case.payment.iban);
  }
  return [...values].filter((v) => v.length >= 4);
}

describe('logs carry no personal data', () => {
  it('wrote log lines for the whole journey', () => {
    expect(h.logLines.length).toBeGreaterThan(10);
    expect(h.logLines.some((l) => l.includes('provider refused the message permanently'))).toBe(true);
  });

  it('no name, phone number, email, address, amount or IBAN appears in any line', () => {
    // Whole tokens only: an amount like 2.35 must not match inside a timing such as 12.355.
    const token = (value: string) => new RegExp(`(?<![0-9A-Za-z.])${value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?![0-9A-Za-z])`);
    const leaks = personalData().flatMap((value) => h.logLines.filter((l) => token(value).test(l)).map((l) => `${value} in ${l.slice(0, 200)}`));
    expect(leaks).toEqual([]);
  });

  it('no rendered message body appears in any line', async () => {
    const { rows } = await h.services.db.query<{ body: string }>(`select body from messages where body is not null`);
    expect(rows.length).toBeGreaterThanOrEqual(4);
    const fragments = rows.flatMap((r) => r.body.split('\n').filter((l) => l.length > 12));
    expect(fragments.filter((f) => h.logLines.some((l) => l.includes(f)))).toEqual([]);
  });

  it('redacts personal fields even if code passes them to the logger', () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write: (c: Buffer, _e, d) => (lines.push(c.toString()), d()) }));
    const e = contractEvent('nl-plan-agreed');
    log.info({ to: '+31612345678', debtor: e.debtor, payload: e, message: { body: 'Beste Sanne' }, amount: '166.90' }, 'careless');
    log.error({ err: new Error('The To number +31612345678 is not valid') }, 'provider error');
    const text = lines.join('');
    for (const leak of ['+31612345678', 'Sanne', 'de Vries', 'Keizersgracht', '166.90', 'Beste']) expect(text).not.toContain(leak);
    expect(text).toContain('[redacted]');
  });
});
