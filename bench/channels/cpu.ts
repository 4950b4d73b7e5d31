import { readdirSync, readFileSync } from 'node:fs';

// CPU seconds of one measured run, by group: the bench process (every thread), its server's
// processes, Postgres backends, and the rest of the machine (from /proc/stat, so a neighbour's
// tests show up here rather than in our figures).
// bench/lib/cpu.ts adds up utime + stime of the processes alive at the end, which misses
// processes that start and end within the window. Chromium does exactly that: it starts a
// PrintCompositor utility process for every page.pdf() and lets it exit. A reaped child's CPU moves
// to its parent's cutime + cstime, so the server's processes are counted with their children's.

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function statFields(pid: number): string[] | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after "pid (comm) ": state is [0], ppid [1], utime [11], stime [12], cutime [13], cstime [14].
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return null;
  }
}

/** utime + stime (+ cutime + cstime: the children it reaped), in ticks; 0 when the process is gone. */
function ticks(pid: number, withReapedChildren: boolean): number {
  const f = statFields(pid);
  if (!f) return 0;
  const own = Number(f[11]) + Number(f[12]);
  return withReapedChildren ? own + Number(f[13]) + Number(f[14]) : own;
}

/** Busy ticks of the whole machine (all CPUs): user, nice, system, irq, softirq, steal. */
function machineTicks(): number {
  const cpu = readFileSync('/proc/stat', 'utf8').split('\n')[0]?.trim().split(/\s+/).slice(1).map(Number) ?? [];
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = cpu;
  return user + nice + system + irq + softirq + steal;
}

/** Every live descendant of `root` (Chromium's browser, zygotes, GPU, renderer processes). */
export function descendants(root: number): number[] {
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const ppid = Number(statFields(Number(entry))?.[1]);
    children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
  }
  const out: number[] = [];
  const queue = [...(children.get(root) ?? [])];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    out.push(pid);
    queue.push(...(children.get(pid) ?? []));
  }
  return out;
}

export interface CpuSeconds {
  bench: number;
  server: number;
  postgres: number;
  other: number;
}

/**
 * Opens a window over the bench process, the server's pids (with their reaped children) and the
 * Postgres backends given at the start and at the end (a backend new at the end counts from zero).
 */
export function cpuWindow(serverPids: readonly number[], backendsAtStart: ReadonlySet<number> = new Set()): (backendsAtEnd?: ReadonlySet<number>) => CpuSeconds {
  const bench = process.cpuUsage();
  const server = new Map(serverPids.map((pid) => [pid, ticks(pid, true)]));
  const backends = new Map([...backendsAtStart].map((pid) => [pid, ticks(pid, false)]));
  const machine = machineTicks();
  return (backendsAtEnd = new Set()) => {
    const used = process.cpuUsage(bench);
    const benchSeconds = (used.user + used.system) / 1e6;
    let serverTicks = 0;
    for (const [pid, before] of server) serverTicks += Math.max(0, ticks(pid, true) - before);
    let postgresTicks = 0;
    for (const pid of new Set([...backends.keys(), ...backendsAtEnd])) postgresTicks += Math.max(0, ticks(pid, false) - (backends.get(pid) ?? 0));
    const machineSeconds = (machineTicks() - machine) / TICKS_PER_SECOND;
    const serverSeconds = serverTicks / TICKS_PER_SECOND;
    const postgresSeconds = postgresTicks / TICKS_PER_SECOND;
    return { bench: benchSeconds, server: serverSeconds, postgres: postgresSeconds, other: Math.max(0, machineSeconds - benchSeconds - serverSeconds - postgresSeconds) };
  };
}
