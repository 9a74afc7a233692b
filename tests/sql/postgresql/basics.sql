-- basics.sql: every function of the tact extension, its JSON, NULL handling
-- and the volatility the extension declares (docs/sql.md).
CREATE EXTENSION tact;
SET TimeZone = 'UTC';
SELECT tact_version() ~ '^[0-9]+\.[0-9]+\.[0-9]+$' AS version_ok, tact_packs() AS packs;

-- Volatility (i immutable, s stable), strictness, parallel safety (s safe).
SELECT p.oid::regprocedure AS function, p.provolatile AS volatile, p.proisstrict AS strict,
       p.proparallel AS parallel, p.prorettype::regtype AS returns
FROM pg_proc p
JOIN pg_depend d ON d.classid = 'pg_proc'::regclass AND d.objid = p.oid
JOIN pg_extension e ON d.refclassid = 'pg_extension'::regclass AND d.refobjid = e.oid
WHERE e.extname = 'tact'
ORDER BY p.proname, p.pronargs;

-- The acceptance query: a flat no plus blame, to a complaint, scores low.
SELECT tact_score('No, we can''t do that. You should have read the policy.',
                  'My phone broke after a week, I want a refund!') < 50 AS low_score;
-- An apology with a concrete next step scores higher than that.
SELECT tact_score('I''m so sorry your phone stopped working after only a week, that''s really '
                  'frustrating. I''ve started your refund and you''ll get an email confirming it.',
                  'My phone broke after a week, I want a refund!')
     > tact_score('No, we can''t do that. You should have read the policy.',
                  'My phone broke after a week, I want a refund!') AS better_reply_scores_higher;
-- Without the customer's message the score is still 0..100.
SELECT tact_score('Thanks for reaching out!') BETWEEN 0 AND 100 AS score_without_customer;

-- tact_review: the review, promises and tone sections, and the customer's analysis.
SELECT (r->'review'->>'score')::int BETWEEN 0 AND 100 AS has_score,
       r->'review'->>'score' = tact_score(reply, customer)::int::text AS same_score_as_tact_score,
       r->'review'->'findings' @> '[{"rule": "blame-customer", "kind": "violation"}]' AS blame_found,
       r ? 'tone' AS has_tone, r ? 'promises' AS has_promises, r ? 'tokens' AS has_tokens,
       (r->'customer'->'complaint'->>'is_complaint')::boolean AS customer_complains
FROM (SELECT reply, customer, tact_review(reply, customer) AS r
      FROM (VALUES ('No, we can''t do that. You should have read the policy.',
                    'My phone broke after a week, I want a refund!')) v(reply, customer)) s;
-- Named arguments; the customer's name is known.
SELECT jsonb_typeof(tact_review(reply => 'Hi Maria, I''m sorry about the phone.',
                                customer => 'My phone broke!', name => 'Maria')->'review')
       AS review_with_name;
-- No customer message: no customer analysis.
SELECT jsonb_typeof(tact_review('Thanks for your patience!')->'customer') AS customer_without_message;
-- Spans are byte offsets into the UTF-8 text.
SELECT f->>'text' AS finding_text, (f->>'start')::int AS start, (f->>'end')::int AS "end"
FROM jsonb_array_elements(tact_review('Désolé — no, we can''t do that.')->'review'->'findings') f
WHERE f->>'rule' = 'say-no';

-- tact_tone
SELECT (t->'tone'->'scores'->>'blame')::float8 > 0 AS blames,
       (t->'tone'->'scores'->>'politeness')::float8 < 0.5 AS impolite,
       (t->'stats'->>'words')::int AS words, t ? 'complaint' AS has_complaint
FROM tact_tone('No, we can''t do that. You should have read the policy.') t;

-- tact_classify: the text as a customer's message.
SELECT (c->'complaint'->>'is_complaint')::boolean AS complaint,
       c->'complaint'->>'requested_outcome' AS wants,
       c->'complaint'->'categories'->0->>'name' AS category,
       c ? 'tone' AS has_tone
FROM tact_classify('My phone broke after a week, I want a refund!') c;

-- tact_is_complaint
SELECT tact_is_complaint('My phone broke after a week, I want a refund!') AS broken_phone,
       tact_is_complaint('This is the third time my order is late. I''m cancelling my account.')
         AS late_order,
       tact_is_complaint('Thanks, that worked perfectly.') AS thanks,
       tact_is_complaint('') AS empty;

-- tact_promises as of a fixed time, and in the session's time zone.
SELECT p->>'reference_time' AS reference_time, jsonb_array_length(p->'promises') AS promises,
       p->'promises'->0->>'action' AS action, p->'promises'->0->'timeframe'->>'end' AS due
FROM tact_promises('We will refund you within 3 business days.', '2026-03-06 16:00:00+00') p;
SET TimeZone = 'Europe/Berlin';
SELECT p->'promises'->0->'timeframe'->>'end' AS due_berlin
FROM tact_promises('I''ll call you back tomorrow at 10am.', '2026-03-06 16:00:00+00') p;
SET TimeZone = 'UTC';
SELECT p->'promises'->0->'timeframe'->>'end' AS due_utc
FROM tact_promises('I''ll call you back tomorrow at 10am.', '2026-03-06 16:00:00+00') p;
-- In every kind of TimeZone setting (zoneinfo names, POSIX specs such as
-- 'UTC+5' and '-05:00' whose sign is the reverse of ISO's), "tomorrow at
-- 10am" is the moment PostgreSQL itself computes.
CREATE FUNCTION pg_temp.agrees(zone text) RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
  PERFORM set_config('TimeZone', zone, true);
  RETURN (tact_promises('I''ll call you back tomorrow at 10am.', '2026-03-06 16:00:00+00')
            ->'promises'->0->'timeframe'->>'end')::timestamptz
         = date_trunc('day', '2026-03-06 16:00:00+00'::timestamptz) + interval '1 day 10 hours';
END $$;
SELECT zone, pg_temp.agrees(zone)
FROM unnest(ARRAY['UTC', 'Europe/Berlin', 'America/New_York', 'Asia/Kolkata', 'EST5EDT',
                  'Etc/GMT+5', 'UTC+5', '-05:00', '+03:30', 'localtime']) zone;
SET TimeZone = 'UTC';
-- Without a time: now(), the transaction's start.
BEGIN;
SELECT (tact_promises('We will call you tomorrow.')->>'reference_time')::timestamptz
       = date_trunc('second', now()) AS default_is_now;
COMMIT;
SELECT tact_promises('Thanks!', '-infinity');

-- NULL in, NULL out; a NULL customer or name is simply unknown.
SELECT tact_tone(NULL) IS NULL AS tone, tact_classify(NULL) IS NULL AS classify,
       tact_is_complaint(NULL) IS NULL AS is_complaint, tact_promises(NULL) IS NULL AS promises,
       tact_promises('We will call you.', NULL) IS NULL AS promises_null_now,
       tact_review(NULL) IS NULL AS review, tact_review(NULL, 'My phone broke!') IS NULL AS review2,
       tact_score(NULL) IS NULL AS score, tact_score(NULL, 'My phone broke!') IS NULL AS score2;
SELECT tact_review('Thanks for waiting!', NULL, NULL) IS NOT NULL AS review_null_customer,
       tact_score('Thanks for waiting!', NULL) IS NOT NULL AS score_null_customer,
       tact_review('Thanks for waiting!', 'Where is my order?', NULL) ? 'customer' AS null_name;

-- Many rows, many calls: the reused per-backend results stay correct.
SELECT count(*) FILTER (WHERE tact_is_complaint(b)) AS complaints, count(*) AS messages
FROM (SELECT CASE WHEN i % 3 = 0 THEN 'My phone broke after a week, I want a refund!'
                  ELSE 'Thanks, that worked perfectly.' END AS b
      FROM generate_series(1, 300) i) s;

-- A STABLE function cannot be indexed; an IMMUTABLE one can (bulk.sql).
CREATE TABLE replies (body text);
CREATE INDEX ON replies ((tact_score(body)));
CREATE INDEX replies_tone ON replies ((tact_tone(body)->'tone'->'scores'->>'anger'));
DROP TABLE replies;
