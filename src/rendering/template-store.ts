import type { CaseEvent } from '../domain/case-event.ts';
import type { Db } from '../store/db.ts';
import { activeVersions, latestActivation, seedVersions } from '../store/template-versions-repo.ts';
import type { Logger } from '../logger.ts';
import type { Catalogue } from './catalogue.ts';
import type { RenderEnvironment } from './render-context.ts';
import type { SmsRenderer, SmsTemplateName } from './sms-renderer.ts';

export interface TemplateStore {
  catalogue: Catalogue;
  /** Loads the active versions again if an activation happened since the last look. */
  refresh(): Promise<boolean>;
  /** Looks for activations every interval (workers learn of an activation made through the API). */
  watch(intervalMs: number): { stop(): void };
}

/**
 * PostgreSQL holds the versions; the shipped files are seeded as approved version 1 where a
 * template has none, and every process renders the active version of each template.
 */
export async function createTemplateStore(db: Db, catalogue: Catalogue, log: Logger): Promise<TemplateStore> {
  const files = [...catalogue.parts.entries()].map(([key, parts]) => {
    const [channel = '', rest = ''] = key.split('/');
    const dot = rest.lastIndexOf('.');
    return { channel, template: rest.slice(0, dot), locale: rest.slice(dot + 1), parts: Object.fromEntries([...parts].map(([part, p]) => [part, p.source])) };
  });
  const seeded = await seedVersions(db, files);
  if (seeded) log.info({ seeded }, 'template catalogue seeded as version 1');
  let seen = '';
  const refresh = async (): Promise<boolean> => {
    const latest = await latestActivation(db);
    if (latest === seen) return false;
    const { latest: now, versions } = await activeVersions(db);
    const problems = catalogue.useVersions(versions);
    if (problems.length) log.error({ problems: problems.length }, 'active template versions that do not compile were skipped');
    seen = now;
    return true;
  };
  await refresh();
  return {
    catalogue,
    refresh,
    watch(intervalMs) {
      const timer = setInterval(() => void refresh().catch((err: unknown) => log.warn({ err }, 'template refresh failed')), intervalMs);
      timer.unref();
      return { stop: () => clearInterval(timer) };
    },
  };
}

/** The planner's SMS renderer, served by the catalogue's active versions. */
export function catalogueSmsRenderer(catalogue: Catalogue, environment: RenderEnvironment): SmsRenderer {
  return {
    supportsLocale: (locale) => catalogue.manifest.languages.some((l) => locale.toLowerCase().startsWith(l)),
    renderSms(template: SmsTemplateName, event: CaseEvent) {
      const m = catalogue.render(template, 'sms', event, environment);
      return { body: m.parts.body ?? '', encoding: m.encoding ?? 'UCS-2', segments: m.segments ?? 0, template, locale: m.locale, templateVersion: m.version };
    },
  };
}
