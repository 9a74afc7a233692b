/*
 * tact_pg.c — libtact as a PostgreSQL extension (CREATE EXTENSION tact).
 *
 * One engine per backend (and per parallel worker), built on first use with
 * the default pack plus the company pack named by the tact.pack_path GUC;
 * changing the GUC rebuilds it on the next call. Two results per backend are
 * reused for every call (tact_analyze_into / tact_review_into), so nothing
 * the library allocated can leak when PostgreSQL raises an error: every
 * ereport(ERROR) happens outside library calls, and the only library memory
 * at that point is owned by those long-lived statics.
 *
 * The library uses its default allocator (malloc); it never calls back into
 * PostgreSQL, so no longjmp can cross it.
 *
 * docs/sql.md is the user's guide; bindings/postgresql/tact--0.1.0.sql has
 * the volatility of each function and why.
 */
#include "postgres.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "access/xact.h"
#include "catalog/namespace.h"
#include "catalog/pg_type.h"
#include "lib/stringinfo.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "miscadmin.h"
#include "pgtime.h"
#include "utils/array.h"
#include "utils/builtins.h"
#include "utils/guc.h"
#include "utils/jsonb.h"
#include "utils/timestamp.h"

#include <tact.h>

PG_MODULE_MAGIC;

/* The reference time for the functions declared IMMUTABLE: they use no
 * section that depends on it (tone, complaint), but a fixed value keeps them
 * independent of the clock even so. 2026-01-01T00:00:00Z. */
#define FIXED_NOW INT64CONST(1767225600)

/* Results that grew past this are freed after the call rather than kept. */
#define KEEP_RESULT_BYTES ((size_t)1 << 20)

static char *pack_path_guc = NULL;

static tact_engine *engine = NULL;
static char *engine_pack = NULL; /* malloc'd copy of the pack path it was built with */
static tact_result *analyze_res = NULL;
static tact_result *review_res = NULL;

void _PG_init(void);
PG_FUNCTION_INFO_V1(tact_pg_review);
PG_FUNCTION_INFO_V1(tact_pg_tone);
PG_FUNCTION_INFO_V1(tact_pg_promises);
PG_FUNCTION_INFO_V1(tact_pg_classify);
PG_FUNCTION_INFO_V1(tact_pg_score);
PG_FUNCTION_INFO_V1(tact_pg_is_complaint);
PG_FUNCTION_INFO_V1(tact_pg_version);
PG_FUNCTION_INFO_V1(tact_pg_packs);

void _PG_init(void) {
  DefineCustomStringVariable(
      "tact.pack_path", "Company rule pack layered over tact's default pack.",
      "An XML pack file read by the server (relative paths are relative to the data "
      "directory). Empty: the default pack only. Changing it rebuilds the engine on the "
      "next tact_* call; indexes on tact_* expressions must then be rebuilt.",
      &pack_path_guc, "", PGC_SUSET, 0, NULL, NULL, NULL);
#if PG_VERSION_NUM >= 150000
  MarkGUCPrefixReserved("tact");
#else
  EmitWarningsOnPlaceholders("tact");
#endif
}

static int errcode_for(tact_status st) {
  switch (st) {
  case TACT_E_ARG: return ERRCODE_INVALID_PARAMETER_VALUE;
  case TACT_E_NOMEM: return ERRCODE_OUT_OF_MEMORY;
  case TACT_E_UTF8: return ERRCODE_CHARACTER_NOT_IN_REPERTOIRE;
  case TACT_E_INPUT: return ERRCODE_UNTRANSLATABLE_CHARACTER;
  case TACT_E_LIMIT: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
  case TACT_E_PACK: return ERRCODE_CONFIG_FILE_ERROR;
  case TACT_E_IO: return ERRCODE_UNDEFINED_FILE;
  default: return ERRCODE_INTERNAL_ERROR;
  }
}

/* Raises the library's error. Called only when no library call is running
 * and every library object is owned by a static, so nothing leaks. */
static void report(const tact_error *err, bool about_pack) pg_attribute_noreturn();
static void report(const tact_error *err, bool about_pack) {
  tact_error e = *err; /* the caller's may live in a frame we unwind */
  if (about_pack)
    ereport(ERROR, (errcode(errcode_for(e.code)), errmsg("tact: %s", e.message),
                    errhint("Check the pack named by tact.pack_path, or RESET tact.pack_path.")));
  ereport(ERROR, (errcode(errcode_for(e.code)), errmsg("tact: %s", e.message)));
}

static void drop_engine(void) {
  tact_result_free(analyze_res);
  tact_result_free(review_res);
  analyze_res = review_res = NULL;
  tact_engine_free(engine);
  engine = NULL;
  free(engine_pack);
  engine_pack = NULL;
}

/* The engine for the current tact.pack_path, built if needed. A failed
 * build is not cached: the next call tries again (the file may be fixed). */
static const tact_engine *get_engine(void) {
  const char *want = pack_path_guc && *pack_path_guc ? pack_path_guc : NULL;
  if (engine && ((!want && !engine_pack) || (want && engine_pack && !strcmp(want, engine_pack))))
    return engine;
  drop_engine();
  tact_error err;
  char *copy = NULL;
  if (want && !(copy = strdup(want)))
    ereport(ERROR, (errcode(ERRCODE_OUT_OF_MEMORY), errmsg("out of memory")));
  tact_engine *eng = tact_engine_new(NULL, &err);
  if (eng && want && tact_engine_add_pack_file(eng, want, &err) != TACT_OK) {
    tact_engine_free(eng);
    eng = NULL;
  }
  if (eng && tact_engine_build(eng, &err) != TACT_OK) {
    tact_engine_free(eng);
    eng = NULL;
  }
  if (!eng) {
    free(copy);
    report(&err, want != NULL);
  }
  engine = eng;
  engine_pack = copy;
  return engine;
}

/* The reusable result for analyses (review = false) or reviews. */
static tact_result *get_result(const tact_engine *eng, bool review) {
  tact_result **slot = review ? &review_res : &analyze_res;
  if (!*slot) {
    tact_error err;
    *slot = tact_result_new(eng, &err);
    if (!*slot) report(&err, false);
  }
  return *slot;
}

/* Drops a result that grew for a large input, so one huge value does not
 * pin its memory for the rest of the session. */
static void trim_result(bool review, size_t input_bytes) {
  if (input_bytes < KEEP_RESULT_BYTES) return;
  tact_result **slot = review ? &review_res : &analyze_res;
  tact_result_free(*slot);
  *slot = NULL;
}

/* A text argument as UTF-8: as is in UTF8 (and SQL_ASCII, whose bytes the
 * library validates) databases, converted otherwise. */
static const char *arg_utf8(text *t, size_t *len) {
  const char *s = VARDATA_ANY(t);
  int n = (int)VARSIZE_ANY_EXHDR(t);
  int enc = GetDatabaseEncoding();
  if (enc == PG_UTF8 || enc == PG_SQL_ASCII) {
    *len = (size_t)n;
    return s;
  }
  char *u = pg_server_to_any(s, n, PG_UTF8);
  *len = u == s ? (size_t)n : strlen(u);
  return u;
}

/* The session's TimeZone for the library at the reference time `now`. A
 * zone PostgreSQL read from the system's zoneinfo goes by name, so the
 * library reads the same file and gets every transition right. Anything
 * else (a POSIX spec such as "UTC+5" or "-05:00", whose sign is the
 * reverse of ISO 8601's) becomes the offset PostgreSQL gives it at `now`. */
static const char *session_zone(int64 now, char *buf, size_t size) {
  static char checked[256];
  static bool is_file;
  if (!session_timezone) return NULL;
  const char *name = pg_get_timezone_name(session_timezone);
  if (name && *name && strlen(name) < sizeof checked) {
    if (strcmp(name, checked) != 0) {
      const char *dir = getenv("TZDIR");
      char path[MAXPGPATH];
      is_file = name[0] != '+' && name[0] != '-' && !(name[0] >= '0' && name[0] <= '9') &&
                !strstr(name, "..") &&
                snprintf(path, sizeof path, "%s/%s", dir && *dir ? dir : "/usr/share/zoneinfo",
                         name) < (int)sizeof path &&
                access(path, R_OK) == 0;
      strcpy(checked, name);
    }
    if (is_file) return name;
  }
  pg_time_t t = (pg_time_t)now;
  struct pg_tm *tm = pg_localtime(&t, session_timezone);
  long off = tm ? tm->tm_gmtoff : 0;
  long a = off < 0 ? -off : off;
  snprintf(buf, size, "%c%02ld:%02ld", off < 0 ? '-' : '+', a / 3600, a % 3600 / 60);
  return buf;
}

static int64 unix_seconds(TimestampTz ts) {
  if (TIMESTAMP_NOT_FINITE(ts))
    ereport(ERROR, (errcode(ERRCODE_DATETIME_VALUE_OUT_OF_RANGE),
                    errmsg("tact: the reference time must be finite")));
  int64 t = (int64)timestamptz_to_time_t(ts);
  /* 0 means "the current time" to the library; one second later is close
   * enough for the one instant it cannot express. */
  return t == 0 ? 1 : t;
}

/* UTF-8 JSON in a database of another encoding: converted, with each
 * character the encoding lacks (a "…" in a suggestion, an emoji quoted from
 * the text) written as '?', so the answer is never an error. */
static char *json_to_server(const char *json, size_t len, int enc) {
  Oid proc = FindDefaultConversionProc(PG_UTF8, enc);
  if (!OidIsValid(proc))
    ereport(ERROR, (errcode(ERRCODE_UNDEFINED_FUNCTION),
                    errmsg("tact: no conversion from UTF8 to %s", GetDatabaseEncodingName())));
  enum { CHUNK = 1 << 16 };
  unsigned char *dest = palloc((Size)CHUNK * MAX_CONVERSION_GROWTH + 1);
  StringInfoData out;
  initStringInfo(&out);
  const unsigned char *src = (const unsigned char *)json;
  size_t pos = 0;
  while (pos < len) {
    size_t n = len - pos < CHUNK ? len - pos : CHUNK;
    while (pos + n < len && n > 0 && (src[pos + n] & 0xC0) == 0x80) n--; /* whole characters */
    int done = pg_do_encoding_conversion_buf(proc, PG_UTF8, enc, (unsigned char *)src + pos,
                                             (int)n, dest, CHUNK * MAX_CONVERSION_GROWTH + 1,
                                             true);
    appendStringInfoString(&out, (const char *)dest);
    pos += (size_t)done;
    if ((size_t)done < n) { /* an unconvertible character at pos */
      appendStringInfoChar(&out, '?');
      pos += (size_t)pg_utf_mblen(src + pos);
    }
  }
  pfree(dest);
  return out.data;
}

/* The result's JSON (the chosen sections) as jsonb. The JSON string belongs
 * to the result, which stays owned by a static while jsonb_in runs. */
static Datum result_jsonb(tact_result *res, unsigned sections) {
  tact_error err;
  size_t len;
  const char *json = tact_result_json(res, sections, &len, &err);
  if (!json) report(&err, false);
  int enc = GetDatabaseEncoding();
  char *server = (enc == PG_UTF8 || enc == PG_SQL_ASCII)
                     ? (char *)json
                     : json_to_server(json, len, enc);
  return DirectFunctionCall1(jsonb_in, CStringGetDatum(server));
}

/* Analyzes one text into the reusable analysis result. */
static tact_result *analyze_text(text *t, tact_role role, int64 now, const char *zone,
                                 size_t *bytes) {
  const tact_engine *eng = get_engine();
  tact_result *res = get_result(eng, false);
  tact_input in;
  tact_input_init(&in);
  in.text = arg_utf8(t, &in.length);
  in.role = role;
  in.now = now;
  in.time_zone = zone;
  *bytes = in.length;
  tact_error err;
  if (tact_analyze_into(eng, &in, res, &err) != TACT_OK) report(&err, false);
  return res;
}

/* Reviews reply (and the customer's message, when given) into the reusable
 * review result, as of the transaction's start time in the session's zone. */
static tact_result *review_text(text *reply, text *customer, const char *name, size_t *bytes) {
  const tact_engine *eng = get_engine();
  tact_result *res = get_result(eng, true);
  int64 now = unix_seconds(GetCurrentTransactionStartTimestamp());
  char zbuf[16];
  const char *zone = session_zone(now, zbuf, sizeof zbuf);
  tact_input rin, cin;
  tact_input_init(&rin);
  rin.text = arg_utf8(reply, &rin.length);
  rin.role = TACT_ROLE_AGENT;
  rin.now = now;
  rin.time_zone = zone;
  tact_input_init(&cin);
  if (customer) {
    cin.text = arg_utf8(customer, &cin.length);
    cin.role = TACT_ROLE_CUSTOMER;
    cin.now = now;
    cin.time_zone = zone;
  }
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  if (name) {
    const char *n = name;
    int enc = GetDatabaseEncoding();
    if (enc != PG_UTF8 && enc != PG_SQL_ASCII) n = pg_server_to_any(name, (int)strlen(name), PG_UTF8);
    ctx.customer_name = n;
  }
  *bytes = rin.length + cin.length;
  tact_error err;
  if (tact_review_into(eng, customer ? &cin : NULL, &rin, &ctx, res, &err) != TACT_OK)
    report(&err, false);
  return res;
}

/* tact_review(reply text, customer text DEFAULT NULL, name text DEFAULT NULL) */
Datum tact_pg_review(PG_FUNCTION_ARGS) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  text *customer = PG_NARGS() > 1 && !PG_ARGISNULL(1) ? PG_GETARG_TEXT_PP(1) : NULL;
  char *name = PG_NARGS() > 2 && !PG_ARGISNULL(2) ? text_to_cstring(PG_GETARG_TEXT_PP(2)) : NULL;
  size_t bytes;
  tact_result *res = review_text(PG_GETARG_TEXT_PP(0), customer, name, &bytes);
  Datum d = result_jsonb(res, TACT_JSON_REVIEW | TACT_JSON_PROMISES | TACT_JSON_TONE);
  trim_result(true, bytes);
  PG_RETURN_DATUM(d);
}

/* tact_score(reply text, customer text DEFAULT NULL) */
Datum tact_pg_score(PG_FUNCTION_ARGS) {
  if (PG_ARGISNULL(0)) PG_RETURN_NULL();
  text *customer = PG_NARGS() > 1 && !PG_ARGISNULL(1) ? PG_GETARG_TEXT_PP(1) : NULL;
  size_t bytes;
  tact_result *res = review_text(PG_GETARG_TEXT_PP(0), customer, NULL, &bytes);
  int score = tact_result_score(res);
  trim_result(true, bytes);
  PG_RETURN_FLOAT4((float4)score);
}

/* tact_tone(text): tone scores with evidence, and the text's statistics. */
Datum tact_pg_tone(PG_FUNCTION_ARGS) {
  size_t bytes;
  tact_result *res = analyze_text(PG_GETARG_TEXT_PP(0), TACT_ROLE_UNKNOWN, FIXED_NOW, NULL, &bytes);
  Datum d = result_jsonb(res, TACT_JSON_TONE | TACT_JSON_STATS);
  trim_result(false, bytes);
  PG_RETURN_DATUM(d);
}

/* tact_classify(text): the text as a customer's message. */
Datum tact_pg_classify(PG_FUNCTION_ARGS) {
  size_t bytes;
  tact_result *res =
      analyze_text(PG_GETARG_TEXT_PP(0), TACT_ROLE_CUSTOMER, FIXED_NOW, NULL, &bytes);
  Datum d = result_jsonb(res, TACT_JSON_COMPLAINT | TACT_JSON_TONE);
  trim_result(false, bytes);
  PG_RETURN_DATUM(d);
}

/* tact_is_complaint(text) */
Datum tact_pg_is_complaint(PG_FUNCTION_ARGS) {
  size_t bytes;
  tact_result *res =
      analyze_text(PG_GETARG_TEXT_PP(0), TACT_ROLE_CUSTOMER, FIXED_NOW, NULL, &bytes);
  bool yes = tact_result_is_complaint(res) != 0;
  trim_result(false, bytes);
  PG_RETURN_BOOL(yes);
}

/* tact_promises(text, now timestamptz DEFAULT now()): the agent's promises
 * and time expressions as of `now`, in the session's time zone. */
Datum tact_pg_promises(PG_FUNCTION_ARGS) {
  int64 now = unix_seconds(PG_GETARG_TIMESTAMPTZ(1));
  char zbuf[16];
  const char *zone = session_zone(now, zbuf, sizeof zbuf);
  size_t bytes;
  tact_result *res = analyze_text(PG_GETARG_TEXT_PP(0), TACT_ROLE_AGENT, now, zone, &bytes);
  Datum d = result_jsonb(res, TACT_JSON_TIMES | TACT_JSON_PROMISES);
  trim_result(false, bytes);
  PG_RETURN_DATUM(d);
}

/* tact_version(): the linked library's version string. */
Datum tact_pg_version(PG_FUNCTION_ARGS) {
  PG_RETURN_TEXT_P(cstring_to_text(tact_version_string()));
}

/* tact_packs(): the ids of the engine's packs, bottom layer first. */
Datum tact_pg_packs(PG_FUNCTION_ARGS) {
  const tact_engine *eng = get_engine();
  size_t n = tact_engine_pack_count(eng);
  Datum *ids = palloc(sizeof(Datum) * (n ? n : 1));
  for (size_t i = 0; i < n; i++) {
    const char *id = tact_engine_pack_id(eng, i);
    ids[i] = PointerGetDatum(cstring_to_text(id ? id : ""));
  }
  PG_RETURN_ARRAYTYPE_P(construct_array(ids, (int)n, TEXTOID, -1, false, TYPALIGN_INT));
}
