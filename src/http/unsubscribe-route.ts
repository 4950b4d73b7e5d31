import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import formbody from '@fastify/formbody';
import { Type } from 'typebox';
import { signedLink, verifyLink } from '../rendering/signed-links.ts';
import { pageLanguage, unsubscribePage, type UnsubscribeState } from './unsubscribe-page.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// One-click unsubscribe (RFC 8058). Mail providers POST `List-Unsubscribe=One-Click` to the HTTPS
// URL of the List-Unsubscribe header, without cookies or credentials: the signed, expiring link is
// the only authority. A GET (the debtor's browser, or a mail scanner following every link) only
// shows a page whose button POSTs; it never changes anything.

const PATH_PREFIX = '/v1/unsubscribe/';
const pathOf = (messageId: string): string => `${PATH_PREFIX}${messageId}`;

/** The signed one-click link for a message; the adapter puts it in List-Unsubscribe, this route verifies it. */
export function unsubscribeUrl(publicUrl: string, secret: string, messageId: string, expires: Date): string {
  return signedLink(publicUrl, pathOf(messageId), secret, expires);
}

const Params = Type.Object({ messageId: Type.String({ pattern: '^msg_[0-9a-f]{32}$' }) });
const Query = Type.Object({ e: Type.String({ maxLength: 16 }), s: Type.String({ maxLength: 64 }) });
// Sent as text/html, which Fastify passes through unserialized: the schema documents and types it.
const HtmlPage = Type.String({ description: 'A short HTML page (text/html)' });
const OneClick = Type.Object({ 'List-Unsubscribe': Type.Literal('One-Click') }, { additionalProperties: true });

const BAD_LINK = problem(403, 'unsubscribe-link-invalid', 'The unsubscribe link is not valid', 'The link was altered or has expired. Use the link in a recent email, or contact us.');
const UNKNOWN = problem(404, 'message-not-found', 'No such message', 'This link does not belong to a message we sent.');
const MAX_FORM_BYTES = 4 * 1024;

/** RFC 8058 lets the POST come as multipart/form-data too; its fields are read from the raw text. */
export function multipartFields(raw: string, contentType: string): Record<string, string> | null {
  const match = /boundary=(?:"([^"]{1,70})"|([^;\s]{1,70}))/i.exec(contentType);
  const boundary = match?.[1] ?? match?.[2];
  if (!boundary) return null;
  const fields: Array<[string, string]> = [];
  for (const part of raw.split(`--${boundary}`)) {
    const split = part.indexOf('\r\n\r\n');
    if (split < 0) continue;
    const name = /content-disposition:\s*form-data;[^\r\n]*?\bname="([^"]*)"/i.exec(part.slice(0, split))?.[1];
    if (name !== undefined) fields.push([name, part.slice(split + 4).replace(/\r\n$/, '')]);
  }
  return Object.fromEntries(fields);
}

interface MessagePoint {
  locale: string | null;
  contact_point_id: string | null;
  opted_out: boolean;
}

export default async function unsubscribeRoute(app: FastifyInstance): Promise<void> {
  const { db, config, log } = app.services;
  const now = () => app.services.now();
  if (!app.hasContentTypeParser('application/x-www-form-urlencoded')) await app.register(formbody, { bodyLimit: MAX_FORM_BYTES });
  app.addContentTypeParser('multipart/form-data', { parseAs: 'string', bodyLimit: MAX_FORM_BYTES }, (request, body, done) => {
    const fields = multipartFields(String(body), String(request.headers['content-type'] ?? ''));
    if (fields) return done(null, fields);
    done(Object.assign(new Error('multipart body without a boundary'), { statusCode: 400 }), undefined);
  });

  // Checked before anything else, also before the parameters are validated: a link that was not
  // signed by us learns nothing, not even whether its message exists.
  const requireSignedLink = async (request: FastifyRequest): Promise<void> => {
    const { messageId } = request.params as { messageId?: string };
    const { e, s } = (request.query ?? {}) as { e?: unknown; s?: unknown };
    const ok = typeof messageId === 'string' && verifyLink(pathOf(messageId), typeof e === 'string' ? e : undefined, typeof s === 'string' ? s : undefined, config.linkSigningSecret, now());
    if (!ok) throw new HttpProblem(BAD_LINK);
  };

  const readMessage = async (messageId: string): Promise<MessagePoint> => {
    const { rows } = await db.query<MessagePoint>(
      `select m.locale, m.contact_point_id::text, p.opted_out_at is not null as opted_out
         from messages m left join contact_points p on p.id = m.contact_point_id where m.id = $1`,
      [messageId],
    );
    const row = rows[0];
    if (!row || row.contact_point_id === null) throw new HttpProblem(UNKNOWN);
    return row;
  };

  const page = (request: FastifyRequest, locale: string | null, state: UnsubscribeState): string =>
    unsubscribePage({ lang: pageLanguage(locale), state, action: request.url, sender: config.sender });

  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { params: Params, querystring: Query, tags: ['unsubscribe'] };
  // The URL carries its own credential: no caching, no referrer, nothing on the page from elsewhere.
  const headers = {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'referrer-policy': 'no-referrer',
    'x-robots-tag': 'noindex',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'",
  };

  api.get(
    '/v1/unsubscribe/:messageId',
    {
      schema: { ...common, summary: 'The unsubscribe page of an email (changes nothing)', response: { 200: HtmlPage, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema } },
      preValidation: requireSignedLink,
    },
    async (request, reply) => {
      const message = await readMessage(request.params.messageId);
      return reply.headers(headers).send(page(request, message.locale, message.opted_out ? 'already' : 'ask'));
    },
  );

  api.post(
    '/v1/unsubscribe/:messageId',
    {
      bodyLimit: MAX_FORM_BYTES,
      schema: {
        ...common,
        summary: 'One-click unsubscribe (RFC 8058): records the opt-out of the email address',
        body: OneClick,
        response: { 200: HtmlPage, 400: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 413: ProblemSchema, 415: ProblemSchema },
      },
      preValidation: requireSignedLink,
    },
    async (request, reply) => {
      const { messageId } = request.params;
      const message = await readMessage(messageId);
      // Only the first opt-out is recorded; a repeat (the provider retrying, the debtor clicking
      // twice) finds it set and answers the same page.
      const { rowCount } = await db.query(`update contact_points set opted_out_at = now(), updated_at = now() where id = $1 and opted_out_at is null`, [message.contact_point_id]);
      const recorded = (rowCount ?? 0) > 0;
      if (recorded) log.info({ messageId, contactPointId: message.contact_point_id }, 'email opt-out recorded (one-click unsubscribe)');
      return reply.headers(headers).send(page(request, message.locale, recorded ? 'done' : 'already'));
    },
  );
}
