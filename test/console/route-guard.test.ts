import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHarness, type Harness } from '../support/harness.ts';

let h: Harness;
beforeAll(async () => {
  h = await createHarness();
});
afterAll(async () => {
  await h.close();
});

// The routes that answer callers who hold neither a session nor a key, and what guards them instead.
const NOT_BY_SESSION_OR_KEY: Record<string, { why: string; status: number[] }> = {
  'POST /v1/events': { why: 'Standard Webhooks signature of the case system', status: [401] },
  'POST /v1/providers/twilio/status/{messageId}': { why: 'Twilio request signature', status: [403] },
  'POST /v1/providers/twilio/inbound': { why: 'Twilio request signature', status: [403] },
  'POST /v1/providers/email/events': { why: 'Standard Webhooks signature of the mail provider', status: [401] },
  'POST /v1/inbound/email': { why: 'Standard Webhooks signature of the mail provider (raw MIME only)', status: [401, 415] },
  'GET /v1/unsubscribe/{messageId}': { why: 'a signed link in the email', status: [403] },
  'POST /v1/unsubscribe/{messageId}': { why: 'a signed link in the email (RFC 8058 one-click)', status: [403] },
  'POST /v1/staff/session': { why: 'signing in itself (an empty body is refused)', status: [400] },
  'GET /v1/schemas/case-event.json': { why: 'the public contract, no data', status: [200] },
};

describe('no console or API route answers without a session or a key', () => {
  it('every documented route refuses an anonymous caller with a problem, or is guarded by a signature', async () => {
    const spec = h.app.swagger() as { paths: Record<string, Record<string, unknown>> };
    const seen: string[] = [];
    for (const [path, operations] of Object.entries(spec.paths)) {
      for (const method of Object.keys(operations)) {
        const route = `${method.toUpperCase()} ${path}`;
        seen.push(route);
        const url = path.replace(/\{[^}]+\}/g, '1');
        const res = await h.app.inject({ method: method.toUpperCase() as 'GET', url, ...(method === 'get' ? {} : { payload: {} }) });
        const expected = NOT_BY_SESSION_OR_KEY[route]?.status ?? [401];
        expect({ route, status: res.statusCode }).toEqual({ route, status: expect.toBeOneOf(expected) });
        if (res.statusCode >= 400) expect(res.headers['content-type']).toContain('application/problem+json');
      }
    }
    // The check covers the console's routes, not only the old ones.
    expect(seen).toEqual(expect.arrayContaining(['GET /v1/staff/users', 'GET /v1/templates', 'GET /v1/cases', 'GET /v1/audit/decisions', 'GET /v1/policy/packs', 'GET /v1/operations/queues']));
    expect(seen.length).toBeGreaterThan(40);
  });

  it('a forged or expired session cookie is no better than none', async () => {
    for (const cookie of ['dco_session=', 'dco_session=forged', `dco_session=${'A'.repeat(43)}`]) {
      const res = await h.app.inject({ method: 'GET', url: '/v1/cases/FI-1/timeline', headers: { cookie } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('the console pages are only the application shell, served with a strict content security policy', async () => {
    const page = await h.app.inject({ method: 'GET', url: '/console/cases/FI-2026-004711' });
    expect([200, 503]).toContain(page.statusCode);
    expect(page.headers['content-security-policy']).toContain("script-src 'self'");
    expect(page.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.body).not.toMatch(/FI-2026-004711|deb-fi/);
    // The letter's fonts, for the sandboxed (opaque-origin) letter preview: public files with CORS.
    const font = await h.app.inject({ method: 'GET', url: '/console/letter-fonts/dejavu-sans-latin-400-normal.woff2' });
    expect([font.statusCode, font.headers['content-type'], font.headers['access-control-allow-origin']]).toEqual([200, 'font/woff2', '*']);
    expect((await h.app.inject({ method: 'GET', url: '/console/letter-fonts/..%2F..%2Fpackage.json' })).statusCode).toBe(404);
    const missing = await h.app.inject({ method: 'GET', url: '/console/assets/not-built.js' });
    expect(missing.statusCode).toBe(404);
    expect(missing.headers['content-type']).toContain('application/problem+json');
  });
});
