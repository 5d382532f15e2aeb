-- From pekko-persistence-jdbc 1.1.1 (Apache License 2.0), jar path schema/h2/h2-drop-schema.sql, unchanged.
-- For operators: drops what h2-create-schema.sql creates.
DROP TABLE IF EXISTS PUBLIC."event_tag";
DROP TABLE IF EXISTS PUBLIC."event_journal";
DROP TABLE IF EXISTS PUBLIC."snapshot";
DROP TABLE IF EXISTS PUBLIC."durable_state";
DROP SEQUENCE IF EXISTS PUBLIC."global_offset_seq";
