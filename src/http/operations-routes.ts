import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { Queue } from 'bullmq';
import { CHANNELS } from '../domain/case-event.ts';
import { ROLES } from '../domain/staff.ts';
import { recentFailures } from '../store/audit-repo.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// What the queues hold right now and which messages failed lately: enough for an operator to see
// that work is moving (or why it is not) without opening Redis or the database.

const COUNTS = ['waiting', 'prioritized', 'active', 'delayed', 'failed', 'completed'] as const;

const QueueCounts = Type.Object({
  name: Type.String(),
  waiting: Type.Integer(),
  active: Type.Integer(),
  delayed: Type.Integer(),
  failed: Type.Integer(),
  completed: Type.Integer(),
  /** BullMQ keeps a paused queue's jobs in its waiting list: while it is paused, they are these. */
  paused: Type.Integer(),
});

const Failure = Type.Object({
  messageId: Type.String(),
  caseId: Type.String(),
  channel: Type.String(),
  status: Type.String(),
  lastErrorCode: Type.Union([Type.String(), Type.Null()]),
  at: Type.String({ format: 'date-time' }),
});

export default async function operationsRoutes(app: FastifyInstance): Promise<void> {
  const { db, queues, now } = app.services;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['operations'];
  const security = [{ bearer: [] }];
  const config = { staffRoles: ROLES.operators };

  const all: Array<Queue> = [queues.plan, queues.fallback, ...CHANNELS.map((c) => queues.dispatch[c])];

  api.get(
    '/v1/operations/queues',
    {
      onRequest: app.requireCaller,
      config,
      schema: {
        summary: 'Jobs waiting, running, delayed and failed in every queue',
        tags,
        security,
        response: { 200: Type.Object({ queues: Type.Array(QueueCounts), checkedAt: Type.String({ format: 'date-time' }) }), 401: ProblemSchema, 403: ProblemSchema, 503: ProblemSchema },
      },
    },
    async () => {
      try {
        const counted = await Promise.all(
          all.map(async (queue) => {
            const [counts, paused] = await Promise.all([queue.getJobCounts(...COUNTS), queue.isPaused()]);
            const n = (k: (typeof COUNTS)[number]) => counts[k] ?? 0;
            const waiting = n('waiting') + n('prioritized');
            return { name: queue.name, waiting, active: n('active'), delayed: n('delayed'), failed: n('failed'), completed: n('completed'), paused: paused ? waiting : 0 };
          }),
        );
        return { queues: counted, checkedAt: now().toISOString() };
      } catch {
        // The producer connection fails fast when Redis is away; the rows are safe in PostgreSQL.
        throw new HttpProblem(problem(503, 'queues-unavailable', 'The queues cannot be read', 'Redis does not answer; messages wait in the database and the sweeper re-queues them.'));
      }
    },
  );

  api.get(
    '/v1/operations/failures',
    {
      onRequest: app.requireCaller,
      config,
      schema: {
        summary: 'Messages that failed or were not delivered, most recent first',
        tags,
        security,
        querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$', description: '1–500, default 50' })) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(Failure) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => ({ items: await recentFailures(db, Number(request.query.limit ?? 50)) }),
  );
}
