// Rendering a template's parts with each country's sample data, for previews: of a stored
// version, and of text still being written. A sample that fails to render is reported as such;
// the others still show.

import type { CaseEvent, Channel } from '../domain/case-event.ts';
import { sampleFor } from './catalogue-check.ts';
import type { Catalogue, LoadedPart, RenderedMessage } from './catalogue.ts';
import { letterPage } from './letter-layout.ts';
import { buildRenderContext, type RenderEnvironment } from './render-context.ts';
import { previewTransliteration } from './transliteration.ts';

export interface SampleFixture {
  name: string;
  event: CaseEvent;
}

export interface PreviewKey {
  template: string;
  channel: Channel;
  locale: string;
}

export interface RenderedSample {
  sample: string;
  country: string;
  /** The sample event in the template's language, and the environment it was rendered in. */
  event: CaseEvent;
  environment: RenderEnvironment;
  message?: RenderedMessage;
  /** Letters: the whole A4 page (addresses, payment slip) around the body. */
  page?: string;
  error?: string;
}

/** The fixtures to preview with: all, or the one of a country. */
export const fixturesFor = (fixtures: readonly SampleFixture[], country: string | undefined): SampleFixture[] =>
  country ? fixtures.filter((f) => f.event.case.country === country) : [...fixtures];

/** `rendered`: messages the checks already rendered from the same parts, by fixture name. */
export function renderSamples(
  catalogue: Catalogue,
  key: PreviewKey,
  parts: ReadonlyMap<string, LoadedPart>,
  version: string,
  fixtures: readonly SampleFixture[],
  rendered?: ReadonlyMap<string, RenderedMessage>,
): RenderedSample[] {
  return fixtures.map((fixture) => {
    const { event, environment } = sampleFor(key.template, { ...fixture.event, debtor: { ...fixture.event.debtor, locale: key.locale } }, key.channel);
    const base = { sample: fixture.name, country: fixture.event.case.country, event, environment };
    try {
      const message = rendered?.get(fixture.name) ?? catalogue.renderWith(parts, version, key.template, key.channel, event, environment);
      // A letter is previewed on its A4 page, addresses placed for the envelope window.
      const page = key.channel === 'letter' ? { page: letterPage(message.parts.html ?? '', event, environment.sender, key.locale) } : {};
      return { ...base, message, ...page };
    } catch (err) {
      return { ...base, error: err instanceof Error ? err.message : 'render failed' };
    }
  });
}

/** A stored version's preview sample (GET /v1/template-versions/:id/preview). */
export function versionPreviewSample(s: RenderedSample, channel: Channel) {
  if (!s.message) return { sample: s.sample, country: s.country, error: s.error ?? 'render failed' };
  const m = s.message;
  const sms = channel === 'sms' ? { encoding: m.encoding, segments: m.segments, transliteration: previewTransliteration(m.parts.body ?? '') } : {};
  return { sample: s.sample, country: s.country, parts: m.parts, ...sms, ...(s.page !== undefined ? { page: s.page } : {}) };
}

interface ContentEntry {
  contentSid: string;
  variables: Record<string, string>;
  body: string;
}
const isContentEntry = (v: unknown): v is ContentEntry =>
  typeof v === 'object' && v !== null && typeof (v as ContentEntry).contentSid === 'string' && typeof (v as ContentEntry).body === 'string' && typeof (v as ContentEntry).variables === 'object' && (v as ContentEntry).variables !== null;

function textAt(context: Record<string, unknown>, path: string): string | null {
  let value: unknown = context;
  for (const key of path.split('.')) value = value && typeof value === 'object' && Object.hasOwn(value, key) ? (value as Record<string, unknown>)[key] : undefined;
  return value === undefined || value === null || typeof value === 'object' ? null : String(value);
}

/**
 * The approved WhatsApp Content template that goes outside the 24-hour window, with the sample's
 * values in its {{n}} placeholders (a placeholder without a value stays as it is); null if the
 * language has none for this template.
 */
export function contentTemplatePreview(catalogue: Catalogue, template: string, locale: string, sample: RenderedSample): { contentSid: string; body: string } | null {
  const entry = catalogue.contentTemplates.get(locale)?.[template];
  if (!isContentEntry(entry)) return null;
  const context = buildRenderContext(sample.event, sample.environment);
  const body = entry.body.replace(/\{\{\s*(\d+)\s*\}\}/g, (whole, n: string) => {
    const path = Object.hasOwn(entry.variables, n) ? entry.variables[n] : undefined;
    return (path !== undefined ? textAt(context, path) : null) ?? whole;
  });
  return { contentSid: entry.contentSid, body };
}
