import fp from 'fastify-plugin';
import type { FastifyRequest } from 'fastify';
import { findActiveApiKey } from '../store/api-keys-repo.ts';
import { HttpProblem, problem } from '../http/problem.ts';

declare module 'fastify' {
  interface FastifyInstance {
    requireApiKey: (request: FastifyRequest) => Promise<void>;
  }
  interface FastifyRequest {
    apiKeyId?: string;
    /** Who is acting: the API key's name (staff accounts arrive with the console). */
    actor?: string;
  }
}

const UNAUTHORIZED = problem(401, 'api-key-required', 'An API key is required', 'Send it as "Authorization: Bearer <key>".');

function presentedKey(request: FastifyRequest): string | null {
  const auth = request.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7).trim();
  const header = request.headers['x-api-key'];
  return typeof header === 'string' ? header.trim() : null;
}

/** REST routes call `app.requireApiKey` as an onRequest hook; keys are stored as hashes only. */
export default fp(
  async (app) => {
    app.decorate('requireApiKey', async (request: FastifyRequest) => {
      const key = presentedKey(request);
      if (!key) throw new HttpProblem(UNAUTHORIZED);
      const found = await findActiveApiKey(app.services.db, key);
      if (!found) throw new HttpProblem(problem(401, 'api-key-invalid', 'The API key is unknown or revoked'));
      request.apiKeyId = found.id;
      request.actor = found.name;
    });
  },
  { name: 'api-key-auth', dependencies: ['services'] },
);
