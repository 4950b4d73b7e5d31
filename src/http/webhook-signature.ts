import { problem, type Problem } from './problem.ts';
import { Webhook, WebhookVerificationError } from 'standardwebhooks';

const TOLERANCE_SECONDS = 5 * 60;

export type SignatureCheck =
  | { ok: true; webhookId: string }
  | { ok: false; reason: 'missing-headers' | 'stale-timestamp' | 'bad-signature' };

export type WebhookHeaders = Record<string, string | string[] | undefined>;

const single = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? undefined : v);

/**
 * Standard Webhooks verification against every configured secret, so a secret can be rotated
 * without a window in which either the old or the new one is refused.
 */
export function createSignatureVerifier(secrets: readonly string[], now: () => number = Date.now) {
  const verifiers = secrets.map((s) => new Webhook(s));
  return function verify(rawBody: string, headers: WebhookHeaders): SignatureCheck {
    const id = single(headers['webhook-id']);
    const timestamp = single(headers['webhook-timestamp']);
    const signature = single(headers['webhook-signature']);
    if (!id || !timestamp || !signature) return { ok: false, reason: 'missing-headers' };
    const seconds = Number(timestamp);
    if (!/^\d{1,12}$/.test(timestamp) || Math.abs(now() / 1000 - seconds) > TOLERANCE_SECONDS) return { ok: false, reason: 'stale-timestamp' };
    const plain = { 'webhook-id': id, 'webhook-timestamp': timestamp, 'webhook-signature': signature };
    for (const verifier of verifiers) {
      try {
        verifier.verify(rawBody, plain, { jsonParse: false });
        return { ok: true, webhookId: id };
      } catch (err) {
        if (!(err instanceof WebhookVerificationError)) throw err;
      }
    }
    return { ok: false, reason: 'bad-signature' };
  };
}

/** Signs a body the way case systems do; used by the demo, tests and outbound webhooks. */
export function signWebhook(secret: string, webhookId: string, body: string, at: Date = new Date()): Record<string, string> {
  const signature = new Webhook(secret).sign(webhookId, at, body);
  return { 'webhook-id': webhookId, 'webhook-timestamp': String(Math.floor(at.getTime() / 1000)), 'webhook-signature': signature };
}

/** The problem a refused Standard Webhooks signature answers with (status 401 for our senders' API, 403 where the route prefers it). */
export function signatureProblem(reason: 'missing-headers' | 'stale-timestamp' | 'bad-signature', status: 401 | 403, secretName: string): Problem {
  if (reason === 'missing-headers') return problem(status, 'signature-missing', 'The request is not signed', 'Send webhook-id, webhook-timestamp and webhook-signature (Standard Webhooks).');
  if (reason === 'stale-timestamp') return problem(status, 'signature-stale', 'The signature timestamp is outside the 5-minute tolerance', 'Sign each delivery with the current time.');
  return problem(status, 'signature-invalid', `The signature does not match ${secretName}`);
}
