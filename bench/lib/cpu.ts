import { readdirSync, readFileSync } from 'node:fs';

// CPU seconds by process group over a window, from /proc. On a 2-core machine the server, the
// load generator, Postgres and Redis share the same cores, so "where did the CPU go per
// request" explains a throughput figure better than the throughput alone (and shows when
// something else was running).

export type CpuGroups = Record<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processTicks(): Map<number, { comm: string; ticks: number }> {
  const out = new Map<number, { comm: string; ticks: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
      out.set(Number(entry), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

export function cpuWindow(serverPid: number): () => CpuGroups {
  const before = processTicks();
  const group = (pid: number, comm: string): string =>
    pid === serverPid ? 'server' : pid === process.pid ? 'load generator' : comm === 'postgres' ? 'postgres' : comm.startsWith('redis') ? 'redis' : 'other';
  return () => {
    const groups: CpuGroups = { server: 0, 'load generator': 0, postgres: 0, redis: 0, other: 0 };
    for (const [pid, { comm, ticks }] of processTicks()) {
      const name = group(pid, comm);
      groups[name] = (groups[name] ?? 0) + (ticks - (before.get(pid)?.ticks ?? 0)) / TICKS_PER_SECOND;
    }
    return groups;
  };
}
