import { startStack } from './support/stack.ts';
import { percentile, postEvents } from './support/load.ts';
import { backendPids, cpuWindow } from './lib/cpu.ts';

// npm run bench:pipeline — N signed events through intake, planning, rendering and SMS dispatch
// to the local Twilio stand-in, with the API and the workers as separate processes.
// Prints throughput, latency, peak memory and the duplicate/loss count at the stand-in.
// BENCH_EVENTS (250000), BENCH_CONCURRENCY (50), BENCH_CALLBACKS (0: status callbacks off).

const N = Number(process.env.BENCH_EVENTS ?? 250_000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 50);
const CALLBACKS = process.env.BENCH_CALLBACKS === '1';
const GOAL_SECONDS = 180 * (N / 250_000);
const GOAL_RSS_MB = 400;

// BENCH_PROFILE=dir writes V8 CPU profiles of the API and worker processes there.
const profile: Record<string, string> = process.env.BENCH_PROFILE ? { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${process.env.BENCH_PROFILE}` } : {};
// BENCH_WORKER_ENV='K=V,K=V' passes settings to the worker (e.g. DISPATCH_CONCURRENCY=128).
const workerEnv = Object.fromEntries((process.env.BENCH_WORKER_ENV ?? '').split(',').filter(Boolean).map((kv) => kv.split('=') as [string, string]));
const stack = await startStack({ apiPort: 3900, standinPort: 4900, callbacks: CALLBACKS, apiEnv: profile, workerEnv: { ...profile, ...workerEnv } });
const line = (s: string) => process.stdout.write(`${s}\n`);
// BENCH_WORKERS (1): worker processes beside the API process.
for (let w = 1; w < Number(process.env.BENCH_WORKERS ?? 1); w++) await stack.startWorker();
line(`pipeline benchmark: ${N} events, ${CONCURRENCY} connections, status callbacks ${CALLBACKS ? 'on' : 'off'}, run ${stack.id}`);

try {
  const pids = new Map([[stack.api.pid, 'api'], [stack.worker.pid, 'worker'], [stack.standinPid, 'twilio stand-in']]);
  const cpu = cpuWindow(pids);
  const started = performance.now();
  let intakeDoneAt = 0;
  const load = postEvents(stack.apiUrl, stack.id, N, CONCURRENCY).then((r) => {
    intakeDoneAt = performance.now();
    return r;
  });
  let stats = await stack.standinStats();
  let lastReport = 0;
  const deadline = Date.now() + Math.max(600_000, GOAL_SECONDS * 4000);
  while (stats.uniqueMessages < N && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 250));
    stats = await stack.standinStats();
    const elapsed = (performance.now() - started) / 1000;
    if (elapsed - lastReport >= 10) {
      lastReport = elapsed;
      line(`  ${elapsed.toFixed(0).padStart(4)} s: ${stats.uniqueMessages} messages at the stand-in`);
    }
  }
  const seconds = (performance.now() - started) / 1000;
  const cpuSeconds = cpu(await backendPids(process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test', 'debtor-comms'));
  const intake = await load;
  stats = await stack.standinStats();

  const { rows: statusRows } = await stack.db.query<{ status: string; n: number }>(`select status, count(*)::int as n from messages group by status order by status`);
  const { rows: latency } = await stack.db.query<{ p50: number; p99: number }>(
    `select percentile_cont(0.5) within group (order by ms) as p50, percentile_cont(0.99) within group (order by ms) as p99
       from (select extract(epoch from (m.updated_at - e.received_at)) * 1000 as ms
               from messages m join events e on e.id = m.event_id where m.provider_id is not null) t`,
  );
  const peaks = stack.peakRssMb();
  const serviceRss = (peaks.api ?? 0) + Object.entries(peaks).filter(([k]) => k.startsWith('worker')).reduce((a, [, v]) => a + v, 0);

  line('');
  line(`events posted           ${intake.accepted} accepted, ${intake.failed} failed, in ${intake.seconds.toFixed(1)} s (${(intake.accepted / intake.seconds).toFixed(0)}/s)`);
  line(`intake latency          p50 ${percentile(intake.latenciesMs, 50).toFixed(1)} ms, p99 ${percentile(intake.latenciesMs, 99).toFixed(1)} ms`);
  line(`messages at stand-in    ${stats.uniqueMessages} of ${N} in ${seconds.toFixed(1)} s → ${(stats.uniqueMessages / seconds).toFixed(0)} messages/s (intake finished at ${((intakeDoneAt - started) / 1000).toFixed(1)} s)`);
  line(`event → provider        p50 ${Number(latency[0]?.p50 ?? 0).toFixed(0)} ms, p99 ${Number(latency[0]?.p99 ?? 0).toFixed(0)} ms`);
  line(`duplicates / losses     ${stats.duplicates} / ${N - stats.uniqueMessages}`);
  line(`message statuses        ${statusRows.map((r) => `${r.status} ${r.n}`).join(', ')}`);
  const text = (await stack.metrics(0)) + (await stack.metrics(1));
  const batches = [...text.matchAll(/^dco_batch_size_(sum|count)\{batch="([a-z-]+)"\} (\d+)/gm)].reduce<Record<string, { sum: number; count: number }>>((acc, [, kind, name, value]) => {
    const entry = (acc[name!] ??= { sum: 0, count: 0 });
    entry[kind as 'sum' | 'count'] += Number(value);
    return acc;
  }, {});
  line(`mean batch size         ${Object.entries(batches).map(([k, v]) => `${k} ${(v.sum / Math.max(1, v.count)).toFixed(1)}`).join(', ')}`);
  const busy = Object.values(cpuSeconds).reduce((a, b) => a + b, 0);
  line(`CPU ms per message      ${Object.entries(cpuSeconds).map(([k, v]) => `${k} ${((v * 1000) / N).toFixed(3)}`).join(', ')} (machine busy ${((100 * busy) / (2 * seconds)).toFixed(0)}%)`);
  line(`peak RSS (MB)           ${Object.entries(peaks).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}; service total ${serviceRss.toFixed(0)}`);
  line('');
  line(`goal: ${N} messages in < ${GOAL_SECONDS.toFixed(0)} s → ${seconds.toFixed(1)} s, ratio ${(GOAL_SECONDS / seconds).toFixed(2)} (${seconds < GOAL_SECONDS ? 'met' : 'NOT met'})`);
  line(`goal: service RSS < ${GOAL_RSS_MB} MB → ${serviceRss.toFixed(0)} MB (${serviceRss < GOAL_RSS_MB ? 'met' : 'NOT met'})`);
  line(`goal: zero duplicates and zero losses → ${stats.duplicates === 0 && stats.uniqueMessages === N ? 'met' : 'NOT met'}`);
} finally {
  await stack.stop();
}
