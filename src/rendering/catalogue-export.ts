import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { CHANNELS, type Channel } from '../domain/case-event.ts';
import { PARTS, templateFile } from './catalogue.ts';

/**
 * Writes versions (the active ones) back to the catalogue's file layout, so that what compliance
 * approved in the service can be reviewed and kept under version control like the shipped files.
 */
export async function exportVersions(
  versions: ReadonlyArray<{ template: string; channel: string; locale: string; parts: Record<string, string> }>,
  templatesDir: string,
): Promise<string[]> {
  const written: string[] = [];
  for (const v of versions) {
    if (!(CHANNELS as readonly string[]).includes(v.channel)) continue;
    const channel = v.channel as Channel;
    for (const { part, suffix } of PARTS[channel]) {
      const source = v.parts[part];
      if (source === undefined) continue;
      const file = templateFile(templatesDir, channel, v.template, v.locale, suffix);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, source);
      written.push(path.relative(templatesDir, file));
    }
  }
  return written.sort();
}
