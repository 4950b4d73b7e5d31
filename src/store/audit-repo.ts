import type { Queryable } from './db.ts';

// What auditors search: the policy's decisions and the messages, filtered, newest first, page by
// page with a keyset cursor (never OFFSET: a page deep in a year of decisions costs what the
// first one does). Only facts leave here: no bodies, no addresses, no names, no evidence.

export interface DecisionFilter {
  from?: string;
  to?: string;
  country?: string;
  rule?: string;
  outcome?: string;
  channel?: string;
  stage?: string;
}

export interface MessageFilter {
  from?: string;
  to?: string;
  country?: string;
  channel?: string;
  status?: string;
  template?: string;
}

export interface DecisionRow {
  id: string;
  decidedAt: string;
  caseId: string;
  messageId: string;
  country: string | null;
  stage: string;
  channel: string | null;
  outcome: string;
  rule: string;
  reason: string;
  policyVersion: string;
  deferUntil: string | null;
}

export interface MessageRow {
  id: string;
  createdAt: string;
  caseId: string;
  country: string | null;
  channel: string | null;
  template: string | null;
  templateVersion: string | null;
  locale: string | null;
  status: string;
  segments: number | null;
  lastErrorCode: string | null;
}

export const DECISION_COLUMNS = ['id', 'decidedAt', 'caseId', 'messageId', 'country', 'stage', 'channel', 'outcome', 'rule', 'reason', 'policyVersion', 'deferUntil'] as const;
export const MESSAGE_COLUMNS = ['id', 'createdAt', 'caseId', 'country', 'channel', 'template', 'templateVersion', 'locale', 'status', 'segments', 'lastErrorCode'] as const;

/** Every status a message can have (the order of status_rank in the migrations). */
export const MESSAGE_STATUSES = ['pending', 'held', 'sending', 'unknown', 'queued', 'sent', 'printed', 'posted', 'delivered', 'undelivered', 'failed', 'read', 'blocked', 'cancelled'] as const;

// Instants as the rest of the API writes them (UTC, milliseconds); a cursor keeps the
// microseconds, or a page would skip rows stored within the same millisecond.
const UTC = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const UTC_EXACT = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`;

interface Where {
  clauses: string[];
  params: unknown[];
}

function where(): Where & { add(sql: (n: string) => string, value: unknown): void } {
  const w = {
    clauses: [] as string[],
    params: [] as unknown[],
    add(sql: (n: string) => string, value: unknown) {
      if (value === undefined) return;
      w.params.push(value);
      w.clauses.push(sql(`$${w.params.length}`));
    },
  };
  return w;
}

const sqlWhere = (w: Where): string => (w.clauses.length ? `where ${w.clauses.join(' and ')}` : '');

function decisionWhere(f: DecisionFilter, before?: string): Where {
  const w = where();
  w.add((n) => `d.decided_at >= ${n}::timestamptz`, f.from);
  w.add((n) => `d.decided_at < ${n}::timestamptz`, f.to);
  w.add((n) => `c.country = ${n}`, f.country);
  w.add((n) => `d.rule = ${n}`, f.rule);
  w.add((n) => `d.outcome = ${n}`, f.outcome);
  w.add((n) => `d.channel = ${n}`, f.channel);
  w.add((n) => `d.stage = ${n}`, f.stage);
  w.add((n) => `d.id < ${n}::bigint`, before);
  return w;
}

const DECISIONS = (w: Where, limit: string) => `
  select d.id::text as id, ${UTC('d.decided_at')} as "decidedAt", d.case_id as "caseId", d.message_id as "messageId", c.country,
         d.stage, d.channel, d.outcome, d.rule, d.reason, d.policy_version as "policyVersion", ${UTC('d.defer_until')} as "deferUntil"
    from decisions d left join cases c on c.id = d.case_id
    ${sqlWhere(w)}
   order by d.id desc
   limit ${limit}`;

/** A page of decisions, newest first; `next` is the cursor of the following page, or null. */
export async function listDecisions(db: Queryable, filter: DecisionFilter, page: { limit: number; before?: string }): Promise<{ items: DecisionRow[]; next: string | null }> {
  const w = decisionWhere(filter, page.before);
  w.params.push(page.limit + 1);
  const { rows } = await db.query<DecisionRow>(DECISIONS(w, `$${w.params.length}`), w.params);
  const more = rows.length > page.limit;
  const items = more ? rows.slice(0, page.limit) : rows;
  return { items, next: more ? (items[items.length - 1]?.id ?? null) : null };
}

// A message cursor is (created_at, id): ids are hashes, so time orders the pages.
export const encodeMessageCursor = (createdAt: string, id: string): string => Buffer.from(`${createdAt} ${id}`, 'utf8').toString('base64url');

export function decodeMessageCursor(cursor: string): { createdAt: string; id: string } | null {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const m = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z) (\S{1,200})$/.exec(text);
  return m?.[1] && m[2] ? { createdAt: m[1], id: m[2] } : null;
}

function messageWhere(f: MessageFilter, before?: { createdAt: string; id: string }): Where {
  const w = where();
  w.add((n) => `m.created_at >= ${n}::timestamptz`, f.from);
  w.add((n) => `m.created_at < ${n}::timestamptz`, f.to);
  w.add((n) => `c.country = ${n}`, f.country);
  w.add((n) => `m.channel = ${n}`, f.channel);
  w.add((n) => `m.status = ${n}`, f.status);
  w.add((n) => `m.template = ${n}`, f.template);
  if (before) {
    w.params.push(before.createdAt, before.id);
    w.clauses.push(`(m.created_at, m.id) < ($${w.params.length - 1}::timestamptz, $${w.params.length})`);
  }
  return w;
}

const MESSAGES = (w: Where, limit: string) => `
  select m.id, ${UTC('m.created_at')} as "createdAt", ${UTC_EXACT('m.created_at')} as "cursorAt", m.case_id as "caseId", c.country, m.channel, m.template,
         m.template_version as "templateVersion", m.locale, m.status, m.segments, m.last_error_code as "lastErrorCode"
    from messages m left join cases c on c.id = m.case_id
    ${sqlWhere(w)}
   order by m.created_at desc, m.id desc
   limit ${limit}`;

export async function listMessages(db: Queryable, filter: MessageFilter, page: { limit: number; before?: { createdAt: string; id: string } }): Promise<{ items: MessageRow[]; next: string | null }> {
  const w = messageWhere(filter, page.before);
  w.params.push(page.limit + 1);
  const { rows } = await db.query<MessageRow & { cursorAt: string }>(MESSAGES(w, `$${w.params.length}`), w.params);
  const more = rows.length > page.limit;
  const shown = more ? rows.slice(0, page.limit) : rows;
  const last = shown[shown.length - 1];
  return { items: shown.map(({ cursorAt: _, ...item }) => item), next: more && last ? encodeMessageCursor(last.cursorAt, last.id) : null };
}

/** Whether more than `n` rows match: an export that stops at its cap says so. */
export async function moreDecisionsThan(db: Queryable, filter: DecisionFilter, n: number): Promise<boolean> {
  const w = decisionWhere(filter);
  w.params.push(n);
  const { rows } = await db.query(`select 1 from decisions d left join cases c on c.id = d.case_id ${sqlWhere(w)} order by d.id desc offset $${w.params.length} limit 1`, w.params);
  return rows.length > 0;
}

export async function moreMessagesThan(db: Queryable, filter: MessageFilter, n: number): Promise<boolean> {
  const w = messageWhere(filter);
  w.params.push(n);
  const { rows } = await db.query(`select 1 from messages m left join cases c on c.id = m.case_id ${sqlWhere(w)} order by m.created_at desc, m.id desc offset $${w.params.length} limit 1`, w.params);
  return rows.length > 0;
}

// Distinct values by skipping through an index (a "loose index scan"): a handful of lookups,
// however many rows the table holds.
const distinctBySkipping = (table: string, column: string) => `
  with recursive v as (
    (select ${column} as value from ${table} where ${column} is not null order by ${column} limit 1)
    union all
    select (select ${column} from ${table} where ${column} > v.value order by ${column} limit 1) from v where v.value is not null
  )
  select value from v where value is not null`;

export async function auditFacets(db: Queryable): Promise<{ rules: string[]; countries: string[] }> {
  const [rules, countries] = await Promise.all([
    db.query<{ value: string }>(distinctBySkipping('decisions', 'rule')),
    db.query<{ value: string }>(distinctBySkipping('cases', 'country')),
  ]);
  return { rules: rules.rows.map((r) => r.value), countries: countries.rows.map((r) => r.value) };
}

export interface FailureRow {
  messageId: string;
  caseId: string;
  channel: string;
  status: string;
  lastErrorCode: string | null;
  at: string;
}

/** Messages that did not reach the debtor (failed, undelivered), most recent first. */
export async function recentFailures(db: Queryable, limit: number): Promise<FailureRow[]> {
  // The predicate matches messages_fallback_candidates, so this reads that index backwards.
  const { rows } = await db.query<FailureRow>(
    `select id as "messageId", case_id as "caseId", channel, status, last_error_code as "lastErrorCode", ${UTC('updated_at')} as at
       from messages where status in ('failed', 'undelivered') and channel is not null
      order by updated_at desc limit $1`,
    [limit],
  );
  return rows;
}
