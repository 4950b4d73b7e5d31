import { availableParallelism } from 'node:os';
import { backendPids } from '../lib/cpu.ts';
import { cpuWindow } from './cpu.ts';
import { fmt, line, type RunResult } from './lib.ts';

// One measured run: the driver's figures plus the CPU seconds of the bench process, of the server
// it talks to (a stand-in, or Chromium's processes) and of everything else on the machine, which
// on a shared 2-core box says whether a figure was ours or a neighbour's.

export interface Figures {
  label: string;
  unit: string;
  goal: number | null;
  concurrency: number;
  run: RunResult;
  /** CPU seconds over the run; postgres only when the run writes to the database. */
  cpu: { bench: number; server: number; postgres: number | null; other: number };
  serverName: string;
}

export interface MeasureOptions {
  label: string;
  unit?: string;
  goal: number | null;
  /** Tasks in flight, for the report. */
  concurrency: number;
  /** The server's processes, looked up when the window opens (after the warm-up). */
  serverPids: () => number[];
  serverName: string;
  /** The measured run, usually drive(total, concurrency, task). */
  run: () => Promise<RunResult>;
  /** The database the run writes to: its backends (by application_name) count as postgres, not as the rest of the machine. */
  postgres?: { url: string; applicationName: string };
}

export async function measure(opts: MeasureOptions): Promise<Figures> {
  const backends = async (): Promise<Set<number>> => (opts.postgres ? backendPids(opts.postgres.url, opts.postgres.applicationName) : new Set());
  const window = cpuWindow(opts.serverPids(), await backends());
  const run = await opts.run();
  const cpu = window(await backends());
  return {
    label: opts.label,
    unit: opts.unit ?? 'messages',
    goal: opts.goal,
    concurrency: opts.concurrency,
    run,
    cpu: { ...cpu, postgres: opts.postgres ? cpu.postgres : null },
    serverName: opts.serverName,
  };
}

/** The label column of the per-run lines. */
export const INDENT = ''.padEnd(26);
const ms = (x: number): string => `${x.toFixed(x < 10 ? 2 : 1)} ms`;
/** CPU milliseconds per message. */
export const perMessage = (seconds: number, f: Figures): number => (seconds * 1000) / Math.max(1, f.run.done);

export function printFigures(f: Figures): void {
  const { run, cpu } = f;
  const rate = `${fmt(run.perSecond)}/s`;
  const goal = f.goal === null ? '(no goal in the issue)' : `goal ≥ ${fmt(f.goal)}/s → ratio ${(run.perSecond / f.goal).toFixed(2)} (${run.perSecond >= f.goal ? 'met' : 'NOT met'})`;
  line(`  ${f.label.padEnd(INDENT.length)} ${fmt(run.done)} ${f.unit} in ${run.seconds.toFixed(2)} s → ${rate}; ${goal}`);
  const errors = [...run.errors].map(([k, n]) => `${k} ×${n}`).join(', ');
  line(`  ${INDENT} latency p50 ${ms(run.p50)}, p99 ${ms(run.p99)} with ${f.concurrency} in flight; failed ${run.failed}${errors ? ` (${errors})` : ''}`);
  const cores = availableParallelism();
  const busy = (100 * (cpu.bench + cpu.server + (cpu.postgres ?? 0) + cpu.other)) / (cores * run.seconds);
  line(
    `  ${INDENT} CPU s: bench ${cpu.bench.toFixed(2)} (${perMessage(cpu.bench, f).toFixed(3)} ms/msg), ${f.serverName} ${cpu.server.toFixed(2)} (${perMessage(cpu.server, f).toFixed(3)} ms/msg), ` +
      (cpu.postgres === null ? '' : `postgres ${cpu.postgres.toFixed(2)} (${perMessage(cpu.postgres, f).toFixed(3)} ms/msg), `) +
      `rest of the machine ${cpu.other.toFixed(2)}; busy ${busy.toFixed(0)}% of ${cores} cores`,
  );
}

export function printSummary(rows: readonly Figures[]): void {
  line('');
  line('summary (CPU ms per message: the bench process + its server, the stand-in or Chromium; + pg: postgres backends)');
  const head = ['channel', 'per second', 'goal', 'ratio', 'p50', 'p99', 'CPU ms/msg'];
  const table = rows.map((f) => [
    f.label,
    fmt(f.run.perSecond),
    f.goal === null ? '—' : `≥ ${fmt(f.goal)}`,
    f.goal === null ? '—' : (f.run.perSecond / f.goal).toFixed(2),
    ms(f.run.p50),
    ms(f.run.p99),
    `${perMessage(f.cpu.bench, f).toFixed(2)} + ${perMessage(f.cpu.server, f).toFixed(2)}` + (f.cpu.postgres === null ? '' : ` + ${perMessage(f.cpu.postgres, f).toFixed(2)} pg`),
  ]);
  const widths = head.map((h, c) => Math.max(h.length, ...table.map((r) => r[c]!.length)));
  const row = (cells: string[]): string => cells.map((cell, c) => (c === 0 ? cell.padEnd(widths[c]!) : cell.padStart(widths[c]!))).join('  ');
  line(row(head));
  for (const r of table) line(row(r));
}
