import { createHmac } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { eraseDebtor, exportDebtor } from '../store/debtor-data-repo.ts';
import { ROLES } from '../domain/staff.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// The same shape as debtor ids in the integration contract: anything else cannot name a debtor.
const Params = Type.Object({ debtorId: Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' }) });
const Document = Type.Object({ format: Type.String(), exportedAt: Type.String({ format: 'date-time' }) }, { additionalProperties: true });
const Count = Type.Integer({ minimum: 0 });
const Erased = Type.Object({
  erasureId: Type.String(),
  debtorId: Type.String(),
  erasedAt: Type.String({ format: 'date-time' }),
  alreadyErased: Type.Boolean(),
  counts: Type.Object({ debtor: Count, contactPoints: Count, events: Count, messages: Count, cancelled: Count }),
});

const unknownDebtor = () => new HttpProblem(problem(404, 'debtor-not-found', 'No such debtor', 'No event for this debtor has been received.'));

/**
 * A debtor's data: GET …/export answers a data subject access request with everything we hold;
 * POST …/erase removes the personal data and keeps the audit facts. Neither logs any of the data.
 */
export default async function debtorDataRoutes(app: FastifyInstance): Promise<void> {
  const { db } = app.services;
  // Derived from a secret the operator already keeps, under its own label: never the signing key itself.
  const pseudonymKey = createHmac('sha256', app.services.config.linkSigningSecret).update('debtor-pseudonyms').digest('hex');
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/v1/debtors/:debtorId/export',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.admins, action: 'debtor.export' },
      schema: {
        summary: 'Everything held about a debtor, as one JSON document',
        tags: ['debtors'],
        security: [{ bearer: [] }],
        params: Params,
        response: { 200: Document, 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { debtorId } = request.params;
      const document = await exportDebtor(db, debtorId, app.services.now());
      if (!document) throw unknownDebtor();
      // Personal data: no cache keeps a copy; the file name carries the id only ('/' is not allowed in one).
      return reply
        .header('cache-control', 'no-store')
        .header('content-disposition', `attachment; filename="debtor-${debtorId.replaceAll('/', '_')}.json"`)
        .send(document);
    },
  );

  api.post(
    '/v1/debtors/:debtorId/erase',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.admins, action: 'debtor.erase' },
      schema: {
        summary: 'Erase a debtor’s personal data (decisions, statuses and the case record stay)',
        tags: ['debtors'],
        security: [{ bearer: [] }],
        params: Params,
        body: Type.Object({ reason: Type.String({ minLength: 1, maxLength: 500 }) }, { additionalProperties: false }),
        response: { 200: Erased, 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const { debtorId } = request.params;
      const actor = request.actor ?? 'unknown';
      const result = await eraseDebtor(db, debtorId, { actor, reason: request.body.reason, now: app.services.now(), pseudonymKey });
      if (!result) throw unknownDebtor();
      // The reason may quote the person; only ids and counts are logged.
      request.log.info({ erasureId: result.erasureId, debtorId, alreadyErased: result.alreadyErased, counts: result.counts }, 'debtor personal data erased');
      return { ...result, erasedAt: result.erasedAt.toISOString() };
    },
  );
}
