import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type, type TSchema } from 'typebox';
import { CHANNELS } from '../domain/case-event.ts';
import { ROLES } from '../domain/staff.ts';
import type { TemplateStore } from '../rendering/template-store.ts';
import {
  auditFacets,
  DECISION_COLUMNS,
  decodeMessageCursor,
  listDecisions,
  listMessages,
  MESSAGE_COLUMNS,
  MESSAGE_STATUSES,
  moreDecisionsThan,
  moreMessagesThan,
  type DecisionFilter,
  type MessageFilter,
} from '../store/audit-repo.ts';
import { csvStream, fileStamp } from './csv.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// Auditors' search over what the policy decided and what was sent, as pages of JSON or as one
// CSV file. Facts only: rules, reasons in plain words, statuses and ids; no message bodies, no
// addresses, no names (the CSV goes to spreadsheets and e-mail attachments).

/** An export stops here and says so (X-Truncated): larger periods are exported in parts. */
export const CSV_ROW_CAP = 100_000;
const CSV_PAGE = 5_000;

const OUTCOMES = ['allow', 'defer', 'block'] as const;
const STAGES = ['plan', 'dispatch'] as const;

const Instant = Type.String({ format: 'date-time' });
const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()]);
const common = {
  from: Type.Optional(Instant),
  to: Type.Optional(Instant),
  country: Type.Optional(Type.String({ pattern: '^[A-Z]{2}$' })),
  channel: Type.Optional(Type.Enum(CHANNELS)),
  limit: Type.Optional(Type.String({ pattern: '^([1-9][0-9]?|[1-4][0-9]{2}|500)$', description: '1–500, default 50' })),
  format: Type.Optional(Type.Literal('csv')),
};

const DecisionQuery = Type.Object(
  {
    ...common,
    rule: Type.Optional(Type.String({ pattern: '^[a-z][a-zA-Z0-9.-]{0,80}$' })),
    outcome: Type.Optional(Type.Enum(OUTCOMES)),
    stage: Type.Optional(Type.Enum(STAGES)),
    before: Type.Optional(Type.String({ pattern: '^[1-9][0-9]{0,17}$', description: 'the `next` of the previous page' })),
  },
  { additionalProperties: false },
);

const MessageQuery = Type.Object(
  {
    ...common,
    status: Type.Optional(Type.Enum(MESSAGE_STATUSES)),
    template: Type.Optional(Type.String({ pattern: '^[a-z][a-z-]{0,62}$' })),
    before: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_-]{1,400}$', description: 'the `next` of the previous page' })),
  },
  { additionalProperties: false },
);

const Decision = Type.Object({
  id: Type.String(),
  decidedAt: Instant,
  caseId: Type.String(),
  messageId: Type.String(),
  country: Nullable(Type.String()),
  stage: Type.String(),
  channel: Nullable(Type.String()),
  outcome: Type.String(),
  rule: Type.String(),
  reason: Type.String(),
  policyVersion: Type.String(),
  deferUntil: Nullable(Instant),
});

const Message = Type.Object({
  id: Type.String(),
  createdAt: Instant,
  caseId: Type.String(),
  country: Nullable(Type.String()),
  channel: Nullable(Type.String()),
  template: Nullable(Type.String()),
  templateVersion: Nullable(Type.String()),
  locale: Nullable(Type.String()),
  status: Type.String(),
  segments: Nullable(Type.Integer()),
  lastErrorCode: Nullable(Type.String()),
});

const pageOf = <T extends TSchema>(item: T) => Type.Object({ items: Type.Array(item), next: Nullable(Type.String()) });
const errors = { 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema };

function checkRange(from: string | undefined, to: string | undefined): void {
  if (from && to && Date.parse(from) >= Date.parse(to)) {
    throw new HttpProblem(problem(400, 'invalid-range', 'The range is empty', '`from` must be before `to`.', { errors: [{ pointer: '/from', detail: 'must be before /to' }] }));
  }
}

/** The filters with the query's own words, for the audit row (never personal data: ids, codes, instants). */
function filtersOf<T extends Record<string, string | undefined>>(query: T, keys: ReadonlyArray<keyof T>): Partial<T> {
  const out: Partial<T> = {};
  for (const k of keys) if (query[k] !== undefined) out[k] = query[k];
  return out;
}

async function* pages<T>(page: (before: string | undefined) => Promise<{ items: T[]; next: string | null }>, cap: number): AsyncGenerator<T> {
  let before: string | undefined;
  let sent = 0;
  do {
    const { items, next } = await page(before);
    for (const item of items.slice(0, cap - sent)) yield item;
    sent += items.length;
    before = next ?? undefined;
  } while (before && sent < cap);
}

function sendCsv<T extends object>(reply: FastifyReply, name: string, columns: readonly (keyof T & string)[], rows: AsyncIterable<T>, truncated: boolean): FastifyReply {
  async function* cells(): AsyncGenerator<unknown[]> {
    for await (const row of rows) yield columns.map((c) => row[c]);
  }
  reply.header('content-type', 'text/csv; charset=utf-8; header=present');
  reply.header('content-disposition', `attachment; filename="${name}"`);
  reply.header('cache-control', 'no-store');
  if (truncated) reply.header('x-truncated', 'true');
  return reply.send(csvStream(columns, cells()));
}

export default async function auditRoutes(app: FastifyInstance, opts: { templates: TemplateStore }): Promise<void> {
  const { db, packs } = app.services;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['audit'];
  const security = [{ bearer: [] }];

  const note = (request: FastifyRequest, filters: Record<string, unknown>, csv: boolean) => {
    request.auditTarget = filters;
    if (csv) request.auditAction = 'audit.export';
  };

  api.get(
    '/v1/audit/decisions',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.auditors, action: 'audit.search' },
      schema: {
        summary: 'The policy’s decisions, newest first, filtered; `format=csv` exports every match (up to 100,000)',
        tags,
        security,
        querystring: DecisionQuery,
        response: { 200: pageOf(Decision), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      checkRange(q.from, q.to);
      const filter: DecisionFilter = filtersOf(q, ['from', 'to', 'country', 'rule', 'outcome', 'channel', 'stage']);
      note(request, { ...filter }, q.format === 'csv');
      if (q.format === 'csv') {
        const truncated = await moreDecisionsThan(db, filter, CSV_ROW_CAP);
        const rows = pages((before) => listDecisions(db, filter, { limit: CSV_PAGE, ...(before ? { before } : {}) }), CSV_ROW_CAP);
        return sendCsv(reply, `decisions-${fileStamp(q.from, 'start')}-${fileStamp(q.to, 'now')}.csv`, DECISION_COLUMNS, rows, truncated);
      }
      return listDecisions(db, filter, { limit: Number(q.limit ?? 50), ...(q.before ? { before: q.before } : {}) });
    },
  );

  api.get(
    '/v1/audit/messages',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.auditors, action: 'audit.search' },
      schema: {
        summary: 'Messages, newest first, filtered (no bodies, no addresses); `format=csv` exports every match (up to 100,000)',
        tags,
        security,
        querystring: MessageQuery,
        response: { 200: pageOf(Message), ...errors },
      },
    },
    async (request, reply) => {
      const q = request.query;
      checkRange(q.from, q.to);
      const before = q.before ? decodeMessageCursor(q.before) : undefined;
      if (before === null) throw new HttpProblem(problem(400, 'invalid-cursor', 'The page cursor is not one this service gave', 'Use the `next` of the previous page.', { errors: [{ pointer: '/before', detail: 'is not a cursor' }] }));
      const filter: MessageFilter = filtersOf(q, ['from', 'to', 'country', 'channel', 'status', 'template']);
      note(request, { ...filter }, q.format === 'csv');
      if (q.format === 'csv') {
        const truncated = await moreMessagesThan(db, filter, CSV_ROW_CAP);
        const rows = pages((cursor) => {
          const at = cursor ? decodeMessageCursor(cursor) : null;
          return listMessages(db, filter, { limit: CSV_PAGE, ...(at ? { before: at } : {}) });
        }, CSV_ROW_CAP);
        return sendCsv(reply, `messages-${fileStamp(q.from, 'start')}-${fileStamp(q.to, 'now')}.csv`, MESSAGE_COLUMNS, rows, truncated);
      }
      return listMessages(db, filter, { limit: Number(q.limit ?? 50), ...(before ? { before } : {}) });
    },
  );

  api.get(
    '/v1/audit/facets',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.auditors },
      schema: {
        summary: 'The values the audit filters can take',
        tags,
        security,
        response: {
          200: Type.Object({
            rules: Type.Array(Type.String()),
            countries: Type.Array(Type.String()),
            channels: Type.Array(Type.String()),
            outcomes: Type.Array(Type.String()),
            statuses: Type.Array(Type.String()),
            templates: Type.Array(Type.String()),
          }),
          401: ProblemSchema,
          403: ProblemSchema,
        },
      },
    },
    async () => {
      const seen = await auditFacets(db);
      return {
        rules: seen.rules,
        // The packs' countries, and any other a case came from.
        countries: [...new Set([...packs.countries(), ...seen.countries])].sort(),
        channels: [...CHANNELS],
        outcomes: [...OUTCOMES],
        statuses: [...MESSAGE_STATUSES],
        templates: Object.keys(opts.templates.catalogue.manifest.templates).sort(),
      };
    },
  );
}
