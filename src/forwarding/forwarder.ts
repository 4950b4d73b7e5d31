import { Webhook } from 'standardwebhooks';
import type { Config } from '../config.ts';
import type { Db } from '../store/db.ts';
import type { Logger } from '../logger.ts';

// Delivers the outbox (outbox.ts) to the case system as Standard Webhooks. Per case (else per
// debtor) only the oldest pending event may be sent, and only by one worker: a claim is a lease
// (locked_until) taken with `for update skip locked`, the request goes out with no transaction
// open, and the outcome is written back fenced by the attempt number the claim took.

export type ForwardingConfig = NonNullable<Config['forwarding']>;

const TIMEOUT_MS = 10_000;
/** Longer than the request timeout, so a live claim never expires under its own request. */
const LEASE_MS = 60_000;
const BACKOFF_BASE_MS = 5_000;
const BACKOFF_CAP_MS = 3600_000;
/** A Retry-After is honoured up to this: a receiver cannot park an event past its retry window. */
const RETRY_AFTER_CAP_MS = 6 * 3600_000;
const RESPONSE_DRAIN_BYTES = 64 * 1024;

export interface ForwarderOptions {
  db: Db;
  config: ForwardingConfig;
  log: Logger;
  /** The forwarder's clock (due times, leases, retry windows); tests move it on instead of waiting. */
  now?: () => Date;
  /** Idle polling interval; null runs no loop: the caller steps with runOnce (tests, scripts). */
  pollMs: number | null;
  /** Cases in flight at once. */
  concurrency?: number;
  /** The jitter's source, in [0, 1). */
  random?: () => number;
}

export interface RunResult {
  claimed: number;
  delivered: number;
  retrying: number;
  dead: number;
  /** Answered 410 Gone: the endpoint is disabled now. */
  gone: number;
}

export interface Forwarder {
  /** Claims what is due (one event per case, up to the concurrency), sends it and records the outcomes. */
  runOnce(): Promise<RunResult>;
  /** Stops the loop and waits for the requests in flight (each ends within the 10 s timeout). */
  stop(): Promise<void>;
}

interface Claimed {
  id: string;
  order_key: string;
  webhook_id: string;
  type: string;
  case_id: string | null;
  debtor_id: string | null;
  payload: Record<string, unknown>;
  occurred_at: Date;
  attempts: number;
  retry_from: Date;
}

type Outcome =
  | { kind: 'delivered'; status: number }
  | { kind: 'gone' }
  | { kind: 'failed'; status: number | null; error: string; retryAfterMs: number | null };

/** Retry-After in seconds or as an HTTP date (read against real time: it is the receiver's clock). */
export function retryAfterMs(header: string | null, realNow: number = Date.now()): number | null {
  const value = header?.trim();
  if (!value) return null;
  if (/^\d{1,10}$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : Math.max(0, at - realNow);
}

/** Exponential backoff with full jitter: uniform in [0, min(cap, base · 2^(attempt−1))). */
export function backoffMs(attempt: number, random: () => number): number {
  return Math.floor(random() * Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.max(0, attempt - 1)));
}

/** A code for last_error and logs: never an error message, which may quote a URL or a body. */
function errorCode(err: unknown): string {
  if (err instanceof Error && (err.name === 'TimeoutError' || err.name === 'AbortError')) return 'timeout';
  const cause = err instanceof Error ? (err.cause as { code?: unknown } | undefined) : undefined;
  const code = typeof cause?.code === 'string' ? cause.code : undefined;
  return code && /^[A-Z0-9_]{2,40}$/.test(code) ? code : 'network';
}

/** Reads a little of the answer so the connection can be reused; its content is never looked at. */
async function drain(res: Response): Promise<void> {
  if (!res.body) return;
  const reader = res.body.getReader();
  let read = 0;
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return;
      read += value.byteLength;
      if (read > RESPONSE_DRAIN_BYTES) return void (await reader.cancel());
    }
  } catch {
    // A broken answer body does not change the status already received.
  }
}

export function startForwarder(opts: ForwarderOptions): Forwarder {
  const { db, config, log } = opts;
  const now = opts.now ?? (() => new Date());
  const random = opts.random ?? Math.random;
  const concurrency = opts.concurrency ?? 16;
  const signer = new Webhook(config.secret);
  const windowMs = config.retryForHours * 3600_000;

  async function claim(limit: number): Promise<Claimed[]> {
    const at = now();
    const { rows } = await db.query<Claimed>({
      name: 'forward-claim',
      // The first due events in due order, a few more than wanted, locked as a queue takes jobs:
      // nearly all are heads of their case (later ones wait at 'infinity', one in flight is not due
      // until its lease ends), so this stays O(limit). Checking every due event against its case
      // first, as one query did, made the planner scan and sort a backlog: 15 ms a claim at 5,000.
      text: `with candidates as (
               select id, order_key from forward_events
                where status = 'pending' and next_attempt_at <= $1 and (locked_until is null or locked_until <= $1)
                  and not exists (select 1 from forward_endpoint e where e.disabled_at is not null or e.paused_until > $1)
                order by next_attempt_at, id
                limit $2 * 4 + 32
                for update skip locked),
             due as (
               select c.id from candidates c
                -- Not while an earlier event of the case is pending, nor while another is in flight
                -- (a replayed older event becomes the head while the current one is out).
                where not exists (select 1 from forward_events p where p.order_key = c.order_key and p.status = 'pending' and p.id < c.id)
                  and not exists (select 1 from forward_events p where p.order_key = c.order_key and p.status = 'pending'
                                     and p.locked_until is not null and p.locked_until > $1)
                limit $2)
             update forward_events f set locked_until = $3, next_attempt_at = $3, attempts = f.attempts + 1, retry_from = coalesce(f.retry_from, $1)
               from due where f.id = due.id
             returning f.id::text, f.order_key, f.webhook_id, f.type, f.case_id, f.debtor_id, f.payload, f.occurred_at, f.attempts, f.retry_from`,
      values: [at, limit, new Date(at.getTime() + LEASE_MS)],
    });
    return rows;
  }

  async function send(e: Claimed): Promise<Outcome> {
    const body = JSON.stringify({
      type: e.type,
      timestamp: e.occurred_at.toISOString(),
      // The id orders a case's events: a receiver can tell a replayed old event from a new one.
      sequence: Number(e.id),
      data: { ...e.payload, caseId: e.case_id, debtorId: e.debtor_id },
    });
    // Signed at real time, not the service clock: the receiver checks it against its own clock.
    const signedAt = new Date();
    const headers = {
      'content-type': 'application/json',
      'user-agent': 'debtor-comms-forwarder/1',
      'webhook-id': e.webhook_id,
      'webhook-timestamp': String(Math.floor(signedAt.getTime() / 1000)),
      'webhook-signature': signer.sign(e.webhook_id, signedAt, body),
    };
    try {
      // Redirects are not followed: a signed body goes to the configured address only.
      const res = await fetch(config.url, { method: 'POST', body, headers, redirect: 'manual', signal: AbortSignal.timeout(TIMEOUT_MS) });
      await drain(res);
      if (res.status >= 200 && res.status < 300) return { kind: 'delivered', status: res.status };
      if (res.status === 410) return { kind: 'gone' };
      const retryAfter = res.status === 429 || res.status === 503 ? retryAfterMs(res.headers.get('retry-after')) : null;
      return { kind: 'failed', status: res.status, error: `http-${res.status}`, retryAfterMs: retryAfter };
    } catch (err) {
      return { kind: 'failed', status: null, error: errorCode(err), retryAfterMs: null };
    }
  }

  /** Writes the outcome, unless the lease was lost meanwhile (another claim took a higher attempt). */
  async function record(e: Claimed, outcome: Outcome): Promise<keyof Omit<RunResult, 'claimed'>> {
    const at = now();
    const fence = [e.id, e.attempts];
    // Delivered and dead settle the event and make the case's next one due (forward_settle).
    const settle = (status: 'delivered' | 'dead', lastStatus: number | null, lastError: string | null) =>
      db.query({ name: 'forward-settle', text: 'select forward_settle($1, $2, $3, $4, $5, $6, $7)', values: [e.id, e.order_key, e.attempts, status, at, lastStatus, lastError] });
    if (outcome.kind === 'delivered') {
      await settle('delivered', outcome.status, null);
      return 'delivered';
    }
    if (outcome.kind === 'gone') {
      // The event waits, due at once, for an operator to re-enable the endpoint; so do all others.
      const { rows } = await db.query<{ disabled_at: Date }>(
        `with f as (update forward_events set locked_until = null, next_attempt_at = $3, last_status = 410, last_error = 'gone'
                     where id = $1 and attempts = $2 and status = 'pending')
         update forward_endpoint set disabled_at = $3, disabled_reason = 'the case system answered 410 Gone' where disabled_at is null returning disabled_at`,
        [...fence, at],
      );
      if (rows.length) log.error({ forwardEventId: e.id, type: e.type }, 'forwarding endpoint answered 410 Gone: forwarding is disabled until re-enabled (POST /v1/forwarding/enable)');
      return 'gone';
    }
    const deadline = e.retry_from.getTime() + windowMs;
    if (at.getTime() >= deadline) {
      await settle('dead', outcome.status, outcome.error);
      log.warn({ forwardEventId: e.id, type: e.type, caseId: e.case_id, attempts: e.attempts, lastStatus: outcome.status, lastError: outcome.error }, 'forward event dead after its retry window');
      return 'dead';
    }
    let next: number;
    if (outcome.retryAfterMs !== null) {
      next = at.getTime() + Math.min(outcome.retryAfterMs, RETRY_AFTER_CAP_MS);
      // The receiver asked for a pause: every event waits, not only this one.
      await db.query('update forward_endpoint set paused_until = greatest(coalesce(paused_until, $1), $1)', [new Date(next)]);
    } else {
      // The last attempt falls on the deadline itself: retried for the whole window, then dead.
      next = Math.min(at.getTime() + backoffMs(e.attempts, random), deadline);
    }
    await db.query({
      name: 'forward-retry',
      // An older event of the case replayed meanwhile goes first: this one then waits its turn.
      text: `update forward_events f set last_status = $4, last_error = $5, locked_until = null,
                    next_attempt_at = case when exists (select 1 from forward_events p where p.order_key = f.order_key and p.status = 'pending' and p.id < f.id)
                                           then 'infinity'::timestamptz else $3 end
              where id = $1 and attempts = $2 and status = 'pending'`,
      values: [...fence, new Date(next), outcome.status, outcome.error],
    });
    log.debug({ forwardEventId: e.id, attempts: e.attempts, lastStatus: outcome.status, lastError: outcome.error }, 'forward attempt failed; retrying');
    return 'retrying';
  }

  const deliver = async (e: Claimed) => record(e, await send(e));

  async function runOnce(): Promise<RunResult> {
    const claimed = await claim(concurrency);
    const result: RunResult = { claimed: claimed.length, delivered: 0, retrying: 0, dead: 0, gone: 0 };
    for (const kind of await Promise.all(claimed.map(deliver))) result[kind] += 1;
    return result;
  }

  // The loop keeps up to `concurrency` cases in flight: a finished delivery frees a slot and wakes it
  // at once (the case's next event may be due); with nothing due it sleeps pollMs.
  const inFlight = new Set<Promise<unknown>>();
  let stopped = false;
  let wake: (() => void) | null = null;
  let timer: NodeJS.Timeout | undefined;
  // Set by a delivery that ends while the loop is busy claiming, so that wake-up is not lost.
  let woken = false;
  const wakeUp = () => {
    woken = true;
    clearTimeout(timer);
    wake?.();
    wake = null;
  };

  async function loop(pollMs: number): Promise<void> {
    while (!stopped) {
      woken = false;
      const free = concurrency - inFlight.size;
      let claimed = 0;
      if (free > 0) {
        try {
          const batch = await claim(free);
          claimed = batch.length;
          for (const e of batch) {
            const p: Promise<unknown> = deliver(e)
              .catch((err: unknown) => log.warn({ err, forwardEventId: e.id }, 'recording a forward outcome failed; the lease expires and it is retried'))
              .finally(() => {
                inFlight.delete(p);
                wakeUp();
              });
            inFlight.add(p);
          }
        } catch (err) {
          log.warn({ err }, 'claiming forward events failed; retrying');
        }
      }
      if (stopped || woken || (free > 0 && claimed === free)) continue;
      await new Promise<void>((resolve) => {
        wake = resolve;
        timer = setTimeout(resolve, pollMs);
      });
    }
  }

  const running = opts.pollMs === null ? Promise.resolve() : loop(opts.pollMs);
  return {
    runOnce,
    async stop() {
      stopped = true;
      wakeUp();
      await running;
      await Promise.all(inFlight);
    },
  };
}
