import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import formbody from '@fastify/formbody';
import twilio from 'twilio';
import { Type } from 'typebox';
import type { HandleReply } from '../inbound/reply.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// Debtors' SMS and WhatsApp replies from Twilio's incoming-message webhook (form-encoded). The
// signature is checked against PUBLIC_URL before anything is read; the answer is empty TwiML, so
// Twilio sends nothing on its own — our answers go through the policy like every message.

const Incoming = Type.Object(
  {
    MessageSid: Type.String({ pattern: '^(SM|MM)[0-9a-fA-F]{32}$' }),
    From: Type.String({ minLength: 3, maxLength: 64 }),
    To: Type.Optional(Type.String({ maxLength: 64 })),
    Body: Type.Optional(Type.String({ maxLength: 5000 })),
    NumMedia: Type.Optional(Type.String({ pattern: '^\\d{1,2}$' })),
  },
  { additionalProperties: true },
);

const BAD_SIGNATURE = problem(403, 'twilio-signature-invalid', 'The Twilio signature does not match', 'Requests must carry X-Twilio-Signature computed over PUBLIC_URL.');
const EMPTY_TWIML = '<?xml version="1.0" encoding="UTF-8"?><Response></Response>';

export default async function twilioInboundRoute(app: FastifyInstance, opts: { handleReply: HandleReply }): Promise<void> {
  const { config, metrics } = app.services;
  await app.register(formbody, { bodyLimit: 64 * 1024 });
  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/providers/twilio/inbound',
    {
      schema: { summary: 'Twilio incoming SMS or WhatsApp message', tags: ['providers'], body: Incoming, response: { 200: Type.String({ description: 'empty TwiML' }), 400: ProblemSchema, 403: ProblemSchema } },
      preValidation: async (request) => {
        const signature = request.headers['x-twilio-signature'];
        const params = (request.body ?? {}) as Record<string, string>;
        if (typeof signature !== 'string' || !twilio.validateRequest(config.twilio.authToken, signature, `${config.publicUrl}${request.url}`, params)) {
          throw new HttpProblem(BAD_SIGNATURE);
        }
      },
    },
    async (request, reply) => {
      const { MessageSid, From, To, Body, NumMedia } = request.body;
      const whatsapp = From.startsWith('whatsapp:');
      const outcome = await opts.handleReply({
        channel: whatsapp ? 'whatsapp' : 'sms',
        providerId: MessageSid,
        from: From.replace(/^whatsapp:/, ''),
        to: To?.replace(/^whatsapp:/, '') ?? null,
        text: (Body ?? '').trim(),
        inReplyTo: [],
        attachments: [],
        // Media stays at Twilio: we keep that there was some, never fetch or open it.
        refusedAttachments: Array.from({ length: Number(NumMedia ?? 0) }, (_, i) => ({ filename: `media-${i}`, contentType: 'unknown', size: 0, reason: 'media is not fetched' })),
        receivedAt: app.services.now(),
      });
      metrics.replies.inc({ channel: whatsapp ? 'whatsapp' : 'sms', outcome: outcome.kind });
      request.log.info({ inboundId: outcome.inboundId, outcome: outcome.kind, channel: whatsapp ? 'whatsapp' : 'sms' }, 'reply received');
      return reply.code(200).type('text/xml').send(EMPTY_TWIML);
    },
  );
}
