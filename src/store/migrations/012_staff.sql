-- Staff of the compliance console: accounts, sessions, failed sign-ins (for throttling) and the
-- audit of everything they do.

create table staff_users (
  id             bigserial primary key,
  username       text not null unique check (username ~ '^[a-z0-9][a-z0-9._-]{1,62}$'),
  display_name   text not null,
  password_hash  text not null,               -- scrypt$N$r$p$salt$hash; the password itself is never stored
  roles          text[] not null check (roles <@ array['editor', 'approver', 'auditor', 'admin']::text[]),
  locale         text not null default 'en',
  created_at     timestamptz not null default now(),
  created_by     text not null,
  disabled_at    timestamptz
);

create table staff_sessions (
  token_hash    text primary key,              -- sha256 of the cookie's value
  user_id       bigint not null references staff_users(id),
  csrf_token    text not null,
  created_at    timestamptz not null default now(),
  last_seen_at  timestamptz not null default now(),
  expires_at    timestamptz not null,
  ip            text
);
create index staff_sessions_user on staff_sessions (user_id);

create table staff_sign_in_failures (
  id        bigserial primary key,
  username  text not null,
  ip        text not null,
  at        timestamptz not null default now()
);
create index staff_sign_in_failures_username on staff_sign_in_failures (username, at);
create index staff_sign_in_failures_ip on staff_sign_in_failures (ip, at);

create table staff_audit (
  id       bigserial primary key,
  at       timestamptz not null default now(),
  actor    text not null,                      -- a username, or "key:<name>" for an API key
  action   text not null,                      -- e.g. template.approve, case.view, staff.sign-in
  method   text,
  route    text,
  target   jsonb not null default '{}',        -- the route's parameters: ids, never personal data
  status   int,
  ip       text
);
create index staff_audit_at on staff_audit (at desc);
create index staff_audit_actor on staff_audit (actor, at desc);
