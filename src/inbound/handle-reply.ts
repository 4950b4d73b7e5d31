import { createHash } from 'node:crypto';
import type { Channel } from '../domain/case-event.ts';
import { messageId as deriveMessageId } from '../domain/message-id.ts';
import { enqueueForward } from '../forwarding/outbox.ts';
import { planAnswer, type PlannerDeps } from '../jobs/message-planner.ts';
import { enqueueDispatches, type Queues } from '../jobs/queues.ts';
import { isTimeZone, localParts } from '../policy/local-time.ts';
import { zoneOfCountry } from '../policy/locations.ts';
import { withTransaction, type Db, type DbClient } from '../store/db.ts';
import { LEDGER_LOOKBACK_MS, loadLedger } from '../store/contact-state-repo.ts';
import { loadEventsForPlanning } from '../store/events-repo.ts';
import { insertPlan, type NewMessage } from '../store/messages-repo.ts';
import { openTasks } from '../store/tasks-repo.ts';
import { findReplyId, insertReply, matchSender, type SenderMatch } from './inbound-repo.ts';
import { classifyReply, CONFIDENT } from './intents.ts';
import { matchKeyword, type Keywords } from './keywords.ts';
import type { IncomingReply, ReplyOutcome } from './reply.ts';

// A reply never falls into a void: it is stored, matched to the debtor and case, classified (a
// keyword, else an intent), acted on where the rules say so, answered in the debtor's language on
// their channel where an answer is due, and forwarded to the case system — all but the answers'
// dispatch in one transaction, so what is forwarded happened and what happened is forwarded.

export interface ReplyDeps extends PlannerDeps {
  db: Db;
  queues: Queues;
  keywords: Keywords;
  now: () => Date;
}

const LANGUAGES = ['pl', 'fi', 'it', 'nl'] as const;

type Answer = { template: string; optedOutChannel?: Channel };

const inboundIdOf = (reply: IncomingReply): string => `in_${createHash('sha256').update(`${reply.channel}\u0000${reply.providerId}`).digest('hex').slice(0, 32)}`;

export async function handleReply(deps: ReplyDeps, reply: IncomingReply): Promise<ReplyOutcome> {
  const id = inboundIdOf(reply);
  const seen = await findReplyId(deps.db, reply.providerId);
  if (seen) return { kind: 'duplicate', inboundId: seen };
  const now = deps.now();
  const matched = await matchSender(deps.db, reply);
  if (matched.kind !== 'matched') {
    // Unknown or shared sender: kept for a person; no answer, so no debt details can leak.
    const stored = await insertReply(deps.db, { id, reply, match: null, keyword: null, intent: null, confidence: null, details: { match: matched.kind } });
    return stored ? { kind: 'review', inboundId: id } : { kind: 'duplicate', inboundId: id };
  }
  const { match } = matched;
  // "I'll pay on Friday" means the debtor's Friday; their language breaks ties between languages.
  const found = await deps.db.query<{ time_zone: string | null; address_country: string; locale: string }>(`select time_zone, address_country, locale from debtors where id = $1`, [match.debtorId]);
  const debtor = found.rows[0];
  const language = LANGUAGES.find((l) => debtor?.locale.toLowerCase().startsWith(l));
  const keyword = matchKeyword(deps.keywords, reply.text, language);
  const today = localParts(now, (debtor?.time_zone && isTimeZone(debtor.time_zone) ? debtor.time_zone : zoneOfCountry(debtor?.address_country ?? '')) ?? 'UTC').iso;
  const classified = keyword ? null : classifyReply(reply.text, { today, ...(language ? { languageHint: language } : {}) });
  const intent = classified ? (classified.confidence >= CONFIDENT ? classified.intent : 'question') : null;
  const details: Record<string, unknown> = {
    ...(classified?.promise ? { promise: classified.promise } : {}),
    ...(classified?.preference ? { preference: classified.preference } : {}),
    ...(classified?.vulnerabilityKind ? { vulnerabilityKind: classified.vulnerabilityKind } : {}),
    ...(classified?.language ? { language: classified.language } : {}),
  };
  const answers: Answer[] = [];
  const outcome = await withTransaction(deps.db, async (tx) => {
    const stored = await insertReply(tx, { id, reply, match, keyword: keyword?.keyword ?? null, intent, confidence: classified?.confidence ?? (keyword ? 1 : null), details });
    if (!stored) return null;
    await tx.query(`update contact_points set last_inbound_at = greatest(last_inbound_at, $2), updated_at = now() where id = $1`, [match.contactPointId, reply.receivedAt]);
    await tx.query(`update debtors set reply_channel = $2 where id = $1`, [match.debtorId, reply.channel]);
    const forward = (type: Parameters<typeof enqueueForward>[1]['type'], payload: Record<string, unknown>) =>
      enqueueForward(tx, { type, caseId: match.caseId, debtorId: match.debtorId, payload: { inboundId: id, ...payload }, occurredAt: reply.receivedAt });
    await forward('reply.received', { channel: reply.channel, text: reply.text, replyTo: match.replyToMessageId, attachments: reply.attachments.map((a) => ({ filename: a.filename, contentType: a.contentType, size: a.size, sha256: a.sha256 })) });
    if (keyword) answers.push(...(await actOnKeyword(tx, match, keyword.keyword, reply.channel, now, forward)));
    else if (classified && intent) {
      await forward('reply.classified', { intent, confidence: classified.confidence, language: classified.language, ...details });
      answers.push(...(await actOnIntent(tx, match, intent, details, reply.text, now, forward)));
    }
    return { kind: 'handled' as const, inboundId: id, debtorId: match.debtorId, caseId: match.caseId, keyword: keyword?.keyword ?? null, intent, confidence: classified?.confidence ?? null };
  });
  if (!outcome) return { kind: 'duplicate', inboundId: id };
  if (answers.length && match.caseId) await sendAnswers(deps, match, id, reply.channel, answers, now);
  return outcome;
}

type Forward = (type: Parameters<typeof enqueueForward>[1]['type'], payload: Record<string, unknown>) => Promise<void>;

async function actOnKeyword(tx: DbClient, match: SenderMatch, keyword: 'stop' | 'start' | 'help', channel: Channel, now: Date, forward: Forward): Promise<Answer[]> {
  if (keyword === 'stop') {
    const { rowCount } = await tx.query(`update contact_points set opted_out_at = $2, updated_at = now() where id = $1 and opted_out_at is null`, [match.contactPointId, now]);
    // What waits for this point goes no more: cancelled now, with the reason on its trail.
    await tx.query(
      `with c as (update messages set status = 'cancelled', updated_at = now()
                   where contact_point_id = $1 and status in ('pending', 'held') and answers is null returning id)
       insert into message_statuses (message_id, status, error_code, source) select id, 'cancelled', 'opted-out', 'policy' from c`,
      [match.contactPointId],
    );
    await forward('consent.opted_out', { channel, contactPointId: match.contactPointId });
    // One confirmation, and only when this STOP changed something.
    return rowCount ? [{ template: 'opt-out-confirmation', optedOutChannel: channel }] : [];
  }
  if (keyword === 'start') {
    const { rowCount } = await tx.query(`update contact_points set opted_out_at = null, updated_at = now() where id = $1 and opted_out_at is not null`, [match.contactPointId]);
    if (rowCount) await forward('consent.opted_in', { channel, contactPointId: match.contactPointId });
    return [];
  }
  return [{ template: 'help-reply' }];
}

async function actOnIntent(tx: DbClient, match: SenderMatch, intent: string, details: Record<string, unknown>, text: string, now: Date, forward: Forward): Promise<Answer[]> {
  const hold = async (reason: 'dispute' | 'vulnerable') => {
    if (!match.caseId) return;
    const { rowCount } = await tx.query(`update cases set hold_reason = $2, hold_since = $3, updated_at = now() where id = $1 and hold_reason is null`, [match.caseId, reason, now]);
    if (rowCount) await forward('hold.set', { reason, source: 'reply' });
  };
  const task = async (kind: string, reason: string) => {
    if (match.caseId) await openTasks(tx, [{ caseId: match.caseId, debtorId: match.debtorId, kind, reason }]);
  };
  switch (intent) {
    case 'dispute':
      await hold('dispute');
      await task('dispute', 'the debtor disputes the debt in a reply; collection pauses until it is resolved');
      return [{ template: 'dispute-acknowledgement' }];
    case 'vulnerability':
      await hold('vulnerable');
      await task('vulnerable', `the debtor wrote of ${String(details.vulnerabilityKind ?? 'hardship')}; a person takes the case over`);
      return [{ template: 'debt-advice-referral' }];
    case 'promise':
      await forward('promise_to_pay.made', { ...(details.promise as Record<string, unknown> | undefined) });
      return [];
    case 'preference': {
      const pref = (details.preference ?? {}) as { channel?: Channel; language?: string };
      await tx.query(`update debtors set requested_channel = coalesce($2, requested_channel), requested_language = coalesce($3, requested_language) where id = $1`, [match.debtorId, pref.channel ?? null, pref.language ?? null]);
      await forward('preference.changed', { ...pref });
      return [];
    }
    default:
      await task('reply', text.length ? 'the debtor asked something a person should answer' : 'an empty reply');
      return [];
  }
}

/**
 * Answers go on the channel the debtor asked for, else the one they wrote on, to their own point,
 * in the case's language; through the policy (quiet hours hold them, caps do not) and dispatch.
 */
async function sendAnswers(deps: ReplyDeps, match: SenderMatch, inboundId: string, channel: Channel, answers: Answer[], now: Date): Promise<void> {
  const { rows } = await deps.db.query<{ id: string; requested_channel: Channel | null }>(
    `select e.id, d.requested_channel from events e join debtors d on d.id = e.debtor_id where e.case_id = $1 order by e.occurred_at desc limit 1`,
    [match.caseId],
  );
  const latest = rows[0];
  if (!latest) return;
  const found = (await loadEventsForPlanning(deps.db, [latest.id])).get(latest.id);
  if (!found) return;
  const { payload: event, state } = found;
  const history = (await loadLedger(deps.db, [match.debtorId], new Date(now.getTime() - LEDGER_LOOKBACK_MS))).get(match.debtorId) ?? [];
  const planned: NewMessage[] = [];
  for (const answer of answers) {
    // The STOP confirmation goes where the STOP came from; the rest where the debtor wants answers.
    const wanted = answer.template === 'opt-out-confirmation' ? channel : (latest.requested_channel ?? channel);
    const point = wanted === channel ? match.contactPointId : state.contactPoints.find((p) => p.channel === wanted && !p.removedAt)?.id;
    if (!point || !deps.renderer.has(answer.template, wanted) || !deps.channels.has(wanted)) continue;
    const id = deriveMessageId(event.case.id, inboundId, answer.template);
    planned.push(planAnswer(deps, event, { state, history, now, stage: 'plan' }, { id, answers: inboundId, template: answer.template, channel: wanted, contactPointId: point, ...(answer.optedOutChannel ? { optedOutChannel: answer.optedOutChannel } : {}) }));
  }
  if (!planned.length) return;
  await insertPlan(deps.db, [], planned, now);
  await enqueueDispatches(deps.queues, planned.filter((m) => m.status === 'pending' && m.channel).map((m) => ({ channel: m.channel as Channel, id: m.id, notBefore: m.notBefore })), now.getTime());
}
