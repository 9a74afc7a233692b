-- basics.sql: every function of the tact SQLite extension (loaded by the
-- runner with `.load ./libtact_sqlite`), its JSON, NULLs and errors.
.headers on
SELECT tact_version() GLOB '[0-9]*.[0-9]*.[0-9]*' AS version_ok;

-- The acceptance query: a flat no plus blame, to a complaint, scores low.
SELECT tact_score('No, we can''t do that. You should have read the policy.',
                  'My phone broke after a week, I want a refund!') < 50 AS low_score;
SELECT tact_score('I''m so sorry your phone stopped working after only a week, that''s really '
                  || 'frustrating. I''ve started your refund and you''ll get an email confirming it.',
                  'My phone broke after a week, I want a refund!')
     > tact_score('No, we can''t do that. You should have read the policy.',
                  'My phone broke after a week, I want a refund!') AS better_reply_scores_higher;
SELECT typeof(tact_score('Thanks for reaching out!')) AS score_type,
       tact_score('Thanks for reaching out!') BETWEEN 0 AND 100 AS score_in_range;

-- tact_review: JSON text with the review, promises and tone.
WITH r(j) AS (SELECT tact_review('No, we can''t do that. You should have read the policy.',
                                 'My phone broke after a week, I want a refund!', 'Maria'))
SELECT json_valid(j) AS valid, json_extract(j, '$.review.score') < 50 AS low_score,
       EXISTS (SELECT 1 FROM json_each(j, '$.review.findings') f
               WHERE json_extract(f.value, '$.rule') = 'blame-customer') AS blame_found,
       json_type(j, '$.tone') AS tone, json_type(j, '$.promises') AS promises,
       json_extract(j, '$.customer.complaint.is_complaint') AS customer_complains
FROM r;
SELECT json_type(tact_review('Thanks for your patience!'), '$.customer') AS customer_without_message;

-- tact_tone, tact_classify, tact_is_complaint
WITH t(j) AS (SELECT tact_tone('No, we can''t do that. You should have read the policy.'))
SELECT json_extract(j, '$.tone.scores.blame') > 0 AS blames,
       json_extract(j, '$.stats.words') AS words FROM t;
WITH c(j) AS (SELECT tact_classify('My phone broke after a week, I want a refund!'))
SELECT json_extract(j, '$.complaint.is_complaint') AS complaint,
       json_extract(j, '$.complaint.requested_outcome') AS wants,
       json_extract(j, '$.complaint.categories[0].name') AS category FROM c;
SELECT tact_is_complaint('My phone broke after a week, I want a refund!') AS broken_phone,
       tact_is_complaint('Thanks, that worked perfectly.') AS thanks,
       tact_is_complaint('') AS empty;

-- tact_promises: as of a given time (ISO 8601 text or Unix seconds), UTC.
WITH p(j) AS (SELECT tact_promises('We will refund you within 3 business days.',
                                   '2026-03-06T16:00:00Z'))
SELECT json_extract(j, '$.reference_time') AS reference_time,
       json_array_length(j, '$.promises') AS promises,
       json_extract(j, '$.promises[0].action') AS action,
       json_extract(j, '$.promises[0].timeframe.end') AS due FROM p;
SELECT json_extract(tact_promises('I''ll call you back tomorrow at 10am.', '2026-03-06 17:00:00+01:00'),
                    '$.reference_time') AS with_offset,
       json_extract(tact_promises('Thanks!', 1772812800), '$.reference_time') AS unix_seconds,
       json_extract(tact_promises('Thanks!', '2026-03-06'), '$.reference_time') AS date_only;
-- Without a time: the current time.
SELECT abs(strftime('%s', json_extract(tact_promises('We will call you tomorrow.'),
                                       '$.reference_time')) - strftime('%s', 'now')) < 5
       AS default_is_now;
SELECT tact_promises('Thanks!', 'next tuesday');

-- NULL in, NULL out; a NULL customer or name is unknown.
SELECT tact_tone(NULL) IS NULL AS tone, tact_classify(NULL) IS NULL AS classify,
       tact_is_complaint(NULL) IS NULL AS is_complaint, tact_promises(NULL) IS NULL AS promises,
       tact_promises('We will call.', NULL) IS NULL AS promises_null_now,
       tact_review(NULL) IS NULL AS review, tact_score(NULL, 'My phone broke!') IS NULL AS score;
SELECT tact_score('Thanks for waiting!', NULL) IS NOT NULL AS null_customer,
       json_valid(tact_review('Thanks for waiting!', 'Where is my order?', NULL)) AS null_name;

-- Flags: pure functions are deterministic, the clock readers are not.
SELECT name, narg, builtin, type, flags & 0x800 > 0 AS deterministic,
       flags & 0x200000 > 0 AS innocuous
FROM pragma_function_list WHERE name LIKE 'tact%' ORDER BY name, narg;

-- Errors are SQL errors with the library's message (the runner shortens it
-- to "tact: ..." and the result code), and the connection goes on.
SELECT tact_is_complaint(hex(zeroblob(33554433)));
SELECT tact_is_complaint(CAST(x'4e6f00' AS TEXT));
SELECT tact_is_complaint('still working') AS still_working;

-- Many rows, and an index on a deterministic function.
CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 3000)
INSERT INTO t SELECT i, CASE WHEN i % 3 = 0 THEN 'My phone broke after a week, I want a refund!'
                             ELSE 'Thanks, that worked perfectly.' END || ' #' || i FROM n;
SELECT count(*) AS complaints FROM t WHERE tact_is_complaint(body);
CREATE INDEX t_complaint ON t (tact_is_complaint(body));
EXPLAIN QUERY PLAN SELECT count(*) FROM t WHERE tact_is_complaint(body) = 1;
SELECT count(*) AS complaints_indexed FROM t WHERE tact_is_complaint(body) = 1;
-- Functions that read the clock cannot be indexed.
CREATE INDEX t_score ON t (tact_score(body));
