-- Every channel: rendered parts per channel, fallbacks to the next channel, the WhatsApp
-- customer-service window, and the letter statuses of a print house.

-- Letters are handed to the print house (sent), printed, then posted; the others end delivered,
-- undelivered or failed. Ranks keep statuses moving forward only.
create or replace function status_rank(s text) returns int language sql immutable parallel safe as $$
  select case s
    when 'pending' then 0 when 'held' then 0 when 'sending' then 1 when 'unknown' then 1
    when 'queued' then 2 when 'sent' then 3 when 'printed' then 4
    when 'posted' then 5 when 'delivered' then 5 when 'undelivered' then 5 when 'failed' then 5
    when 'read' then 6 when 'blocked' then 9 when 'cancelled' then 9
    else -1 end
$$;

-- email: subject, html, text; whatsapp: body (free-form) plus contentSid and contentVariables (a
-- JSON object as text) for outside the 24-hour window; letter: page (the whole A4 HTML).
alter table messages
  add column parts jsonb,
  add column fallback_of text references messages(id);
create unique index messages_fallback on messages (fallback_of) where fallback_of is not null;

-- WhatsApp's customer-service window opens for 24 hours with each message the debtor sends us.
alter table contact_points add column last_inbound_at timestamptz;
