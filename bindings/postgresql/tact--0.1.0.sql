-- tact--0.1.0.sql: the SQL functions of the tact extension (docs/sql.md).
\echo Use "CREATE EXTENSION tact" to load this file. \quit

-- Volatility. IMMUTABLE functions read only their arguments and the rule
-- packs (the compiled-in default pack plus tact.pack_path). Like a text
-- search configuration, the packs are treated as fixed: after changing
-- tact.pack_path (superuser only) or upgrading libtact, REINDEX any index
-- built on these functions. Functions whose answer depends on the clock or
-- the session's TimeZone are STABLE: a review checks promised timeframes
-- ("within 2 business days") against the service policy counted from the
-- transaction's start time (now()), so tact_review and tact_score are STABLE
-- too. Every function is PARALLEL SAFE: each backend and worker builds its
-- own engine.
--
-- COST: one call tokenizes, matches and scores a whole text, tens of
-- microseconds for a chat message: far more than an operator, which helps
-- the planner choose parallel plans and expression indexes.

CREATE FUNCTION tact_review(reply text, customer text DEFAULT NULL, name text DEFAULT NULL)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tact_pg_review'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE COST 500;
COMMENT ON FUNCTION tact_review(text, text, text) IS
'review an agent''s reply (against the customer''s message and name when given): score, findings, promises, tone';

CREATE FUNCTION tact_score(reply text, customer text DEFAULT NULL)
RETURNS real
AS 'MODULE_PATHNAME', 'tact_pg_score'
LANGUAGE C STABLE CALLED ON NULL INPUT PARALLEL SAFE COST 500;
COMMENT ON FUNCTION tact_score(text, text) IS
'the review score 0..100 of an agent''s reply (against the customer''s message when given)';

CREATE FUNCTION tact_tone(text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tact_pg_tone'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 200;
COMMENT ON FUNCTION tact_tone(text) IS 'tone scores with their evidence, and text statistics';

CREATE FUNCTION tact_classify(text)
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tact_pg_classify'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 200;
COMMENT ON FUNCTION tact_classify(text) IS
'a customer''s message: complaint, categories, requested outcome, threats, severity, tone';

CREATE FUNCTION tact_is_complaint(text)
RETURNS boolean
AS 'MODULE_PATHNAME', 'tact_pg_is_complaint'
LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE COST 200;
COMMENT ON FUNCTION tact_is_complaint(text) IS 'true if a customer''s message is a complaint';

CREATE FUNCTION tact_promises(text, now timestamptz DEFAULT now())
RETURNS jsonb
AS 'MODULE_PATHNAME', 'tact_pg_promises'
LANGUAGE C STABLE STRICT PARALLEL SAFE COST 200;
COMMENT ON FUNCTION tact_promises(text, timestamptz) IS
'promises and time expressions of an agent''s text, as of now (in the session''s TimeZone)';

CREATE FUNCTION tact_version()
RETURNS text
AS 'MODULE_PATHNAME', 'tact_pg_version'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION tact_version() IS 'the version of the linked libtact';

CREATE FUNCTION tact_packs()
RETURNS text[]
AS 'MODULE_PATHNAME', 'tact_pg_packs'
LANGUAGE C STABLE PARALLEL SAFE;
COMMENT ON FUNCTION tact_packs() IS 'ids of the rule packs in use, default pack first';
