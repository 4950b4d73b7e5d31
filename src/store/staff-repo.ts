import { createHash, randomBytes } from 'node:crypto';
import type { Queryable } from './db.ts';
import type { StaffMember, StaffRole } from '../domain/staff.ts';

const sha256 = (value: string): string => createHash('sha256').update(value).digest('hex');

export interface StaffAccount extends StaffMember {
  passwordHash: string;
  disabledAt: Date | null;
  createdAt: Date;
  createdBy: string;
}

const USER_COLUMNS = `id::text, username, display_name as "displayName", roles, locale, password_hash as "passwordHash",
  disabled_at as "disabledAt", created_at as "createdAt", created_by as "createdBy"`;

export async function findStaffByUsername(db: Queryable, username: string): Promise<StaffAccount | null> {
  const { rows } = await db.query<StaffAccount>(`select ${USER_COLUMNS} from staff_users where username = $1`, [username]);
  return rows[0] ?? null;
}

export async function findStaffById(db: Queryable, id: string): Promise<StaffAccount | null> {
  const { rows } = await db.query<StaffAccount>(`select ${USER_COLUMNS} from staff_users where id = $1`, [id]);
  return rows[0] ?? null;
}

export async function listStaff(db: Queryable): Promise<StaffAccount[]> {
  const { rows } = await db.query<StaffAccount>(`select ${USER_COLUMNS} from staff_users order by username`);
  return rows;
}

export async function countAdmins(db: Queryable): Promise<number> {
  const { rows } = await db.query<{ n: number }>(`select count(*)::int as n from staff_users where 'admin' = any(roles) and disabled_at is null`);
  return rows[0]?.n ?? 0;
}

/** Creates the account, or returns null when the username is taken. */
export async function createStaff(
  db: Queryable,
  input: { username: string; displayName: string; passwordHash: string; roles: StaffRole[]; locale: string },
  createdBy: string,
): Promise<StaffAccount | null> {
  const { rows } = await db.query<StaffAccount>(
    `insert into staff_users (username, display_name, password_hash, roles, locale, created_by) values ($1, $2, $3, $4, $5, $6)
     on conflict (username) do nothing returning ${USER_COLUMNS}`,
    [input.username, input.displayName, input.passwordHash, input.roles, input.locale, createdBy],
  );
  return rows[0] ?? null;
}

export async function updateStaff(
  db: Queryable,
  id: string,
  change: { displayName?: string; roles?: StaffRole[]; locale?: string; passwordHash?: string; disabled?: boolean },
): Promise<StaffAccount | null> {
  const { rows } = await db.query<StaffAccount>(
    `update staff_users set display_name = coalesce($2, display_name), roles = coalesce($3, roles), locale = coalesce($4, locale),
            password_hash = coalesce($5, password_hash),
            disabled_at = case when $6::boolean is null then disabled_at when $6 then coalesce(disabled_at, now()) else null end
      where id = $1 returning ${USER_COLUMNS}`,
    [id, change.displayName ?? null, change.roles ?? null, change.locale ?? null, change.passwordHash ?? null, change.disabled ?? null],
  );
  return rows[0] ?? null;
}

// ---- sessions: the cookie carries a random token; only its hash is stored ----

export interface StaffSessionRow {
  member: StaffMember;
  csrfToken: string;
  lastSeenAt: Date;
}

export async function createSession(db: Queryable, userId: string, ip: string, lifetimeMs: number): Promise<{ token: string; csrfToken: string }> {
  const token = randomBytes(32).toString('base64url');
  const csrfToken = randomBytes(32).toString('base64url');
  await db.query(`insert into staff_sessions (token_hash, user_id, csrf_token, expires_at, ip) values ($1, $2, $3, now() + $4 * interval '1 millisecond', $5)`, [
    sha256(token),
    userId,
    csrfToken,
    lifetimeMs,
    ip,
  ]);
  return { token, csrfToken };
}

/** The session's member, if the session is live (not expired, not idle too long, account enabled). */
export async function findSession(db: Queryable, token: string, idleMs: number): Promise<StaffSessionRow | null> {
  const { rows } = await db.query<{ id: string; username: string; displayName: string; roles: StaffRole[]; locale: string; csrfToken: string; lastSeenAt: Date }>(
    `select u.id::text, u.username, u.display_name as "displayName", u.roles, u.locale, s.csrf_token as "csrfToken", s.last_seen_at as "lastSeenAt"
       from staff_sessions s join staff_users u on u.id = s.user_id
      where s.token_hash = $1 and s.expires_at > now() and s.last_seen_at > now() - $2 * interval '1 millisecond' and u.disabled_at is null`,
    [sha256(token), idleMs],
  );
  const row = rows[0];
  if (!row) return null;
  return { member: { id: row.id, username: row.username, displayName: row.displayName, roles: row.roles, locale: row.locale }, csrfToken: row.csrfToken, lastSeenAt: row.lastSeenAt };
}

export async function touchSession(db: Queryable, token: string): Promise<void> {
  await db.query('update staff_sessions set last_seen_at = now() where token_hash = $1', [sha256(token)]);
}

export async function deleteSession(db: Queryable, token: string): Promise<void> {
  await db.query('delete from staff_sessions where token_hash = $1', [sha256(token)]);
}

/** A changed password or a disabled account ends every session of that person. */
export async function deleteSessionsOf(db: Queryable, userId: string): Promise<void> {
  await db.query('delete from staff_sessions where user_id = $1', [userId]);
}

// ---- failed sign-ins, counted per username and per address over a window ----

export async function recentFailures(db: Queryable, username: string, ip: string, windowMs: number): Promise<{ byUser: number; byIp: number; oldestByUser: Date | null; oldestByIp: Date | null }> {
  const { rows } = await db.query<{ byUser: number; byIp: number; oldestByUser: Date | null; oldestByIp: Date | null }>(
    `select count(*) filter (where username = $1)::int as "byUser", count(*) filter (where ip = $2)::int as "byIp",
            min(at) filter (where username = $1) as "oldestByUser", min(at) filter (where ip = $2) as "oldestByIp"
       from staff_sign_in_failures where (username = $1 or ip = $2) and at > now() - $3 * interval '1 millisecond'`,
    [username, ip, windowMs],
  );
  return rows[0] ?? { byUser: 0, byIp: 0, oldestByUser: null, oldestByIp: null };
}

export async function recordFailure(db: Queryable, username: string, ip: string): Promise<void> {
  await db.query('insert into staff_sign_in_failures (username, ip) values ($1, $2)', [username, ip]);
}

export async function clearFailures(db: Queryable, username: string): Promise<void> {
  await db.query('delete from staff_sign_in_failures where username = $1', [username]);
}

export async function deleteSignInFailuresBefore(db: Queryable, before: Date): Promise<void> {
  await db.query('delete from staff_sign_in_failures where at < $1', [before]);
}

export async function deleteExpiredSessions(db: Queryable): Promise<void> {
  await db.query('delete from staff_sessions where expires_at < now()');
}

// ---- the audit of staff actions ----

export interface AuditEntry {
  actor: string;
  action: string;
  method?: string | null;
  route?: string | null;
  target?: Record<string, unknown>;
  status?: number | null;
  ip?: string | null;
}

export async function recordStaffAction(db: Queryable, e: AuditEntry): Promise<void> {
  await db.query('insert into staff_audit (actor, action, method, route, target, status, ip) values ($1, $2, $3, $4, $5, $6, $7)', [
    e.actor,
    e.action,
    e.method ?? null,
    e.route ?? null,
    JSON.stringify(e.target ?? {}),
    e.status ?? null,
    e.ip ?? null,
  ]);
}

export interface AuditFilter {
  actor?: string;
  action?: string;
  from?: string;
  to?: string;
  before?: string;
  limit: number;
}

export async function searchStaffActions(db: Queryable, f: AuditFilter): Promise<{ items: Array<AuditEntry & { id: string; at: Date }>; next: string | null }> {
  const { rows } = await db.query<AuditEntry & { id: string; at: Date }>(
    `select id::text, at, actor, action, method, route, target, status, ip from staff_audit
      where ($1::text is null or actor = $1) and ($2::text is null or action like $2 || '%')
        and ($3::timestamptz is null or at >= $3) and ($4::timestamptz is null or at < $4) and ($5::bigint is null or id < $5)
      order by id desc limit $6`,
    [f.actor ?? null, f.action ?? null, f.from ?? null, f.to ?? null, f.before ?? null, f.limit + 1],
  );
  const items = rows.slice(0, f.limit);
  return { items, next: rows.length > f.limit ? (items.at(-1)?.id ?? null) : null };
}
