import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type Static } from 'typebox';
import { withTransaction } from '../store/db.ts';
import { applyStatuses, type StatusReport } from '../store/messages-repo.ts';
import { markContactPoint } from '../store/contact-state-repo.ts';
import { createSignatureVerifier, signatureProblem } from './webhook-signature.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

const MAX_REPORT_BYTES = 16 * 1024;

/**
 * What the mail provider (or the relay in front of it) reports about an email we sent, signed with
 * Standard Webhooks (webhook-id, webhook-timestamp, webhook-signature; secret EMAIL_EVENTS_SECRET):
 *
 *   { "type": "bounce" | "complaint" | "delivered",
 *     "messageId": "<msg_…@our-domain>" | "msg_…@our-domain" | "msg_…" | the server's Message-ID we stored,
 *     "bounceType": "hard" | "soft",       (bounces only; a bounce without it is taken as soft)
 *     "occurredAt": "2026-11-18T09:30:00Z" }
 *
 * Other fields are allowed and ignored (providers add diagnostics, which quote addresses).
 * `occurredAt` is validated but the status history records when the report arrived: applyStatuses
 * takes no provider time.
 *
 * - hard bounce: `undelivered`, error `bounce-hard`, and the address is marked invalid.
 * - soft bounce: `undelivered`, error `bounce-soft`; the address stays usable (a full mailbox, a
 *   server down for days).
 * - complaint (the debtor marked the email as spam): the address is opted out, as a complaint is
 *   an unsubscribe, and the status is `delivered` with provider status `complaint`: the email did
 *   arrive, and recording it `undelivered` would start a fallback to another channel at the very
 *   moment the debtor asked us to write less.
 * - delivered: `delivered`.
 */
export const EmailEvent = Type.Object(
  {
    type: Type.Union([Type.Literal('bounce'), Type.Literal('complaint'), Type.Literal('delivered')]),
    messageId: Type.String({ minLength: 1, maxLength: 998 }),
    bounceType: Type.Optional(Type.Union([Type.Literal('hard'), Type.Literal('soft')])),
    occurredAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: true },
);
export type EmailEvent = Static<typeof EmailEvent>;

const NOT_CONFIGURED = problem(401, 'signature-invalid', 'Email event reports are not accepted', 'No EMAIL_EVENTS_SECRET is configured, so no report can be verified.');
const UNKNOWN = problem(404, 'message-not-found', 'No such email message', 'The messageId names no email we sent.');

/** Our message id and the Message-ID header form of a reported id, whichever it was given as. */
export function messageRef(reported: string): { id: string | null; header: string | null } {
  const bare = reported.trim().replace(/^<(.*)>$/, '$1');
  const local = bare.split('@')[0] ?? '';
  return { id: /^msg_[0-9a-f]{32}$/.test(local) ? local : null, header: bare.includes('@') ? `<${bare}>` : null };
}

type Effect = { status: StatusReport['status']; providerStatus: string; errorCode: string | null; point: 'invalid' | 'opted-out' | null };

function effectOf(event: EmailEvent): Effect {
  if (event.type === 'delivered') return { status: 'delivered', providerStatus: 'delivered', errorCode: null, point: null };
  if (event.type === 'complaint') return { status: 'delivered', providerStatus: 'complaint', errorCode: null, point: 'opted-out' };
  const hard = event.bounceType === 'hard';
  return { status: 'undelivered', providerStatus: hard ? 'bounce-hard' : 'bounce-soft', errorCode: hard ? 'bounce-hard' : 'bounce-soft', point: hard ? 'invalid' : null };
}

/** POST /v1/providers/email/events: bounces, complaints and deliveries reported by the mail provider. */
export default async function emailEventsRoute(app: FastifyInstance): Promise<void> {
  const { db, config, log, metrics } = app.services;
  const secret = config.email?.eventsSecret;
  const verify = secret ? createSignatureVerifier([secret]) : null;

  // The signature covers the exact bytes: this context keeps the raw body and parses it itself.
  app.removeContentTypeParser(['application/json']);
  app.addContentTypeParser(['application/json', 'application/*+json'], { parseAs: 'string', bodyLimit: MAX_REPORT_BYTES }, (_req, body, done) => done(null, body));

  app.withTypeProvider<TypeBoxTypeProvider>().post(
    '/v1/providers/email/events',
    {
      bodyLimit: MAX_REPORT_BYTES,
      schema: {
        summary: 'Bounce, complaint and delivery reports of the mail provider (Standard Webhooks signed)',
        tags: ['providers'],
        body: EmailEvent,
        response: { 204: Type.Null(), 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 413: ProblemSchema },
      },
      preValidation: async (request: FastifyRequest) => {
        if (!verify) throw new HttpProblem(NOT_CONFIGURED);
        const raw = typeof request.body === 'string' ? request.body : '';
        const check = verify(raw, request.headers);
        if (!check.ok) throw new HttpProblem(signatureProblem(check.reason, 401, 'the email events secret'));
        try {
          request.body = JSON.parse(raw);
        } catch {
          throw new HttpProblem(problem(400, 'invalid-json', 'The body is not valid JSON'));
        }
      },
    },
    async (request, reply) => {
      const event = request.body;
      const ref = messageRef(event.messageId);
      const { rows } = await db.query<{ id: string; contact_point_id: string | null }>(
        `select id, contact_point_id::text from messages
          where channel = 'email' and (id = $1 or provider_id = $2)
          order by id = $1 desc limit 1`,
        [ref.id, ref.header],
      );
      const message = rows[0];
      if (!message) throw new HttpProblem(UNKNOWN);
      const effect = effectOf(event);
      // The address first, in the same transaction: once the status shows, what it taught us is recorded.
      await withTransaction(db, async (tx) => {
        if (effect.point && message.contact_point_id) await markContactPoint(tx, message.contact_point_id, effect.point, effect.providerStatus);
        await applyStatuses(tx, [{ messageId: message.id, status: effect.status, source: 'provider', providerStatus: effect.providerStatus, errorCode: effect.errorCode }]);
      });
      metrics.statusCallbacks.inc({ status: effect.providerStatus });
      if (effect.point) log.info({ messageId: message.id, effect: effect.point }, 'email report changed the contact point');
      return reply.code(204).send(null);
    },
  );
}
