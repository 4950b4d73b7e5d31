-- The truth: every event, snapshot, decision, message and status is a row here before
-- any job refers to it. Redis only holds ids of rows that are not finished.

create table api_keys (
  id          text primary key,
  name        text not null,
  key_hash    text not null unique,           -- sha256 of the secret; the secret itself is never stored
  created_at  timestamptz not null default now(),
  revoked_at  timestamptz
);

create table events (
  id           text primary key,              -- the case system's event id
  webhook_id   text not null unique,          -- Standard Webhooks message id
  type         text not null,
  case_id      text not null,
  debtor_id    text not null,
  occurred_at  timestamptz not null,
  received_at  timestamptz not null default now(),
  payload      jsonb not null,
  status       text not null default 'received' check (status in ('received', 'planned')),
  planned_at   timestamptz
);
create index events_unplanned on events (received_at) where status = 'received';
create index events_case on events (case_id, occurred_at);

create table debtors (
  id                 text primary key,
  locale             text not null,
  time_zone          text,
  address_country    text not null,
  preferred_channel  text,
  flags              jsonb not null,
  personal           jsonb not null,          -- name and postal address: erasable on request
  last_event_at      timestamptz not null,
  updated_at         timestamptz not null default now()
);

create table contact_points (
  id              bigserial primary key,
  debtor_id       text not null references debtors(id),
  channel         text not null,
  address         text not null,
  verified        boolean not null,
  kind            text,
  opt_in          boolean,
  opted_out_at    timestamptz,                -- set by us (STOP, provider 21610), never by a snapshot
  invalid_at      timestamptz,                -- set by us (provider says the address does not exist)
  invalid_reason  text,
  removed_at      timestamptz,                -- absent from the latest debtor snapshot
  updated_at      timestamptz not null default now(),
  unique (debtor_id, channel, address)
);

create table cases (
  id             text primary key,
  debtor_id      text not null references debtors(id),
  creditor_id    text not null,
  country        text not null,
  currency       text not null,
  reference      text not null,
  snapshot       jsonb not null,              -- the latest case object as the case system sent it
  hold_reason    text,
  hold_since     timestamptz,
  last_event_at  timestamptz not null,
  updated_at     timestamptz not null default now()
);
create index cases_debtor on cases (debtor_id);

-- Message statuses only move forward; this is the order.
create function status_rank(s text) returns int language sql immutable parallel safe as $$
  select case s
    when 'pending' then 0 when 'sending' then 1 when 'unknown' then 1
    when 'queued' then 2 when 'sent' then 3
    when 'delivered' then 4 when 'undelivered' then 4 when 'failed' then 4
    when 'read' then 5 when 'blocked' then 9 when 'cancelled' then 9
    else -1 end
$$;

create table messages (
  id                text primary key,         -- deterministic from (case, event, step); also the job id
  event_id          text not null references events(id),
  case_id           text not null,
  debtor_id         text not null,
  step              text not null,
  channel           text,                     -- null when no channel could be used
  contact_point_id  bigint references contact_points(id),
  to_address        text,
  template          text,
  template_version  text,
  locale            text,
  body              text,
  encoding          text,
  segments          int,
  status            text not null,
  not_before        timestamptz,
  attempts          int not null default 0,
  sending_at        timestamptz,              -- when the last provider call began: the reconcile window
  provider_id       text,
  last_error_code   text,
  created_at        timestamptz not null default now(),
  updated_at        timestamptz not null default now()
);
create index messages_unfinished on messages (updated_at) where status in ('pending', 'sending', 'unknown');
create index messages_case on messages (case_id, created_at);
-- A provider message belongs to one of ours at most: reconciliation can never adopt one twice.
create unique index messages_provider on messages (provider_id) where provider_id is not null;

create table message_statuses (
  id               bigserial primary key,
  message_id       text not null references messages(id),
  status           text not null,
  provider_status  text,
  error_code       text,
  source           text not null,             -- planner | dispatcher | provider | reconciler | sweeper
  occurred_at      timestamptz not null default now()
);
create index message_statuses_message on message_statuses (message_id, id);

create table decisions (
  id               bigserial primary key,
  message_id       text not null references messages(id),
  event_id         text not null,
  case_id          text not null,
  stage            text not null check (stage in ('plan', 'dispatch')),
  channel          text,
  outcome          text not null check (outcome in ('allow', 'defer', 'block')),
  defer_until      timestamptz,
  rule             text not null,
  reason           text not null,
  policy_version   text not null,
  evidence         jsonb not null default '{}',
  decided_at       timestamptz not null default now()
);
create index decisions_case on decisions (case_id, decided_at);
create index decisions_message on decisions (message_id);
