import type { ContactPoint, DebtorSnapshot } from './case-event.ts';

/** The postal address as one line: what a letter's contact point holds. */
export const postalLine = (a: DebtorSnapshot['address']): string => [...a.lines, `${a.postalCode} ${a.city}`.trim(), a.country].filter(Boolean).join(', ');

/**
 * The contact points we keep for a debtor: the ones the case system lists, plus their postal
 * address as the letter channel's point when none is listed. The address of record is where a
 * closed letter goes; it changes (and the old point is removed) when the snapshot's address does.
 */
type StoredContactPoint = Omit<ContactPoint, 'kind'> & { kind?: ContactPoint['kind'] | 'postal' };

export function contactPointsOf(debtor: DebtorSnapshot): StoredContactPoint[] {
  const listed: StoredContactPoint[] = [...debtor.contactPoints];
  if (!listed.some((p) => p.channel === 'letter')) listed.push({ channel: 'letter', address: postalLine(debtor.address), verified: true, kind: 'postal' });
  return listed;
}
