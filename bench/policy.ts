import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { dispatchMessage, type DispatchDeps } from '../src/jobs/dispatch-processor.ts';
import { createDb } from '../src/store/db.ts';
import { migrate } from '../src/store/migrate.ts';
import { loadPacks } from '../src/policy/pack.ts';
import { createLogger } from '../src/logger.ts';
import { createMetrics } from '../src/metrics.ts';
import { dropSchemas } from './lib/cleanup.ts';
import { backendPids, cpuWindow } from './lib/cpu.ts';
import { seed } from './policy/seed.ts';
import { Fifo, drive, instantSmsAdapter, interleave, percentile, simulatedClock } from './policy/drive.ts';
import { countViolations, LIMITS } from './policy/violations.ts';
import { runRace } from './policy/race.ts';

// npm run bench:policy — contact-policy decisions per second at dispatch, with the ledger in
// PostgreSQL (messages.contacted_at read under the debtors' locks) and 16 concurrent workers
// sharing one DispatchDeps, as the dispatch worker runs them. A simulated clock crosses days and
// nights so caps are reached and freed; cap violations are counted afterwards in SQL.
// Prints figures; asserts nothing.
//   --debtors 2000  --messages-per-debtor 10  --workers 16  --seconds 90 | --decisions N
//   --step-minutes 3 (simulated minutes per 100 decisions: a pass over the 20,000 pending messages is
//   10 simulated hours, so every debtor is asked at least once a day, and 90 s cross about four days)  --group 8 (debtors interleaved in the queue)
//   --race-rounds 4   (profile with: node --cpu-prof bench/policy.ts)

const { values: opts } = parseArgs({
  options: {
    debtors: { type: 'string', default: '2000' },
    'messages-per-debtor': { type: 'string', default: '10' },
    workers: { type: 'string', default: '16' },
    seconds: { type: 'string' },
    decisions: { type: 'string' },
    'step-minutes': { type: 'string', default: '3' },
    group: { type: 'string', default: '8' },
    'race-rounds': { type: 'string', default: '4' },
  },
});
const DEBTORS = Number(opts.debtors);
const PER_DEBTOR = Number(opts['messages-per-debtor']);
const WORKERS = Number(opts.workers);
const DECISION_LIMIT = opts.decisions ? Number(opts.decisions) : Infinity;
const SECONDS = opts.seconds ? Number(opts.seconds) : opts.decisions ? Infinity : 90;
const STEP_MS = (Number(opts['step-minutes']) * 60_000) / 100;
const GROUP = Number(opts.group);
const RACE_ROUNDS = Number(opts['race-rounds']);
const GOAL = 5_000;
const START = new Date('2026-11-18T09:00:00Z'); // a Wednesday
const RACE_AT = new Date('2026-11-18T10:00:00Z');

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const tag = randomBytes(4).toString('hex');
const schema = `bench_policy_${tag}`;
const appName = `bench_policy_${tag}`;
const db = createDb({ url: DATABASE_URL, schema, poolSize: 20, applicationName: appName });

const line = (s: string): void => void process.stdout.write(`${s}\n`);
const n = (x: number): string => Math.round(x).toLocaleString('en-GB');
const pct = (part: number, whole: number): string => `${((100 * part) / Math.max(1, whole)).toFixed(1)}%`;
const simDay = (d: Date): string => `${d.toUTCString().slice(0, 11)} ${d.toISOString().slice(11, 16)}Z`;

let stopRequested = false;
let cleaning: Promise<void> | null = null;
/** Once: stop the workers, close the pool (waits for clients in use), drop the schema. */
const cleanup = (): Promise<void> =>
  (cleaning ??= (async () => {
    stopRequested = true;
    await db.end().catch(() => {});
    await dropSchemas(DATABASE_URL, [schema]).catch((err: unknown) => console.error('dropping the schema failed:', (err as Error).message));
  })());
process.once('SIGINT', () => {
  line('interrupted: dropping the schema');
  void cleanup().finally(() => process.exit(130));
});

let peakRss = 0;
const rssTimer = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 200);
rssTimer.unref();

try {
  await migrate(db, schema);
  const seedStarted = performance.now();
  const byDebtor = await seed(db, { prefix: 'b', debtors: DEBTORS, messagesPerDebtor: PER_DEBTOR, numberOffset: 0, occurredAt: new Date(START.getTime() - 86_400_000) });
  const raceOne = (await seed(db, { prefix: 'r1', debtors: 1, messagesPerDebtor: 50, countryOffset: 3, numberOffset: DEBTORS, occurredAt: START }))[0]!;
  const raceMany = (await seed(db, { prefix: 'r2', debtors: 1, messagesPerDebtor: 50, countryOffset: 0, numberOffset: DEBTORS + 1, occurredAt: START }))[0]!;
  const limit = SECONDS === Infinity ? `${n(DECISION_LIMIT)} decisions` : `${SECONDS} s${DECISION_LIMIT < Infinity ? ` or ${n(DECISION_LIMIT)} decisions` : ''}`;
  line(`policy benchmark: ${n(DEBTORS)} debtors × ${PER_DEBTOR} pending SMS (PL/FI/IT/NL), ${WORKERS} workers, ${limit}`);
  line(`  simulated clock from ${simDay(START)}, +${opts['step-minutes']} min per 100 decisions; queue round-robin over groups of ${GROUP} debtors; seeded in ${((performance.now() - seedStarted) / 1000).toFixed(1)} s; schema ${schema}`);

  const clock = simulatedClock(START, STEP_MS);
  const metrics = createMetrics();
  const deps: DispatchDeps = { db, adapters: new Map([['sms', instantSmsAdapter(tag)]]), packs: loadPacks(), publicUrl: 'http://127.0.0.1:3000', log: createLogger('silent'), metrics, now: clock.now };
  const queue = new Fifo<string>();
  for (const id of interleave(byDebtor, GROUP)) queue.push(id);

  const cpu = cpuWindow(new Map([[process.pid, 'bench']]));
  const deadline = performance.now() + SECONDS * 1000;
  const started = performance.now();
  const progress = setInterval(() => line(`  ${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s: ${n(clock.decisions())} decisions, simulated ${simDay(clock.now())}`), 10_000);
  progress.unref();
  const stats = await drive({
    workers: WORKERS,
    queue,
    dispatch: (id) => dispatchMessage(deps, id),
    requeueDeferred: true,
    afterCall: clock.tick,
    shouldStop: (calls) => stopRequested || calls >= DECISION_LIMIT || performance.now() >= deadline,
  });
  clearInterval(progress);
  const cpuSeconds = cpu(await backendPids(DATABASE_URL, appName));
  if (stopRequested) throw new Error('interrupted');

  const { rows: outcomes } = await db.query<{ outcome: string; rule: string; n: number }>(`select outcome, rule, count(*)::int as n from decisions where stage = 'dispatch' group by 1, 2 order by 3 desc`);
  const decisions = outcomes.reduce((a, r) => a + r.n, 0);
  const byOutcome = (o: string): number => outcomes.filter((r) => r.outcome === o).reduce((a, r) => a + r.n, 0);
  const deferRules = outcomes.filter((r) => r.outcome === 'defer').map((r) => `${r.rule} ${pct(r.n, byOutcome('defer'))}`).join(', ');
  const rate = decisions / stats.seconds;
  const latencies = stats.latencies.sort((a, b) => a - b);
  const batches = await batchSizes(metrics);
  const bench = cpuSeconds.bench ?? 0;
  const postgres = cpuSeconds.postgres ?? 0;
  const busy = Object.values(cpuSeconds).reduce((a, b) => a + b, 0);
  const violations = await countViolations(db);
  const race = await runRace(deps, { workers: WORKERS, rounds: RACE_ROUNDS, at: RACE_AT, oneBatcher: raceOne, manyBatchers: raceMany });

  line('');
  line(`decisions         ${n(decisions)} rows in decisions (${n(stats.calls)} dispatchMessage calls) in ${stats.seconds.toFixed(1)} s → ${n(rate)}/s`);
  line(`goal              ≥ ${n(GOAL)} decisions/s → ratio ${(rate / GOAL).toFixed(2)} (${rate >= GOAL ? 'met' : 'NOT met'})`);
  line(`simulated time    ${simDay(START)} → ${simDay(clock.now())} (${((clock.now().getTime() - START.getTime()) / 86_400_000).toFixed(1)} days)`);
  line(`outcomes          allow ${n(byOutcome('allow'))} (${pct(byOutcome('allow'), decisions)}), defer ${n(byOutcome('defer'))} (${pct(byOutcome('defer'), decisions)}), block ${n(byOutcome('block'))}; calls: sent ${n(stats.results.sent)}, deferred ${n(stats.results.deferred)}, blocked ${n(stats.results.blocked)}, held ${n(stats.results.held)}`);
  line(`defer rules       ${deferRules || 'none'}`);
  line(`dispatchMessage   p50 ${percentile(latencies, 50).toFixed(1)} ms, p99 ${percentile(latencies, 99).toFixed(1)} ms, max ${(latencies.at(-1) ?? 0).toFixed(1)} ms`);
  line(`batch sizes       ${batches}`);
  line(`memory            bench RSS peak ${(peakRss / 2 ** 20).toFixed(0)} MB, V8 heap used at the end ${(process.memoryUsage().heapUsed / 2 ** 20).toFixed(0)} MB (Node's default heap limits; npm run serve sets smaller ones)`);
  line(`CPU seconds       bench ${bench.toFixed(1)}, postgres ${postgres.toFixed(1)} (background ${(cpuSeconds['postgres background'] ?? 0).toFixed(1)}), other ${(cpuSeconds.other ?? 0).toFixed(1)}; machine busy ${((100 * busy) / (2 * stats.seconds)).toFixed(0)}% of 2 cores`);
  line(`CPU per decision  bench ${((bench * 1000) / Math.max(1, decisions)).toFixed(3)} ms, postgres ${((postgres * 1000) / Math.max(1, decisions)).toFixed(3)} ms`);
  const v = violations;
  const vTotal = v.perDay + v.perDayPerChannel + v.rolling7Days + v.sms7Days;
  line(`cap violations    >${LIMITS.perDay}/local day ${v.perDay}, >${LIMITS.perDayPerChannel}/channel/local day ${v.perDayPerChannel}, >${LIMITS.rolling7Days}/rolling 7 days ${v.rolling7Days}, >${LIMITS.sms7Days} sms/rolling 7 days ${v.sms7Days} (of ${n(v.contacts)} contacts) → ${vTotal === 0 ? 'zero: met' : 'NOT zero'}`);
  line(`race              ${race.messages} SMS of one debtor, ${WORKERS} workers, ${RACE_ROUNDS} rounds at ${simDay(RACE_AT)}: one batcher → ${race.oneBatcher} allowed, ${WORKERS} batchers → ${race.manyBatchers} allowed (cap ${LIMITS.perDayPerChannel} sms/day) → ${race.oneBatcher <= 1 && race.manyBatchers <= 1 ? 'ok' : 'CAP BROKEN'}`);
  const errors = [...stats.errors, ...race.errors].map(([k, c]) => `${k} ×${c}`).join(', ');
  line(`errors            ${errors || 'none'}`);
} finally {
  await cleanup();
}

/** Mean, and the share of full batches, per batcher, from the dispatcher's own histogram. */
async function batchSizes(metrics: ReturnType<typeof createMetrics>): Promise<string> {
  const { values } = await metrics.batchSize.get();
  const names = [...new Set(values.map((v) => String(v.labels.batch)))];
  return names
    .map((name) => {
      const of = (metric: string, le?: number): number => values.find((v) => v.labels.batch === name && v.metricName === metric && (le === undefined || (v.labels as Record<string, unknown>).le === le))?.value ?? 0;
      const count = of('dco_batch_size_count');
      const upTo8 = of('dco_batch_size_bucket', 8);
      return `${name} ${n(count)} batches, mean ${(of('dco_batch_size_sum') / Math.max(1, count)).toFixed(1)}, ≤ 8: ${pct(upTo8, count)}`;
    })
    .join('; ');
}
