import { Redis } from 'ioredis';
import { startStack, type Stack } from './support/stack.ts';
import { postEvents } from './support/load.ts';

// npm run bench:crash — two scripted failures in the middle of a pipeline run, each followed by a
// count at the Twilio stand-in: every message must arrive exactly once.
//   1. SIGKILL of the worker process while it is sending; a new worker is started.
//   2. FLUSHALL on Redis while work is queued; the sweeper rebuilds the queues from PostgreSQL.
// BENCH_EVENTS (20000) per phase. Warning: phase 2 flushes the whole local Redis.

const N = Number(process.env.BENCH_EVENTS ?? 20_000);
const line = (s: string) => process.stdout.write(`${s}\n`);

async function untilAccepted(stack: Stack, target: number, timeoutMs: number): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { uniqueMessages } = await stack.standinStats();
    if (uniqueMessages >= target || Date.now() > deadline) return uniqueMessages;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function unfinished(stack: Stack, run: string): Promise<number> {
  const { rows } = await stack.db.query<{ n: number }>(
    `select (select count(*) from events where id like $1 and status = 'received') +
            (select count(*) from messages where event_id like $1 and status in ('pending', 'sending', 'unknown')) as n`,
    [`evt-${run}-%`],
  );
  return Number(rows[0]?.n ?? 0);
}

async function report(stack: Stack, run: string, seconds: number, before: { accepted: number; unique: number }): Promise<boolean> {
  const stats = await stack.standinStats();
  const { rows } = await stack.db.query<{ events: number; messages: number; via_unknown: number; adopted: number; resent_after_check: number; statuses: string }>(
    `select (select count(*) from events where id like $1)::int as events,
            (select count(*) from messages where event_id like $1)::int as messages,
            (select count(distinct s.message_id) from message_statuses s join messages m on m.id = s.message_id
              where m.event_id like $1 and s.status = 'unknown')::int as via_unknown,
            (select count(*) from message_statuses s join messages m on m.id = s.message_id
              where m.event_id like $1 and s.source = 'reconciler' and s.status not in ('unknown', 'pending'))::int as adopted,
            (select count(*) from message_statuses s join messages m on m.id = s.message_id
              where m.event_id like $1 and s.source = 'reconciler' and s.status = 'pending')::int as resent_after_check,
            (select string_agg(status || ' ' || n, ', ') from (select status, count(*) n from messages where event_id like $1 group by status order by status) t) as statuses`,
    [`evt-${run}-%`],
  );
  const r = rows[0]!;
  const arrived = stats.uniqueMessages - before.unique;
  const duplicates = stats.accepted - before.accepted - arrived;
  line(`  events stored ${r.events}, messages ${r.messages} (${r.statuses}) in ${seconds.toFixed(1)} s`);
  line(`  at the stand-in: ${arrived} distinct messages, ${duplicates} duplicates, ${N - arrived} lost`);
  line(`  outcome unknown after the failure: ${r.via_unknown} → adopted from Twilio ${r.adopted}, not found and sent once ${r.resent_after_check}`);
  const ok = arrived === N && duplicates === 0 && r.messages === N;
  line(`  ${ok ? 'PASS' : 'FAIL'}: every message sent exactly once`);
  return ok;
}

const stack = await startStack({
  apiPort: 3910,
  standinPort: 4910,
  callbacks: false,
  // A dead worker's jobs are taken over after 5 s; the sweeper looks every 2 s at rows older than 5 s.
  workerEnv: { JOB_LOCK_MS: '5000', SWEEP_INTERVAL_MS: '2000', SWEEP_GRACE_MS: '5000' },
});
let allOk = true;
try {
  // Phase 1: SIGKILL the worker mid-run.
  line(`phase 1: SIGKILL the worker after 30% of ${N} messages, then start a new one`);
  let before = { accepted: (await stack.standinStats()).accepted, unique: (await stack.standinStats()).uniqueMessages };
  let started = performance.now();
  const run1 = `${stack.id}a`;
  const load1 = postEvents(stack.apiUrl, run1, N, 50);
  await untilAccepted(stack, before.unique + Math.floor(N * 0.3), 300_000);
  stack.worker.kill('SIGKILL');
  const { rows: inFlight } = await stack.db.query<{ n: number }>(`select count(*)::int as n from messages where status = 'sending'`);
  line(`  killed the worker with ${(await stack.standinStats()).uniqueMessages - before.unique} messages sent and ${inFlight[0]?.n ?? 0} in flight (status sending)`);
  await stack.startWorker();
  await load1;
  await untilAccepted(stack, before.unique + N, 600_000);
  while ((await unfinished(stack, run1)) > 0) await new Promise((r) => setTimeout(r, 250));
  allOk = (await report(stack, run1, (performance.now() - started) / 1000, before)) && allOk;

  // Phase 2: FLUSHALL mid-run.
  line('');
  line(`phase 2: FLUSHALL on Redis after 30% of ${N} messages`);
  before = { accepted: (await stack.standinStats()).accepted, unique: (await stack.standinStats()).uniqueMessages };
  started = performance.now();
  const run2 = `${stack.id}b`;
  const load2 = postEvents(stack.apiUrl, run2, N, 50);
  await untilAccepted(stack, before.unique + Math.floor(N * 0.3), 300_000);
  const redis = new Redis({ host: '127.0.0.1', port: 6379 });
  await redis.flushall();
  redis.disconnect();
  line(`  flushed Redis with ${(await stack.standinStats()).uniqueMessages - before.unique} messages sent`);
  await load2;
  await untilAccepted(stack, before.unique + N, 600_000);
  while ((await unfinished(stack, run2)) > 0) await new Promise((r) => setTimeout(r, 250));
  allOk = (await report(stack, run2, (performance.now() - started) / 1000, before)) && allOk;
} finally {
  await stack.stop();
}
line('');
line(allOk ? 'crash recovery: PASS' : 'crash recovery: FAIL');
process.exitCode = allOk ? 0 : 1;
