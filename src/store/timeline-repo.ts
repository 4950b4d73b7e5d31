import type { Queryable } from './db.ts';

export interface TimelineEntry {
  at: string;
  kind: 'event' | 'decision' | 'message' | 'status' | 'task' | 'reply';
  [key: string]: unknown;
}

// One query, ordered by time: what came in, what was decided and why, what was sent and what became of it.
const TIMELINE = `
select * from (
  select received_at as at, 'event' as kind, jsonb_build_object('eventId', id, 'type', type, 'occurredAt', occurred_at, 'status', status) as data, 0 as ord
    from events where case_id = $1
  union all
  select decided_at, 'decision', jsonb_build_object('messageId', message_id, 'eventId', event_id, 'stage', stage, 'channel', channel,
         'outcome', outcome, 'deferUntil', defer_until, 'rule', rule, 'reason', reason, 'policyVersion', policy_version, 'content', content,
         'evidence', evidence), 1
    from decisions where case_id = $1
  union all
  select created_at, 'message', jsonb_build_object('messageId', id, 'eventId', event_id, 'step', step, 'channel', channel, 'to', to_address,
         'template', template, 'templateVersion', template_version,
         'templateVersionNumber', (select v.number from template_versions v where 'v' || v.id = messages.template_version), 'locale', locale, 'text', body, 'encoding', encoding, 'segments', segments,
         'status', status, 'notBefore', not_before, 'content', content, 'capExempt', cap_exempt, 'providerId', provider_id, 'attempts', attempts,
         'lastErrorCode', last_error_code, 'bodyPurgedAt', body_purged_at), 2
    from messages where case_id = $1
  union all
  select s.occurred_at, 'status', jsonb_build_object('messageId', s.message_id, 'status', s.status, 'providerStatus', s.provider_status,
         'errorCode', s.error_code, 'source', s.source), 3
    from message_statuses s join messages m on m.id = s.message_id where m.case_id = $1
  union all
  select created_at, 'task', jsonb_build_object('taskId', id::text, 'taskKind', kind, 'reason', reason, 'closedAt', closed_at), 4
    from tasks where case_id = $1
  union all
  select received_at, 'reply', jsonb_build_object('inboundId', id, 'channel', channel, 'text', body, 'keyword', keyword, 'intent', intent,
         'confidence', confidence, 'details', details, 'replyTo', reply_to_message_id), 5
    from inbound_messages where case_id = $1
) t order by at, ord`;

// The conversation: what we sent and what the debtor wrote, in order, on every channel.
const CONVERSATION = `
select * from (
  select coalesce(contacted_at, created_at) as at, 'out' as direction, jsonb_build_object('messageId', id, 'channel', channel, 'template', template,
         'text', body, 'status', status, 'answers', answers) as data
    from messages where case_id = $1 and channel is not null and status <> 'blocked'
  union all
  select received_at, 'in', jsonb_build_object('inboundId', id, 'channel', channel, 'text', body, 'keyword', keyword, 'intent', intent, 'confidence', confidence)
    from inbound_messages where case_id = $1
) t order by at`;

export async function loadConversation(db: Queryable, caseId: string): Promise<Array<{ at: string; direction: 'in' | 'out' } & Record<string, unknown>> | null> {
  const exists = await db.query('select 1 from cases where id = $1', [caseId]);
  if (!exists.rowCount) return null;
  const { rows } = await db.query<{ at: Date; direction: 'in' | 'out'; data: Record<string, unknown> }>(CONVERSATION, [caseId]);
  return rows.map((r) => ({ at: r.at.toISOString(), direction: r.direction, ...r.data }));
}

export async function loadTimeline(db: Queryable, caseId: string): Promise<TimelineEntry[] | null> {
  const exists = await db.query('select 1 from cases where id = $1', [caseId]);
  if (!exists.rowCount) return null;
  const { rows } = await db.query<{ at: Date; kind: TimelineEntry['kind']; data: Record<string, unknown> }>(TIMELINE, [caseId]);
  return rows.map((r) => ({ at: r.at.toISOString(), kind: r.kind, ...r.data }));
}
