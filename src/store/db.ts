import pg from 'pg';

export type Db = pg.Pool;
export type DbClient = pg.PoolClient;
export type Queryable = pg.Pool | pg.PoolClient;

// NUMERIC and BIGINT stay strings (amounts are decimal strings end to end); dates stay 'YYYY-MM-DD'.
pg.types.setTypeParser(pg.types.builtins.DATE, (v: string) => v);

export function createDb(opts: { url: string; schema: string; poolSize: number; applicationName?: string }): Db {
  const pool = new pg.Pool({
    connectionString: opts.url,
    max: opts.poolSize,
    // Bursty load closed and reopened backends every few seconds with the 10 s default; a
    // backend costs a fork and warm caches, so idle ones are kept for a minute.
    idleTimeoutMillis: 60_000,
    application_name: opts.applicationName ?? 'debtor-comms',
    // Every connection works in the configured schema: tests get one schema each. Our hot
    // statements take JSON arrays whose size the planner cannot see; the generic plans it cached
    // for them (chosen while tables were small) scanned whole tables later on. A custom plan per
    // execution measured twice the intake throughput in bench/intake.
    options: `-c search_path=${opts.schema} -c plan_cache_mode=force_custom_plan`,
  });
  // An idle client losing its connection must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  return pool;
}

export interface TransactionOptions<T> {
  /** Settings for this transaction only, sent with `begin` in the same round trip. */
  settings?: Record<string, string>;
  /** Commit without waiting for the WAL flush, when losing this transaction in a crash is harmless. */
  asyncCommit?: (result: T) => boolean;
}

const setLocal = (settings: Record<string, string>): string =>
  Object.entries(settings)
    .map(([k, v]) => `; set local ${k.replace(/[^a-z_.]/g, '')} = '${v.replace(/'/g, "''")}'`)
    .join('');

export async function withTransaction<T>(db: Db, work: (client: DbClient) => Promise<T>, opts: TransactionOptions<T> = {}): Promise<T> {
  const client = await db.connect();
  try {
    await client.query(`begin${setLocal(opts.settings ?? {})}`);
    const result = await work(client);
    await client.query(opts.asyncCommit?.(result) ? 'set local synchronous_commit = off; commit' : 'commit');
    return result;
  } catch (err) {
    await client.query('rollback').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export async function ping(db: Db): Promise<void> {
  await db.query('select 1');
}
