import { Queue, type ConnectionOptions, type JobsOptions } from 'bullmq';
import { CHANNELS, type Channel } from '../domain/case-event.ts';

// Queue names, payloads and job defaults live here and nowhere else. Payloads are ids only:
// the database is the truth, a job is a reminder to look at a row.

export interface PlanJob {
  eventId: string;
}
export interface DispatchJob {
  messageId: string;
}

export const PLAN_QUEUE = 'plan';
export const FALLBACK_QUEUE = 'fallback';

export interface FallbackJob {
  messageId: string;
}
export const dispatchQueueName = (channel: Channel): string => `dispatch-${channel}`;

const keepFailedForAWeek = { age: 7 * 24 * 3600, count: 10000 };

export const PLAN_JOB_OPTIONS: JobsOptions = {
  attempts: 8,
  backoff: { type: 'exponential', delay: 1000 },
  removeOnComplete: true,
  removeOnFail: keepFailedForAWeek,
};

export const DISPATCH_JOB_OPTIONS: JobsOptions = {
  attempts: 10,
  backoff: { type: 'exponential', delay: 2000 },
  removeOnComplete: true,
  removeOnFail: keepFailedForAWeek,
};

/** BullMQ refuses integer-looking custom ids and ids with ':'; ours never are either. */
export const planJobId = (eventId: string): string => `ev_${eventId.replaceAll(':', '_')}`;

export interface Queues {
  plan: Queue<PlanJob>;
  /** A message that did not reach the debtor: its step moves to the next channel. */
  fallback: Queue<FallbackJob>;
  /** One queue per channel; a channel's worker runs where its adapter is configured. */
  dispatch: Record<Channel, Queue<DispatchJob>>;
  close(): Promise<void>;
}

export function createQueues(connection: ConnectionOptions, prefix: string): Queues {
  const plan = new Queue<PlanJob>(PLAN_QUEUE, { connection, prefix, defaultJobOptions: PLAN_JOB_OPTIONS });
  const fallback = new Queue<FallbackJob>(FALLBACK_QUEUE, { connection, prefix, defaultJobOptions: PLAN_JOB_OPTIONS });
  const dispatch = Object.fromEntries(
    CHANNELS.map((c) => [c, new Queue<DispatchJob>(dispatchQueueName(c), { connection, prefix, defaultJobOptions: DISPATCH_JOB_OPTIONS })]),
  ) as Record<Channel, Queue<DispatchJob>>;
  return {
    plan,
    fallback,
    dispatch,
    async close() {
      await Promise.all([plan.close(), fallback.close(), ...Object.values(dispatch).map((q) => q.close())]);
    },
  };
}

/** One round trip for many plan jobs (job id from the event id, so a repeat is a no-op). */
export async function enqueuePlans(queues: Queues, eventIds: readonly string[]): Promise<void> {
  if (!eventIds.length) return;
  await queues.plan.addBulk(eventIds.map((eventId) => ({ name: PLAN_QUEUE, data: { eventId }, opts: { jobId: planJobId(eventId) } })));
}

/** One round trip for many dispatch jobs (job id = message id, so a repeat is a no-op). */
export async function enqueueDispatches(queues: Queues, messages: ReadonlyArray<{ channel: Channel; id: string; notBefore: Date | null }>, now = Date.now()): Promise<void> {
  await Promise.all(
    CHANNELS.map((channel) => {
      const jobs = messages.filter((m) => m.channel === channel);
      if (!jobs.length) return null;
      return queues.dispatch[channel].addBulk(
        jobs.map((m) => ({ name: 'send', data: { messageId: m.id }, opts: { jobId: m.id, delay: m.notBefore ? Math.max(0, m.notBefore.getTime() - now) : 0 } })),
      );
    }),
  );
}

/** One fallback job per message (job id from the message id), whoever reports the failure first. */
export async function enqueueFallbacks(queues: Queues, messageIds: readonly string[]): Promise<void> {
  if (!messageIds.length) return;
  await queues.fallback.addBulk(messageIds.map((messageId) => ({ name: FALLBACK_QUEUE, data: { messageId }, opts: { jobId: `fb_${messageId}` } })));
}
