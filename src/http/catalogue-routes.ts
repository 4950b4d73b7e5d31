import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { CHANNELS, type Channel } from '../domain/case-event.ts';
import { ROLES } from '../domain/staff.ts';
import { checkCandidateRendering } from '../rendering/catalogue-check.ts';
import { assertChannelParts, assertDeclared } from './template-key.ts';
import { LANGUAGE_OF_COUNTRY, MAX_PART_CHARS } from '../rendering/catalogue.ts';
import { locateProblems, type LocatedProblem } from '../rendering/located-problems.ts';
import { segmentBudget, smsPreview } from '../rendering/sms-preview.ts';
import { contentTemplatePreview, fixturesFor, renderSamples, type RenderedSample, type SampleFixture } from '../rendering/template-preview.ts';
import type { TemplateStore } from '../rendering/template-store.ts';
import { catalogueOverview } from '../store/catalogue-overview-repo.ts';
import { getVersion } from '../store/template-versions-repo.ts';
import { letterPdfPreviews } from './letter-pdf-preview.ts';
import { HttpProblem, problem, ProblemSchema } from './problem.ts';

// The catalogue for the console: every template with its state per channel and language, and
// previews of text still being written (checks located by part and line, each country's sample
// rendered, SMS encoding and segments, the WhatsApp template, the letter's page and its PDF).
// Rendered HTML is returned as data: showing it safely (a sandboxed frame) is the console's job.

const SAMPLES = ['PL', 'FI', 'IT', 'NL'] as const;
const Key = { template: Type.String({ pattern: '^[a-z][a-z-]{0,62}$' }), locale: Type.String({ pattern: '^[a-z]{2}$' }) };
const KeyParams = Type.Object({ ...Key, channel: Type.Enum(CHANNELS) });
const LetterParams = Type.Object(Key);
const Parts = Type.Record(Type.String({ pattern: '^(body|subject|html|text)$' }), Type.String({ maxLength: MAX_PART_CHARS }));
const PreviewBody = Type.Object({ parts: Parts, sample: Type.Optional(Type.Enum(SAMPLES)) }, { additionalProperties: false });
const PdfBody = Type.Object({ parts: Parts, sample: Type.Enum(SAMPLES) }, { additionalProperties: false });

const Located = Type.Object({ part: Type.Union([Type.String(), Type.Null()]), line: Type.Union([Type.Integer(), Type.Null()]), problem: Type.String() });
const Sample = Type.Object({ sample: Type.String(), country: Type.String(), parts: Type.Record(Type.String(), Type.String()) }, { additionalProperties: true });
const Overview = Type.Object({
  languages: Type.Array(Type.String()),
  channels: Type.Array(Type.String()),
  templates: Type.Array(
    Type.Object({
      template: Type.String(),
      description: Type.Union([Type.String(), Type.Null()]),
      channels: Type.Array(Type.String()),
      readsRestricted: Type.Boolean(),
      entries: Type.Array(Type.Object({}, { additionalProperties: true })),
    }),
  ),
});

export default async function catalogueRoutes(app: FastifyInstance, opts: { templates: TemplateStore; fixtures: readonly SampleFixture[] }): Promise<void> {
  const { db } = app.services;
  const { catalogue } = opts.templates;
  const { manifest } = catalogue;
  const api = app.withTypeProvider<TypeBoxTypeProvider>();
  const tags = ['templates'];
  const security = [{ bearer: [] }];
  const config = { staffRoles: ROLES.anyStaff };
  // Previews change nothing and come with every pause in typing: not actions for the staff audit.
  const previewConfig = { staffRoles: ROLES.anyStaff, audit: false as const };
  const pdf = letterPdfPreviews(app);

  const declared = (template: string, channel: Channel, locale: string) => assertDeclared(manifest, template, channel, locale);
  const doesNotCompile = (problems: LocatedProblem[]) =>
    new HttpProblem(problem(422, 'template-does-not-compile', 'The template does not compile', problems[0]?.problem, { problems }));

  const liveSample = (template: string, channel: Channel, locale: string, s: RenderedSample) => {
    const base = { sample: s.sample, country: s.country };
    if (!s.message) return { ...base, parts: {}, error: s.error ?? 'render failed' };
    const parts = s.message.parts;
    switch (channel) {
      case 'sms':
        return { ...base, parts, sms: smsPreview(s.message, segmentBudget(manifest, template, locale)) };
      case 'whatsapp':
        return { ...base, parts, whatsapp: { freeText: parts.body ?? '', template: contentTemplatePreview(catalogue, template, locale, s) } };
      case 'letter':
        return { ...base, parts, ...(s.page !== undefined ? { letterPage: s.page } : {}) };
      case 'email':
        return { ...base, parts };
    }
  };

  api.get(
    '/v1/templates',
    { onRequest: app.requireCaller, config, schema: { summary: 'The catalogue: every template, its channels and languages, active and newest versions', tags, security, response: { 200: Overview, 401: ProblemSchema } } },
    async () => {
      const state = await catalogueOverview(db);
      return {
        languages: [...manifest.languages],
        channels: [...CHANNELS],
        templates: Object.entries(manifest.templates).map(([template, spec]) => ({
          template,
          description: spec.description.trim() || null,
          channels: [...spec.channels],
          readsRestricted: spec.reads !== undefined,
          entries: spec.channels.flatMap((channel) =>
            manifest.languages.map((locale) => {
              const found = state.get(`${channel}/${template}.${locale}`);
              return { channel, locale, active: found?.active ?? null, latest: found?.latest ?? null, awaitingReview: found?.awaitingReview ?? 0 };
            }),
          ),
        })),
      };
    },
  );

  api.post(
    '/v1/templates/:template/:channel/:locale/preview',
    {
      onRequest: app.requireCaller,
      config: previewConfig,
      schema: {
        summary: 'Check and render text not yet saved, with each country’s sample data (or one: `sample`)',
        tags,
        security,
        params: KeyParams,
        body: PreviewBody,
        response: { 200: Type.Object({ problems: Type.Array(Located), samples: Type.Array(Sample) }), 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema },
      },
    },
    async (request) => {
      const { template, channel, locale } = request.params;
      const { parts, sample } = request.body;
      declared(template, channel, locale);
      assertChannelParts(channel, parts);
      const checked = checkCandidateRendering(catalogue, { template, channel, lang: locale }, parts, opts.fixtures);
      const problems = locateProblems(checked.problems, channel, parts);
      // Compiled under the label the check used: the compilation is cached, not repeated.
      const compiled = catalogue.compileParts(template, channel, locale, parts, 'candidate');
      if (compiled.problems.length) return { problems, samples: [] };
      // The checks rendered every sample already; only one that failed there is tried again.
      const already = new Map(checked.rendered.map((r) => [r.fixture, r.message]));
      const rendered = renderSamples(catalogue, { template, channel, locale }, compiled.parts, 'preview', fixturesFor(opts.fixtures, sample), already);
      return { problems, samples: rendered.map((s) => liveSample(template, channel, locale, s)) };
    },
  );

  const sendPdf = (reply: FastifyReply, bytes: Buffer, name: string) =>
    reply.type('application/pdf').header('content-disposition', `inline; filename="${name}.pdf"`).header('cache-control', 'no-store').send(bytes);

  const letterOf = (s: RenderedSample | undefined) => {
    if (!s?.page) {
      const why = s?.error ?? 'no sample';
      throw new HttpProblem(problem(422, 'template-render-failed', 'The letter does not render with this sample', why, { problems: [{ part: 'html', line: null, problem: why }] }));
    }
    return s.page;
  };

  api.post(
    '/v1/templates/:template/letter/:locale/preview.pdf',
    {
      onRequest: app.requireCaller,
      config: previewConfig,
      schema: {
        summary: 'The PDF of a letter not yet saved, with one country’s sample data',
        tags,
        security,
        params: LetterParams,
        body: PdfBody,
        response: { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request, reply) => {
      const { template, locale } = request.params;
      const { parts, sample } = request.body;
      declared(template, 'letter', locale);
      assertChannelParts('letter', parts);
      const compiled = catalogue.compileParts(template, 'letter', locale, parts, 'candidate');
      if (compiled.problems.length) throw doesNotCompile(locateProblems(compiled.problems.map((p) => ({ where: p.file, problem: p.problem })), 'letter', parts));
      const [rendered] = renderSamples(catalogue, { template, channel: 'letter', locale }, compiled.parts, 'preview', fixturesFor(opts.fixtures, sample));
      return sendPdf(reply, await pdf.render(letterOf(rendered)), `${template}.${locale}.${sample}`);
    },
  );

  api.get(
    '/v1/template-versions/:id/preview.pdf',
    {
      onRequest: app.requireCaller,
      config,
      schema: {
        summary: 'The PDF of a letter version, with one country’s sample data (by default the version’s language’s)',
        tags,
        security,
        params: Type.Object({ id: Type.String({ pattern: '^[1-9][0-9]{0,17}$' }) }),
        querystring: Type.Object({ sample: Type.Optional(Type.Enum(SAMPLES)) }, { additionalProperties: false }),
        response: { 400: ProblemSchema, 401: ProblemSchema, 404: ProblemSchema, 422: ProblemSchema, 503: ProblemSchema },
      },
    },
    async (request, reply) => {
      const v = await getVersion(db, request.params.id);
      if (!v) throw new HttpProblem(problem(404, 'version-not-found', 'No such template version'));
      if (v.channel !== 'letter') throw new HttpProblem(problem(404, 'not-a-letter', 'Only a letter has a PDF', `Version ${v.id} is a ${v.channel} template; its preview is GET /v1/template-versions/${v.id}/preview.`));
      const sample = request.query.sample ?? Object.entries(LANGUAGE_OF_COUNTRY).find(([, lang]) => lang === v.locale)?.[0];
      const compiled = catalogue.compileParts(v.template, 'letter', v.locale, v.parts, `version ${v.id}`);
      if (compiled.problems.length) throw doesNotCompile(locateProblems(compiled.problems.map((p) => ({ where: p.file, problem: p.problem })), 'letter', v.parts));
      const fixtures = fixturesFor(opts.fixtures, sample);
      const [rendered] = renderSamples(catalogue, { template: v.template, channel: 'letter', locale: v.locale }, compiled.parts, `v${v.id}`, fixtures.length ? fixtures : opts.fixtures.slice(0, 1));
      return sendPdf(reply, await pdf.render(letterOf(rendered)), `${v.template}.${v.locale}.v${v.number}.${rendered?.country ?? ''}`);
    },
  );
}
