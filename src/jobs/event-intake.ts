import type { CaseEvent } from '../domain/case-event.ts';
import type { Db } from '../store/db.ts';
import { createBatcher, roundsWithoutSharedKeys, type Batcher } from '../store/batcher.ts';
import { insertEventsWithSnapshots, type IncomingEvent, type IntakeOutcome } from '../store/events-repo.ts';
import { enqueuePlans, type Queues } from './queues.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

const asError = (err: unknown): Error => (err instanceof Error ? err : new Error('insert failed'));

export interface EventIntake {
  /** Stores the event with its snapshot (committed when this resolves), then enqueues its plan job. */
  accept(event: CaseEvent, webhookId: string): Promise<IntakeOutcome>;
}

/**
 * Requests arriving together are stored together: one statement per round of events that share
 * no debtor and no case, then one bulk enqueue. A round that fails is retried event by event, so
 * one event the database refuses cannot take its neighbours down with it.
 */
export function createEventIntake(deps: { db: Db; queues: Queues; log: Logger; metrics: Metrics; maxBatch?: number }): EventIntake {
  const store: Batcher<IncomingEvent, IntakeOutcome> = createBatcher(
    async (items) => {
      const outcomes = new Map<IncomingEvent, IntakeOutcome | Error>();
      for (const round of roundsWithoutSharedKeys(items, (i) => [`d:${i.event.debtor.id}`, `c:${i.event.case.id}`])) {
        try {
          const results = await insertEventsWithSnapshots(deps.db, round);
          round.forEach((item, k) => outcomes.set(item, results[k] ?? new Error('missing outcome')));
        } catch (err) {
          for (const item of round) {
            const [one] = round.length === 1 ? [asError(err)] : await insertEventsWithSnapshots(deps.db, [item]).catch((e: unknown) => [asError(e)]);
            outcomes.set(item, one ?? new Error('missing outcome'));
          }
        }
      }
      const stored = items.filter((i) => {
        const o = outcomes.get(i);
        return o && !(o instanceof Error) && o.kind === 'stored';
      });
      if (stored.length) {
        try {
          await enqueuePlans(deps.queues, stored.map((i) => i.event.id));
        } catch (err) {
          // The rows are committed; the sweeper enqueues what this could not.
          deps.log.warn({ err, events: stored.length }, 'plan jobs not enqueued; the sweeper will pick the events up');
        }
      }
      return items.map((i) => outcomes.get(i) ?? new Error('missing outcome'));
    },
    { maxBatch: deps.maxBatch ?? 64, onBatch: (n) => deps.metrics.batchSize.observe({ batch: 'intake' }, n) },
  );
  return { accept: (event, webhookId) => store({ event, webhookId }) };
}
