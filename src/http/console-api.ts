import type { FastifyInstance } from 'fastify';
import type { CaseEvent } from '../domain/case-event.ts';
import type { TemplateStore } from '../rendering/template-store.ts';
import catalogueRoutes from './catalogue-routes.ts';
import caseRoutes from './case-routes.ts';
import auditRoutes from './audit-routes.ts';
import policyRoutes from './policy-routes.ts';
import operationsRoutes from './operations-routes.ts';

/** The routes the compliance console reads beside the REST API: catalogue, cases, audit, policy, operations. */
export default async function consoleApi(app: FastifyInstance, opts: { templates: TemplateStore; fixtures: ReadonlyArray<{ name: string; event: CaseEvent }> }): Promise<void> {
  await app.register(catalogueRoutes, opts);
  await app.register(caseRoutes);
  await app.register(auditRoutes, { templates: opts.templates });
  await app.register(policyRoutes);
  await app.register(operationsRoutes);
}
