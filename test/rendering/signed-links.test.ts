import { describe, expect, it } from 'vitest';
import { signedLink, verifyLink } from '../../src/rendering/signed-links.ts';

describe('signed links', () => {
  const secret = 'link-secret-for-tests';
  const expires = new Date('2027-01-01T00:00:00Z');
  const now = new Date('2026-11-21T00:00:00Z');
  const parse = (link: string) => {
    const url = new URL(link);
    return [url.pathname, url.searchParams.get('e') ?? undefined, url.searchParams.get('s') ?? undefined] as const;
  };

  it('verifies a link as it was signed', () => {
    const link = signedLink('https://pay.example', '/pay/PL-2026-000123', secret, expires);
    expect(link).toMatch(/^https:\/\/pay\.example\/pay\/PL-2026-000123\?e=\d+&s=[\w-]{32}$/);
    expect(verifyLink(...parse(link), secret, now)).toBe(true);
  });

  it('refuses a link moved to another case, an expired one, or a wrong secret', () => {
    const [, e, s] = parse(signedLink('https://pay.example', '/pay/PL-2026-000123', secret, expires));
    expect(verifyLink('/pay/PL-2026-000124', e, s, secret, now)).toBe(false);
    expect(verifyLink('/pay/PL-2026-000123', e, s, secret, new Date('2027-01-02T00:00:00Z'))).toBe(false);
    expect(verifyLink('/pay/PL-2026-000123', e, s, 'another-secret', now)).toBe(false);
    expect(verifyLink('/pay/PL-2026-000123', e, undefined, secret, now)).toBe(false);
  });
});
