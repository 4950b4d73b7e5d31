import { describe, expect, it } from 'vitest';
import { createBatcher } from '../src/store/batcher.ts';

/** A run that finishes only when the test says so, recording each batch it was given. */
function controlledRun() {
  const batches: number[][] = [];
  const releases: Array<() => void> = [];
  const run = (inputs: readonly number[]) =>
    new Promise<number[]>((resolve) => {
      batches.push([...inputs]);
      releases.push(() => resolve(inputs.map((n) => n * 10)));
    });
  return { batches, run, releaseNext: () => releases.shift()?.() };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('micro-batching', () => {
  it('serves calls made in one turn with one run, each caller its own result', async () => {
    const { batches, run, releaseNext } = controlledRun();
    const batch = createBatcher(run, { maxBatch: 10 });
    const results = Promise.all([1, 2, 3].map((n) => batch(n)));
    await settle();
    releaseNext();
    expect(await results).toEqual([10, 20, 30]);
    expect(batches).toEqual([[1, 2, 3]]);
  });

  it('with maxInFlight, callers arriving while a batch runs wait and go together in the next one', async () => {
    const { batches, run, releaseNext } = controlledRun();
    const batch = createBatcher(run, { maxBatch: 10, maxInFlight: 1 });
    const first = batch(1);
    await settle();
    const later = [2, 3, 4].map((n) => batch(n));
    await settle();
    await settle();
    expect(batches).toEqual([[1]]);
    releaseNext();
    expect(await first).toBe(10);
    await settle();
    expect(batches).toEqual([[1], [2, 3, 4]]);
    releaseNext();
    expect(await Promise.all(later)).toEqual([20, 30, 40]);
  });

  it('a failed batch rejects its own callers only, and the next batch still runs', async () => {
    let calls = 0;
    const batch = createBatcher(
      async (inputs: readonly number[]) => {
        calls++;
        if (calls === 1) throw new Error('database went away');
        return inputs.map((n) => n + 1);
      },
      { maxBatch: 10, maxInFlight: 1 },
    );
    await expect(batch(1)).rejects.toThrow('database went away');
    expect(await batch(2)).toBe(3);
  });
});
