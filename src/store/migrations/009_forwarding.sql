-- Forwarding to the case system: an outbox of facts (replies, intents, opt-outs, statuses, promises
-- to pay, holds, preferences) written in the same transaction as the fact itself, delivered as
-- signed webhooks, retried for at least a day, in order per case, ending delivered or dead.

create table forward_events (
  id               bigserial primary key,        -- also the order within a case
  webhook_id       text not null unique,         -- the `webhook-id` header: the same on every retry and replay
  type             text not null,
  case_id          text,                         -- null for a fact about the debtor (or about nobody)
  debtor_id        text,
  -- What must not overtake what: the case, else the debtor, else the event stands alone.
  order_key        text not null generated always as (
                     coalesce('case:' || case_id, 'debtor:' || debtor_id, 'event:' || webhook_id)) stored,
  payload          jsonb not null,
  occurred_at      timestamptz not null,         -- the envelope's timestamp
  status           text not null default 'pending' check (status in ('pending', 'delivered', 'dead')),
  attempts         int not null default 0,
  -- '-infinity': due at once, on any clock (the tests' shifted one too). 'infinity': not its turn,
  -- an earlier event of its case is pending; settling that one makes this one due. In flight: the
  -- lease's end. Only heads of cases are due, so a claim never wades through a backlog.
  next_attempt_at  timestamptz not null default '-infinity',
  -- A worker's claim: sending happens outside any transaction, so the lease is what keeps a second
  -- worker off the event (and off every later event of its case) while the request is in flight.
  locked_until     timestamptz,
  -- Start of the retry window, on the forwarder's clock: the first attempt, or the first after a
  -- replay or a re-enable. An event waiting behind a disabled endpoint loses none of its window.
  retry_from       timestamptz,
  last_status      int,                          -- the receiver's HTTP status; null for network errors
  last_error       text,                         -- a code (timeout, ECONNREFUSED, http-503), never a message
  created_at       timestamptz not null default now(),
  delivered_at     timestamptz,
  dead_at          timestamptz
);

-- "The oldest pending per case": whether an earlier event of the same case is still pending.
create index forward_events_pending_order on forward_events (order_key, id) where status = 'pending';
-- "Due now": the claim walks pending events by due time; a case's later events wait at 'infinity'.
create index forward_events_pending_due on forward_events (next_attempt_at, id) where status = 'pending';
-- Events in flight (or whose worker died with the lease): none of a case while one is out.
create index forward_events_leased on forward_events (order_key) where status = 'pending' and locked_until is not null;
-- The dead letters, newest first, and replays by creation time.
create index forward_events_dead on forward_events (id) where status = 'dead';
create index forward_events_created on forward_events (created_at) where status = 'dead';
-- Replies whose words are still in the payload: erasure finds a debtor's, retention the old ones.
create index forward_events_reply_texts on forward_events (debtor_id, delivered_at) where type = 'reply.received' and payload ? 'text';

-- The case system's endpoint, one row. 410 Gone disables it until an operator re-enables it; a
-- 429 or 503 with Retry-After pauses every event, not only the one that was answered.
create table forward_endpoint (
  singleton        boolean primary key default true check (singleton),
  disabled_at      timestamptz,
  disabled_reason  text,
  paused_until     timestamptz,
  enabled_at       timestamptz,
  enabled_by       text
);
insert into forward_endpoint (singleton) values (true);

-- Producers and the forwarder's settling of a case's head take the case's lock (transaction-scoped,
-- in the two-key advisory space, apart from the debtor locks): producers so that ids are committed
-- in id order within a case, both so that a later event is parked ('infinity') or made due exactly
-- once. Each statement after the lock reads with a fresh snapshot (PL/pgSQL in READ COMMITTED).
-- They run with the pool's custom plans (db.ts): a generic plan cached while the table was empty
-- looked the case up through forward_events_pending_due, a scan of every pending event.
create function forward_lock(key text) returns void language sql volatile as $$
  select pg_advisory_xact_lock(7214009, hashtext(current_schema() || '/' || key))
$$;

create function forward_enqueue(p_webhook_id text, p_type text, p_case_id text, p_debtor_id text, p_payload jsonb, p_occurred_at timestamptz)
returns void language plpgsql volatile as $$
declare
  k text := coalesce('case:' || p_case_id, 'debtor:' || p_debtor_id);
begin
  if k is not null then
    perform forward_lock(k);
  end if;
  insert into forward_events (webhook_id, type, case_id, debtor_id, payload, occurred_at, next_attempt_at)
  values (p_webhook_id, p_type, p_case_id, p_debtor_id, p_payload, p_occurred_at,
          case when k is not null and exists (select 1 from forward_events where order_key = k and status = 'pending')
               then 'infinity'::timestamptz else '-infinity'::timestamptz end);
end $$;

-- Delivered or dead: the event leaves the pending ones (unless its lease was lost meanwhile) and
-- the next pending event of its case becomes due. Returns whether this claim settled it.
create function forward_settle(p_id bigint, p_order_key text, p_attempts int, p_status text, p_at timestamptz, p_last_status int, p_last_error text)
returns boolean language plpgsql volatile as $$
declare
  k text := p_order_key;
begin
  perform forward_lock(k);
  update forward_events
     set status = p_status, last_status = p_last_status, last_error = p_last_error, locked_until = null,
         delivered_at = case when p_status = 'delivered' then p_at end,
         dead_at = case when p_status = 'dead' then p_at end
   where id = p_id and attempts = p_attempts and status = 'pending';
  if not found then
    return false;
  end if;
  update forward_events set next_attempt_at = least(next_attempt_at, p_at)
   where id = (select min(id) from forward_events where order_key = k and status = 'pending');
  return true;
end $$;

-- Dead letters back to pending, attempts from zero, a new retry window; the oldest pending event
-- of each case they belong to is due at once, the rest wait their turn. Returns how many.
create function forward_replay(p_ids bigint[]) returns int language plpgsql volatile as $$
declare
  k text;
  n int;
begin
  for k in select distinct order_key from forward_events where id = any(p_ids) and status = 'dead' order by 1 loop
    perform forward_lock(k);
  end loop;
  update forward_events
     set status = 'pending', attempts = 0, next_attempt_at = 'infinity', retry_from = null, locked_until = null, dead_at = null
   where id = any(p_ids) and status = 'dead';
  get diagnostics n = row_count;
  -- The oldest pending event of each case is due; every later one waits its turn, the one it
  -- displaced too (the case's head until now; if in flight, its outcome settles or parks it).
  with heads as (
    select order_key, min(id) as head from forward_events
     where status = 'pending' and order_key in (select order_key from forward_events where id = any(p_ids))
     group by order_key),
  wanted as (
    select f.id, case when f.id <> h.head then 'infinity'::timestamptz
                      when f.next_attempt_at = 'infinity' then '-infinity'::timestamptz
                      else f.next_attempt_at end as next
      from forward_events f join heads h on h.order_key = f.order_key
     where f.status = 'pending')
  update forward_events f set next_attempt_at = w.next from wanted w where f.id = w.id and f.next_attempt_at <> w.next;
  return n;
end $$;
