import http from 'node:http';
import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { signWebhook } from '../../src/http/webhook-signature.ts';
import { ROOT, SECRET } from './stack.ts';

// Posts N distinct, signed case events built from the contract examples, with bounded concurrency
// over keep-alive connections, and records each request's latency.

const templates = readdirSync(path.join(ROOT, 'test/fixtures/events'))
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => JSON.parse(readFileSync(path.join(ROOT, 'test/fixtures/events', f), 'utf8')) as Record<string, unknown> & { case: Record<string, unknown>; debtor: Record<string, unknown> & { contactPoints: Array<Record<string, unknown>> } });

/** Event n: a distinct case, debtor and phone number, so nothing collapses by accident. */
export function eventBody(run: string, n: number): string {
  const t = templates[n % templates.length]!;
  const phone = (t.debtor.contactPoints.find((c) => c.channel === 'sms')?.address as string).slice(0, -7) + String(1_000_000 + (n % 8_000_000)).padStart(7, '0');
  return JSON.stringify({
    ...t,
    id: `evt-${run}-${n}`,
    occurredAt: new Date().toISOString(),
    case: { ...t.case, id: `C-${run}-${n}`, reference: `R-${n}` },
    debtor: {
      ...t.debtor,
      id: `D-${run}-${n}`,
      preferredChannel: 'sms',
      contactPoints: [{ channel: 'sms', address: phone, verified: true }],
    },
  });
}

export interface LoadResult {
  sent: number;
  accepted: number;
  failed: number;
  seconds: number;
  latenciesMs: number[];
}

export async function postEvents(apiUrl: string, run: string, count: number, concurrency: number, onProgress?: (done: number) => void): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });
  const target = new URL('/v1/events', apiUrl);
  const latenciesMs: number[] = [];
  let next = 0;
  let accepted = 0;
  let failed = 0;
  const started = performance.now();

  const postOne = (n: number): Promise<void> =>
    new Promise((resolve) => {
      const body = eventBody(run, n);
      const headers = { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)), ...signWebhook(SECRET, `wh-${run}-${n}`, body) };
      const t0 = performance.now();
      const req = http.request(target, { method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => {
          latenciesMs.push(performance.now() - t0);
          if (res.statusCode === 202 || res.statusCode === 200) accepted++;
          else failed++;
          resolve();
        });
      });
      req.on('error', () => {
        failed++;
        resolve();
      });
      req.end(body);
    });

  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < count) {
        const n = next++;
        await postOne(n);
        if (onProgress && n % 1000 === 0) onProgress(n);
      }
    }),
  );
  agent.destroy();
  return { sent: count, accepted, failed, seconds: (performance.now() - started) / 1000, latenciesMs };
}

export function percentile(values: number[], p: number): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}
