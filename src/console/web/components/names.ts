import type { Translate } from '../i18n/index.tsx';
import { en } from '../i18n/en.ts';

// Names of the service's codes in the reader's language; an unknown code is shown as it is.

/** A key built from data (a channel, a status): looked up only if the dictionary has it. */
export const lookup = (t: Translate, key: string, fallback: string): string => (Object.hasOwn(en, key) ? (t as unknown as (k: string) => string)(key) : fallback);

export const channelName = (channel: string | null | undefined, t: Translate): string => (channel ? lookup(t, `channel.${channel}`, channel) : t('common.none'));
export const languageName = (language: string, t: Translate): string => lookup(t, `language.${language}`, language);
export const countryName = (country: string, t: Translate): string => lookup(t, `country.${country}`, country);
export const statusName = (status: string, t: Translate): string => lookup(t, `status.${status}`, status);
export const partName = (part: string, t: Translate): string => lookup(t, `part.${part}`, part);
export const kindName = (kind: string, t: Translate): string => lookup(t, `timeline.kind.${kind}`, kind);
export const holdName = (reason: string, t: Translate): string => lookup(t, `hold.${reason}`, reason);
export const outcomeName = (outcome: string, t: Translate): string => lookup(t, `outcome.${outcome}`, outcome);
export const stageName = (stage: string, t: Translate): string => lookup(t, `stage.${stage}`, stage);
export const roleName = (role: string, t: Translate): string => lookup(t, `role.${role}`, role);

/** A reply's intent in the reader's language; a reply nobody could classify says so. */
export const intentName = (intent: string | null | undefined, t: Translate): string => (intent ? lookup(t, `intent.${intent}`, intent) : t('timeline.unclassified'));
