-- The sweeper looks for messages owed a fallback: given up on (failed, undelivered), or waiting
-- for a delivery report past the deadline (queued, sent).
create index messages_fallback_candidates on messages (updated_at)
  where status in ('queued', 'sent', 'failed', 'undelivered') and channel is not null;
