/**
 * Real time, or a clock that starts at a given instant and runs on at the real pace, so that tests
 * and demos can be "on a Wednesday morning" and still see time pass (defers, retries, backoff).
 */
export function createClock(start?: string): () => Date {
  if (!start) return () => new Date();
  const shift = Date.parse(start) - Date.now();
  return () => new Date(Date.now() + shift);
}

/** BullMQ schedules in real time: the real timestamp at which the service clock reads `at`. */
export const realTimestamp = (at: Date, now: Date): number => Date.now() + (at.getTime() - now.getTime());
