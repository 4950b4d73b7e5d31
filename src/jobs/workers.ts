import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { realTimestamp } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import { PLAN_QUEUE, dispatchQueueName, type DispatchJob, type PlanJob } from './queues.ts';
import { planEvent, type PlanDeps } from './plan-processor.ts';
import { dispatchMessage, DispatchFailedPermanently, type DispatchDeps } from './dispatch-processor.ts';
import { startSweeper, type SweepDeps } from './sweeper.ts';

export interface RunningWorkers {
  close(): Promise<void>;
}

/** Starts the plan worker, one dispatch worker per channel and the sweeper. */
export function startWorkers(opts: {
  config: Config;
  connection: ConnectionOptions;
  log: Logger;
  plan: PlanDeps;
  dispatch: DispatchDeps;
  sweep: SweepDeps;
}): RunningWorkers {
  const { config, connection, log } = opts;
  const common = { connection, prefix: config.queuePrefix, lockDuration: config.workers.lockDurationMs, stalledInterval: Math.max(1000, Math.floor(config.workers.lockDurationMs / 2)) };

  const planWorker = new Worker<PlanJob>(PLAN_QUEUE, async (job) => planEvent(opts.plan, job.data.eventId), {
    ...common,
    concurrency: config.workers.planConcurrency,
  });

  const smsWorker = new Worker<DispatchJob>(
    dispatchQueueName('sms'),
    async (job, token) => {
      try {
        const result = await dispatchMessage(opts.dispatch, job.data.messageId);
        if (result.kind === 'deferred' && token) {
          // The policy says "not before T": the same job waits until then and asks again.
          await job.moveToDelayed(realTimestamp(result.until, opts.dispatch.now?.() ?? new Date()), token);
          throw new DelayedError();
        }
        return result;
      } catch (err) {
        if (err instanceof DispatchFailedPermanently) throw new UnrecoverableError(err.message);
        throw err;
      }
    },
    {
      ...common,
      concurrency: config.workers.dispatchConcurrency,
      limiter: { max: config.twilio.maxPerSecond, duration: 1000 },
    },
  );

  for (const worker of [planWorker, smsWorker]) {
    worker.on('failed', (job, err) => log.warn({ queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, err }, 'job failed'));
    worker.on('error', (err) => log.error({ queue: worker.name, err }, 'worker error'));
  }
  const sweeper = startSweeper(opts.sweep, config.workers.sweepIntervalMs);

  return {
    async close() {
      await sweeper.stop();
      // close() lets active jobs finish; what does not finish in time is picked up again via stalled-job checks.
      await Promise.all([planWorker.close(), smsWorker.close()]);
    },
  };
}
