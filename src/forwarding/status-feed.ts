import type { Logger } from '../logger.ts';
import { withTransaction, type Db } from '../store/db.ts';

// Every status change of a message goes to the case system too. Rather than a second write in each
// status path (dispatch, callbacks, print house, bounces), the feed walks the status history from
// a cursor and enqueues what is new, in order; a status forwarded twice is one webhook (its
// webhook-id comes from the status row).

const CURSOR = 'message_statuses';

/** Enqueues up to `limit` new statuses; returns how many. Forwarding starts from when it is first on. */
// Each enqueue takes its case's lock until commit: batches stay well inside PostgreSQL's lock table.
const BATCH = 500;

export async function feedStatuses(db: Db, limit = BATCH): Promise<number> {
  return withTransaction(db, async (tx) => {
    await tx.query(`insert into forward_cursors (name, last_id) select $1, coalesce(max(id), 0) from message_statuses on conflict (name) do nothing`, [CURSOR]);
    const { rows } = await tx.query<{ last: string | null; n: number }>(
      `with cursor as (select last_id from forward_cursors where name = $1 for update),
            batch as (
              select s.id, s.message_id, s.status, s.provider_status, s.error_code, s.source, s.occurred_at, m.case_id, m.debtor_id, m.channel, m.template
                from message_statuses s join messages m on m.id = s.message_id, cursor
               where s.id > cursor.last_id order by s.id limit $2),
            sent as (
              select forward_enqueue('st_' || b.id, 'message.status', b.case_id, b.debtor_id,
                       jsonb_build_object('messageId', b.message_id, 'channel', b.channel, 'template', b.template, 'status', b.status,
                                          'providerStatus', b.provider_status, 'errorCode', b.error_code, 'source', b.source),
                       b.occurred_at)
                from (select * from batch order by id) b
               where not exists (select 1 from forward_events f where f.webhook_id = 'st_' || b.id))
       select (select max(id) from batch)::text as last, (select count(*) from sent)::int as n`,
      [CURSOR, limit],
    );
    const last = rows[0]?.last;
    if (last) await tx.query(`update forward_cursors set last_id = $2 where name = $1`, [CURSOR, last]);
    return rows[0]?.n ?? 0;
  });
}

export function startStatusFeed(opts: { db: Db; log: Logger; intervalMs: number }): { stop(): Promise<void> } {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = (async () => {
      // Catch up in batches, then wait for the next tick.
      while ((await feedStatuses(opts.db)) >= BATCH);
    })()
      .catch((err: unknown) => opts.log.warn({ err }, 'forwarding statuses failed; retrying next interval'))
      .finally(() => {
        running = null;
      });
  };
  const timer = setInterval(tick, opts.intervalMs);
  timer.unref();
  tick();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
