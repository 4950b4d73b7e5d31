import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CaseEvent } from '../domain/case-event.ts';
import { createEventIntake } from '../jobs/event-intake.ts';
import { createSignatureVerifier, signatureProblem } from './webhook-signature.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';
import { unstorableString } from './storable-json.ts';

export const MAX_EVENT_BYTES = 256 * 1024;

const Accepted = Type.Object({
  id: Type.String(),
  status: Type.Literal('accepted'),
  duplicate: Type.Boolean({ description: 'true when this event (same id or webhook-id) was accepted before' }),
  receivedAt: Type.String({ format: 'date-time' }),
});


declare module 'fastify' {
  interface FastifyRequest {
    webhookId?: string;
  }
}

/** POST /v1/events: signed case events in, one row set per event, one plan job after commit. */
export default async function eventsRoute(app: FastifyInstance): Promise<void> {
  const { db, queues, log, metrics, config } = app.services;
  const verify = createSignatureVerifier(config.eventWebhookSecrets);
  const intake = createEventIntake({ db, queues, log, metrics });

  // The signature covers the exact bytes, so this route keeps the raw body and parses it itself.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string', bodyLimit: MAX_EVENT_BYTES }, (_req, body, done) => done(null, body));

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/events',
    {
      bodyLimit: MAX_EVENT_BYTES,
      schema: {
        summary: 'Receive a case event (Standard Webhooks signed)',
        tags: ['events'],
        headers: Type.Object({ 'webhook-id': Type.String({ minLength: 1, maxLength: 256 }), 'webhook-timestamp': Type.String(), 'webhook-signature': Type.String() }),
        body: CaseEvent,
        response: { 200: Accepted, 202: Accepted, 400: ProblemSchema, 401: ProblemSchema, 413: ProblemSchema },
      },
      preValidation: async (request: FastifyRequest) => {
        const raw = typeof request.body === 'string' ? request.body : '';
        const check = verify(raw, request.headers);
        if (!check.ok) {
          metrics.eventsReceived.inc({ type: 'unknown', outcome: check.reason });
          throw new HttpProblem(signatureProblem(check.reason, 401, 'any configured secret'));
        }
        request.webhookId = check.webhookId;
        let parsed: unknown;
        try {
          parsed = JSON.parse(raw);
        } catch {
          metrics.eventsReceived.inc({ type: 'unknown', outcome: 'invalid-json' });
          throw new HttpProblem(problem(400, 'invalid-json', 'The body is not valid JSON'));
        }
        const unstorable = unstorableString(raw, parsed);
        if (unstorable) {
          throw new HttpProblem(
            problem(400, 'invalid-character', 'A string holds a NUL character or a lone UTF-16 surrogate', `${unstorable} cannot be stored; send valid Unicode text.`, {
              errors: [{ pointer: unstorable, detail: 'contains U+0000 or a lone surrogate' }],
            }),
          );
        }
        request.body = parsed;
      },
    },
    async (request, reply) => {
      const event = request.body;
      const outcome = await intake.accept(event, request.webhookId ?? event.id);
      metrics.eventsReceived.inc({ type: event.type, outcome: outcome.kind });
      const answer = { id: outcome.event.id, status: 'accepted' as const, duplicate: outcome.kind === 'duplicate', receivedAt: outcome.event.receivedAt.toISOString() };
      return reply.code(outcome.kind === 'duplicate' ? 200 : 202).send(answer);
    },
  );
}
