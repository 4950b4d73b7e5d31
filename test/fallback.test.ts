import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, eventually, type Harness } from './support/harness.ts';
import { contractEvent } from './support/fixtures.ts';
import type { CaseEvent, Channel } from '../src/domain/case-event.ts';
import type { ChannelAdapter, OutboundMessage } from '../src/channels/channel-adapter.ts';
import { PermanentChannelError } from '../src/errors.ts';
import { createAdapters } from '../src/runtime.ts';

// A step that cannot reach the debtor on one channel moves to the next one of its playbook order,
// through the policy again: here SMS (undelivered) → email (mailbox unknown) → letter.

let h: Harness;
const sent: OutboundMessage[] = [];

/** Stands in for a channel: records what it was given and answers as told. */
function recordingAdapter(channel: Channel, answer: (m: OutboundMessage) => never | { status: 'queued' | 'sent' }): ChannelAdapter {
  return {
    channel,
    async send(message) {
      sent.push(message);
      const { status } = answer(message);
      return { providerId: `${channel}:${randomBytes(8).toString('hex')}`, status };
    },
    findSent: async () => [],
  };
}

beforeAll(async () => {
  h = await createHarness();
  const adapters = createAdapters(h.services);
  adapters.set('email', recordingAdapter('email', () => {
    throw new PermanentChannelError('mailbox unknown', '550', 'invalid');
  }));
  adapters.set('letter', recordingAdapter('letter', () => ({ status: 'queued' })));
  await h.startWorkers(adapters);
});
afterAll(async () => {
  await h.close();
});

describe('fallbacks', () => {
  it('an undelivered SMS moves to email, a refused email to a letter, each through the policy, inside the caps', async () => {
    const base = contractEvent('pl-payment-missed');
    const event: CaseEvent = {
      ...base,
      id: 'evt-fallback-1',
      case: { ...base.case, id: 'PL-FALLBACK-1' },
      debtor: {
        ...base.debtor,
        id: 'deb-fallback-1',
        preferredChannel: 'sms',
        // …0000004: the Twilio stand-in accepts, then reports undelivered (30003).
        contactPoints: [
          { channel: 'sms', address: '+48600000004', verified: true },
          { channel: 'email', address: 'fallback@example.pl', verified: true, kind: 'personal' },
        ],
      },
    };
    expect((await h.postEvent(JSON.stringify(event))).statusCode).toBe(202);
    const rows = await eventually(async () => {
      const { rows } = await h.services.db.query<{ id: string; channel: string; status: string; fallback_of: string | null; template: string }>(
        `select id, channel, status, fallback_of, template from messages where case_id = 'PL-FALLBACK-1' order by created_at`,
      );
      return rows.length === 3 && rows[2]?.status === 'queued' ? rows : null;
    });
    expect(rows.map((r) => [r.channel, r.status])).toEqual([['sms', 'undelivered'], ['email', 'failed'], ['letter', 'queued']]);
    expect(rows[1]?.fallback_of).toBe(rows[0]?.id);
    expect(rows[2]?.fallback_of).toBe(rows[1]?.id);
    expect(rows.every((r) => r.template === 'payment-missed')).toBe(true);
    // The letter carries the whole A4 page with the debtor's address.
    const letter = sent.find((m) => m.channel === 'letter');
    expect(letter?.parts.page).toMatch(/<address>Jan Kowalski<br>/);
    // The email's refusal said the mailbox does not exist: the point is marked invalid.
    const { rows: points } = await h.services.db.query(`select channel, invalid_reason from contact_points where debtor_id = 'deb-fallback-1' and invalid_at is not null`);
    expect(points).toEqual([{ channel: 'email', invalid_reason: '550' }]);

    const res = await h.app.inject({ method: 'GET', url: '/v1/cases/PL-FALLBACK-1/timeline', headers: { authorization: `Bearer ${h.apiKey}` } });
    const decisions = (res.json().entries as Array<Record<string, unknown>>).filter((e) => e.kind === 'decision' && e.stage === 'plan');
    expect(decisions.map((d) => [d.channel, d.outcome, (d.evidence as { fallbackOf?: string }).fallbackOf ?? null])).toEqual([
      ['sms', 'allow', null],
      ['email', 'allow', rows[0]?.id],
      ['letter', 'allow', rows[1]?.id],
    ]);
    const considered = (decisions[2]?.evidence as { considered: Array<{ channel: string; rule: string }> }).considered;
    expect(considered.filter((c) => c.rule === 'channel.tried').map((c) => c.channel)).toEqual(['sms', 'email']);
    // Three contacts in one day, one per channel: within 3 a day and 1 per channel.
    const { rows: ledger } = await h.services.db.query(`select count(*)::int as n from messages where debtor_id = 'deb-fallback-1' and contacted_at is not null and status <> 'failed'`);
    expect(ledger[0].n).toBe(2);
  });

  it('a reported failure twice still makes one fallback', async () => {
    const { rows } = await h.services.db.query<{ id: string }>(`select id from messages where case_id = 'PL-FALLBACK-1' and channel = 'sms'`);
    const { enqueueFallbacks } = await import('../src/jobs/queues.ts');
    await enqueueFallbacks(h.services.queues, [rows[0]!.id, rows[0]!.id]);
    const { fallBack } = await import('../src/jobs/fallback.ts');
    const { plannerDeps, openTemplateStore } = await import('../src/runtime.ts');
    const deps = { ...(await plannerDeps(h.services, await openTemplateStore(h.services))), db: h.services.db, queues: h.services.queues, metrics: h.services.metrics, now: h.services.now };
    expect(await fallBack(deps, rows[0]!.id, 3600_000)).toEqual({ kind: 'not-needed' });
    expect(await h.count(`messages where case_id = 'PL-FALLBACK-1'`)).toBe(3);
  });
});
