-- Letters to a print house: the adapter renders a letter's PDF into the outbox; once a day, at the
-- cut-off, the letters not yet in a batch become one batch, uploaded over SFTP (PDFs and a
-- manifest); the print house's acknowledgement files move them to printed, posted or returned.

-- A letter comes back to sender after it was posted: `undelivered` must rank above `posted` for
-- the return to show. The order of every other pair of statuses is unchanged.
create or replace function status_rank(s text) returns int language sql immutable parallel safe as $$
  select case s
    when 'pending' then 0 when 'held' then 0 when 'sending' then 1 when 'unknown' then 1
    when 'queued' then 2 when 'sent' then 3 when 'printed' then 4 when 'posted' then 5
    when 'delivered' then 6 when 'undelivered' then 6 when 'failed' then 6
    when 'read' then 7 when 'blocked' then 9 when 'cancelled' then 9
    else -1 end
$$;

create table print_batches (
  id               text primary key,           -- the cut-off's local date and a number: 2026-11-18-001
  cutoff_at        timestamptz not null,       -- letters stored before this instant are in it
  created_at       timestamptz not null,
  uploaded_at      timestamptz,                -- null until every file and the manifest are in place
  remote_dir       text not null,
  letters          int not null,
  manifest         jsonb not null,             -- what manifest.json says; the same on every retry
  acknowledged_at  timestamptz                 -- every letter acknowledged printed (or later)
);
create index print_batches_not_uploaded on print_batches (id) where uploaded_at is null;

create table letter_outbox (
  message_id    text primary key references messages(id),
  pdf           bytea,                         -- name and address are in it: erasure may clear it
  pages         int not null,
  bytes         int not null,
  sha256        text not null,
  postal_class  text not null default 'standard',
  created_at    timestamptz not null,          -- the service clock when rendered: compared with the cut-off
  batch_id      text references print_batches(id)
);
-- The letters waiting for the next batch: what the daily batch reads, under `skip locked`.
create index letter_outbox_unbatched on letter_outbox (created_at) where batch_id is null;
create index letter_outbox_batch on letter_outbox (batch_id, message_id) where batch_id is not null;

-- Acknowledgement files processed, by name and content: a file read again (moved after a crash,
-- or sent twice) applies its statuses once.
create table print_acknowledgements (
  file          text not null,
  sha256        text not null,
  rows_applied  int not null,
  rows_rejected int not null,
  processed_at  timestamptz not null default now(),
  primary key (file, sha256)
);
