import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import type { HandleReply } from '../inbound/reply.ts';
import { InboundEmailError, parseInboundEmail } from '../inbound/email-parse.ts';
import { createSignatureVerifier, signatureProblem } from './webhook-signature.ts';
import { HttpProblem, problem, ProblemSchema, sendProblem } from './problem.ts';

/** Raw messages up to 15 MiB: 10 MiB of attachments grow by a third in base64. */
export const MAX_INBOUND_EMAIL_BYTES = 15 * 1024 * 1024;
const RAW_TYPES = ['message/rfc822', 'application/octet-stream'];

export interface InboundEmailRouteOptions {
  handleReply: HandleReply;
  /** The Standard Webhooks secret (`whsec_…`) the mail relay signs each delivery with. */
  secret: string;
  /** When the reply counts as received (the service clock); the signature window always uses real time. */
  now?: () => Date;
}

const Received = Type.Object({
  inboundId: Type.String(),
  outcome: Type.Union([Type.Literal('handled'), Type.Literal('review'), Type.Literal('duplicate')]),
});

const TOO_LARGE = problem(413, 'payload-too-large', 'The message is too large', 'Inbound emails are limited to 15 MiB.');
const UNSUPPORTED = problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send the raw message as message/rfc822 or application/octet-stream.');
const UNREADABLE = {
  unparseable: problem(400, 'invalid-email', 'The body is not a readable email message', 'Send the raw RFC 5322 message, headers included.'),
  'no-sender': problem(400, 'invalid-email', 'The message has no sender', 'A message without a From address cannot be matched or answered.'),
} as const;

/**
 * POST /v1/inbound/email: a debtor's email as the mail relay received it, the raw message as the
 * body, signed with Standard Webhooks over those exact bytes. Register it as a plain plugin (not
 * through fastify-plugin): its raw content-type parser and error handler must stay in its context.
 */
export default async function inboundEmailRoute(app: FastifyInstance, opts: InboundEmailRouteOptions): Promise<void> {
  const verify = createSignatureVerifier([opts.secret]);
  const now = opts.now ?? (() => new Date());

  // The signature covers the bytes, and a message is bytes (8-bit parts need not be UTF-8): no decoding here.
  app.addContentTypeParser(RAW_TYPES, { parseAs: 'buffer', bodyLimit: MAX_INBOUND_EMAIL_BYTES }, (_req, body, done) => done(null, body));

  // The app's handler words 413 and 415 for JSON bodies; everything else goes on to it.
  app.setErrorHandler((error: FastifyError, _request: FastifyRequest, reply: FastifyReply) => {
    if (error.statusCode === 413) return sendProblem(reply, TOO_LARGE);
    if (error.statusCode === 415) return sendProblem(reply, UNSUPPORTED);
    throw error;
  });

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/inbound/email',
    {
      bodyLimit: MAX_INBOUND_EMAIL_BYTES,
      // Before any parser runs: a JSON or text body would otherwise be parsed, and refused as a bad one.
      onRequest: async (request: FastifyRequest) => {
        const mediaType = request.headers['content-type']?.split(';')[0]?.trim().toLowerCase() ?? '';
        if (!RAW_TYPES.includes(mediaType)) throw new HttpProblem(UNSUPPORTED);
      },
      schema: {
        summary: 'Receive a debtor\'s email reply as a raw RFC 5322 message (Standard Webhooks signed)',
        tags: ['inbound'],
        response: { 200: Received, 202: Received, 400: ProblemSchema, 403: ProblemSchema, 413: ProblemSchema, 415: ProblemSchema },
      },
    },
    async (request, reply) => {
      const raw = Buffer.isBuffer(request.body) ? request.body : null;
      if (!raw) throw new HttpProblem(UNSUPPORTED);
      // standardwebhooks signs a Buffer as its UTF-8 decoding; the string form here is the same.
      const check = verify(raw.toString('utf8'), request.headers);
      if (!check.ok) throw new HttpProblem(signatureProblem(check.reason, 403, 'the inbound email secret'));

      let parsed;
      try {
        parsed = await parseInboundEmail(raw, { receivedAt: now() });
      } catch (err) {
        if (err instanceof InboundEmailError) throw new HttpProblem(UNREADABLE[err.reason]);
        throw err;
      }
      const outcome = await opts.handleReply(parsed);
      // Ids and counts only: the sender, the text and the file names stay out of the log.
      request.log.info(
        { inboundId: outcome.inboundId, outcome: outcome.kind, threadIds: parsed.inReplyTo.length, attachments: parsed.attachments.length, refusedAttachments: parsed.refusedAttachments.length },
        'inbound email received',
      );
      return reply.code(outcome.kind === 'duplicate' ? 200 : 202).send({ inboundId: outcome.inboundId, outcome: outcome.kind });
    },
  );
}
