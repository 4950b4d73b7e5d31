import type { CaseEvent, Channel } from '../domain/case-event.ts';
import { TemplateError } from '../errors.ts';
import type { Catalogue } from './catalogue.ts';
import { letterPage } from './letter-layout.ts';
import { buildRenderContext, type RenderEnvironment } from './render-context.ts';

// What the planner stores for a message on any channel: the readable text (`body`, shown on the
// timeline) and the parts its adapter sends. Rendered once, at planning, from the active versions.

export interface RenderedContent {
  templateVersion: string;
  locale: string;
  body: string;
  parts: Record<string, string>;
  encoding: 'GSM-7' | 'UCS-2' | null;
  segments: number | null;
}

export interface MessageRenderer {
  /** The catalogue has this template on this channel (else the channel is skipped for the step). */
  has(template: string, channel: Channel): boolean;
  /** `messageId` names the message in its links (the one-click unsubscribe acts on its contact point). */
  render(template: string, channel: Channel, event: CaseEvent, messageId?: string, options?: { optedOutChannel?: Channel }): RenderedContent;
}

/** A dotted path of the render context (`case.reference`), as text. */
function valueAt(context: Record<string, unknown>, path: string): string {
  let value: unknown = context;
  for (const key of path.split('.')) value = value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined;
  if (value === undefined || value === null || typeof value === 'object') throw new TemplateError(`content variable path "${path}" has no text value`);
  return String(value);
}

interface ContentEntry {
  contentSid: string;
  variables: Record<string, string>;
  body?: string;
}
const isContentEntry = (v: unknown): v is ContentEntry =>
  typeof v === 'object' && v !== null && typeof (v as ContentEntry).contentSid === 'string' && typeof (v as ContentEntry).variables === 'object';

/** Approved Content template id → its text with {{n}}, across languages. */
export function contentTexts(catalogue: Catalogue): Map<string, string> {
  const out = new Map<string, string>();
  for (const entries of catalogue.contentTemplates.values()) {
    for (const entry of Object.values(entries)) {
      if (isContentEntry(entry) && typeof entry.body === 'string') out.set(entry.contentSid, entry.body);
    }
  }
  return out;
}

export function catalogueRenderer(catalogue: Catalogue, environment: RenderEnvironment): MessageRenderer {
  return {
    has: (template, channel) => catalogue.manifest.templates[template]?.channels.includes(channel) ?? false,
    render(template, channel, event, messageId, options): RenderedContent {
      const withLinks: RenderEnvironment = messageId ? { ...environment, links: (e) => environment.links(e, messageId) } : environment;
      const env: RenderEnvironment = options?.optedOutChannel ? { ...withLinks, optedOutChannel: options.optedOutChannel } : withLinks;
      const m = catalogue.render(template, channel, event, env);
      const base = { templateVersion: m.version, locale: m.locale, encoding: null, segments: null };
      switch (channel) {
        case 'sms': {
          const body = m.parts.body ?? '';
          return { ...base, body, parts: { body }, encoding: m.encoding ?? 'UCS-2', segments: m.segments ?? 0 };
        }
        case 'whatsapp': {
          const body = m.parts.body ?? '';
          // Outside the 24-hour window only the approved Content template may go; its variables
          // are resolved now, from the same context as the free-form text.
          const entry = catalogue.contentTemplates.get(m.locale)?.[template];
          if (!isContentEntry(entry)) return { ...base, body, parts: { body } };
          const context = buildRenderContext(event, env);
          const variables = Object.fromEntries(Object.entries(entry.variables).map(([n, path]) => [n, valueAt(context, path)]));
          return { ...base, body, parts: { body, contentSid: entry.contentSid, contentVariables: JSON.stringify(variables) } };
        }
        case 'email':
          return { ...base, body: m.parts.text ?? '', parts: { subject: m.parts.subject ?? '', html: m.parts.html ?? '', text: m.parts.text ?? '' } };
        case 'letter': {
          const html = m.parts.html ?? '';
          return { ...base, body: html, parts: { page: letterPage(html, event, env.sender, m.locale) } };
        }
      }
    },
  };
}
