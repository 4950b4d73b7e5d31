-- Reply texts are purged after the retention like message texts; this finds the ones left.
create index inbound_retention on inbound_messages (received_at) where body is not null;
