import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { loadConversation, loadTimeline } from '../store/timeline-repo.ts';
import { ROLES } from '../domain/staff.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

const Entry = Type.Object({ at: Type.String({ format: 'date-time' }), kind: Type.String() }, { additionalProperties: true });

/** GET /v1/cases/{caseId}/timeline: events, decisions with reasons, messages and their statuses, in time order. */
export default async function timelineRoute(app: FastifyInstance): Promise<void> {
  const { db } = app.services;
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/cases/:caseId/timeline',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.anyStaff, action: 'case.timeline' },
      schema: {
        summary: 'A case’s timeline',
        tags: ['cases'],
        security: [{ bearer: [] }],
        params: Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 200: Type.Object({ caseId: Type.String(), entries: Type.Array(Entry) }), 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const entries = await loadTimeline(db, request.params.caseId);
      if (!entries) throw new HttpProblem(problem(404, 'case-not-found', 'No such case', 'No event for this case has been received.'));
      return { caseId: request.params.caseId, entries };
    },
  );

  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/cases/:caseId/conversation',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.anyStaff, action: 'case.conversation' },
      schema: {
        summary: 'A case’s conversation: what we sent and what the debtor wrote, on every channel, in order',
        tags: ['cases'],
        security: [{ bearer: [] }],
        params: Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: {
          200: Type.Object({ caseId: Type.String(), entries: Type.Array(Type.Object({ at: Type.String(), direction: Type.String() }, { additionalProperties: true })) }),
          401: ProblemSchema,
          404: ProblemSchema,
        },
      },
    },
    async (request) => {
      const entries = await loadConversation(db, request.params.caseId);
      if (!entries) throw new HttpProblem(problem(404, 'case-not-found', 'No such case', 'No event for this case has been received.'));
      return { caseId: request.params.caseId, entries };
    },
  );
}
