import fp from 'fastify-plugin';
import cookie from '@fastify/cookie';
import { timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { findActiveApiKey } from '../store/api-keys-repo.ts';
import { findSession, recordStaffAction, touchSession } from '../store/staff-repo.ts';
import { mayAct, type StaffMember, type StaffRole } from '../domain/staff.ts';
import { HttpProblem, problem } from '../http/problem.ts';

declare module 'fastify' {
  interface FastifyInstance {
    /** onRequest hook of every data route: an API key, or a staff session allowed by the route's `staffRoles`. */
    requireCaller: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    apiKeyId?: string;
    /** Who is acting: the API key's name, or the staff member's username. */
    actor?: string;
    staff?: StaffMember;
    /** What a route adds to the audit's target beside its parameters (ids and names, never personal data). */
    auditTarget?: Record<string, unknown>;
    /** The action, when one route does two (a search, or its CSV export). */
    auditAction?: string;
  }
  interface FastifyContextConfig {
    /** Which staff roles may call the route; without it, only API keys may. */
    staffRoles?: readonly StaffRole[];
    /** Names the action in the staff audit; reads with an action are audited too (who looked at a case). */
    action?: string;
    /** A POST that changes nothing (a live preview on every keystroke) is not an action to audit. */
    audit?: false;
  }
}

export const SESSION_COOKIE = 'dco_session';
export const CSRF_HEADER = 'x-csrf-token';
/** A session lives at most a working day, and ends after half an hour without a request. */
export const SESSION_LIFETIME_MS = 8 * 3600_000;
export const SESSION_IDLE_MS = 30 * 60_000;

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

const UNAUTHENTICATED = problem(401, 'authentication-required', 'Sign-in or an API key is required', 'Sign in to the console, or send an API key as "Authorization: Bearer <key>".');

function presentedKey(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : null;
}

const sameToken = (a: string, b: string): boolean => a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));

/** A browser names the page a request comes from; one from another site is refused outright. */
export function crossSite(request: FastifyRequest): boolean {
  const origin = request.headers.origin;
  if (typeof origin !== 'string' || origin === '') return request.headers['sec-fetch-site'] === 'cross-site';
  try {
    return new URL(origin).host !== new URL(`${request.protocol}://${request.headers.host ?? ''}`).host;
  } catch {
    return true;
  }
}

export function sessionCookieOptions(request: FastifyRequest, maxAgeSeconds: number, secure: boolean) {
  return { path: '/', httpOnly: true, sameSite: 'strict' as const, secure: secure || request.protocol === 'https', maxAge: maxAgeSeconds };
}

export default fp(
  async (app) => {
    await app.register(cookie);
    const { db } = app.services;

    app.decorate('requireCaller', async (request: FastifyRequest) => {
      const key = presentedKey(request);
      if (key) {
        const found = await findActiveApiKey(db, key);
        if (!found) throw new HttpProblem(problem(401, 'api-key-invalid', 'The API key is unknown or revoked'));
        request.apiKeyId = found.id;
        request.actor = found.name;
        return;
      }
      const token = request.cookies[SESSION_COOKIE];
      if (!token) throw new HttpProblem(UNAUTHENTICATED);
      const session = await findSession(db, token, SESSION_IDLE_MS);
      if (!session) throw new HttpProblem(problem(401, 'session-expired', 'The session has ended', 'Sign in again.'));
      if (!SAFE_METHODS.has(request.method)) {
        const presented = request.headers[CSRF_HEADER];
        if (crossSite(request) || typeof presented !== 'string' || !sameToken(presented, session.csrfToken)) {
          throw new HttpProblem(problem(403, 'csrf', 'The request did not come from the console', `Changes need the "${CSRF_HEADER}" header of this session.`));
        }
      }
      request.staff = session.member;
      request.actor = session.member.username;
      const allowed = request.routeOptions.config.staffRoles;
      if (!mayAct(session.member, allowed)) {
        throw new HttpProblem(
          problem(403, 'role-required', 'Your role does not allow this', allowed ? `It needs one of these roles: ${allowed.join(', ')}.` : 'Only an API key may call this route.'),
        );
      }
      if (Date.now() - session.lastSeenAt.getTime() > 60_000) await touchSession(db, token);
    });

    // Every change a caller makes, and every read of a debtor's data by staff, leaves a row: who,
    // what, when. Written before the answer leaves, so an answered action is an audited one.
    app.addHook('onSend', async (request: FastifyRequest, reply: FastifyReply, payload) => {
      const actor = request.staff ? request.staff.username : request.apiKeyId ? `key:${request.actor ?? request.apiKeyId}` : null;
      if (!actor) return payload;
      const { audit } = request.routeOptions.config;
      const action = request.auditAction ?? request.routeOptions.config.action;
      if (audit === false || (SAFE_METHODS.has(request.method) && !(request.staff && action))) return payload;
      try {
        await recordStaffAction(db, {
          actor,
          action: action ?? `${request.method} ${request.routeOptions.url ?? ''}`,
          method: request.method,
          route: request.routeOptions.url ?? null,
          target: { ...(request.params as Record<string, unknown> | undefined), ...request.auditTarget },
          status: reply.statusCode,
          ip: request.ip,
        });
      } catch (err) {
        request.log.error({ err }, 'staff action not audited');
      }
      return payload;
    });
  },
  { name: 'caller-auth', dependencies: ['services'] },
);
