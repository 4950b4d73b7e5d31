// The print house, run by the worker role: the batch once a day at the cut-off (and at start, to
// catch up on a cut-off that passed while no worker ran), acknowledgements every `ackPollMs`. One
// run at a time; a failed run is logged (type and code only) and tried again on the next tick.
import type { Db } from '../../store/db.ts';
import type { Logger } from '../../logger.ts';
import { nextCutoff } from './cutoff.ts';
import { runPrintBatch } from './print-batch.ts';
import { pollAcknowledgements } from './print-acks.ts';
import type { SftpTarget } from './sftp.ts';

export { runPrintBatch, assignBatch, uploadBatch, type BatchResult, type UploadedBatch, type PrintBatchOptions } from './print-batch.ts';
export { pollAcknowledgements, parseAckCsv, type AckResult, type AckRow, type AckStatus } from './print-acks.ts';
export { nextCutoff, previousCutoff } from './cutoff.ts';
export { openSftp, parseSftpUrl, type SftpTarget } from './sftp.ts';

export interface PrintHouseOptions {
  db: Db;
  sftp: SftpTarget;
  /** 'HH:MM' local time of the daily hand-over. */
  cutoff: string;
  cutoffTimeZone: string;
  ackPollMs: number;
  log: Logger;
  /** The service clock. */
  now?: () => Date;
  /**
   * The longest the batch timer sleeps before it looks at the clock again (default 15 min): a
   * process suspended past the cut-off, or a clock set forward, batches soon after, not a day late.
   */
  maxSleepMs?: number;
}

type Job = 'batch' | 'acks';

export function startPrintHouse(opts: PrintHouseOptions): { stop(): Promise<void> } {
  const now = opts.now ?? (() => new Date());
  const maxSleepMs = opts.maxSleepMs ?? 15 * 60_000;
  const queued = new Set<Job>();
  let chain: Promise<void> = Promise.resolve();
  let stopped = false;
  let batchTimer: NodeJS.Timeout | undefined;

  async function run(job: Job): Promise<void> {
    if (job === 'batch') {
      const result = await runPrintBatch({ db: opts.db, sftp: opts.sftp, now: now(), cutoff: opts.cutoff, cutoffTimeZone: opts.cutoffTimeZone, log: opts.log });
      if (result?.failed.length) opts.log.warn({ failed: result.failed.length }, 'print batches left for the next run');
    } else {
      await pollAcknowledgements({ db: opts.db, sftp: opts.sftp, now: now(), log: opts.log });
    }
  }

  /** Runs one after another; a job already waiting is not queued twice. */
  function enqueue(job: Job): void {
    if (stopped || queued.has(job)) return;
    queued.add(job);
    chain = chain.then(async () => {
      queued.delete(job);
      if (stopped) return;
      try {
        await run(job);
      } catch (err) {
        opts.log.warn({ job, err }, job === 'batch' ? 'print batch failed; retrying at the next tick' : 'reading print acknowledgements failed; retrying at the next poll');
      }
    });
  }

  function scheduleBatch(): void {
    if (stopped) return;
    const due = nextCutoff(now(), opts.cutoff, opts.cutoffTimeZone);
    const wait = (): void => {
      const left = due.getTime() - now().getTime();
      if (left <= 0) {
        enqueue('batch');
        return scheduleBatch();
      }
      batchTimer = setTimeout(wait, Math.min(left, maxSleepMs));
      batchTimer.unref();
    };
    wait();
  }

  enqueue('batch');
  enqueue('acks');
  scheduleBatch();
  const ackTimer = setInterval(() => enqueue('acks'), opts.ackPollMs);
  ackTimer.unref();

  return {
    async stop() {
      stopped = true;
      clearTimeout(batchTimer);
      clearInterval(ackTimer);
      await chain;
    },
  };
}
