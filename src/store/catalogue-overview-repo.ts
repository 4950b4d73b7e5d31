import type { Queryable } from './db.ts';

// The catalogue as the console lists it: for every template, channel and language, the active
// version, the newest one, and how many wait for a reviewer.

export interface CatalogueEntryState {
  template: string;
  channel: string;
  locale: string;
  active: { id: string; number: number } | null;
  latest: { id: string; number: number; status: string; author: string; createdAt: string } | null;
  awaitingReview: number;
}

const OVERVIEW = `
with latest as (
  select distinct on (template, channel, locale) template, channel, locale, id::text as id, number, status, author, created_at
    from template_versions order by template, channel, locale, number desc
), active as (
  select distinct on (a.template, a.channel, a.locale) a.template, a.channel, a.locale, v.id::text as id, v.number
    from template_activations a join template_versions v on v.id = a.version_id
   order by a.template, a.channel, a.locale, a.id desc
), waiting as (
  select template, channel, locale, count(*)::int as n from template_versions where status = 'submitted' group by 1, 2, 3
)
select l.template, l.channel, l.locale, l.id as latest_id, l.number as latest_number, l.status, l.author, l.created_at,
       a.id as active_id, a.number as active_number, coalesce(w.n, 0) as waiting
  from latest l
  left join active a using (template, channel, locale)
  left join waiting w using (template, channel, locale)`;

/** Keyed by `${channel}/${template}.${locale}`; a key without any version is absent. */
export async function catalogueOverview(db: Queryable): Promise<Map<string, CatalogueEntryState>> {
  const { rows } = await db.query<{
    template: string; channel: string; locale: string; latest_id: string; latest_number: number; status: string; author: string; created_at: Date;
    active_id: string | null; active_number: number | null; waiting: number;
  }>(OVERVIEW);
  return new Map(
    rows.map((r) => [
      `${r.channel}/${r.template}.${r.locale}`,
      {
        template: r.template,
        channel: r.channel,
        locale: r.locale,
        active: r.active_id !== null && r.active_number !== null ? { id: r.active_id, number: r.active_number } : null,
        latest: { id: r.latest_id, number: r.latest_number, status: r.status, author: r.author, createdAt: r.created_at.toISOString() },
        awaitingReview: r.waiting,
      },
    ]),
  );
}
