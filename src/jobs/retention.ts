import type { Queryable } from '../store/db.ts';
import { purgeExpiredBodies } from '../store/debtor-data-repo.ts';
import { purgeDeliveredForwardTexts } from '../forwarding/outbox.ts';
import { deleteSignInFailuresBefore, deleteExpiredSessions } from '../store/staff-repo.ts';
import type { Logger } from '../logger.ts';

const DAY_MS = 24 * 3600 * 1000;

export interface RetentionDeps {
  db: Queryable;
  log: Logger;
  /** Message text is kept this long after the message was created; the facts about it stay. */
  retentionDays: number;
  intervalMs: number;
  /**
   * Real time by default: messages.created_at is the database's clock, not the service clock a
   * test or demo may shift.
   */
  now?: () => Date;
  /** Rows per statement: short transactions, so dispatch and intake never wait long behind a purge. */
  batchSize?: number;
}

/** One pass: purges batch after batch until a batch comes back short (or `stopped` says so). */
export async function purgeExpiredBodiesOnce(deps: RetentionDeps, stopped: () => boolean = () => false): Promise<number> {
  const now = deps.now?.() ?? new Date();
  const olderThan = new Date(now.getTime() - deps.retentionDays * DAY_MS);
  const limit = deps.batchSize ?? 5000;
  let total = 0;
  for (;;) {
    const purged = await purgeExpiredBodies(deps.db, olderThan, limit);
    total += purged;
    if (purged < limit || stopped()) break;
  }
  // Reply texts the case system already has leave our forwarding outbox too.
  await purgeDeliveredForwardTexts(deps.db, olderThan);
  // Failed sign-ins only count for a quarter hour, and ended sessions for nothing; a day is plenty.
  await deleteSignInFailuresBefore(deps.db, new Date(now.getTime() - DAY_MS));
  await deleteExpiredSessions(deps.db);
  if (total) deps.log.info({ purged: total, retentionDays: deps.retentionDays }, 'message texts past their retention purged');
  return total;
}

/** Runs a pass at once and then every interval, one at a time; a failed pass is retried next interval. */
export function startBodyRetention(deps: RetentionDeps): { stop(): Promise<void> } {
  let stopped = false;
  let running: Promise<unknown> | null = null;
  const pass = () => {
    if (running || stopped) return;
    running = purgeExpiredBodiesOnce(deps, () => stopped)
      .catch((err: unknown) => deps.log.warn({ err }, 'message text retention failed; retrying next interval'))
      .finally(() => {
        running = null;
      });
  };
  pass();
  const timer = setInterval(pass, deps.intervalMs);
  timer.unref();
  return {
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
