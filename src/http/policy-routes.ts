import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ROLES } from '../domain/staff.ts';
import { ProblemSchema } from './problem.ts';

// The contact rules as they are in force, country by country, with the sources each section
// cites (policy/packs/*.yaml) and the operator's override files that change them. With a
// creditor or portfolio the packs are the ones its cases get (overrides applied).

const Id = Type.String({ minLength: 1, maxLength: 128, pattern: '^[A-Za-z0-9][A-Za-z0-9._/-]*$' });

const PackEntry = Type.Object({
  country: Type.String(),
  id: Type.String(),
  timeZone: Type.String(),
  pack: Type.Object({}, { additionalProperties: true }),
  sources: Type.Array(Type.Object({ id: Type.String(), kind: Type.String(), text: Type.String() })),
  overrides: Type.Array(Type.Object({ name: Type.String(), version: Type.String() })),
});

export default async function policyRoutes(app: FastifyInstance): Promise<void> {
  app.withTypeProvider<TypeBoxTypeProvider>().get(
    '/v1/policy/packs',
    {
      onRequest: app.requireCaller,
      config: { staffRoles: ROLES.anyStaff },
      schema: {
        summary: 'The policy packs in force, with their sources and the overrides that change them',
        tags: ['policy'],
        security: [{ bearer: [] }],
        querystring: Type.Object({ creditor: Type.Optional(Id), portfolio: Type.Optional(Id) }, { additionalProperties: false }),
        response: { 200: Type.Object({ packs: Type.Array(PackEntry) }), 400: ProblemSchema, 401: ProblemSchema },
      },
    },
    async (request) => {
      const { creditor = '', portfolio = null } = request.query;
      const { packs } = app.services;
      const overrides = packs.overrides();
      const entries = packs
        .countries()
        .sort()
        .flatMap((country) => {
          const pack = packs.resolve({ country, creditorId: creditor, portfolio });
          if (!pack) return [];
          return [
            {
              country,
              id: pack.id,
              timeZone: pack.timeZone,
              pack,
              sources: Object.entries(pack.sources).map(([id, s]) => ({ id, kind: s.kind, text: s.text })),
              overrides: overrides.filter((o) => o.countries.includes(country) || o.countries.includes('*')).map(({ name, version }) => ({ name, version })),
            },
          ];
        });
      return { packs: entries };
    },
  );
}
