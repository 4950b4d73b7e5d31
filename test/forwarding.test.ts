import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createHarness, eventually, TEST_CLOCK_START, type Harness } from './support/harness.ts';
import { withTransaction } from '../src/store/db.ts';
import { enqueueForward, eraseForwardTexts, purgeDeliveredForwardTexts, type ForwardType } from '../src/forwarding/outbox.ts';
import { backoffMs, retryAfterMs, startForwarder, type ForwardingConfig, type RunResult } from '../src/forwarding/forwarder.ts';

// The case system's side is a real HTTP server verifying every request with the official
// standardwebhooks library; time passes by moving the forwarder's clock, never by waiting.

interface Envelope { type: string; timestamp: string; sequence: number; data: { caseId: string | null; debtorId: string | null; text?: string } }
interface Delivery { webhookId: string; key: string; sequence: number; type: string; text: string | undefined }
type Answer = { status: number; headers?: Record<string, string> };

const FORWARD_SECRET = 'whsec_dGVzdC1mb3J3YXJkaW5nLXNlY3JldC1mb3ItY2FzZXM=';
const header = (req: IncomingMessage, name: string): string => String(req.headers[name] ?? '');

async function freePort(): Promise<number> {
  const s = createServer().listen(0, '127.0.0.1');
  await new Promise((r) => s.once('listening', r));
  const { port } = s.address() as AddressInfo;
  await new Promise((r) => s.close(r));
  return port;
}

/** The case system: verifies, records, answers with `answer()`; `until(n)` resolves at n accepted. */
async function startReceiver(port: number) {
  const verifier = new Webhook(FORWARD_SECRET);
  const r = {
    url: '',
    accepted: [] as Delivery[],
    requests: [] as Delivery[],
    rejected: 0,
    maxInFlightPerKey: 0,
    latencyMs: 0,
    answer: (): Answer => ({ status: 204 }),
    waiting: [] as Array<{ n: number; resolve: () => void }>,
    until(n: number): Promise<void> {
      return r.accepted.length >= n ? Promise.resolve() : new Promise((resolve) => r.waiting.push({ n, resolve }));
    },
    server: null as Server | null,
    async close() {
      r.server?.closeAllConnections();
      await new Promise((done) => r.server?.close(done));
    },
  };
  const inFlight = new Map<string, number>();
  r.server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      let env: Envelope;
      try {
        env = verifier.verify(body, { 'webhook-id': header(req, 'webhook-id'), 'webhook-timestamp': header(req, 'webhook-timestamp'), 'webhook-signature': header(req, 'webhook-signature') }) as Envelope;
      } catch {
        r.rejected += 1;
        res.writeHead(400).end();
        return;
      }
      const d: Delivery = { webhookId: header(req, 'webhook-id'), key: env.data.caseId ?? (env.data.debtorId ? `debtor:${env.data.debtorId}` : `event:${header(req, 'webhook-id')}`), sequence: env.sequence, type: env.type, text: env.data.text };
      r.requests.push(d);
      inFlight.set(d.key, (inFlight.get(d.key) ?? 0) + 1);
      r.maxInFlightPerKey = Math.max(r.maxInFlightPerKey, inFlight.get(d.key) ?? 0);
      setTimeout(() => {
        inFlight.set(d.key, (inFlight.get(d.key) ?? 1) - 1);
        const a = r.answer();
        if (a.status < 300) r.accepted.push(d);
        res.writeHead(a.status, a.headers).end();
        for (const w of r.waiting.filter((w) => r.accepted.length >= w.n)) w.resolve();
      }, r.latencyMs);
    });
  });
  r.server.listen(port, '127.0.0.1');
  await new Promise((done) => r.server?.once('listening', done));
  r.url = `http://127.0.0.1:${(r.server.address() as AddressInfo).port}/hooks/debtor-comms`;
  return r;
}
type Receiver = Awaited<ReturnType<typeof startReceiver>>;

let h: Harness;
let clock = new Date(TEST_CLOCK_START);
const now = () => clock;
const advance = (ms: number) => (clock = new Date(clock.getTime() + ms));
const auth = () => ({ authorization: `Bearer ${h.apiKey}` });

beforeAll(async () => {
  // No worker role: the tests step their own forwarder, pointed at their own receiver.
  h = await createHarness({ env: { FORWARD_URL: 'http://127.0.0.1:9/unused', FORWARD_SECRET, FORWARD_RETRY_HOURS: '24' } });
});
afterAll(async () => {
  await h.close();
});
beforeEach(async () => {
  clock = new Date(TEST_CLOCK_START);
  await h.services.db.query(`truncate forward_events; update forward_endpoint set disabled_at = null, disabled_reason = null, paused_until = null`);
});

const config = (url: string): ForwardingConfig => ({ ...(h.config.forwarding as ForwardingConfig), url });
const forwarder = (url: string, extra: { pollMs?: number | null; concurrency?: number } = {}) =>
  startForwarder({ db: h.services.db, config: config(url), log: h.services.log, now, pollMs: extra.pollMs ?? null, concurrency: extra.concurrency ?? 16 });

/** Writes, per case, `perCase` facts, each in its own transaction as producers do. */
async function enqueue(cases: string[], perCase: number, type: ForwardType = 'reply.received'): Promise<void> {
  for (let i = 0; i < perCase; i++) {
    for (const caseId of cases) {
      await withTransaction(h.services.db, (tx) => enqueueForward(tx, { type, caseId, debtorId: `D-${caseId}`, payload: { inboundId: `in_${caseId}_${i}`, text: `reply ${i} to ${caseId}` }, occurredAt: clock }));
    }
  }
}

/** The webhook ids of every event, in id order, by what orders them (the case, else the debtor, else itself). */
async function expectedOrder(): Promise<Map<string, string[]>> {
  const { rows } = await h.services.db.query<{ order_key: string; webhook_id: string }>('select order_key, webhook_id from forward_events order by id');
  const byKey = new Map<string, string[]>();
  for (const { order_key, webhook_id } of rows) {
    const key = order_key.replace(/^case:/, '');
    byKey.set(key, [...(byKey.get(key) ?? []), webhook_id]);
  }
  return byKey;
}

async function drain(run: () => Promise<RunResult>): Promise<number> {
  let steps = 0;
  while ((await run()).claimed > 0) steps += 1;
  return steps;
}

/** Everything delivered once, in the enqueued order per case, every request verified. */
function expectDeliveredInOrder(receiver: Receiver, expected: Map<string, string[]>): void {
  const ids = receiver.accepted.map((d) => d.webhookId);
  expect(new Set(ids).size).toBe(ids.length);
  for (const [key, webhookIds] of expected) expect(receiver.accepted.filter((d) => d.key === key).map((d) => d.webhookId)).toEqual(webhookIds);
  expect(ids.length).toBe([...expected.values()].flat().length);
  expect(receiver.rejected).toBe(0);
}

const statuses = async () => (await h.services.db.query<{ status: string; n: number }>('select status, count(*)::int as n from forward_events group by status')).rows;

describe('forwarding to the case system', () => {
  it('forwards nothing that was rolled back', async () => {
    await expect(
      withTransaction(h.services.db, async (tx) => {
        await enqueueForward(tx, { type: 'hold.set', caseId: 'C-RB', debtorId: 'D-RB', payload: { reason: 'dispute' }, occurredAt: clock });
        throw new Error('the fact did not happen');
      }),
    ).rejects.toThrow();
    expect(await h.count('forward_events')).toBe(0);
  });

  it('keeps a case’s order when its producers commit in the other order', async () => {
    const receiver = await startReceiver(0);
    const first = await h.services.db.connect();
    try {
      const fact = (text: string) => ({ type: 'reply.received' as const, caseId: 'C-O', debtorId: 'D-O', payload: { text }, occurredAt: clock });
      await first.query('begin');
      await enqueueForward(first, fact('first')); // draws the lower id and stays open
      const second = withTransaction(h.services.db, (tx) => enqueueForward(tx, fact('second')));
      // The second producer waits for the first one's commit instead of committing a higher id before it.
      await eventually(async () => (await h.services.db.query(`select 1 from pg_locks where locktype = 'advisory' and classid = 7214009 and not granted`)).rowCount);
      const f = forwarder(receiver.url);
      expect(await f.runOnce()).toMatchObject({ claimed: 0 });
      await first.query('commit');
      await second;
      await drain(f.runOnce);
      expect(receiver.accepted.map((d) => d.text)).toEqual(['first', 'second']);
    } finally {
      first.release();
      await receiver.close();
    }
  });

  it('delivers each case’s events once, signed, one per case in flight, cases in parallel', async () => {
    const receiver = await startReceiver(0);
    try {
      await enqueue(['C-1', 'C-2', 'C-3'], 3);
      await enqueueForward(h.services.db, { type: 'consent.opted_out', caseId: null, debtorId: 'D-9', payload: { channel: 'sms', contactPointId: '7' }, occurredAt: clock });
      await enqueueForward(h.services.db, { type: 'message.status', caseId: null, debtorId: null, payload: { messageId: 'm1', status: 'delivered' }, occurredAt: clock });
      const expected = await expectedOrder();
      const f = forwarder(receiver.url);
      // Three cases, the debtor's event and the lone one: five heads, sent together.
      expect(await f.runOnce()).toMatchObject({ claimed: 5, delivered: 5 });
      expect(await drain(f.runOnce)).toBe(2);
      expectDeliveredInOrder(receiver, expected);
      expect(receiver.accepted).toHaveLength(11);
      expect(receiver.accepted.find((d) => d.key === 'C-2')?.text).toBe('reply 0 to C-2');
      expect(await statuses()).toEqual([{ status: 'delivered', n: 11 }]);
      // No log line carries the debtors' words or the endpoint's address.
      expect(h.logLines.filter((l) => l.includes('reply 0') || l.includes(receiver.url))).toEqual([]);
    } finally {
      await receiver.close();
    }
  });

  it('gets everything to a receiver that was down, then busy (503 Retry-After), in order and once', async () => {
    const port = await freePort();
    await enqueue(['C-A', 'C-B', 'C-C', 'C-D'], 5);
    const expected = await expectedOrder();
    const f = forwarder(`http://127.0.0.1:${port}/hooks/debtor-comms`);
    expect(await f.runOnce()).toMatchObject({ claimed: 4, retrying: 4 });
    const { rows } = await h.services.db.query<{ last_error: string; attempts: number }>('select distinct last_error, attempts from forward_events where attempts > 0');
    expect(rows).toEqual([{ last_error: 'ECONNREFUSED', attempts: 1 }]);
    expect(await f.runOnce()).toMatchObject({ claimed: 0 }); // backing off

    const receiver = await startReceiver(port);
    try {
      receiver.answer = () => ({ status: 503, headers: { 'retry-after': '120' } });
      advance(10_000); // past the first backoff (at most 5 s)
      expect(await f.runOnce()).toMatchObject({ claimed: 4, retrying: 4 });
      // Only the first event of each case was tried: nothing later overtook it.
      expect(receiver.requests.map((d) => d.webhookId).sort()).toEqual([...expected.values()].map((ids) => ids[0]).sort());
      advance(60_000);
      expect(await f.runOnce()).toMatchObject({ claimed: 0 }); // the whole endpoint waits for Retry-After

      receiver.answer = () => ({ status: 200 });
      advance(61_000);
      expect(await drain(f.runOnce)).toBe(5);
      expectDeliveredInOrder(receiver, expected);
      expect(await statuses()).toEqual([{ status: 'delivered', n: 20 }]);
    } finally {
      await receiver.close();
    }
  });

  it('never sends an event twice or out of order with two forwarders running their loops', async () => {
    const receiver = await startReceiver(0);
    receiver.latencyMs = 3;
    try {
      await enqueue(Array.from({ length: 12 }, (_, i) => `C-P${i}`), 8);
      const expected = await expectedOrder();
      const loops = [forwarder(receiver.url, { pollMs: 20, concurrency: 8 }), forwarder(receiver.url, { pollMs: 20, concurrency: 8 })];
      await receiver.until(96);
      await Promise.all(loops.map((l) => l.stop()));
      expectDeliveredInOrder(receiver, expected);
      expect(receiver.maxInFlightPerKey).toBe(1);
    } finally {
      await receiver.close();
    }
  });

  it('stops at 410 Gone until an operator re-enables, logging it once', async () => {
    const receiver = await startReceiver(0);
    try {
      await enqueue(['C-G1', 'C-G2', 'C-G3'], 2);
      const expected = await expectedOrder();
      receiver.answer = () => ({ status: 410 });
      const f = forwarder(receiver.url);
      expect(await f.runOnce()).toMatchObject({ claimed: 3, gone: 3 });
      expect(h.logLines.filter((l) => l.includes('410 Gone'))).toHaveLength(1);
      advance(3600_000);
      expect(await f.runOnce()).toMatchObject({ claimed: 0 });
      expect(receiver.requests).toHaveLength(3);
      const disabled = await h.app.inject({ url: '/v1/forwarding/status', headers: auth() });
      expect(disabled.json()).toMatchObject({ configured: true, pending: 6, dead: 0, endpoint: { disabled: true } });

      receiver.answer = () => ({ status: 202 });
      const enabled = await h.app.inject({ method: 'POST', url: '/v1/forwarding/enable', headers: auth() });
      expect(enabled.json()).toMatchObject({ endpoint: { disabled: false, disabledAt: null } });
      await drain(f.runOnce);
      expectDeliveredInOrder(receiver, expected);
    } finally {
      await receiver.close();
    }
  });

  it('retries for the whole window, then lists the dead letter, replays it and delivers it', async () => {
    const receiver = await startReceiver(0);
    try {
      await enqueue(['C-X'], 1);
      await enqueue(['C-Y'], 1, 'message.status');
      const expected = await expectedOrder();
      receiver.answer = () => ({ status: 500 });
      const f = forwarder(receiver.url);
      let result = await f.runOnce();
      for (let hour = 1; hour <= 24; hour++) {
        expect(result).toMatchObject({ claimed: 2, retrying: 2 }); // still within 24 hours of the first attempt
        advance(3600_000); // the backoff never exceeds an hour, and the last attempt falls on the deadline
        result = await f.runOnce();
      }
      expect(result).toMatchObject({ claimed: 2, dead: 2 });
      expect(new Set(receiver.requests.map((d) => d.webhookId)).size).toBe(2); // one id across 25 attempts each

      const page1 = await h.app.inject({ url: '/v1/forwarding/dead-letters?limit=1', headers: auth() });
      expect(page1.json().items[0]).toMatchObject({ type: 'message.status', caseId: 'C-Y', attempts: 25, lastStatus: 500, lastError: 'http-500' });
      const page2 = await h.app.inject({ url: `/v1/forwarding/dead-letters?limit=1&before=${page1.json().next}`, headers: auth() });
      expect(page2.json()).toMatchObject({ items: [{ caseId: 'C-X', type: 'reply.received' }], next: null });
      expect(page2.body).not.toContain('reply 0'); // no payload texts in the list
      const x = page2.json().items[0].id as string;

      expect((await h.app.inject({ method: 'POST', url: `/v1/forwarding/dead-letters/${x}/replay`, headers: auth() })).statusCode).toBe(200);
      expect((await h.app.inject({ method: 'POST', url: `/v1/forwarding/dead-letters/${x}/replay`, headers: auth() })).statusCode).toBe(409);
      const missing = await h.app.inject({ method: 'POST', url: '/v1/forwarding/dead-letters/999999/replay', headers: auth() });
      expect(missing.statusCode).toBe(404);
      expect(missing.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect((await h.app.inject({ method: 'POST', url: '/v1/forwarding/replay', headers: auth(), payload: { type: 'hold.sett' } })).statusCode).toBe(400);
      expect((await h.app.inject({ method: 'POST', url: '/v1/forwarding/replay', headers: auth(), payload: { type: 'message.status' } })).json()).toEqual({ replayed: 1 });

      receiver.answer = () => ({ status: 204 });
      expect(await f.runOnce()).toMatchObject({ claimed: 2, delivered: 2 });
      expect(receiver.accepted.find((d) => d.key === 'C-X')?.webhookId).toBe(expected.get('C-X')?.[0]);
      expect((await h.app.inject({ url: '/v1/forwarding/status', headers: auth() })).json()).toMatchObject({ pending: 0, dead: 0, oldestPendingAgeSeconds: null });
    } finally {
      await receiver.close();
    }
  });

  it('sends a replayed event before the later events of its case', async () => {
    const receiver = await startReceiver(0);
    try {
      await enqueue(['C-R'], 2);
      const [older, later] = (await expectedOrder()).get('C-R') ?? [];
      receiver.answer = () => ({ status: 500 });
      const f = forwarder(receiver.url);
      await f.runOnce();
      for (let hour = 1; hour <= 24; hour++) {
        advance(3600_000);
        await f.runOnce();
      }
      // The older one died, which made the later one due: its first attempt fails too, and it backs off.
      expect(await f.runOnce()).toMatchObject({ claimed: 1, retrying: 1 });
      expect(receiver.requests.at(-1)?.webhookId).toBe(later);
      const { rows } = await h.services.db.query<{ id: string }>(`select id::text from forward_events where status = 'dead'`);
      expect((await h.app.inject({ method: 'POST', url: `/v1/forwarding/dead-letters/${rows[0]?.id}/replay`, headers: auth() })).json()).toEqual({ id: rows[0]?.id, status: 'pending' });

      receiver.answer = () => ({ status: 204 });
      advance(3600_000);
      expect(await f.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(await f.runOnce()).toMatchObject({ claimed: 1, delivered: 1 });
      expect(receiver.accepted.map((d) => d.webhookId)).toEqual([older, later]);
    } finally {
      await receiver.close();
    }
  });

  it('takes the debtor’s words out of the outbox on erasure and after delivery by retention', async () => {
    const reply = (debtorId: string) => ({ type: 'reply.received' as const, caseId: `C-${debtorId}`, debtorId, payload: { inboundId: `in_${debtorId}`, text: 'mam problem', attachments: [{ filename: 'Jan Kowalski.pdf', size: 10 }] }, occurredAt: clock });
    await enqueueForward(h.services.db, reply('D-E1'));
    await enqueueForward(h.services.db, reply('D-E2'));
    await enqueueForward(h.services.db, { type: 'hold.set', caseId: 'C-D-E1', debtorId: 'D-E1', payload: { reason: 'dispute' }, occurredAt: clock });
    expect(await eraseForwardTexts(h.services.db, 'D-E1')).toBe(1);
    const payloads = async () => (await h.services.db.query<{ debtor_id: string; type: string; payload: Record<string, unknown> }>('select debtor_id, type, payload from forward_events order by id')).rows;
    expect((await payloads())[0]?.payload).toEqual({ inboundId: 'in_D-E1', textRemoved: true, attachments: [{ size: 10 }] });
    expect((await payloads())[2]?.payload).toEqual({ reason: 'dispute' });

    // Retention takes only what was delivered before the cut-off.
    expect(await purgeDeliveredForwardTexts(h.services.db, new Date(clock.getTime() + 1000))).toBe(0);
    await h.services.db.query(`update forward_events set status = 'delivered', delivered_at = $1`, [clock]);
    expect(await purgeDeliveredForwardTexts(h.services.db, new Date(clock.getTime() + 1000))).toBe(1);
    expect(JSON.stringify(await payloads())).not.toMatch(/mam problem|Kowalski/);
  });

  it('reads Retry-After in seconds and as an HTTP date, and backs off with full jitter up to an hour', () => {
    const t = Date.parse('2026-11-18T09:00:00Z');
    expect(retryAfterMs('120', t)).toBe(120_000);
    expect(retryAfterMs('Wed, 18 Nov 2026 09:02:30 GMT', t)).toBe(150_000);
    expect(retryAfterMs('soon', t)).toBeNull();
    expect([backoffMs(1, () => 0.999), backoffMs(3, () => 0.5), backoffMs(20, () => 0.999), backoffMs(20, () => 0)]).toEqual([4995, 10_000, 3_596_400, 0]);
  });
});
