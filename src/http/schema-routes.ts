import type { FastifyInstance } from 'fastify';
import { CaseEvent } from '../domain/case-event.ts';

/** The event contract as JSON Schema, for case systems that validate before they send. */
export default async function schemaRoutes(app: FastifyInstance): Promise<void> {
  const document = {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    $id: '/v1/schemas/case-event.json',
    title: 'Case event',
    description: 'What a case system sends to POST /v1/events, signed per Standard Webhooks.',
    ...CaseEvent,
  };
  app.get('/v1/schemas/case-event.json', { schema: { summary: 'The case event contract as JSON Schema', tags: ['events'] } }, async (_request, reply) =>
    reply.type('application/schema+json').send(JSON.stringify(document)),
  );
}
