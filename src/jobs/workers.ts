import { DelayedError, UnrecoverableError, Worker, type ConnectionOptions } from 'bullmq';
import { realTimestamp } from '../clock.ts';
import type { Config } from '../config.ts';
import type { Logger } from '../logger.ts';
import type { Channel } from '../domain/case-event.ts';
import { FALLBACK_QUEUE, PLAN_QUEUE, dispatchQueueName, type DispatchJob, type FallbackJob, type PlanJob } from './queues.ts';
import { fallBack, type FallbackDeps } from './fallback.ts';
import { planEvent, type PlanDeps } from './plan-processor.ts';
import { dispatchMessage, DispatchFailedPermanently, type DispatchDeps } from './dispatch-processor.ts';
import { startSweeper, type SweepDeps } from './sweeper.ts';

export interface RunningWorkers {
  close(): Promise<void>;
}

/** Provider rate limits, through BullMQ's limiter: Twilio per account, SMTP per server; letters are bounded by the PDF page pool. */
function limiterFor(config: Config, channel: Channel): { limiter?: { max: number; duration: number } } {
  if (channel === 'sms' || channel === 'whatsapp') return { limiter: { max: config.twilio.maxPerSecond, duration: 1000 } };
  if (channel === 'email' && config.email) return { limiter: { max: config.email.maxPerSecond, duration: 1000 } };
  return {};
}

const dispatchConcurrency = (config: Config, channel: Channel): number =>
  channel === 'letter' && config.letters ? config.letters.pages * 2 : config.workers.dispatchConcurrency;

/** Starts the plan worker, one dispatch worker per channel that has an adapter, the fallback worker and the sweeper. */
export function startWorkers(opts: {
  config: Config;
  connection: ConnectionOptions;
  log: Logger;
  plan: PlanDeps;
  dispatch: DispatchDeps;
  fallback: FallbackDeps;
  sweep: SweepDeps;
}): RunningWorkers {
  const { config, connection, log } = opts;
  const common = { connection, prefix: config.queuePrefix, lockDuration: config.workers.lockDurationMs, stalledInterval: Math.max(1000, Math.floor(config.workers.lockDurationMs / 2)) };

  const planWorker = new Worker<PlanJob>(PLAN_QUEUE, async (job) => planEvent(opts.plan, job.data.eventId), {
    ...common,
    concurrency: config.workers.planConcurrency,
  });

  const dispatchWorkers = [...opts.dispatch.adapters.keys()].map(
    (channel) =>
      new Worker<DispatchJob>(
        dispatchQueueName(channel),
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
        { ...common, concurrency: dispatchConcurrency(config, channel), ...limiterFor(config, channel) },
      ),
  );

  const fallbackWorker = new Worker<FallbackJob>(FALLBACK_QUEUE, async (job) => fallBack(opts.fallback, job.data.messageId, config.fallbackAfterHours * 3600_000), {
    ...common,
    concurrency: 8,
  });

  const all = [planWorker, fallbackWorker, ...dispatchWorkers];
  for (const worker of all) {
    worker.on('failed', (job, err) => log.warn({ queue: worker.name, jobId: job?.id, attempts: job?.attemptsMade, err }, 'job failed'));
    worker.on('error', (err) => log.error({ queue: worker.name, err }, 'worker error'));
  }
  const sweeper = startSweeper(opts.sweep, config.workers.sweepIntervalMs);

  return {
    async close() {
      await sweeper.stop();
      // close() lets active jobs finish; what does not finish in time is picked up again via stalled-job checks.
      await Promise.all(all.map((w) => w.close()));
    },
  };
}
