import type { Db } from '../store/db.ts';
import { findUnplannedEvents } from '../store/events-repo.ts';
import { findFallbackCandidates, findUnfinishedMessages } from '../store/messages-repo.ts';
import { enqueueDispatches, enqueueFallbacks, enqueuePlans, type Queues } from './queues.ts';
import type { Logger } from '../logger.ts';

export interface SweepDeps {
  db: Db;
  queues: Queues;
  log: Logger;
  graceMs: number;
  batchSize?: number;
  /** The service clock, for the delays of deferred messages (row ages are compared in real time). */
  now?: () => Date;
  /** A message still without a delivery report this long after it went out gets a fallback. */
  deliveryDeadlineMs?: number;
}

/** Fallbacks are looked for in the last week only: older failures were dealt with or are moot. */
const FALLBACK_LOOKBACK_MS = 7 * 24 * 3600 * 1000;

export interface SweepResult {
  events: number;
  messages: number;
  fallbacks: number;
}

/**
 * Rebuilds the queues from the rows: every event not yet planned and every message not yet
 * finished, older than the grace period, gets its job again. Adding a job whose id exists is a
 * no-op in BullMQ, and the processors check the row first, so sweeping twice does no harm. Each
 * sweep takes at most `batchSize` of each; the next interval takes the rest.
 */
export async function sweep(deps: SweepDeps, now = new Date()): Promise<SweepResult> {
  const olderThan = new Date(now.getTime() - deps.graceMs);
  const limit = deps.batchSize ?? 5000;
  const events = await findUnplannedEvents(deps.db, olderThan, limit);
  await enqueuePlans(deps.queues, events);
  const messages = await findUnfinishedMessages(deps.db, olderThan, limit);
  await enqueueDispatches(deps.queues, messages, (deps.now?.() ?? now).getTime());
  const fallbacks = await findFallbackCandidates(deps.db, {
    since: new Date(now.getTime() - FALLBACK_LOOKBACK_MS),
    olderThan,
    undeliveredBefore: new Date(now.getTime() - (deps.deliveryDeadlineMs ?? 48 * 3600 * 1000)),
    limit,
  });
  await enqueueFallbacks(deps.queues, fallbacks);
  if (events.length || messages.length || fallbacks.length) deps.log.info({ events: events.length, messages: messages.length, fallbacks: fallbacks.length }, 'sweeper re-enqueued unfinished work');
  return { events: events.length, messages: messages.length, fallbacks: fallbacks.length };
}

/** Runs `sweep` every interval until stopped; one sweep at a time, errors logged and retried next tick. */
export function startSweeper(deps: SweepDeps, intervalMs: number): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const timer = setInterval(() => {
    if (running) return;
    running = sweep(deps)
      .catch((err: unknown) => deps.log.warn({ err }, 'sweep failed; retrying next interval'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
