import type { Channel } from '../domain/case-event.ts';
import type { ChannelAdapter, SendResult } from '../channels/channel-adapter.ts';
import { PermanentChannelError, TransientChannelError } from '../errors.ts';
import { isHeld, type Decision } from '../policy/decision.ts';
import type { Contact } from '../policy/caps.ts';
import type { Packs } from '../policy/pack.ts';
import { answerPassFor, decideFor, guardContent } from './message-planner.ts';
import { withTransaction, type Db, type DbClient } from '../store/db.ts';
import { LEDGER_LOOKBACK_MS, markContactPoint } from '../store/contact-state-repo.ts';
import {
  adoptProviderMessage,
  applyStatus,
  applyStatuses,
  claimedProviderIds,
  lockDebtorsOfMessages,
  readMessagesForDispatch,
  markNotSent,
  markUnknown,
  recordDispatchDecisions,
  type DispatchDecisionRecord,
  type DispatchRow,
  type StatusReport,
} from '../store/messages-repo.ts';
import { createBatcher, type Batcher } from '../store/batcher.ts';
import type { Logger } from '../logger.ts';
import type { Metrics } from '../metrics.ts';

export interface DispatchDeps {
  db: Db;
  adapters: ReadonlyMap<Channel, ChannelAdapter>;
  /** A message that will not reach the debtor on its channel: the step moves to the next one. */
  onGaveUp?: (messageIds: readonly string[]) => Promise<void>;
  packs: Packs;
  publicUrl: string;
  log: Logger;
  metrics: Metrics;
  now?: () => Date;
}

export type DispatchResult =
  | { kind: 'missing' | 'finished' | 'blocked' | 'held' }
  | { kind: 'deferred'; until: Date }
  | { kind: 'sent'; providerId: string; reconciled: boolean };

/** Thrown for a permanent failure: the job must not be retried (the worker maps it to UnrecoverableError). */
export class DispatchFailedPermanently extends Error {
  override readonly name = 'DispatchFailedPermanently';
}

/**
 * Provider calls per message before it is given up as failed. BullMQ's own attempts end sooner;
 * this bounds what the sweeper re-enqueues when a provider keeps failing for hours.
 */
export const MAX_SEND_ATTEMPTS = 20;

/** WhatsApp's customer-service window: free-form messages within 24 hours of the debtor's last message. */
const WHATSAPP_WINDOW_MS = 24 * 3600 * 1000;

/** Addresses of erased debtors are pseudonyms with this prefix (store/debtor-data-repo.ts). */
const ERASED_PREFIX = 'erased:';

/** Clock skew between us and the provider when asking what it accepted since a send began. */
const RECONCILE_SLACK_MS = 60_000;

export const statusCallbackUrl = (publicUrl: string, messageId: string): string => `${publicUrl}/v1/providers/twilio/status/${messageId}`;

type Claim =
  | { kind: 'send'; row: DispatchRow }
  | { kind: 'reconcile'; row: DispatchRow }
  | { kind: 'deferred'; until: Date }
  | { kind: 'missing' | 'finished' | 'blocked' | 'held' | 'exhausted' };

/** The policy's answer for a message about to be sent, with the ledger read under the debtor's lock. */
function decideBeforeSending(deps: DispatchDeps, row: DispatchRow, history: readonly Contact[], now: Date): Decision {
  const contactPoint = row.state.contactPoints.find((p) => p.id === row.contactPointId) ?? null;
  const answer = row.answers ? answerPassFor(row.template) : undefined;
  return guardContent(decideFor(deps, { state: row.state, history, now, stage: 'dispatch' }, row.channel, contactPoint, row.capExempt, answer), row.content);
}

const nextStatusOf = (d: Decision): DispatchDecisionRecord['nextStatus'] => (d.outcome === 'allow' ? 'sending' : d.outcome === 'block' ? 'blocked' : isHeld(d) ? 'held' : 'pending');

/**
 * Under the message row locks and the debtors' locks: check the policy again, with the ledger read
 * under those locks, and claim the sends, for a whole batch of messages in one transaction. A
 * message claimed here joins its debtor's ledger at once, so the next one in the batch sees it.
 */
async function claimBatch(deps: DispatchDeps, messageIds: readonly string[]): Promise<Claim[]> {
  return withTransaction(deps.db, (tx) => decideUnderLocks(deps, tx, messageIds), {
    // These statements look rows up by key; a cached plan serves them (the connection default
    // re-plans every statement, which the bulk inserts need).
    settings: { plan_cache_mode: 'auto' },
    // Nothing claimed for sending: a decision lost in a database crash is simply taken again.
    asyncCommit: (claims) => claims.every((c) => c.kind !== 'send'),
  });
}

async function decideUnderLocks(deps: DispatchDeps, tx: DbClient, messageIds: readonly string[]): Promise<Claim[]> {
  await lockDebtorsOfMessages(tx, messageIds);
  // The clock is read under the locks: a contact another batch claimed before we got them is
  // never stamped later than our "now", so it is always counted.
  const now = deps.now?.() ?? new Date();
  const { rows, ledger } = await readMessagesForDispatch(tx, messageIds, new Date(now.getTime() - LEDGER_LOOKBACK_MS));
  const records: DispatchDecisionRecord[] = [];
  const exhausted: StatusReport[] = [];
  const claims = new Map<string, Claim>();
  for (const id of new Set(messageIds)) {
    const row = rows.get(id);
    if (!row) {
      claims.set(id, { kind: 'missing' });
      continue;
    }
    if (row.status === 'sending' || row.status === 'unknown') {
      claims.set(id, { kind: 'reconcile', row });
      continue;
    }
    if (row.status !== 'pending') {
      claims.set(id, { kind: 'finished' });
      continue;
    }
    if (row.attempts >= MAX_SEND_ATTEMPTS) {
      exhausted.push({ messageId: id, status: 'failed', source: 'dispatcher', errorCode: 'attempts-exhausted' });
      claims.set(id, { kind: 'exhausted' });
      continue;
    }
    const history = ledger.get(row.debtorId) ?? [];
    const decision = decideBeforeSending(deps, row, history, now);
    deps.metrics.decisions.inc({ stage: 'dispatch', outcome: decision.outcome, rule: decision.rule });
    const nextStatus = nextStatusOf(decision);
    records.push({ row, stage: 'dispatch', decision, nextStatus, at: now });
    if (nextStatus === 'sending') {
      ledger.set(row.debtorId, [...history, { at: now, channel: row.channel, capExempt: row.capExempt }]);
      claims.set(id, { kind: 'send', row: { ...row, status: 'sending' } });
    } else if (nextStatus === 'pending' && decision.deferUntil) {
      claims.set(id, { kind: 'deferred', until: decision.deferUntil });
    } else {
      claims.set(id, { kind: nextStatus === 'held' ? 'held' : 'blocked' });
    }
  }
  await recordDispatchDecisions(tx, records);
  await applyStatuses(tx, exhausted);
  return messageIds.map((id) => claims.get(id) ?? { kind: 'missing' });
}

interface Batched {
  claim: Batcher<string, Claim>;
  report: Batcher<StatusReport, void>;
}
const batchers = new WeakMap<DispatchDeps, Batched>();

/** Concurrent dispatch jobs of one worker share their claim transaction and their status writes. */
function batched(deps: DispatchDeps): Batched {
  let found = batchers.get(deps);
  if (!found) {
    found = {
      // One claim transaction at a time per process: callers arriving meanwhile go together in the
      // next. Batches of ~8 twice at once measured 3,700 decisions/s; one batch of ~15, 5,500/s
      // with half the PostgreSQL CPU per decision (bench/policy).
      claim: createBatcher((ids) => claimBatch(deps, ids), { maxBatch: 64, maxInFlight: 1, onBatch: (n) => deps.metrics.batchSize.observe({ batch: 'dispatch-claim' }, n) }),
      report: createBatcher(async (reports) => {
        await applyStatuses(deps.db, reports);
        return reports.map(() => undefined);
      }, { maxBatch: 128, onBatch: (n) => deps.metrics.batchSize.observe({ batch: 'dispatch-status' }, n) }),
    };
    batchers.set(deps, found);
  }
  return found;
}

async function send(deps: DispatchDeps, adapter: ChannelAdapter, row: DispatchRow): Promise<SendResult> {
  const started = performance.now();
  try {
    const result = await adapter.send({
      messageId: row.id,
      channel: row.channel,
      to: row.toAddress,
      body: row.body,
      country: row.country,
      statusCallbackUrl: statusCallbackUrl(deps.publicUrl, row.id),
      parts: row.parts ?? { body: row.body },
      locale: row.locale,
      conversationOpen: row.lastInboundAt !== null && (deps.now?.() ?? new Date()).getTime() - row.lastInboundAt.getTime() < WHATSAPP_WINDOW_MS,
    });
    deps.metrics.messagesSent.inc({ channel: row.channel, result: 'accepted' });
    return result;
  } catch (err) {
    if (err instanceof PermanentChannelError) {
      deps.metrics.messagesSent.inc({ channel: row.channel, result: 'permanent-error' });
      // The contact point first: once the message shows `failed`, what it taught us is recorded.
      if (err.contactPointEffect) await markContactPoint(deps.db, row.contactPointId, err.contactPointEffect, err.code);
      await applyStatus(deps.db, row.id, 'failed', 'dispatcher', { errorCode: err.code });
      deps.log.info({ messageId: row.id, code: err.code, effect: err.contactPointEffect }, 'provider refused the message permanently');
      await deps.onGaveUp?.([row.id]);
      throw new DispatchFailedPermanently(`provider error ${err.code}`, { cause: err });
    }
    deps.metrics.messagesSent.inc({ channel: row.channel, result: 'transient-error' });
    if (err instanceof TransientChannelError && !err.mayHaveBeenSent) {
      await markNotSent(deps.db, row.id, err.code ?? 'transient');
    } else {
      // The request may have reached the provider (timeout, reset, 5xx): the outcome is unknown,
      // and the retry asks the provider before sending again.
      await markUnknown(deps.db, row.id, 'dispatcher', err instanceof TransientChannelError ? (err.code ?? 'transient') : 'unexpected');
    }
    throw err;
  } finally {
    deps.metrics.providerLatency.observe({ channel: row.channel }, (performance.now() - started) / 1000);
  }
}

/**
 * Dispatch job. Exactly once towards the provider as far as it can be known: a message is only sent
 * from `pending`; one found `sending` or `unknown` (a crash or an error mid-call) is first looked up
 * at the provider and adopted if it went out, and only sent if it did not.
 */
export async function dispatchMessage(deps: DispatchDeps, messageId: string): Promise<DispatchResult> {
  const now = deps.now?.() ?? new Date();
  const { claim, report } = batched(deps);
  let claimed = await claim(messageId);
  let reconciled = false;
  if (claimed.kind === 'reconcile') {
    const { row } = claimed;
    if (row.toAddress.startsWith(ERASED_PREFIX)) {
      // The debtor was erased mid-send: there is no address left to ask the provider about, and
      // nothing may be sent to the debtor again. The outcome stays unknown to us; the trail says why.
      await applyStatus(deps.db, row.id, 'failed', 'dispatcher', { errorCode: 'erased' });
      return { kind: 'finished' };
    }
    const adapter = adapterFor(deps, row);
    if (row.status === 'sending') await markUnknown(deps.db, row.id, 'reconciler', null);
    const since = new Date((row.sendingAt ?? now).getTime() - RECONCILE_SLACK_MS);
    const candidates = await adapter.findSent({ to: row.toAddress, body: row.body, sentAfter: since, messageId: row.id, ...(row.parts ? { parts: row.parts } : {}) });
    const taken = await claimedProviderIds(deps.db, candidates.map((c) => c.providerId), row.id);
    for (const found of candidates.filter((c) => !taken.has(c.providerId))) {
      if (await adoptProviderMessage(deps.db, row.id, found.providerId, found.status)) {
        deps.log.info({ messageId: row.id }, 'unknown outcome reconciled: the provider had the message');
        return { kind: 'sent', providerId: found.providerId, reconciled: true };
      }
    }
    await markNotSent(deps.db, row.id);
    reconciled = true;
    claimed = await claim(messageId);
    if (claimed.kind === 'reconcile') throw new Error('message went back to an unknown state while reconciling');
  }
  if (claimed.kind === 'deferred') return { kind: 'deferred', until: claimed.until };
  if (claimed.kind === 'exhausted') {
    // Committed as failed: the step is owed on the next channel.
    await deps.onGaveUp?.([messageId]);
    return { kind: 'finished' };
  }
  if (claimed.kind !== 'send') return { kind: claimed.kind };
  const { row } = claimed;
  const result = await send(deps, adapterFor(deps, row), row);
  await report({ messageId: row.id, status: result.status, source: 'dispatcher', providerId: result.providerId, providerStatus: result.variant ? `${result.status} (${result.variant})` : result.status });
  return { kind: 'sent', providerId: result.providerId, reconciled };
}

function adapterFor(deps: DispatchDeps, row: DispatchRow): ChannelAdapter {
  const adapter = deps.adapters.get(row.channel);
  if (!adapter) throw new DispatchFailedPermanently(`no adapter for channel ${row.channel}`);
  return adapter;
}
