import { createHash } from 'node:crypto';

/**
 * One message per (case, event, step), whatever the retries: the id is derived, not drawn, so a
 * plan that runs twice writes the same rows and enqueues the same job ids.
 */
export function messageId(caseId: string, eventId: string, step: string): string {
  const digest = createHash('sha256').update(`${caseId}\u0000${eventId}\u0000${step}`).digest('hex');
  return `msg_${digest.slice(0, 32)}`;
}
