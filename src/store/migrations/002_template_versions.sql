-- Template versions: every change is a new version; a version is approved by someone other than
-- its author before it can be activated; activations are a log, so rollback is a new activation
-- of an older version and the history stays readable.

create table template_versions (
  id              bigserial primary key,
  template        text not null,
  channel         text not null,
  locale          text not null,
  number          int not null,
  parts           jsonb not null,             -- {"body": …} or {"subject": …, "html": …, "text": …}
  status          text not null check (status in ('draft', 'submitted', 'approved', 'rejected')),
  author          text not null,
  reviewer        text,
  review_comment  text,
  problems        jsonb not null default '[]',
  created_at      timestamptz not null default now(),
  submitted_at    timestamptz,
  reviewed_at     timestamptz,
  unique (template, channel, locale, number),
  -- Four eyes, enforced by the database too.
  check (reviewer is null or reviewer <> author or author = 'catalogue')
);

create table template_activations (
  id            bigserial primary key,
  version_id    bigint not null references template_versions(id),
  template      text not null,
  channel       text not null,
  locale        text not null,
  activated_by  text not null,
  activated_at  timestamptz not null default now()
);
create index template_activations_key on template_activations (template, channel, locale, id desc);
