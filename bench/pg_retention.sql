-- Retention on PostgreSQL: a month of 1 M items by DELETE vs by dropping a partition,
-- and the unique key a partitioned table refuses. psql -h HOST -U USER -d DB -f bench/pg_retention.sql
\timing on
DROP SCHEMA IF EXISTS ops_measure CASCADE;
CREATE SCHEMA ops_measure;
SET search_path = ops_measure;
CREATE TABLE items (id bigserial PRIMARY KEY, ingest_key text UNIQUE, published_at timestamptz NOT NULL, text_original text, topic text, analysed_stages int DEFAULT 63);
CREATE INDEX ix_items_published ON items (published_at);
CREATE TABLE item_topics (item_id bigint REFERENCES items(id) ON DELETE CASCADE, topic text, PRIMARY KEY (item_id, topic));
INSERT INTO items (ingest_key, published_at, text_original, topic)
  SELECT 'k' || g, timestamptz '2026-01-01' + (g * interval '31.5 seconds'), repeat('昆都仑区核酸检测点排队', 8), 'x' FROM generate_series(1, 1000000) g;
INSERT INTO item_topics SELECT id, 'x' FROM items;
ANALYZE;
SELECT min(published_at), max(published_at), count(*) FROM items;
-- one month of 12 (~83k items) by batched DELETE, as a purge would do it
DELETE FROM items WHERE published_at < timestamptz '2026-02-01';
-- the same month as a partition: detach + drop
CREATE TABLE pitems (id bigserial, published_at timestamptz NOT NULL, text_original text) PARTITION BY RANGE (published_at);
CREATE TABLE pitems_2026_02 PARTITION OF pitems FOR VALUES FROM ('2026-02-01') TO ('2026-03-01');
CREATE TABLE pitems_rest PARTITION OF pitems FOR VALUES FROM ('2026-03-01') TO ('2027-02-01');
INSERT INTO pitems SELECT id, published_at, text_original FROM items;
DROP TABLE pitems_2026_02;
-- a unique key without the partition column is refused on a partitioned table:
ALTER TABLE pitems ADD CONSTRAINT pitems_id UNIQUE (id);
DROP SCHEMA ops_measure CASCADE;
