-- Erasures of a debtor's personal data: who asked, when, why, and what was changed. The facts that
-- stay (decisions, statuses, the creditor's case record) need this row to be read correctly later.

create table erasures (
  id          bigserial primary key,
  debtor_id   text not null references debtors(id),
  actor       text not null,                  -- the API key's name (staff accounts later)
  reason      text not null,                  -- the request's reference, as the operator gave it
  erased_at   timestamptz not null,
  counts      jsonb not null                  -- rows changed per kind; all zero when nothing was left
);
create index erasures_debtor on erasures (debtor_id, id);

-- Export and erasure find a debtor's events by debtor id; without this they scan the whole table.
create index events_debtor on events (debtor_id);
