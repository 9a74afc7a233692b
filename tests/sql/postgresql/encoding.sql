-- encoding.sql: databases that are not UTF8. Text is converted to UTF-8
-- for the library and the JSON back; characters the database encoding
-- lacks become '?'. In SQL_ASCII the library itself checks the bytes.
\encoding UTF8
\set VERBOSITY sqlstate
CREATE DATABASE tact_latin1 ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
CREATE DATABASE tact_ascii ENCODING 'SQL_ASCII' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0;
\c tact_latin1
\encoding UTF8
CREATE EXTENSION tact;
SELECT current_setting('server_encoding') AS encoding;
-- "café" is 5 bytes in UTF-8: the library saw the converted text.
SELECT (tact_tone('Thanks, the café was great!')->>'text_length')::int AS utf8_bytes,
       length('Thanks, the café was great!') AS characters;
-- Text quoted in the JSON comes back in the database's encoding.
SELECT tact_tone('THIS CAFÉ IS AWFUL!!!')->'tone'->'evidence' @> '[{"text": "CAFÉ"}]'
       AS evidence_text;
SELECT tact_is_complaint('My phone broke after a week, I want a refund! Très déçu.') AS complaint;
-- A review's suggestions contain "…", which LATIN1 lacks.
SELECT position('?' IN f->>'suggestion') > 0 AS replaced
FROM jsonb_array_elements(tact_review('No, we can''t do that.')->'review'->'findings') f
WHERE f->>'rule' = 'say-no';
SELECT tact_score('No, we can''t do that. You should have read the policy.',
                  'My phone broke after a week, I want a refund!') < 50 AS low_score;
\c tact_ascii
CREATE EXTENSION tact;
SELECT tact_is_complaint('My phone broke after a week, I want a refund!') AS complaint;
-- Bytes that are not UTF-8 are the library's error.
SELECT tact_tone(convert_from('\x4361666520ff'::bytea, 'SQL_ASCII'));
SELECT tact_is_complaint('still working') AS still_working;
\c postgres
DROP DATABASE tact_latin1;
DROP DATABASE tact_ascii;
