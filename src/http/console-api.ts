import type { FastifyInstance } from 'fastify';
import type { CaseEvent } from '../domain/case-event.ts';
import type { TemplateStore } from '../rendering/template-store.ts';

/** The routes the compliance console reads beside the REST API: catalogue, cases, audit, policy, operations. */
export default async function consoleApi(_app: FastifyInstance, _opts: { templates: TemplateStore; fixtures: ReadonlyArray<{ name: string; event: CaseEvent }> }): Promise<void> {}
