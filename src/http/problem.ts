import type { FastifyError, FastifyInstance, FastifyReply } from 'fastify';
import { Type } from 'typebox';

// RFC 9457 problem details: every 4xx and 5xx leaves as application/problem+json.

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), detail: Type.String() }))),
  },
  { $id: 'Problem', additionalProperties: true },
);

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail?: string;
  instance?: string;
  errors?: Array<{ pointer: string; detail: string }>;
  [extension: string]: unknown;
}

const BASE = 'https://problems.debtor-comms.dev/';

export function problem(status: number, slug: string, title: string, detail?: string, extra?: Partial<Problem>): Problem {
  return { type: `${BASE}${slug}`, title, status, ...(detail ? { detail } : {}), ...extra };
}

export function sendProblem(reply: FastifyReply, p: Problem): FastifyReply {
  return reply.code(p.status).type('application/problem+json').send(p);
}

/** An error a route throws to answer with a given problem; never logged as a failure. */
export class HttpProblem extends Error {
  readonly problem: Problem;
  constructor(p: Problem) {
    super(p.title);
    this.problem = p;
  }
}

interface ValidationIssue {
  instancePath?: string;
  params?: Record<string, unknown>;
  message?: string;
}

function pointerOf(issue: ValidationIssue): string {
  const base = issue.instancePath ?? '';
  const missing = issue.params?.missingProperty ?? issue.params?.requiredProperties;
  if (typeof missing === 'string') return `${base}/${missing}`;
  if (Array.isArray(missing) && typeof missing[0] === 'string') return `${base}/${missing[0]}`;
  const extra = issue.params?.additionalProperty;
  if (typeof extra === 'string') return `${base}/${extra}`;
  return base || '/';
}

export function validationProblem(issues: readonly ValidationIssue[], context: string | undefined): Problem {
  const errors = issues.slice(0, 20).map((i) => ({ pointer: pointerOf(i), detail: i.message ?? 'is invalid' }));
  const where = context === 'body' || !context ? '' : ` (${context})`;
  const first = errors[0];
  const detail = first ? `${first.pointer} ${first.detail}${errors.length > 1 ? ` (and ${errors.length - 1} more)` : ''}` : 'the request is invalid';
  return problem(400, 'invalid-request', `The request does not match the schema${where}`, detail, { errors });
}

export function registerProblemHandlers(app: FastifyInstance): void {
  app.setNotFoundHandler((request, reply) => {
    sendProblem(reply, problem(404, 'not-found', 'Not found', `${request.method} ${request.url.split('?')[0]} is not a route of this service`));
  });

  app.setErrorHandler((error: FastifyError | HttpProblem, request, reply) => {
    if (error instanceof HttpProblem) return sendProblem(reply, error.problem);
    if (error.validation) return sendProblem(reply, validationProblem(error.validation, error.validationContext));
    const status = error.statusCode ?? 500;
    if (status === 413) return sendProblem(reply, problem(413, 'payload-too-large', 'The body is too large', 'Bodies are limited to 256 KiB.'));
    if (status === 415) return sendProblem(reply, problem(415, 'unsupported-media-type', 'Unsupported media type', 'Send application/json.'));
    if (status === 400 && error.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') return sendProblem(reply, problem(400, 'invalid-json', 'The body is empty'));
    if (status >= 400 && status < 500) return sendProblem(reply, problem(status, 'bad-request', 'The request cannot be processed', error.code));
    request.log.error({ err: error }, 'request failed');
    return sendProblem(reply, problem(500, 'internal', 'Something went wrong on our side', 'The request was not processed; it is safe to retry.'));
  });
}
