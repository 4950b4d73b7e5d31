import { createHmac, timingSafeEqual } from 'node:crypto';

// Links in messages (pay, unsubscribe) carry an expiry and an HMAC, so a debtor's link cannot be
// altered to reach another case, and an old link stops working.

const sign = (secret: string, path: string, expires: number): string => createHmac('sha256', secret).update(`${path}\n${expires}`).digest('base64url').slice(0, 32);

export function signedLink(base: string, path: string, secret: string, expiresAt: Date): string {
  const expires = Math.floor(expiresAt.getTime() / 1000);
  return `${base}${path}?e=${expires}&s=${sign(secret, path, expires)}`;
}

/** Whether a link's path, expiry and signature belong together and it has not expired. */
export function verifyLink(path: string, expires: string | undefined, signature: string | undefined, secret: string, now = new Date()): boolean {
  if (!expires || !signature || !/^\d{1,12}$/.test(expires)) return false;
  if (Number(expires) * 1000 < now.getTime()) return false;
  const expected = Buffer.from(sign(secret, path, Number(expires)));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
