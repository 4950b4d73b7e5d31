-- The compliance console searches decisions, messages and cases. Without these, a search over a
-- year of decisions, or a look-up by a case reference, reads whole tables.

-- Decisions by period, and by rule newest first (also how the rules facet skips through them).
create index decisions_decided_at on decisions (decided_at);
create index decisions_rule on decisions (rule, id);

-- Messages newest first, paged by (created_at, id): message ids are hashes, not in time order.
create index messages_created on messages (created_at, id);

-- Cases by reference, by case id prefix whatever the database's collation, and by country (the facet).
create index cases_reference on cases (reference);
create index cases_id_prefix on cases (id text_pattern_ops);
create index cases_country on cases (country);

-- Email addresses are found case-insensitively (phone numbers use contact_points_address).
create index contact_points_email on contact_points (lower(address)) where channel = 'email' and removed_at is null;
