-- bulk.sql: 100,000 messages. The functions are PARALLEL SAFE (a parallel
-- plan gives the serial count) and tact_is_complaint is IMMUTABLE (an
-- expression index on it is built and used, and agrees).
CREATE EXTENSION tact;
CREATE TABLE t (id int PRIMARY KEY, body text);
INSERT INTO t
SELECT i, (ARRAY['My phone broke after a week, I want a refund!',
                 'Thanks, that worked perfectly.',
                 'Can you tell me when the store opens on Saturday?',
                 'Great, the replacement arrived today. Thank you!',
                 'This is the third time my order is late. I''m cancelling my account.',
                 'Please update the shipping address on my order.',
                 'Do you have the blue case in stock?',
                 'Your support agent was rude and hung up on me. I want to speak to a manager.',
                 'I''d like to change my plan to the yearly one.',
                 'Just checking in on ticket status, no rush.'])[1 + i % 10]
          || ' (ref ' || i || ')'
FROM generate_series(1, 100000) i;
ANALYZE t;

-- Serial.
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS serial FROM t WHERE tact_is_complaint(body) \gset
SELECT :serial > 0 AND :serial < 100000 AS some_but_not_all;

-- Parallel: two workers besides the leader, plans forced parallel.
SET max_parallel_workers_per_gather = 2;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SELECT count(*) = 1 AS has_debug_parallel_query
FROM pg_settings WHERE name = 'debug_parallel_query' \gset
\if :has_debug_parallel_query
SET debug_parallel_query = on;
\else
SET force_parallel_mode = on;
\endif
EXPLAIN (COSTS OFF) SELECT count(*) FROM t WHERE tact_is_complaint(body);
-- Workers really ran, and counted the same.
CREATE FUNCTION pg_temp.workers_launched(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json;
BEGIN
  EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, FORMAT JSON) ' || q INTO plan;
  RETURN (SELECT max((n->>'Workers Launched')::int)
          FROM json_array_elements(plan->0->'Plan'->'Plans') n);
END $$;
SELECT pg_temp.workers_launched('SELECT count(*) FROM t WHERE tact_is_complaint(body)') > 0
       AS workers_ran;
SELECT count(*) AS parallel FROM t WHERE tact_is_complaint(body) \gset
SELECT :parallel = :serial AS parallel_equals_serial;

-- Workers build their own engine with the leader's tact.pack_path.
DO $$
BEGIN
  EXECUTE format('COPY (SELECT %L) TO %L',
    '<pack id="sqltest" version="1"><lexicon id="jargon" mode="extend">'
    '<entry>ticket status</entry></lexicon></pack>',
    current_setting('data_directory') || '/tact-bulk-pack.xml');
END $$;
SET tact.pack_path = 'tact-bulk-pack.xml';
SELECT count(*) AS jargon_parallel FROM t
WHERE id <= 20000 AND (tact_tone(body)->'tone'->'scores'->>'jargon')::float8 > 0 \gset
SET max_parallel_workers_per_gather = 0;
SELECT count(*) AS jargon_serial FROM t
WHERE id <= 20000 AND (tact_tone(body)->'tone'->'scores'->>'jargon')::float8 > 0 \gset
SELECT :jargon_parallel = :jargon_serial AS workers_use_pack, :jargon_serial AS jargon_rows;
-- An error in a worker is an ERROR in the leader.
SET max_parallel_workers_per_gather = 2;
SET tact.pack_path = '/nonexistent/tact-pack.xml';
\set VERBOSITY sqlstate
SELECT count(*) FROM t WHERE tact_is_complaint(body);
\set VERBOSITY default
RESET tact.pack_path;
RESET max_parallel_workers_per_gather;
RESET parallel_setup_cost;
RESET parallel_tuple_cost;
RESET min_parallel_table_scan_size;
\if :has_debug_parallel_query
RESET debug_parallel_query;
\else
RESET force_parallel_mode;
\endif

-- An expression index, used by the planner, giving the same count.
CREATE INDEX t_complaint ON t ((tact_is_complaint(body)));
ANALYZE t;
SET max_parallel_workers_per_gather = 0;
SET enable_seqscan = off;
EXPLAIN (COSTS OFF) SELECT count(*) FROM t WHERE tact_is_complaint(body);
SELECT count(*) AS indexed FROM t WHERE tact_is_complaint(body) \gset
SELECT :indexed = :serial AS index_equals_serial;
-- New rows are indexed as they come.
INSERT INTO t VALUES (100001, 'My phone broke after a week, I want a refund! (ref 100001)');
SELECT count(*) = :serial + 1 AS new_row_indexed FROM t WHERE tact_is_complaint(body);
