import type { FastifyInstance } from 'fastify';
import { ping } from '../store/db.ts';
import { problem, sendProblem } from './problem.ts';

/** Liveness, readiness (database and Redis answer) and Prometheus metrics. */
export default async function healthRoutes(app: FastifyInstance): Promise<void> {
  const { db, redis, metrics } = app.services;
  const hide = { schema: { hide: true } };

  app.get('/healthz', hide, async () => ({ status: 'ok' }));

  app.get('/readyz', hide, async (_request, reply) => {
    const [database, queue] = await Promise.allSettled([ping(db), redis.ping()]);
    const checks = { database: database.status === 'fulfilled' ? 'ok' : 'down', redis: queue.status === 'fulfilled' ? 'ok' : 'down' };
    if (checks.database === 'ok' && checks.redis === 'ok') return { status: 'ready', checks };
    return sendProblem(reply, { ...problem(503, 'not-ready', 'A dependency does not answer'), checks });
  });

  app.get('/metrics', hide, async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
}
