import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import formbody from '@fastify/formbody';
import twilio from 'twilio';
import { Type } from 'typebox';
import { mapTwilioStatus } from '../channels/twilio-sms.ts';
import { enqueueFallbacks } from '../jobs/queues.ts';
import { applyStatus } from '../store/messages-repo.ts';
import { markContactPointOfMessage } from '../store/contact-state-repo.ts';
import { whatsappContactPointEffect } from '../channels/twilio-whatsapp.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

const StatusCallback = Type.Object(
  {
    MessageSid: Type.String({ pattern: '^(SM|MM)[0-9a-fA-F]{32}$' }),
    MessageStatus: Type.String({ maxLength: 32 }),
    ErrorCode: Type.Optional(Type.String({ maxLength: 16 })),
    ChannelPrefix: Type.Optional(Type.String({ maxLength: 16 })),
  },
  { additionalProperties: true },
);

const BAD_SIGNATURE = problem(403, 'twilio-signature-invalid', 'The Twilio signature does not match', 'Requests must carry X-Twilio-Signature computed over PUBLIC_URL.');

/** Twilio status callbacks: signature checked against PUBLIC_URL, statuses stored without going backwards. */
export default async function twilioStatusRoute(app: FastifyInstance): Promise<void> {
  const { db, config, metrics } = app.services;
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/providers/twilio/status/:messageId',
    {
      schema: {
        summary: 'Twilio message status callback',
        tags: ['providers'],
        params: Type.Object({ messageId: Type.String({ pattern: '^msg_[0-9a-f]{32}$' }) }),
        body: StatusCallback,
        response: { 204: Type.Null(), 400: ProblemSchema, 403: ProblemSchema },
      },
      preValidation: async (request) => {
        const signature = request.headers['x-twilio-signature'];
        const params = (request.body ?? {}) as Record<string, string>;
        const url = `${config.publicUrl}${request.url}`;
        if (typeof signature !== 'string' || !twilio.validateRequest(config.twilio.authToken, signature, url, params)) {
          throw new HttpProblem(BAD_SIGNATURE);
        }
      },
    },
    async (request, reply) => {
      const { messageId } = request.params;
      const { MessageSid, MessageStatus, ErrorCode } = request.body;
      const status = mapTwilioStatus(MessageStatus);
      metrics.statusCallbacks.inc({ status: status ?? 'ignored' });
      // Intermediate states (accepted, sending...) add nothing; acknowledge so Twilio does not retry.
      if (status) await applyStatus(db, messageId, status, 'provider', { providerId: MessageSid, providerStatus: MessageStatus, errorCode: ErrorCode ?? null });
      if (status === 'undelivered' || status === 'failed') {
        // WhatsApp reports most refusals after accepting (not on WhatsApp, blocked): remember them.
        const effect = request.body.ChannelPrefix === 'whatsapp' ? whatsappContactPointEffect(ErrorCode ?? null) : null;
        if (effect) await markContactPointOfMessage(db, messageId, effect, ErrorCode ?? '');
        // Not delivered (Twilio 30xxx, 63xxx): the step moves to the next channel, through the policy again.
        await enqueueFallbacks(app.services.queues, [messageId]);
      }
      return reply.code(204).send(null);
    },
  );
}
