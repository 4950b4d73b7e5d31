import type { Harness } from './harness.ts';
import { createAccount } from '../../src/console/staff-accounts.ts';
import type { StaffRole } from '../../src/domain/staff.ts';

export const STAFF_PASSWORD = 'correct horse battery staple';

export async function addStaff(h: Harness, username: string, roles: StaffRole[]): Promise<void> {
  await createAccount(h.services.db, { username, displayName: username, password: STAFF_PASSWORD, roles, locale: 'en' }, 'tests');
}

export interface SignedIn {
  cookie: string;
  csrf: string;
  /** Headers for a change: the session cookie and its CSRF token. */
  headers: Record<string, string>;
}

/** Signs in through the route, as the console does, and returns the session cookie and CSRF token. */
export async function signInAs(h: Harness, username: string, password = STAFF_PASSWORD): Promise<SignedIn> {
  const res = await h.app.inject({ method: 'POST', url: '/v1/staff/session', payload: { username, password } });
  if (res.statusCode !== 200) throw new Error(`sign-in as ${username} answered ${res.statusCode}`);
  const token = res.cookies.find((c) => c.name === 'dco_session')?.value ?? '';
  const cookie = `dco_session=${token}`;
  const csrf = res.json<{ csrfToken: string }>().csrfToken;
  return { cookie, csrf, headers: { cookie, 'x-csrf-token': csrf } };
}
