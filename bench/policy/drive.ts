import type { ChannelAdapter } from '../../src/channels/channel-adapter.ts';
import type { DispatchResult } from '../../src/jobs/dispatch-processor.ts';

// The load side of bench:policy: a shared FIFO of message ids, N async workers that each take the
// next id and ask the dispatcher about it, a simulated clock moved by the decisions themselves,
// and an SMS adapter that answers at once (the provider is not what is measured).

/** Array-backed FIFO: `shift()` on a 20,000-element array copies it every time. */
export class Fifo<T> {
  private items: T[] = [];
  private head = 0;
  push(item: T): void {
    this.items.push(item);
  }
  shift(): T | undefined {
    if (this.head >= this.items.length) return undefined;
    const item = this.items[this.head++];
    if (this.head > 65_536 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
    return item;
  }
  get size(): number {
    return this.items.length - this.head;
  }
}

/**
 * Simulated time: `start`, plus `stepMs` for every decision made so far. Concurrent claims read it
 * at different moments, as workers read a wall clock; it never goes back.
 */
export function simulatedClock(start: Date, stepMs: number): { now: () => Date; tick: () => void; decisions: () => number } {
  let n = 0;
  return { now: () => new Date(start.getTime() + n * stepMs), tick: () => void n++, decisions: () => n };
}

/** Answers every send at once with a Twilio-shaped id (SM + 32 hex), unique within the run. */
export function instantSmsAdapter(runTag: string): ChannelAdapter {
  let n = 0;
  const tag = runTag.padStart(8, '0').slice(0, 8);
  return {
    channel: 'sms',
    send: async () => ({ providerId: `SM${tag}${(n++).toString(16).padStart(24, '0')}`, status: 'queued' }),
    findSent: async () => [],
  };
}

export interface DriveStats {
  calls: number;
  results: Record<DispatchResult['kind'], number>;
  errors: Map<string, number>;
  /** Milliseconds per dispatchMessage call. */
  latencies: number[];
  seconds: number;
}

export interface DriveOptions {
  workers: number;
  queue: Fifo<string>;
  /** The dispatcher, with its deps bound; `worker` says which of the workers asks. */
  dispatch: (messageId: string, worker: number) => Promise<DispatchResult>;
  /** Deferred messages go back to the end of the queue, to be asked again later in simulated time. */
  requeueDeferred: boolean;
  shouldStop: (calls: number) => boolean;
  afterCall?: () => void;
}

const errorKey = (err: unknown): string => {
  const e = err as { name?: string; code?: string };
  return `${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}`;
};

/** Runs the workers until the queue is empty or `shouldStop` says so. */
export async function drive(opts: DriveOptions): Promise<DriveStats> {
  const stats: DriveStats = { calls: 0, results: { sent: 0, deferred: 0, blocked: 0, held: 0, missing: 0, finished: 0 }, errors: new Map(), latencies: [], seconds: 0 };
  const started = performance.now();
  const worker = async (w: number): Promise<void> => {
    for (let id = opts.queue.shift(); id !== undefined; id = opts.queue.shift()) {
      const t0 = performance.now();
      try {
        const result = await opts.dispatch(id, w);
        stats.results[result.kind]++;
        if (result.kind === 'deferred' && opts.requeueDeferred) opts.queue.push(id);
      } catch (err) {
        stats.errors.set(errorKey(err), (stats.errors.get(errorKey(err)) ?? 0) + 1);
      }
      stats.latencies.push(performance.now() - t0);
      stats.calls++;
      opts.afterCall?.();
      if (opts.shouldStop(stats.calls)) return;
    }
  };
  await Promise.all(Array.from({ length: opts.workers }, (_, w) => worker(w)));
  stats.seconds = (performance.now() - started) / 1000;
  return stats;
}

export function percentile(sorted: readonly number[], p: number): number {
  if (!sorted.length) return 0;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/**
 * Queue order for the main run: round-robin over groups of `group` debtors, so the 16 claims in
 * flight hold each debtor about twice, within one batch and across overlapping batches.
 */
export function interleave(byDebtor: readonly string[][], group: number): string[] {
  const out: string[] = [];
  for (let first = 0; first < byDebtor.length; first += group) {
    const members = byDebtor.slice(first, first + group);
    const longest = Math.max(...members.map((m) => m.length));
    for (let k = 0; k < longest; k++) for (const m of members) if (m[k] !== undefined) out.push(m[k]!);
  }
  return out;
}
