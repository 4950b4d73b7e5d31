-- Debtors' replies: every one is kept, matched to a debtor and case where it can be, classified,
-- and acted on; one from an unknown sender waits in the review queue and gets no debt details.

create table inbound_messages (
  id                   text primary key,        -- in_ + hash of the provider's id
  channel              text not null check (channel in ('sms', 'whatsapp', 'email')),
  provider_id          text not null unique,    -- Twilio MessageSid or the email's Message-ID
  from_address         text not null,
  to_address           text,
  debtor_id            text,
  case_id              text,
  contact_point_id     bigint references contact_points(id),
  reply_to_message_id  text references messages(id),
  body                 text,                    -- the new text only; purged with the retention
  keyword              text,                    -- stop | start | help
  intent               text,                    -- dispute | vulnerability | promise | preference | question
  confidence           real,
  details              jsonb not null default '{}',
  status               text not null check (status in ('review', 'handled')),
  received_at          timestamptz not null
);
create index inbound_case on inbound_messages (case_id, received_at);
create index inbound_debtor on inbound_messages (debtor_id);
create index inbound_review on inbound_messages (received_at) where status = 'review';

create table inbound_attachments (
  id            bigserial primary key,
  inbound_id    text not null references inbound_messages(id),
  filename      text not null,
  content_type  text not null,
  size          int not null,
  sha256        text not null,
  data          bytea                           -- cleared by erasure and retention
);
create index inbound_attachments_inbound on inbound_attachments (inbound_id);

-- Where answers go: the channel the debtor last wrote on, unless they asked for another; and the
-- language they asked for.
alter table debtors
  add column reply_channel text,
  add column requested_channel text,
  add column requested_language text;

-- Messages that answer a reply (confirmations, acknowledgements) name it.
alter table messages add column answers text references inbound_messages(id);
