import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { parse } from 'yaml';
import { Type, type Static } from 'typebox';
import { Compile } from 'typebox/compile';
import { CHANNELS, EVENT_TYPES, type Channel, type EventType } from './case-event.ts';

const ChannelChoice = Type.Enum(['preferred', ...CHANNELS]);

const Step = Type.Object(
  {
    step: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }),
    template: Type.String({ pattern: '^[a-z][a-z0-9-]{0,62}$' }),
    channels: Type.Array(ChannelChoice, { minItems: 1 }),
    capExempt: Type.Optional(Type.Boolean()),
  },
  { additionalProperties: false },
);

const PlaybookFile = Type.Object({
  version: Type.Integer({ minimum: 1 }),
  events: Type.Record(Type.String(), Type.Array(Step)),
});

export type PlaybookStep = Static<typeof Step>;
type PlaybookFile = Static<typeof PlaybookFile>;
const checkFile = Compile(PlaybookFile);

export interface Playbooks {
  /** The steps due for an event type, for this creditor (their override, else the default). */
  stepsFor(creditorId: string, type: EventType): readonly PlaybookStep[];
  version(creditorId: string): string;
}

function validate(file: string, raw: unknown): PlaybookFile {
  if (!checkFile.Check(raw)) {
    const first = [...checkFile.Errors(raw)][0];
    throw new Error(`playbook ${file} is invalid at ${first?.instancePath ?? '/'}: ${first?.message ?? 'unknown error'}`);
  }
  for (const type of Object.keys(raw.events)) {
    if (!(EVENT_TYPES as readonly string[]).includes(type)) throw new Error(`playbook ${file} names unknown event type ${type}`);
  }
  return raw;
}

export async function loadPlaybooks(dir: string): Promise<Playbooks> {
  const defaults = validate('default.yaml', parse(await readFile(path.join(dir, 'default.yaml'), 'utf8')));
  const overrides = new Map<string, PlaybookFile>();
  const creditorsDir = path.join(dir, 'creditors');
  const files = await readdir(creditorsDir).catch(() => [] as string[]);
  for (const file of files.filter((f) => f.endsWith('.yaml'))) {
    overrides.set(file.replace(/\.yaml$/, ''), validate(`creditors/${file}`, parse(await readFile(path.join(creditorsDir, file), 'utf8'))));
  }
  return {
    stepsFor(creditorId, type) {
      return overrides.get(creditorId)?.events[type] ?? defaults.events[type] ?? [];
    },
    version(creditorId) {
      const own = overrides.get(creditorId);
      return own ? `${creditorId}@${own.version}` : `default@${defaults.version}`;
    },
  };
}

/** The channel order for a step: `preferred` expanded, duplicates dropped, order kept. */
export function channelOrder(step: PlaybookStep, preferred: Channel | null | undefined): Channel[] {
  const order: Channel[] = [];
  for (const choice of step.channels) {
    const channel = choice === 'preferred' ? preferred : choice;
    if (channel && !order.includes(channel)) order.push(channel);
  }
  return order;
}
