import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';
import { addStaff, signInAs, STAFF_PASSWORD } from '../support/staff.ts';
import { ensureFirstAdmin } from '../../src/console/staff-accounts.ts';
import { purgeExpiredBodiesOnce } from '../../src/jobs/retention.ts';

let h: Harness;
const draftUrl = '/v1/templates/case-opened/sms/fi/versions';
const NEW_TEXT = 'Hei, uusi teksti: maksamatta {{money case.balance.total}} (asia {{case.reference}}). Vastaa tähän.\n{{case.creditor.name}}\n{{t "optOut"}}';

beforeAll(async () => {
  h = await createHarness();
  await addStaff(h, 'erin', ['editor']);
  await addStaff(h, 'arto', ['approver']);
  await addStaff(h, 'aino', ['auditor']);
  await addStaff(h, 'ada', ['admin']);
});
afterAll(async () => {
  await h.close();
});

const drafts = async () => (await h.services.db.query(`select count(*)::int as n from template_versions where status = 'draft'`)).rows[0].n as number;

describe('signing in', () => {
  it('sets an HttpOnly, SameSite=Strict session cookie and answers who is signed in with a CSRF token', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/staff/session', payload: { username: 'erin', password: STAFF_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const cookie = res.cookies.find((c) => c.name === 'dco_session');
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Strict', path: '/' });
    expect(cookie?.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.json()).toMatchObject({ user: { username: 'erin', roles: ['editor'] }, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    const me = await h.app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: `dco_session=${cookie?.value}` } });
    expect(me.json().user.username).toBe('erin');
  });

  it('a wrong password or an unknown user gets the same problem; the sixth try within 15 minutes is throttled, even with the right password', async () => {
    await addStaff(h, 'tove', ['auditor']);
    for (const username of ['tove', 'nobody-here']) {
      const res = await h.app.inject({ method: 'POST', url: '/v1/staff/session', payload: { username, password: 'not the password' } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['content-type']).toContain('application/problem+json');
      expect(res.json()).toMatchObject({ type: expect.stringContaining('sign-in-failed'), title: 'The username or password is wrong' });
    }
    for (let i = 0; i < 4; i++) await h.app.inject({ method: 'POST', url: '/v1/staff/session', payload: { username: 'tove', password: 'still wrong' } });
    const throttled = await h.app.inject({ method: 'POST', url: '/v1/staff/session', payload: { username: 'tove', password: STAFF_PASSWORD } });
    expect(throttled.statusCode).toBe(429);
    expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    expect(throttled.cookies.find((c) => c.name === 'dco_session' && c.value)).toBeUndefined();
    const audit = await h.services.db.query(`select action from staff_audit where actor = 'tove' order by id`);
    expect(audit.rows.map((r) => r.action)).toEqual([...Array(5).fill('staff.sign-in-failed'), 'staff.sign-in-throttled']);
  });

  it('a disabled account cannot sign in, and its open sessions end', async () => {
    await addStaff(h, 'leaver', ['editor']);
    const session = await signInAs(h, 'leaver');
    const admin = await signInAs(h, 'ada');
    const id = (await h.services.db.query(`select id::text from staff_users where username = 'leaver'`)).rows[0].id;
    expect((await h.app.inject({ method: 'PATCH', url: `/v1/staff/users/${id}`, headers: admin.headers, payload: { disabled: true } })).statusCode).toBe(200);
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: session.cookie } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'POST', url: '/v1/staff/session', payload: { username: 'leaver', password: STAFF_PASSWORD } })).statusCode).toBe(401);
  });
});

describe('session fixation', () => {
  it('a cookie planted before sign-in is never the signed-in session', async () => {
    const planted = 'attacker-chosen-value-aaaaaaaaaaaaaaaaaaaaaaa';
    const res = await h.app.inject({ method: 'POST', url: '/v1/staff/session', headers: { cookie: `dco_session=${planted}` }, payload: { username: 'erin', password: STAFF_PASSWORD } });
    expect(res.statusCode).toBe(200);
    const issued = res.cookies.find((c) => c.name === 'dco_session')?.value;
    expect(issued).toBeTruthy();
    expect(issued).not.toBe(planted);
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: `dco_session=${planted}` } })).statusCode).toBe(401);
  });

  it('signing in again with a live session ends it and issues a new one', async () => {
    const first = await signInAs(h, 'erin');
    const res = await h.app.inject({ method: 'POST', url: '/v1/staff/session', headers: { cookie: first.cookie }, payload: { username: 'arto', password: STAFF_PASSWORD } });
    const second = res.cookies.find((c) => c.name === 'dco_session')?.value;
    expect(`dco_session=${second}`).not.toBe(first.cookie);
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: first.cookie } })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: `dco_session=${second}` } })).json().user.username).toBe('arto');
  });

  it('signing out ends the session on the server, not only in the browser', async () => {
    const s = await signInAs(h, 'erin');
    expect((await h.app.inject({ method: 'DELETE', url: '/v1/staff/session', headers: s.headers })).statusCode).toBe(204);
    expect((await h.app.inject({ method: 'GET', url: draftUrl, headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });
});

describe('CSRF', () => {
  it('a change with the session cookie but without the token, with a wrong token, or from another site is refused and changes nothing', async () => {
    const s = await signInAs(h, 'erin');
    const before = await drafts();
    const attempts = [
      { cookie: s.cookie },
      { cookie: s.cookie, 'x-csrf-token': 'x'.repeat(43) },
      { ...s.headers, origin: 'https://evil.example' },
      { cookie: s.cookie, 'sec-fetch-site': 'cross-site' },
    ];
    for (const headers of attempts) {
      const res = await h.app.inject({ method: 'POST', url: draftUrl, headers, payload: { parts: { body: NEW_TEXT } } });
      expect(res.statusCode).toBe(403);
      expect(res.json().type).toContain('/csrf');
    }
    expect(await drafts()).toBe(before);
    const ok = await h.app.inject({ method: 'POST', url: draftUrl, headers: { ...s.headers, origin: 'http://localhost:80' }, payload: { parts: { body: NEW_TEXT } } });
    expect(ok.statusCode).toBe(201);
    expect(ok.json().author).toBe('erin');
  });

  it('a sign-in posted from another site is refused (login CSRF)', async () => {
    const res = await h.app.inject({ method: 'POST', url: '/v1/staff/session', headers: { origin: 'https://evil.example' }, payload: { username: 'erin', password: STAFF_PASSWORD } });
    expect(res.statusCode).toBe(403);
    expect(res.cookies.find((c) => c.name === 'dco_session' && c.value)).toBeUndefined();
  });
});

describe('roles and four eyes', () => {
  it('an editor drafts and submits; only someone else with the approver role approves; every step is audited', async () => {
    const erin = await signInAs(h, 'erin');
    const arto = await signInAs(h, 'arto');
    const aino = await signInAs(h, 'aino');
    const draft = await h.app.inject({ method: 'POST', url: draftUrl, headers: erin.headers, payload: { parts: { body: NEW_TEXT } } });
    const id = draft.json().id as string;
    expect((await h.app.inject({ method: 'POST', url: `/v1/template-versions/${id}/submit`, headers: erin.headers })).statusCode).toBe(200);
    const editorApproves = await h.app.inject({ method: 'POST', url: `/v1/template-versions/${id}/approve`, headers: erin.headers, payload: {} });
    expect(editorApproves.statusCode).toBe(403);
    expect(editorApproves.json().type).toContain('role-required');
    expect((await h.app.inject({ method: 'POST', url: draftUrl, headers: aino.headers, payload: { parts: { body: NEW_TEXT } } })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'POST', url: draftUrl, headers: arto.headers, payload: { parts: { body: NEW_TEXT } } })).statusCode).toBe(403);
    const approved = await h.app.inject({ method: 'POST', url: `/v1/template-versions/${id}/approve`, headers: arto.headers, payload: { comment: 'Selkeä.' } });
    expect(approved.json()).toMatchObject({ status: 'approved', reviewer: 'arto', reviewComment: 'Selkeä.' });
    const audit = await h.services.db.query(`select actor, action, target, status from staff_audit where target->>'id' = $1 order by id`, [id]);
    expect(audit.rows).toEqual([
      { actor: 'erin', action: 'template.submit', target: { id }, status: 200 },
      { actor: 'erin', action: 'template.approve', target: { id }, status: 403 },
      { actor: 'arto', action: 'template.approve', target: { id }, status: 200 },
    ]);
  });

  it('an admin may do what every role may, but never approve a version of their own', async () => {
    const ada = await signInAs(h, 'ada');
    const draft = await h.app.inject({ method: 'POST', url: draftUrl, headers: ada.headers, payload: { parts: { body: NEW_TEXT } } });
    const id = draft.json().id as string;
    await h.app.inject({ method: 'POST', url: `/v1/template-versions/${id}/submit`, headers: ada.headers });
    const own = await h.app.inject({ method: 'POST', url: `/v1/template-versions/${id}/approve`, headers: ada.headers, payload: {} });
    expect(own.statusCode).toBe(403);
    expect(own.json().type).toContain('four-eyes');
  });

  it('only admins manage accounts; the last admin cannot be removed; auditors read the staff audit', async () => {
    const erin = await signInAs(h, 'erin');
    const ada = await signInAs(h, 'ada');
    const aino = await signInAs(h, 'aino');
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/users', headers: erin.headers })).statusCode).toBe(403);
    const weak = await h.app.inject({ method: 'POST', url: '/v1/staff/users', headers: ada.headers, payload: { username: 'new-one', displayName: 'New', password: 'short', roles: ['editor'] } });
    expect(weak.statusCode).toBe(422);
    const created = await h.app.inject({ method: 'POST', url: '/v1/staff/users', headers: ada.headers, payload: { username: 'new-one', displayName: 'New One', password: 'a long enough passphrase', roles: ['editor'], locale: 'fi' } });
    expect(created.statusCode).toBe(201);
    expect(created.json()).not.toHaveProperty('passwordHash');
    const adaId = (await h.services.db.query(`select id::text from staff_users where username = 'ada'`)).rows[0].id;
    const last = await h.app.inject({ method: 'PATCH', url: `/v1/staff/users/${adaId}`, headers: ada.headers, payload: { roles: ['editor'] } });
    expect(last.statusCode).toBe(409);
    const log = await h.app.inject({ method: 'GET', url: '/v1/staff/audit?action=staff.create', headers: { cookie: aino.cookie } });
    expect(log.json().items).toEqual([
      expect.objectContaining({ actor: 'ada', action: 'staff.create', status: 201, target: { username: 'new-one', roles: ['editor'] } }),
      expect.objectContaining({ actor: 'ada', action: 'staff.create', status: 422 }),
    ]);
    expect(JSON.stringify(log.json())).not.toContain('a long enough passphrase');
  });
});

describe('housekeeping', () => {
  it('the retention pass deletes failed sign-ins older than a day and expired sessions', async () => {
    await h.services.db.query(`insert into staff_sign_in_failures (username, ip, at) values ('old', '10.0.0.1', now() - interval '2 days'), ('recent', '10.0.0.1', now())`);
    const s = await signInAs(h, 'aino');
    await h.services.db.query(`update staff_sessions set expires_at = now() - interval '1 minute'`);
    await purgeExpiredBodiesOnce({ db: h.services.db, log: h.services.log, retentionDays: 180, intervalMs: 1000 });
    const left = await h.services.db.query(`select username from staff_sign_in_failures where username in ('old', 'recent')`);
    expect(left.rows.map((r) => r.username)).toEqual(['recent']);
    expect(await h.count('staff_sessions')).toBe(0);
    expect((await h.app.inject({ method: 'GET', url: '/v1/staff/session', headers: { cookie: s.cookie } })).statusCode).toBe(401);
  });
});

describe('the first admin', () => {
  it('comes from the environment once, and never overwrites an existing admin', async () => {
    expect(await ensureFirstAdmin(h.services.db, undefined)).toBe('not-configured');
    expect(await ensureFirstAdmin(h.services.db, { username: 'root-admin', password: 'another long passphrase' })).toBe('exists');
  });
});
