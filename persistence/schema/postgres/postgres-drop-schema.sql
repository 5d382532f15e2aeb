-- From pekko-persistence-jdbc 1.1.1 (Apache License 2.0), jar path schema/postgres/postgres-drop-schema.sql, unchanged.
-- tickwatch runs the same script on start when the tables are missing (persistence.Schema).
DROP TABLE IF EXISTS public.event_tag;
DROP TABLE IF EXISTS public.event_journal;
DROP TABLE IF EXISTS public.snapshot;
DROP TABLE IF EXISTS public.durable_state;

