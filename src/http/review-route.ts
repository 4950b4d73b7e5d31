import type { FastifyInstance } from 'fastify';
import { ROLES } from '../domain/staff.ts';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ProblemSchema } from './problem.ts';

// Replies nobody could be matched to (an unknown sender, or an address two debtors share): a
// person looks at them; nothing was answered, so no debt details went anywhere.

const Entry = Type.Object({
  inboundId: Type.String(),
  channel: Type.String(),
  from: Type.String(),
  text: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  receivedAt: Type.String(),
});

export default async function reviewRoute(app: FastifyInstance): Promise<void> {
  const { db } = app.services;
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/inbound/review',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.anyStaff, action: 'inbound.review' },
      schema: {
        summary: 'Replies waiting for a person: unknown or shared senders',
        tags: ['replies'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })) }),
        response: { 200: Type.Object({ entries: Type.Array(Entry) }), 401: ProblemSchema },
      },
    },
    async (request) => {
      const { rows } = await db.query<{ id: string; channel: string; from_address: string; body: string | null; reason: string | null; received_at: Date }>(
        `select id, channel, from_address, body, details->>'match' as reason, received_at from inbound_messages where status = 'review' order by received_at desc limit $1`,
        [request.query.limit ?? 100],
      );
      return { entries: rows.map((r) => ({ inboundId: r.id, channel: r.channel, from: r.from_address, text: r.body, reason: r.reason ?? 'unknown', receivedAt: r.received_at.toISOString() })) };
    },
  );
}
