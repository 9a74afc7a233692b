-- errors.sql: the tact.pack_path GUC and every error path. Errors are
-- ERRORs with the library's message (shown here by SQLSTATE only, so the
-- wording can improve), never a crash: each is followed by a working call
-- in the same session. The server log is checked for crashes afterwards.
CREATE EXTENSION tact;
\set VERBOSITY sqlstate
SELECT tact_packs() AS packs;

-- A company pack and a broken one, written into the data directory (on one
-- line: COPY escapes newlines): a relative tact.pack_path is read from there.
DO $$
BEGIN
  EXECUTE format('COPY (SELECT %L) TO %L',
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<pack id="sqltest" version="1"><lexicon id="jargon" mode="extend">'
    '<entry>flux capacitor</entry></lexicon></pack>', current_setting('data_directory') || '/tact-test-pack.xml');
  EXECUTE format('COPY (SELECT %L) TO %L', '<pack id="broken"',
    current_setting('data_directory') || '/tact-bad-pack.xml');
END $$;

-- The error and whether its message says "tact:" and names `what`.
CREATE FUNCTION pg_temp.error_of(q text, what text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
  EXECUTE q;
  RETURN 'no error';
EXCEPTION WHEN OTHERS THEN
  RETURN 'ERROR ' || SQLSTATE || CASE WHEN SQLERRM LIKE 'tact: %' || what || '%'
                                     THEN ', names ' || what ELSE ': ' || SQLERRM END;
END $$;

-- The company pack is layered over the default one; the engine is rebuilt.
SELECT (tact_tone('Please recalibrate the flux capacitor.')->'tone'->'scores'->>'jargon')::float8
       AS jargon_default;
SET tact.pack_path = 'tact-test-pack.xml';
SELECT tact_packs() AS packs;
SELECT (tact_tone('Please recalibrate the flux capacitor.')->'tone'->'scores'->>'jargon')::float8 > 0
       AS jargon_with_pack;
RESET tact.pack_path;
SELECT tact_packs() AS packs;

-- A missing pack file: every function errors, until the GUC is fixed.
SET tact.pack_path = '/nonexistent/tact-pack.xml';
SELECT tact_is_complaint('My phone broke!');
SELECT tact_score('Sorry!');
SELECT pg_temp.error_of('SELECT tact_tone(''x'')', '/nonexistent/tact-pack.xml');
SELECT 1 AS still_connected;
SET tact.pack_path = 'tact-bad-pack.xml';
SELECT tact_classify('My phone broke!');
SELECT pg_temp.error_of('SELECT tact_packs()', 'tact-bad-pack.xml');
SET tact.pack_path = '';
SELECT tact_is_complaint('My phone broke after a week, I want a refund!') AS works_again;
-- In a transaction that rolls back, the setting goes back with it.
BEGIN;
SET LOCAL tact.pack_path = '/nonexistent/tact-pack.xml';
SELECT tact_packs();
ROLLBACK;
SELECT tact_packs() AS packs;
-- A function's SET clause works like any setting's.
CREATE FUNCTION pg_temp.with_pack() RETURNS text[] LANGUAGE sql
  SET tact.pack_path = 'tact-test-pack.xml' AS 'SELECT tact_packs()';
SELECT pg_temp.with_pack() AS packs_in_function, tact_packs() AS packs_after;

-- Only superusers may point the server at a file.
CREATE ROLE tact_sql_test_user;
GRANT USAGE ON SCHEMA public TO tact_sql_test_user;
SET ROLE tact_sql_test_user;
SET tact.pack_path = 'tact-test-pack.xml';
SELECT tact_is_complaint('I was charged twice and nobody answers my emails.') AS users_can_call;
RESET ROLE;
DROP OWNED BY tact_sql_test_user;
DROP ROLE tact_sql_test_user;
-- The tact.* namespace is reserved for the extension's settings.
SET tact.no_such_setting = 'x';

-- Values over the library's limit (64 MiB): an ERROR, nothing kept.
SELECT tact_is_complaint(repeat('a', 64 * 1024 * 1024 + 1));
SELECT pg_temp.error_of('SELECT tact_review(repeat(''a'', 64 * 1024 * 1024 + 1))', 'limit');
SELECT pg_temp.error_of('SELECT tact_review(''Sorry!'', repeat(''a'', 64 * 1024 * 1024 + 1))',
                        'limit');
-- Exactly at the limit is fine (and the grown result is released).
SELECT tact_is_complaint(repeat('a', 64 * 1024 * 1024)) AS at_limit;
SELECT tact_is_complaint('My phone broke after a week, I want a refund!') AS works_again;
