import type { Channel, Language, SampleCountry, TemplateVersion } from '../../api-types.ts';

// What a channel's template is made of (src/rendering/catalogue.ts, PARTS), and which sample country
// a language column previews first.

export const PARTS: Record<Channel, ReadonlyArray<{ part: string; format: 'html' | 'text' }>> = {
  sms: [{ part: 'body', format: 'text' }],
  whatsapp: [{ part: 'body', format: 'text' }],
  email: [
    { part: 'subject', format: 'text' },
    { part: 'html', format: 'html' },
    { part: 'text', format: 'text' },
  ],
  letter: [{ part: 'html', format: 'html' }],
};

export const SAMPLES: readonly SampleCountry[] = ['PL', 'FI', 'IT', 'NL'];
export const LANGUAGES: readonly Language[] = ['pl', 'fi', 'it', 'nl'];
export const sampleFor = (language: Language): SampleCountry => language.toUpperCase() as SampleCountry;

export const sameParts = (a: Record<string, string>, b: Record<string, string>): boolean => {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? '') !== (b[k] ?? '')) return false;
  return true;
};

export const onlyParts = (channel: Channel, parts: Record<string, string>): Record<string, string> =>
  Object.fromEntries(PARTS[channel].map(({ part }) => [part, parts[part] ?? '']));

/** What the editor starts from: the newest draft if there is one, else the active version, else the newest. */
export function startingVersion(versions: readonly TemplateVersion[]): TemplateVersion | null {
  const newestFirst = [...versions].sort((a, b) => b.number - a.number);
  return newestFirst.find((v) => v.status === 'draft') ?? newestFirst.find((v) => v.active) ?? newestFirst[0] ?? null;
}
