import type { Queryable } from './db.ts';

export interface TemplateKey {
  template: string;
  channel: string;
  locale: string;
}

export interface TemplateVersion extends TemplateKey {
  id: string;
  number: number;
  parts: Record<string, string>;
  status: 'draft' | 'submitted' | 'approved' | 'rejected';
  author: string;
  reviewer: string | null;
  reviewComment: string | null;
  problems: Array<{ where: string; problem: string }>;
  createdAt: Date;
  active: boolean;
}

const COLUMNS = `v.id::text, v.template, v.channel, v.locale, v.number, v.parts, v.status, v.author, v.reviewer,
  v.review_comment as "reviewComment", v.problems, v.created_at as "createdAt",
  exists (select 1 from (select version_id from template_activations a
                          where a.template = v.template and a.channel = v.channel and a.locale = v.locale
                          order by a.id desc limit 1) last where last.version_id = v.id) as active`;

/** The shipped files become approved, active version 1 wherever a template has no version yet. */
export async function seedVersions(db: Queryable, entries: ReadonlyArray<TemplateKey & { parts: Record<string, string> }>): Promise<number> {
  const { rowCount } = await db.query(
    `with input as (select * from jsonb_to_recordset($1::jsonb) as x(template text, channel text, locale text, parts jsonb)),
     v as (
       insert into template_versions (template, channel, locale, number, parts, status, author, reviewer, review_comment, reviewed_at)
       select template, channel, locale, 1, parts, 'approved', 'catalogue', 'catalogue', 'shipped catalogue', now() from input
       on conflict (template, channel, locale, number) do nothing
       returning id, template, channel, locale
     )
     insert into template_activations (version_id, template, channel, locale, activated_by)
     select id, template, channel, locale, 'catalogue' from v`,
    [JSON.stringify(entries)],
  );
  return rowCount ?? 0;
}

/** The active version of every template, and the id of the latest activation (to notice changes). */
export async function activeVersions(db: Queryable): Promise<{ latest: string; versions: Array<TemplateKey & { id: string; parts: Record<string, string> }> }> {
  const { rows } = await db.query<TemplateKey & { id: string; parts: Record<string, string> }>(
    `select distinct on (a.template, a.channel, a.locale) v.id::text, v.template, v.channel, v.locale, v.parts
       from template_activations a join template_versions v on v.id = a.version_id
      order by a.template, a.channel, a.locale, a.id desc`,
  );
  return { latest: await latestActivation(db), versions: rows };
}

export async function latestActivation(db: Queryable): Promise<string> {
  const { rows } = await db.query<{ id: string | null }>('select max(id)::text as id from template_activations');
  return rows[0]?.id ?? '0';
}

export async function listVersions(db: Queryable, key: TemplateKey): Promise<TemplateVersion[]> {
  const { rows } = await db.query<TemplateVersion>(
    `select ${COLUMNS} from template_versions v where v.template = $1 and v.channel = $2 and v.locale = $3 order by v.number desc`,
    [key.template, key.channel, key.locale],
  );
  return rows;
}

export async function getVersion(db: Queryable, id: string): Promise<TemplateVersion | null> {
  const { rows } = await db.query<TemplateVersion>(`select ${COLUMNS} from template_versions v where v.id = $1`, [id]);
  return rows[0] ?? null;
}

export async function createDraft(db: Queryable, key: TemplateKey, parts: Record<string, string>, author: string): Promise<TemplateVersion> {
  const { rows } = await db.query<{ id: string }>(
    `insert into template_versions (template, channel, locale, number, parts, status, author)
     select $1, $2, $3, coalesce(max(number), 0) + 1, $4::jsonb, 'draft', $5
       from template_versions where template = $1 and channel = $2 and locale = $3
     returning id::text`,
    [key.template, key.channel, key.locale, JSON.stringify(parts), author],
  );
  const created = await getVersion(db, rows[0]?.id ?? '');
  if (!created) throw new Error('draft not created');
  return created;
}

/** Records the checks' verdict: a clean version is submitted for review, a failing one stays a draft. */
export async function submitVersion(db: Queryable, id: string, problems: ReadonlyArray<{ where: string; problem: string }>): Promise<boolean> {
  const { rowCount } = await db.query(
    `update template_versions set problems = $2::jsonb,
            status = case when jsonb_array_length($2::jsonb) = 0 then 'submitted' else status end,
            submitted_at = case when jsonb_array_length($2::jsonb) = 0 then now() else submitted_at end
      where id = $1 and status = 'draft'`,
    [id, JSON.stringify(problems)],
  );
  return (rowCount ?? 0) > 0;
}

/** Approves or rejects a submitted version; never by its author (also a database constraint). */
export async function reviewVersion(db: Queryable, id: string, reviewer: string, approve: boolean, comment: string | null): Promise<boolean> {
  const { rowCount } = await db.query(
    `update template_versions set status = $3, reviewer = $2, review_comment = $4, reviewed_at = now()
      where id = $1 and status = 'submitted' and author <> $2`,
    [id, reviewer, approve ? 'approved' : 'rejected', comment],
  );
  return (rowCount ?? 0) > 0;
}

/** Activates an approved version (a rollback activates an older one again). */
export async function activateVersion(db: Queryable, id: string, actor: string): Promise<boolean> {
  const { rowCount } = await db.query(
    `insert into template_activations (version_id, template, channel, locale, activated_by)
     select id, template, channel, locale, $2 from template_versions where id = $1 and status = 'approved'`,
    [id, actor],
  );
  return (rowCount ?? 0) > 0;
}
