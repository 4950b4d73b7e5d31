import { readdirSync, readFileSync } from 'node:fs';
import pg from 'pg';

// CPU seconds by process group over a window, from /proc. On a 2-core machine the server, the
// load generator, Postgres and Redis share the same cores, so "where did the CPU go per
// request" explains a throughput figure better than the throughput alone (and shows when
// something else was running). Postgres backends count as ours only if they serve the server
// under test (found by application_name): other people's queries land in "other".

export type CpuGroups = Record<string, number>;

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

function processTicks(): Map<number, { comm: string; ticks: number }> {
  const out = new Map<number, { comm: string; ticks: number }>();
  const cmdline = (pid: string): string => readFileSync(`/proc/${pid}/cmdline`, 'utf8');
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const close = stat.lastIndexOf(')');
      let comm = stat.slice(stat.indexOf('(') + 1, close);
      // Client backends show their peer address; the rest (checkpointer, WAL writer, autovacuum)
      // also works for other databases and schemas, so it is shown apart.
      if (comm === 'postgres' && !cmdline(entry).includes('(')) comm = 'postgres-bg';
      const fields = stat.slice(close + 2).split(' ');
      // utime and stime are fields 14 and 15 of the whole line, 12 and 13 after "pid (comm) ".
      out.set(Number(entry), { comm, ticks: Number(fields[11]) + Number(fields[12]) });
    } catch {
      // The process ended between readdir and read.
    }
  }
  return out;
}

/** Backends connected with this application_name (set through `?application_name=` in the URL). */
export async function backendPids(databaseUrl: string, applicationName: string): Promise<Set<number>> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ pid: number }>('select pid from pg_stat_activity where application_name = $1', [applicationName]);
    return new Set(rows.map((r) => r.pid));
  } finally {
    await client.end();
  }
}

/**
 * Starts a window over the named processes (e.g. server, api, worker); the caller ends it with
 * the backends that served them during it.
 */
export function cpuWindow(named: ReadonlyMap<number | undefined, string>): (ourBackends: ReadonlySet<number>) => CpuGroups {
  const before = processTicks();
  const group = (pid: number, comm: string, ourBackends: ReadonlySet<number>): string =>
    named.get(pid) ??
    (pid === process.pid ? 'load generator'
    : ourBackends.has(pid) ? 'postgres'
    : comm === 'postgres-bg' ? 'postgres background'
    : comm.startsWith('redis') ? 'redis'
    : 'other');
  return (ourBackends) => {
    const groups: CpuGroups = Object.fromEntries([...new Set(named.values())].map((n) => [n, 0]));
    Object.assign(groups, { 'load generator': 0, postgres: 0, 'postgres background': 0, redis: 0, other: 0 });
    for (const [pid, { comm, ticks }] of processTicks()) {
      const name = group(pid, comm, ourBackends);
      groups[name] = (groups[name] ?? 0) + (ticks - (before.get(pid)?.ticks ?? 0)) / TICKS_PER_SECOND;
    }
    return groups;
  };
}
