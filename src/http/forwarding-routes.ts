import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { FORWARD_TYPES, enableEndpoint, forwardingStatus, listDeadLetters, replayDeadLetter, replayDeadLetters } from '../forwarding/outbox.ts';
import { ROLES } from '../domain/staff.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// Operators' view of forwarding to the case system: what died after its retry window (without the
// payloads: they carry the debtors' words), replays, the backlog, and re-enabling after 410 Gone.

const Instant = Type.String({ format: 'date-time' });
const NullableInstant = Type.Union([Instant, Type.Null()]);
const EventId = Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'a forward event id' });
const ForwardTypeSchema = Type.Enum(FORWARD_TYPES);

const DeadLetter = Type.Object({
  id: Type.String(),
  webhookId: Type.String(),
  type: Type.String(),
  caseId: Type.Union([Type.String(), Type.Null()]),
  attempts: Type.Integer(),
  lastStatus: Type.Union([Type.Integer(), Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
  createdAt: Instant,
  deadAt: Instant,
});

const Status = Type.Object({
  configured: Type.Boolean(),
  pending: Type.Integer(),
  oldestPendingAgeSeconds: Type.Union([Type.Integer(), Type.Null()]),
  dead: Type.Integer(),
  endpoint: Type.Object({ disabled: Type.Boolean(), disabledAt: NullableInstant, disabledReason: Type.Union([Type.String(), Type.Null()]), pausedUntil: NullableInstant }),
});

const iso = (d: Date | null): string | null => (d ? d.toISOString() : null);

export default async function forwardingRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app.services;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { onRequest: app.requireCaller };
  const reading = { staffRoles: ROLES.operators };
  const tags = ['forwarding'];
  const security = [{ bearer: [] }];

  async function status() {
    const s = await forwardingStatus(db);
    return { configured: !!config.forwarding, ...s, endpoint: { ...s.endpoint, disabledAt: iso(s.endpoint.disabledAt), pausedUntil: iso(s.endpoint.pausedUntil) } };
  }

  api.get(
    '/v1/forwarding/dead-letters',
    {
      ...common,
      config: reading,
      schema: {
        summary: 'Forward events that were not delivered within the retry window, newest first',
        tags,
        security,
        querystring: Type.Object({ limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$' })), before: Type.Optional(EventId) }, { additionalProperties: false }),
        response: { 200: Type.Object({ items: Type.Array(DeadLetter), next: Type.Union([Type.String(), Type.Null()]) }), 400: ProblemSchema, 401: ProblemSchema },
      },
    },
    async (request) => {
      const { items, next } = await listDeadLetters(db, { limit: Number(request.query.limit ?? 50), ...(request.query.before ? { before: request.query.before } : {}) });
      return { items: items.map((d) => ({ ...d, createdAt: d.createdAt.toISOString(), deadAt: d.deadAt.toISOString() })), next };
    },
  );

  api.post(
    '/v1/forwarding/dead-letters/:id/replay',
    {
      ...common,
      config: { staffRoles: ROLES.admins, action: 'forwarding.replay' },
      schema: {
        summary: 'Send a dead letter again (same webhook id, attempts from zero, a new retry window)',
        tags,
        security,
        params: Type.Object({ id: EventId }),
        response: { 200: Type.Object({ id: Type.String(), status: Type.Literal('pending') }), 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema },
      },
    },
    async (request) => {
      const { id } = request.params;
      const outcome = await replayDeadLetter(db, id);
      if (outcome === 'not-found') throw new HttpProblem(problem(404, 'forward-event-not-found', 'No such forward event'));
      if (outcome === 'not-dead') throw new HttpProblem(problem(409, 'forward-event-not-dead', 'The event is not a dead letter', 'Only dead letters can be replayed; this one is pending or delivered.'));
      request.log.info({ forwardEventId: id, actor: request.actor }, 'dead letter replayed');
      return { id, status: 'pending' as const };
    },
  );

  api.post(
    '/v1/forwarding/replay',
    {
      ...common,
      config: { staffRoles: ROLES.admins, action: 'forwarding.replay-all' },
      schema: {
        summary: 'Send again every dead letter created in [from, to) of a type (each filter optional)',
        tags,
        security,
        body: Type.Object({ from: Type.Optional(Instant), to: Type.Optional(Instant), type: Type.Optional(ForwardTypeSchema) }, { additionalProperties: false }),
        response: { 200: Type.Object({ replayed: Type.Integer() }), 400: ProblemSchema, 401: ProblemSchema },
      },
    },
    async (request) => {
      const { from, to, type } = request.body;
      if (from && to && Date.parse(from) >= Date.parse(to)) {
        throw new HttpProblem(problem(400, 'invalid-range', 'The range is empty', '`from` must be before `to`.', { errors: [{ pointer: '/from', detail: 'must be before /to' }] }));
      }
      const replayed = await replayDeadLetters(db, { ...(from ? { from: new Date(from) } : {}), ...(to ? { to: new Date(to) } : {}), ...(type ? { type } : {}) });
      request.log.info({ replayed, type: type ?? null, actor: request.actor }, 'dead letters replayed');
      return { replayed };
    },
  );

  api.get(
    '/v1/forwarding/status',
    { ...common, config: reading, schema: { summary: 'The forwarding backlog, dead letters and whether the endpoint is disabled', tags, security, response: { 200: Status, 401: ProblemSchema } } },
    status,
  );

  api.post(
    '/v1/forwarding/enable',
    {
      ...common,
      config: { staffRoles: ROLES.admins, action: 'forwarding.enable' },
      schema: { summary: 'Re-enable the case system’s endpoint after it answered 410 Gone', tags, security, response: { 200: Status, 401: ProblemSchema } },
    },
    async (request) => {
      const wasDisabled = await enableEndpoint(db, request.actor ?? 'unknown', app.services.now());
      request.log.info({ wasDisabled, actor: request.actor }, 'forwarding endpoint enabled');
      return status();
    },
  );
}
