import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ROLES, type StaffMember } from '../domain/staff.ts';
import { signIn } from '../console/staff-accounts.ts';
import { createSession, deleteSession, findSession, recordStaffAction } from '../store/staff-repo.ts';
import { crossSite, SESSION_COOKIE, SESSION_IDLE_MS, SESSION_LIFETIME_MS, sessionCookieOptions } from '../plugins/caller-auth.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

const Member = Type.Object({ id: Type.String(), username: Type.String(), displayName: Type.String(), roles: Type.Array(Type.String()), locale: Type.String() });
const SessionView = Type.Object({ user: Member, csrfToken: Type.String() });
const tags = ['staff'];

const view = (m: StaffMember, csrfToken: string) => ({ user: { id: m.id, username: m.username, displayName: m.displayName, roles: m.roles, locale: m.locale }, csrfToken });

/**
 * The console's sign-in. A session is a random token in an HttpOnly, SameSite=Strict cookie; a
 * new one is issued at every sign-in and whatever cookie came with the request is ended, so a
 * session planted before sign-in (fixation) never becomes a signed-in one.
 */
export default async function staffSessionRoutes(app: FastifyInstance): Promise<void> {
  const { db, config } = app.services;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();

  api.get(
    '/v1/staff/session',
    { schema: { tags, summary: 'Who is signed in, and the CSRF token for changes', response: { 200: SessionView, 401: ProblemSchema } } },
    async (request) => {
      const token = request.cookies[SESSION_COOKIE];
      const session = token ? await findSession(db, token, SESSION_IDLE_MS) : null;
      if (!session) throw new HttpProblem(problem(401, 'authentication-required', 'Not signed in'));
      return view(session.member, session.csrfToken);
    },
  );

  api.post(
    '/v1/staff/session',
    {
      schema: {
        tags,
        summary: 'Sign in',
        body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 63 }), password: Type.String({ minLength: 1, maxLength: 1024 }) }, { additionalProperties: false }),
        response: { 200: SessionView, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 429: ProblemSchema },
      },
    },
    async (request, reply) => {
      // A login form posted from another site could sign a victim into the attacker's account.
      if (crossSite(request)) throw new HttpProblem(problem(403, 'csrf', 'Sign in from the console itself'));
      const previous = request.cookies[SESSION_COOKIE];
      if (previous) await deleteSession(db, previous);
      const result = await signIn(db, request.body.username, request.body.password, request.ip);
      const attempted = request.body.username.trim().toLowerCase().slice(0, 63);
      if (!result.ok) {
        await recordStaffAction(db, { actor: attempted, action: result.reason === 'throttled' ? 'staff.sign-in-throttled' : 'staff.sign-in-failed', method: 'POST', route: '/v1/staff/session', status: result.reason === 'throttled' ? 429 : 401, ip: request.ip });
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        if (result.reason === 'throttled') {
          reply.header('retry-after', String(result.retryAfterSeconds));
          throw new HttpProblem(problem(429, 'sign-in-throttled', 'Too many failed sign-ins', `Wait ${Math.ceil(result.retryAfterSeconds / 60)} minute(s) and try again, or ask an admin.`));
        }
        throw new HttpProblem(problem(401, 'sign-in-failed', 'The username or password is wrong'));
      }
      const { token, csrfToken } = await createSession(db, result.account.id, request.ip, SESSION_LIFETIME_MS);
      await recordStaffAction(db, { actor: result.account.username, action: 'staff.sign-in', method: 'POST', route: '/v1/staff/session', status: 200, ip: request.ip });
      reply.setCookie(SESSION_COOKIE, token, sessionCookieOptions(request, SESSION_LIFETIME_MS / 1000, config.console.secureCookies));
      return view(result.account, csrfToken);
    },
  );

  api.delete(
    '/v1/staff/session',
    { onRequest: app.requireCaller, config: { staffRoles: ROLES.anyStaff, action: 'staff.sign-out' }, schema: { tags, summary: 'Sign out', response: { 204: Type.Null(), 401: ProblemSchema, 403: ProblemSchema } } },
    async (request, reply) => {
      const token = request.cookies[SESSION_COOKIE];
      if (token) await deleteSession(db, token);
      reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.code(204).send(null);
    },
  );
}
