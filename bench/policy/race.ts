import { dispatchMessage, type DispatchDeps } from '../../src/jobs/dispatch-processor.ts';
import { Fifo, drive } from './drive.ts';

// The cap under contention: every pending message of one debtor asked at once by all workers, at
// one frozen instant, several rounds. With one DispatchDeps the claims share a batch (the ledger
// is carried in memory within it); with one DispatchDeps per worker, as with as many worker
// processes, they are separate transactions that meet at the debtor's advisory lock.

export interface RaceResult {
  messages: number;
  /** Messages of the debtor claimed for sending, read from the ledger afterwards. */
  oneBatcher: number;
  manyBatchers: number;
  errors: Map<string, number>;
}

export async function runRace(
  base: DispatchDeps,
  opts: { workers: number; rounds: number; at: Date; oneBatcher: readonly string[]; manyBatchers: readonly string[] },
): Promise<RaceResult> {
  const now = (): Date => opts.at;
  const errors = new Map<string, number>();
  const rounds = async (ids: readonly string[], depsOf: (worker: number) => DispatchDeps): Promise<number> => {
    for (let r = 0; r < opts.rounds; r++) {
      const queue = new Fifo<string>();
      for (const id of ids) queue.push(id);
      const stats = await drive({ workers: opts.workers, queue, dispatch: (id, w) => dispatchMessage(depsOf(w), id), requeueDeferred: false, shouldStop: () => false });
      for (const [k, c] of stats.errors) errors.set(`race: ${k}`, (errors.get(`race: ${k}`) ?? 0) + c);
    }
    const { rows } = await base.db.query<{ n: number }>('select count(*)::int as n from messages where id = any($1::text[]) and contacted_at is not null', [ids]);
    return rows[0]?.n ?? 0;
  };
  const shared: DispatchDeps = { ...base, now };
  const perWorker = Array.from({ length: opts.workers }, (): DispatchDeps => ({ ...base, now }));
  return {
    messages: opts.oneBatcher.length,
    oneBatcher: await rounds(opts.oneBatcher, () => shared),
    manyBatchers: await rounds(opts.manyBatchers, (w) => perWorker[w]!),
    errors,
  };
}
