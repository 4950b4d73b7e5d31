-- The full contact policy: the ledger of contacts (messages.contacted_at), messages that wait for a
-- hold's release (`held`), tasks for people, and what privacy needs (erasure, body retention).

create or replace function status_rank(s text) returns int language sql immutable parallel safe as $$
  select case s
    when 'pending' then 0 when 'held' then 0 when 'sending' then 1 when 'unknown' then 1
    when 'queued' then 2 when 'sent' then 3
    when 'delivered' then 4 when 'undelivered' then 4 when 'failed' then 4
    when 'read' then 5 when 'blocked' then 9 when 'cancelled' then 9
    else -1 end
$$;

-- The ledger: the instant a message was claimed for sending. Caps count these per debtor under the
-- debtor's lock; a message that never reached the provider has it cleared again.
alter table messages
  add column contacted_at timestamptz,
  add column cap_exempt boolean not null default false,
  add column content text not null default 'full' check (content in ('full', 'minimal')),
  add column body_purged_at timestamptz;
create index messages_ledger on messages (debtor_id, contacted_at) include (channel, cap_exempt, status) where contacted_at is not null;
create index messages_held on messages (debtor_id) where status = 'held';
create index messages_retention on messages (created_at) where body is not null;
create index messages_debtor on messages (debtor_id);

alter table decisions add column content text;

alter table debtors
  add column deceased_since timestamptz,
  add column erased_at timestamptz;

-- Finds a number or address that another debtor has too (it never receives debt details).
create index contact_points_address on contact_points (channel, address) where removed_at is null;

create table tasks (
  id          bigserial primary key,
  case_id     text not null,
  debtor_id   text not null,
  kind        text not null,                  -- vulnerable | … : why a person must look at the case
  reason      text not null,
  created_at  timestamptz not null default now(),
  closed_at   timestamptz
);
create unique index tasks_open on tasks (case_id, kind) where closed_at is null;
create index tasks_debtor on tasks (debtor_id);
