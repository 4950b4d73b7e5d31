import fp from 'fastify-plugin';
import type { Services } from '../services.ts';

declare module 'fastify' {
  interface FastifyInstance {
    services: Services;
  }
}

/** Makes the process's services available to every route as `app.services`. */
export default fp<{ services: Services }>(
  async (app, opts) => {
    app.decorate('services', opts.services);
  },
  { name: 'services' },
);
