-- Status changes are forwarded from the status history itself: a cursor over message_statuses,
-- so the hot path that writes statuses writes nothing more.
create table forward_cursors (
  name     text primary key,
  last_id  bigint not null
);
