import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CaseEvent } from '../domain/case-event.ts';
import { ConfigError } from '../errors.ts';
import type { PlannerDeps } from '../jobs/message-planner.ts';
import { simulate } from '../jobs/simulator.ts';
import { ROLES } from '../domain/staff.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

const DecisionView = Type.Object({
  outcome: Type.String(),
  rule: Type.String(),
  reason: Type.String(),
  deferUntil: Type.Union([Type.String(), Type.Null()]),
  policyVersion: Type.String(),
  content: Type.String(),
  evidence: Type.Object({}, { additionalProperties: true }),
});

const SimulateBody = Type.Object(
  {
    now: Type.String({ format: 'date-time', pattern: '^(19|20|21)\\d{2}-', description: 'the instant to decide at' }),
    events: Type.Array(CaseEvent, { minItems: 1, maxItems: 50 }),
    packChanges: Type.Optional(
      Type.Record(Type.String({ pattern: '^([A-Z]{2}|\\*)$' }), Type.Record(Type.String(), Type.Unknown()), {
        description: 'partial packs by country ("*" for all), applied on top of the live packs: try a change before it goes live',
      }),
    ),
  },
  { additionalProperties: false },
);

/**
 * POST /v1/simulate: what the policy would decide for these events at `now`, with what we hold
 * (holds, opt-outs, the ledger), by the same code as the live path. Nothing is stored or sent.
 */
export default async function simulateRoute(app: FastifyInstance, opts: { planner: PlannerDeps }): Promise<void> {
  const { db, packs } = app.services;
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/simulate',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.anyStaff, action: 'policy.simulate' },
      schema: {
        summary: 'Simulate the contact policy for events at an instant',
        tags: ['policy'],
        security: [{ bearer: [] }],
        body: SimulateBody,
        response: {
          200: Type.Object({
            now: Type.String(),
            messages: Type.Array(
              Type.Object({
                eventId: Type.String(),
                messageId: Type.String(),
                step: Type.String(),
                channel: Type.Union([Type.String(), Type.Null()]),
                template: Type.String(),
                status: Type.String(),
                text: Type.Union([Type.String(), Type.Null()]),
                plan: DecisionView,
                dispatch: Type.Union([DecisionView, Type.Null()]),
              }),
            ),
          }),
          400: ProblemSchema,
          401: ProblemSchema,
          422: ProblemSchema,
        },
      },
    },
    async (request) => {
      const { now, events, packChanges } = request.body;
      let planner = opts.planner;
      if (packChanges) {
        try {
          planner = { ...planner, packs: packs.withChanges(packChanges, 'simulation') };
        } catch (err) {
          if (!(err instanceof ConfigError)) throw err;
          throw new HttpProblem(problem(422, 'invalid-pack-change', 'The changed pack is not valid', err.message));
        }
      }
      const at = new Date(now);
      return { now: at.toISOString(), messages: await simulate({ ...planner, db }, events, at) };
    },
  );
}
