import type { Queryable } from '../store/db.ts';
import type { StaffRole } from '../domain/staff.ts';
import { DECOY_HASH, hashPassword, passwordProblem, verifyPassword } from './passwords.ts';
import { clearFailures, countAdmins, createStaff, findStaffByUsername, recentFailures, recordFailure, type StaffAccount } from '../store/staff-repo.ts';

// Signing in and creating accounts: the rules, apart from HTTP, so the CLI and the routes share them.

/** Five wrong passwords for one username, or thirty from one address, in a quarter hour: wait. */
export const THROTTLE = { windowMs: 15 * 60_000, perUsername: 5, perAddress: 30 } as const;

export type SignInResult =
  | { ok: true; account: StaffAccount }
  | { ok: false; reason: 'wrong' }
  | { ok: false; reason: 'throttled'; retryAfterSeconds: number };

export async function signIn(db: Queryable, username: string, password: string, ip: string, now = Date.now()): Promise<SignInResult> {
  const name = username.trim().toLowerCase();
  const failures = await recentFailures(db, name, ip, THROTTLE.windowMs);
  const oldest = failures.byUser >= THROTTLE.perUsername ? failures.oldestByUser : failures.byIp >= THROTTLE.perAddress ? failures.oldestByIp : null;
  if (oldest) return { ok: false, reason: 'throttled', retryAfterSeconds: Math.max(1, Math.ceil((oldest.getTime() + THROTTLE.windowMs - now) / 1000)) };
  const account = await findStaffByUsername(db, name);
  const matches = await verifyPassword(password, account?.passwordHash ?? DECOY_HASH);
  if (!account || !matches || account.disabledAt) {
    await recordFailure(db, name, ip);
    return { ok: false, reason: 'wrong' };
  }
  await clearFailures(db, name);
  return { ok: true, account };
}

export class AccountProblem extends Error {}

export interface NewAccount {
  username: string;
  displayName: string;
  password: string;
  roles: StaffRole[];
  locale: string;
}

export async function createAccount(db: Queryable, input: NewAccount, createdBy: string): Promise<StaffAccount> {
  const username = input.username.trim().toLowerCase();
  if (!/^[a-z0-9][a-z0-9._-]{1,62}$/.test(username)) throw new AccountProblem('A username has 2 to 63 lower-case letters, digits, dots, dashes or underscores.');
  const weak = passwordProblem(input.password, username);
  if (weak) throw new AccountProblem(weak);
  if (!input.roles.length) throw new AccountProblem('An account needs at least one role.');
  const created = await createStaff(db, { username, displayName: input.displayName.trim() || username, passwordHash: await hashPassword(input.password), roles: [...new Set(input.roles)], locale: input.locale }, createdBy);
  if (!created) throw new AccountProblem(`The username "${username}" is taken.`);
  return created;
}

/** STAFF_ADMIN_USERNAME/PASSWORD: creates that admin when there is none yet; afterwards it changes nothing. */
export async function ensureFirstAdmin(db: Queryable, firstAdmin: { username: string; password: string } | undefined): Promise<'created' | 'exists' | 'not-configured'> {
  if (!firstAdmin) return 'not-configured';
  if ((await countAdmins(db)) > 0) return 'exists';
  await createAccount(db, { username: firstAdmin.username, displayName: firstAdmin.username, password: firstAdmin.password, roles: ['admin'], locale: 'en' }, 'environment');
  return 'created';
}
