import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { ROOT } from '../support/stack.ts';

// Helpers for bench/channels: stand-in servers as child processes (so they use the other core, as
// a real provider would not share ours), a fixed-concurrency driver and latency percentiles.

export interface Server {
  pid: number;
  /** The ready line's match: the stand-ins print their URL in it (port 0 → a free port). */
  ready: RegExpMatchArray;
  stop(): Promise<void>;
}

const running = new Set<ChildProcess>();
// A bench that throws or is interrupted must not leave a stand-in listening: each child is ended by its own pid.
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** Starts `script` with `env` and resolves once it prints a line matching `ready`. */
export async function startServer(script: string, env: Record<string, string>, ready: RegExp): Promise<Server> {
  const child: ChildProcess = spawn(process.execPath, [script], { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  const match = await new Promise<RegExpMatchArray>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${script} not ready in 20 s`)), 20_000);
    child.once('exit', (code) => reject(new Error(`${script} exited with ${code}`)));
    let pending = '';
    // Read line by line (a chunk may end mid-line), and keep reading after ready: a full pipe would stall the server.
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const text of lines) {
        const m = ready.exec(text);
        if (m) {
          clearTimeout(timer);
          resolve(m);
        }
      }
    });
  });
  return {
    pid: child.pid ?? 0,
    ready: match,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGTERM');
      await exited;
    },
  };
}

export interface RunResult {
  done: number;
  failed: number;
  /** Failures by error name and code (`TransientChannelError ECONNRESET`): never their messages. */
  errors: Map<string, number>;
  seconds: number;
  perSecond: number;
  p50: number;
  p99: number;
  /** Every successful task's milliseconds, sorted: runs in several threads are combined from these. */
  latencies: number[];
}

const percentile = (sorted: number[], p: number): number => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * p))] ?? 0;

function errorKind(err: unknown): string {
  if (!(err instanceof Error)) return typeof err;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' || typeof code === 'number' ? `${err.name} ${code}` : err.name;
}

/** Runs `task(i)` for i < total with `concurrency` in flight; counts failures, measures latency. */
export async function drive(total: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<RunResult> {
  let next = 0;
  let failed = 0;
  const errors = new Map<string, number>();
  const latencies: number[] = [];
  const started = performance.now();
  await Promise.all(
    Array.from({ length: Math.min(concurrency, total) }, async () => {
      for (let i = next++; i < total; i = next++) {
        const t = performance.now();
        try {
          await task(i);
          latencies.push(performance.now() - t);
        } catch (err) {
          failed++;
          const kind = errorKind(err);
          errors.set(kind, (errors.get(kind) ?? 0) + 1);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return summarise(latencies, failed, errors, seconds);
}

function summarise(latencies: number[], failed: number, errors: Map<string, number>, seconds: number): RunResult {
  return { done: latencies.length, failed, errors, seconds, perSecond: latencies.length / seconds, p50: percentile(latencies, 0.5), p99: percentile(latencies, 0.99), latencies };
}

/** Runs that went on at the same time (one per thread) as one, over the wall-clock `seconds` they took together. */
export function combine(runs: readonly RunResult[], seconds: number): RunResult {
  const errors = new Map<string, number>();
  for (const run of runs) for (const [kind, n] of run.errors) errors.set(kind, (errors.get(kind) ?? 0) + n);
  const latencies = runs.flatMap((r) => r.latencies).sort((a, b) => a - b);
  return summarise(latencies, runs.reduce((a, r) => a + r.failed, 0), errors, seconds);
}

/** Opens connections and pages and warms the JIT on both sides before the clock starts; a failure here stops the bench. */
export async function warmUp(count: number, concurrency: number, task: (i: number) => Promise<unknown>): Promise<void> {
  const run = await drive(count, concurrency, task);
  if (run.failed > 0) throw new Error(`warm-up: ${run.failed} of ${count} failed (${[...run.errors.keys()].join(', ')})`);
}

export const line = (s: string): void => void process.stdout.write(`${s}\n`);

export const fmt = (n: number, digits = 0): string => n.toLocaleString('en-GB', { maximumFractionDigits: digits, minimumFractionDigits: digits });
