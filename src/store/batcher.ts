/**
 * Micro-batching: calls made while a batch is being collected (the same turn of the event loop,
 * up to `maxBatch`) are served by one `run`, so N concurrent jobs or requests cost one database
 * round trip instead of N. Each caller still gets its own result or its own error.
 */
export interface Batcher<I, O> {
  (input: I): Promise<O>;
}

interface Pending<I, O> {
  input: I;
  resolve: (value: O) => void;
  reject: (reason: unknown) => void;
}

export function createBatcher<I, O>(
  run: (inputs: readonly I[]) => Promise<ReadonlyArray<O | Error>>,
  opts: {
    maxBatch: number;
    onBatch?: (size: number) => void;
    /**
     * Batches running at once; callers arriving meanwhile wait and go together in the next one.
     * Fewer, larger batches cost less per item where each batch is a transaction.
     */
    maxInFlight?: number;
  },
): Batcher<I, O> {
  let queue: Array<Pending<I, O>> = [];
  let scheduled = false;
  let inFlight = 0;
  const limit = opts.maxInFlight ?? Infinity;

  const flush = (): void => {
    scheduled = false;
    while (queue.length && inFlight < limit) {
      const batch = queue.splice(0, opts.maxBatch);
      opts.onBatch?.(batch.length);
      inFlight++;
      run(batch.map((p) => p.input))
        .finally(() => {
          inFlight--;
          if (queue.length && !scheduled) {
            scheduled = true;
            setImmediate(flush);
          }
        })
        .then(
        (results) => batch.forEach((p, i) => {
          const result = results[i];
          if (result instanceof Error) p.reject(result);
          else if (result === undefined && results.length <= i) p.reject(new Error('batch returned too few results'));
          else p.resolve(result as O);
        }),
        (err: unknown) => batch.forEach((p) => p.reject(err)),
      );
    }
  };

  return (input: I) =>
    new Promise<O>((resolve, reject) => {
      queue.push({ input, resolve, reject });
      if (!scheduled) {
        scheduled = true;
        setImmediate(flush);
      }
    });
}

/**
 * Splits items into rounds in which no two share a key (a debtor, a case), keeping their order:
 * one multi-row upsert must not touch the same row twice, and order matters for snapshots.
 */
export function roundsWithoutSharedKeys<T>(items: readonly T[], keys: (item: T) => readonly string[]): T[][] {
  const rounds: Array<{ items: T[]; keys: Set<string> }> = [];
  const lastRoundOf = new Map<string, number>();
  for (const item of items) {
    const own = keys(item);
    // After the last round that holds any of its keys, so items sharing a key keep their order.
    const after = Math.max(-1, ...own.map((k) => lastRoundOf.get(k) ?? -1));
    let index = after + 1;
    while (rounds[index] && own.some((k) => rounds[index]!.keys.has(k))) index++;
    const round = (rounds[index] ??= { items: [], keys: new Set() });
    round.items.push(item);
    for (const k of own) {
      round.keys.add(k);
      lastRoundOf.set(k, index);
    }
  }
  return rounds.map((r) => r.items);
}
