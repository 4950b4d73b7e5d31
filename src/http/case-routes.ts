import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { ROLES } from '../domain/staff.ts';
import { caseSummary, searchCases } from '../store/case-search-repo.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// The console's way into a case: search by what a caller gives, then the case's summary (the
// timeline and conversation have their own routes). Both are audited: who looked for whom.

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);

const Hit = Type.Object({
  caseId: Type.String(),
  debtorId: Type.String(),
  country: Type.String(),
  creditorId: Type.String(),
  reference: Type.String(),
  holdReason: Nullable(Type.String()),
  lastEventAt: Instant,
  messages: Type.Integer(),
  matchedOn: Type.Enum(['case', 'reference', 'debtor', 'contact-point']),
});

const Summary = Type.Object({
  caseId: Type.String(),
  debtorId: Type.String(),
  country: Type.String(),
  creditorId: Type.String(),
  reference: Type.String(),
  currency: Type.String(),
  holdReason: Nullable(Type.String()),
  holdSince: Nullable(Instant),
  debtor: Type.Object({
    id: Type.String(),
    locale: Type.String(),
    timeZone: Nullable(Type.String()),
    addressCountry: Type.String(),
    flags: Type.Object({}, { additionalProperties: true }),
    erased: Type.Boolean(),
  }),
  contactPoints: Type.Array(
    Type.Object({
      channel: Type.String(),
      address: Type.String(),
      verified: Type.Boolean(),
      optIn: Nullable(Type.Boolean()),
      optedOutAt: Nullable(Instant),
      invalidAt: Nullable(Instant),
      kind: Nullable(Type.String()),
    }),
  ),
  openTask: Nullable(Type.Object({ id: Type.String(), kind: Type.String(), reason: Type.String(), createdAt: Instant })),
});

export default async function caseRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.services;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['cases'];
  const security = [{ bearer: [] }];

  api.get(
    '/v1/cases',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.anyStaff, action: 'case.search' },
      schema: {
        summary: 'Find cases by case id (or its start), reference, debtor id, phone number or email address',
        tags,
        security,
        querystring: Type.Object(
          {
            // Printable text only: what a person types or pastes, no control characters.
            q: Type.String({ minLength: 2, maxLength: 200, pattern: '^[^\\u0000-\\u001f\\u007f]+$' }),
            limit: Type.Optional(Type.String({ pattern: '^([1-9]|[1-4][0-9]|50)$', description: '1–50, default 20' })),
          },
          { additionalProperties: false },
        ),
        response: { 200: Type.Object({ items: Type.Array(Hit) }), 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema },
      },
    },
    async (request) => {
      const q = request.query.q.trim();
      if (q.length < 2) throw new HttpProblem(problem(400, 'invalid-request', 'The search text is too short', 'Give at least two characters.', { errors: [{ pointer: '/q', detail: 'must have at least 2 characters besides spaces' }] }));
      return { items: await searchCases(db, q, Number(request.query.limit ?? 20)) };
    },
  );

  api.get(
    '/v1/cases/:caseId',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.anyStaff, action: 'case.view' },
      schema: {
        summary: 'A case at a glance: holds, the debtor’s settings and flags, contact points, an open task',
        tags,
        security,
        params: Type.Object({ caseId: Type.String({ minLength: 1, maxLength: 128 }) }),
        response: { 200: Summary, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const summary = await caseSummary(db, request.params.caseId);
      if (!summary) throw new HttpProblem(problem(404, 'case-not-found', 'No such case', 'No event for this case has been received.'));
      return summary;
    },
  );
}
