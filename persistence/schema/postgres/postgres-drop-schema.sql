-- From pekko-persistence-jdbc 1.1.1 (Apache License 2.0), jar path schema/postgres/postgres-drop-schema.sql, unchanged.
-- For operators: drops what postgres-create-schema.sql creates.
DROP TABLE IF EXISTS public.event_tag;
DROP TABLE IF EXISTS public.event_journal;
DROP TABLE IF EXISTS public.snapshot;
DROP TABLE IF EXISTS public.durable_state;

