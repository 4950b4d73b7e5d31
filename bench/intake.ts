import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { execFileSync } from 'node:child_process';
import { signWebhook } from '../src/http/webhook-signature.ts';
import { eventBodies } from './lib/events.ts';
import { startChild, type BenchChild, type ChildStats } from './lib/child.ts';
import type { Result } from 'autocannon';
import { load, non2xxCodes } from './lib/load.ts';
import { backendPids, cpuWindow, type CpuGroups } from './lib/cpu.ts';
import { countRows, deleteRedisPrefixes, dropSchemas } from './lib/cleanup.ts';

// Intake throughput of our service against a floor (bare Fastify + one insert + one BullMQ
// add), measured in the same run on the same machine. Prints figures; asserts nothing.
//   BENCH_SECONDS (15) measured seconds per target, BENCH_WARMUP_SECONDS (3), BENCH_CONNECTIONS (50)
//   BENCH_CPU_PROF=<dir> writes a V8 CPU profile of each server into <dir>

const DATABASE_URL = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/test';
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';
const SECONDS = Number(process.env.BENCH_SECONDS || 15);
const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP_SECONDS || 3);
const CONNECTIONS = Number(process.env.BENCH_CONNECTIONS || 50);
const SECRET = 'whsec_' + Buffer.from('bench-intake-secret-not-for-production').toString('base64');
const GOAL_RATIO = 0.7;
const CORES = availableParallelism();
const GOAL_P99_MS = 25;

const tag = randomBytes(4).toString('hex');
const floorName = `bench_floor_${tag}`;
const serviceName = `bench_intake_${tag}`;
const execArgv = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
const here = (file: string): string => fileURLToPath(new URL(file, import.meta.url));

interface Measured {
  warmup: Result;
  measured: Result;
  /** CPU seconds by process group during the measured run. */
  cpu: CpuGroups;
  /** Postgres backends that served the server during the measured run. */
  backends: number;
  stats: ChildStats;
  rows: number;
}

const children: BenchChild[] = [];

async function measure(file: string, env: Record<string, string>, path: string, nextRequest: () => { body: string; headers: Record<string, string> }, table: string): Promise<Measured> {
  // A connection-string application_name overrides the pool's own, so the backends serving
  // this server can be told apart from anyone else's.
  const appName = `bench_${randomBytes(4).toString('hex')}`;
  const url = new URL(DATABASE_URL);
  url.searchParams.set('application_name', appName);
  const child = await startChild(here(file), { DATABASE_URL: url.toString(), REDIS_URL, ...env }, execArgv);
  children.push(child);
  const opts = { url: `http://127.0.0.1:${child.port}`, path, connections: CONNECTIONS, nextRequest };
  // The warm-up (JIT, pools, caches) is a run of its own, so the measured run starts warm.
  const warmup = await load({ ...opts, seconds: WARMUP_SECONDS });
  // A pool opens connections as load needs them: ours are those seen at the start or the end.
  const backends = await backendPids(DATABASE_URL, appName);
  const cpu = cpuWindow(new Map([[child.pid, 'server']]));
  const measured = await load({ ...opts, seconds: SECONDS });
  for (const pid of await backendPids(DATABASE_URL, appName)) backends.add(pid);
  const cpuSeconds = cpu(backends);
  // Requests cut off when autocannon stops may still be finishing on the server.
  await sleep(500);
  const stats = await child.stats();
  await child.stop();
  return { warmup, measured, cpu: cpuSeconds, backends: backends.size, stats, rows: await countRows(DATABASE_URL, table) };
}

/** Which code was measured: src/ changes often, and figures are only comparable for one version. */
function codeVersion(): string {
  try {
    const git = (...args: string[]): string => execFileSync('git', args, { cwd: here('..'), encoding: 'utf8' }).trim();
    return `${git('rev-parse', '--short', 'HEAD')}${git('status', '--porcelain', '--', 'src') ? ' + uncommitted src changes' : ''}`;
  } catch {
    return 'unknown version';
  }
}

function report(floor: Measured, service: Measured): void {
  const mb = (bytes: number): string => (bytes / 1024 / 1024).toFixed(0);
  const line = (name: string, m: Measured): string => {
    const r = m.measured;
    const errors = r.errors + r.timeouts ? `  (socket errors ${r.errors}, timeouts ${r.timeouts})` : '';
    return `${name.padEnd(8)} ${r.requests.mean.toFixed(0).padStart(8)} ${r.latency.p50.toFixed(1).padStart(9)} ${r.latency.p99.toFixed(1).padStart(9)} ${String(r.non2xx).padStart(8)} ${mb(m.stats.rssBytes).padStart(8)}${errors}`;
  };
  console.log(`\nintake benchmark of ${codeVersion()}: ${CONNECTIONS} connections, ${WARMUP_SECONDS} s warm-up + ${SECONDS} s measured per target`);
  console.log(`${'target'.padEnd(8)} ${'req/s'.padStart(8)} ${'p50 ms'.padStart(9)} ${'p99 ms'.padStart(9)} ${'non-2xx'.padStart(8)} ${'RSS MB'.padStart(8)}`);
  console.log(line('floor', floor));
  console.log(line('service', service));
  for (const [name, m] of [['floor', floor], ['service', service]] as const) {
    const codes = non2xxCodes(m.warmup) || non2xxCodes(m.measured);
    if (codes) console.log(`${name} non-2xx status codes (warm-up / measured): ${non2xxCodes(m.warmup) || '-'} / ${non2xxCodes(m.measured) || '-'}`);
  }

  const ratio = service.measured.requests.mean / floor.measured.requests.mean;
  const p99 = service.measured.latency.p99;
  const verdict = (ok: boolean): string => (ok ? 'met' : 'NOT met');
  console.log(`\nthroughput service/floor: ${ratio.toFixed(2)}  (goal >= ${GOAL_RATIO}: ${verdict(ratio >= GOAL_RATIO)})`);
  console.log(`service p99: ${p99.toFixed(1)} ms  (goal < ${GOAL_P99_MS} ms: ${verdict(p99 < GOAL_P99_MS)})`);

  console.log(`\nCPU ms per request during the measured run (${CORES} cores = ${CORES * SECONDS} CPU-seconds available):`);
  for (const [name, m] of [['floor', floor], ['service', service]] as const) {
    const perRequest = Object.entries(m.cpu).map(([group, s]) => `${group} ${((s * 1000) / Math.max(1, m.measured.requests.total)).toFixed(3)}`);
    const busy = Object.values(m.cpu).reduce((a, b) => a + b, 0);
    console.log(`${name.padEnd(8)} ${perRequest.join(', ')}  (machine busy ${((busy / (CORES * SECONDS)) * 100).toFixed(0)}%, ${m.backends} backends)`);
  }

  for (const [name, m, table] of [['floor', floor, 'floor_events'], ['service', service, 'events']] as const) {
    const client2xx = m.warmup['2xx'] + m.measured['2xx'];
    // Each of the two runs may cut off up to one request per connection, answered after it stopped.
    const inFlight = m.rows - client2xx;
    const consistent = m.rows === m.stats.stored && inFlight >= 0 && inFlight <= 2 * CONNECTIONS;
    console.log(
      `${name} ${table} rows: ${m.rows}; 2xx seen by the client (warm-up + measured): ${client2xx}; ` +
        `stored by the server's own count: ${m.stats.stored}; cut off in flight at stop: ${inFlight} ` +
        `(${consistent ? 'consistent' : 'INCONSISTENT'})`,
    );
  }
}

async function main(): Promise<void> {
  const floorBodies = eventBodies(`f${tag}`);
  const floor = await measure('./floor-server.ts', { FLOOR_SCHEMA: floorName, FLOOR_QUEUE_PREFIX: floorName }, '/floor', () => ({ body: floorBodies().body, headers: {} }), `${floorName}.floor_events`);

  const serviceBodies = eventBodies(`s${tag}`);
  let webhooks = 0;
  const signed = (): { body: string; headers: Record<string, string> } => {
    const { body } = serviceBodies();
    return { body, headers: signWebhook(SECRET, `msg_${tag}_${++webhooks}`, body, new Date()) };
  };
  const service = await measure(
    './intake-server.ts',
    { DATABASE_SCHEMA: serviceName, QUEUE_PREFIX: serviceName, EVENT_WEBHOOK_SECRETS: SECRET },
    '/v1/events',
    signed,
    `${serviceName}.events`,
  );
  report(floor, service);
}

async function cleanup(): Promise<void> {
  for (const child of children) await child.stop().catch(() => {});
  await dropSchemas(DATABASE_URL, [floorName, serviceName]).catch((err: unknown) => console.error('dropping schemas failed:', err));
  const keys = await deleteRedisPrefixes(REDIS_URL, [floorName, serviceName]).catch((err: unknown) => (console.error('deleting queue keys failed:', err), 0));
  console.log(`\ncleaned up: schemas ${floorName}, ${serviceName} dropped; ${keys} queue keys deleted`);
}

// The whole run must end by itself even if a server hangs.
const watchdog = setTimeout(() => {
  console.error('intake benchmark: watchdog fired, giving up');
  void cleanup().finally(() => process.exit(1));
}, (2 * (WARMUP_SECONDS + SECONDS) + 60) * 1000);
watchdog.unref();

try {
  await main();
} catch (err) {
  console.error(err);
  process.exitCode = 1;
} finally {
  await cleanup();
}
