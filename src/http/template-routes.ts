import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CHANNELS, type Channel } from '../domain/case-event.ts';
import type { CaseEvent } from '../domain/case-event.ts';
import { checkCandidate } from '../rendering/catalogue-check.ts';
import { renderSamples, versionPreviewSample } from '../rendering/template-preview.ts';
import { MAX_PART_CHARS } from '../rendering/catalogue.ts';
import type { TemplateStore } from '../rendering/template-store.ts';
import { activateVersion, createDraft, getVersion, listVersions, reviewVersion, submitVersion, type TemplateVersion } from '../store/template-versions-repo.ts';
import { ROLES } from '../domain/staff.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';
import { assertChannelParts, assertDeclared } from './template-key.ts';

const KeyParams = Type.Object({
  template: Type.String({ pattern: '^[a-z][a-z-]{0,62}$' }),
  channel: Type.Enum(CHANNELS),
  locale: Type.String({ pattern: '^[a-z]{2}$' }),
});
const IdParams = Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) });
const Version = Type.Object({}, { additionalProperties: true });

const present = (v: TemplateVersion) => ({ ...v, createdAt: v.createdAt.toISOString() });

/**
 * Template versions: draft → submitted (only if every check passes) → approved by someone other
 * than the author → active; activating an older approved version is a rollback. Every step is a
 * row, so the history stays readable.
 */
export default async function templateRoutes(app: FastifyInstance, opts: { templates: TemplateStore; fixtures: ReadonlyArray<{ name: string; event: CaseEvent }> }): Promise<void> {
  const { db } = app.services;
  const { catalogue } = opts.templates;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const common = { onRequest: app.requireCaller };

  const declared = (template: string, channel: Channel, locale: string) => assertDeclared(catalogue.manifest, template, channel, locale);
  const version = async (id: string) => {
    const found = await getVersion(db, id);
    if (!found) throw new HttpProblem(problem(404, 'version-not-found', 'No such template version'));
    return found;
  };

  api.get('/v1/templates/:template/:channel/:locale/versions', { ...common, config: { staffRoles: ROLES.anyStaff }, schema: { tags: ['templates'], summary: 'A template’s versions, newest first', params: KeyParams, response: { 200: Type.Object({ versions: Type.Array(Version) }), 404: ProblemSchema } } }, async (request) => {
    const { template, channel, locale } = request.params;
    declared(template, channel, locale);
    return { versions: (await listVersions(db, { template, channel, locale })).map(present) };
  });

  api.post(
    '/v1/templates/:template/:channel/:locale/versions',
    {
      ...common,
      config: { staffRoles: ROLES.editors, action: 'template.draft' },
      schema: {
        tags: ['templates'],
        summary: 'Create a draft version',
        params: KeyParams,
        body: Type.Object({ parts: Type.Record(Type.String({ pattern: '^(body|subject|html|text)$' }), Type.String({ maxLength: MAX_PART_CHARS })) }, { additionalProperties: false }),
        response: { 201: Version, 400: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { template, channel, locale } = request.params;
      declared(template, channel, locale);
      assertChannelParts(channel, request.body.parts);
      // Errors at save time: a draft must at least compile under the catalogue's rules.
      const compiled = catalogue.compileParts(template, channel, locale, request.body.parts, 'draft');
      if (compiled.problems.length) {
        throw new HttpProblem(
          problem(422, 'template-does-not-compile', 'The template does not compile', compiled.problems[0]?.problem, {
            problems: compiled.problems.map((p) => ({ where: p.file, problem: p.problem })),
          }),
        );
      }
      const draft = await createDraft(db, { template, channel, locale }, request.body.parts, request.actor ?? 'unknown');
      return reply.code(201).send(present(draft));
    },
  );

  api.post('/v1/template-versions/:id/submit', { ...common, config: { staffRoles: ROLES.editors, action: 'template.submit' }, schema: { tags: ['templates'], summary: 'Submit a draft for review (runs the checks)', params: IdParams, response: { 200: Version, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema } } }, async (request) => {
    const v = await version(request.params.id);
    if (v.status !== 'draft') throw new HttpProblem(problem(409, 'not-a-draft', 'Only a draft can be submitted', `This version is ${v.status}.`));
    const problems = checkCandidate(catalogue, { template: v.template, channel: v.channel as Channel, lang: v.locale }, v.parts, opts.fixtures);
    await submitVersion(db, v.id, problems);
    if (problems.length) {
      throw new HttpProblem(problem(422, 'template-checks-failed', 'The version does not pass the checks', `${problems.length} problem(s); it stays a draft.`, { problems }));
    }
    return present(await version(v.id));
  });

  for (const [verb, approve] of [['approve', true], ['reject', false]] as const) {
    api.post(
      `/v1/template-versions/:id/${verb}`,
      { ...common, config: { staffRoles: ROLES.approvers, action: `template.${verb}` }, schema: { tags: ['templates'], summary: `${verb[0]?.toUpperCase()}${verb.slice(1)} a submitted version (not its author)`, params: IdParams, body: Type.Optional(Type.Object({ comment: Type.Optional(Type.String({ maxLength: 2000 })) })), response: { 200: Version, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema } } },
      async (request) => {
        const v = await version(request.params.id);
        const actor = request.actor ?? 'unknown';
        if (v.author === actor) throw new HttpProblem(problem(403, 'four-eyes', 'A version cannot be reviewed by its author', 'Ask a colleague to review it.'));
        if (v.status !== 'submitted') throw new HttpProblem(problem(409, 'not-submitted', 'Only a submitted version can be reviewed', `This version is ${v.status}.`));
        if (!(await reviewVersion(db, v.id, actor, approve, request.body?.comment ?? null))) throw new HttpProblem(problem(409, 'review-conflict', 'The version changed meanwhile'));
        return present(await version(v.id));
      },
    );
  }

  api.get(
    '/v1/template-versions/:id/preview',
    { ...common, config: { staffRoles: ROLES.anyStaff }, schema: { tags: ['templates'], summary: 'Render a version with each country’s sample data', params: IdParams, response: { 200: Type.Object({}, { additionalProperties: true }), 404: ProblemSchema, 422: ProblemSchema } } },
    async (request) => {
      const v = await version(request.params.id);
      const channel = v.channel as Channel;
      const compiled = catalogue.compileParts(v.template, channel, v.locale, v.parts, `version ${v.id}`);
      if (compiled.problems.length) throw new HttpProblem(problem(422, 'template-does-not-compile', 'The version does not compile', compiled.problems[0]?.problem));
      const samples = renderSamples(catalogue, { template: v.template, channel, locale: v.locale }, compiled.parts, `v${v.id}`, opts.fixtures).map((s) => versionPreviewSample(s, channel));
      const warnings = checkCandidate(catalogue, { template: v.template, channel, lang: v.locale }, v.parts, opts.fixtures);
      return { id: v.id, template: v.template, channel, locale: v.locale, status: v.status, samples, warnings };
    },
  );

  api.post('/v1/template-versions/:id/activate', { ...common, config: { staffRoles: ROLES.approvers, action: 'template.activate' }, schema: { tags: ['templates'], summary: 'Activate an approved version (an older one: a rollback)', params: IdParams, response: { 200: Version, 404: ProblemSchema, 409: ProblemSchema } } }, async (request) => {
    const v = await version(request.params.id);
    if (!(await activateVersion(db, v.id, request.actor ?? 'unknown'))) {
      throw new HttpProblem(problem(409, 'not-approved', 'Only an approved version can be activated', `This version is ${v.status}.`));
    }
    await opts.templates.refresh();
    return present(await version(v.id));
  });
}
