/*
 * tact_sqlite.c — libtact as a loadable SQLite extension.
 *
 *   sqlite> .load ./libtact_sqlite
 *   sqlite> SELECT tact_score('No, we can''t do that.', 'My phone broke, I want a refund!');
 *
 * Functions (JSON results are text; docs/sql.md has the details):
 *   tact_review(reply [, customer [, name]])  review JSON (score, findings, promises, tone)
 *   tact_score(reply [, customer])            the review score 0..100
 *   tact_tone(text)                           tone JSON
 *   tact_classify(text)                       complaint JSON (the text as a customer's)
 *   tact_is_complaint(text)                   1 or 0
 *   tact_promises(text [, now])               promises JSON as of now (ISO 8601 text,
 *                                             or Unix seconds), else the current time
 *   tact_version()                            the linked libtact's version
 *
 * SQLite derives the entry point from the file name: libtact_sqlite.so ->
 * sqlite3_tactsqlite_init. sqlite3_extension_init is there too.
 *
 * One engine (default pack) per connection, built when the extension is
 * loaded and freed when the connection closes: every function holds a
 * reference to a shared state whose last release (the destructor passed to
 * sqlite3_create_function_v2) frees it. A connection runs one function call
 * at a time, so the state's reusable results need no lock.
 */
#include <sqlite3ext.h>
SQLITE_EXTENSION_INIT1

#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <tact.h>

#ifndef SQLITE_INNOCUOUS
#define SQLITE_INNOCUOUS 0
#endif
#ifndef SQLITE_DETERMINISTIC
#define SQLITE_DETERMINISTIC 0
#endif

/* Reference time of the deterministic functions (tone, complaint: nothing
 * they report depends on it). 2026-01-01T00:00:00Z. */
#define FIXED_NOW INT64_C(1767225600)
/* Results grown past this are freed after the call rather than kept. */
#define KEEP_RESULT_BYTES ((size_t)1 << 20)

typedef struct state {
  tact_engine *eng;
  tact_result *analysis; /* reused by every analysis */
  tact_result *review;   /* reused by every review */
  int refs;              /* functions registered with this state */
} state;

static void state_release(void *p) {
  state *s = p;
  if (!s || --s->refs > 0) return;
  tact_result_free(s->analysis);
  tact_result_free(s->review);
  tact_engine_free(s->eng);
  sqlite3_free(s);
}

static void set_error(sqlite3_context *ctx, const tact_error *err) {
  if (err->code == TACT_E_NOMEM) {
    sqlite3_result_error_nomem(ctx);
    return;
  }
  char msg[sizeof err->message + 8];
  snprintf(msg, sizeof msg, "tact: %s", err->message);
  sqlite3_result_error(ctx, msg, -1);
  if (err->code == TACT_E_LIMIT) sqlite3_result_error_code(ctx, SQLITE_TOOBIG);
}

static tact_result **slot_of(state *s, int review) { return review ? &s->review : &s->analysis; }

static tact_result *get_result(sqlite3_context *ctx, state *s, int review) {
  tact_result **slot = slot_of(s, review);
  if (!*slot) {
    tact_error err;
    *slot = tact_result_new(s->eng, &err);
    if (!*slot) set_error(ctx, &err);
  }
  return *slot;
}

static void trim(state *s, int review, size_t bytes) {
  if (bytes < KEEP_RESULT_BYTES) return;
  tact_result **slot = slot_of(s, review);
  tact_result_free(*slot);
  *slot = NULL;
}

/* A value's text, or NULL for SQL NULL. */
static const char *text_of(sqlite3_value *v, size_t *len) {
  if (sqlite3_value_type(v) == SQLITE_NULL) return NULL;
  const char *t = (const char *)sqlite3_value_text(v);
  *len = (size_t)sqlite3_value_bytes(v);
  return t ? t : "";
}

static void result_json(sqlite3_context *ctx, tact_result *res, unsigned sections) {
  tact_error err;
  size_t len;
  const char *json = tact_result_json(res, sections, &len, &err);
  if (!json) set_error(ctx, &err);
  else if (len > INT_MAX) sqlite3_result_error_toobig(ctx);
  else sqlite3_result_text(ctx, json, (int)len, SQLITE_TRANSIENT);
}

/* Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant). */
static int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  unsigned yoe = (unsigned)(y - era * 400);
  unsigned doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + (int64_t)doe - 719468;
}

static int digits(const char **p, int n, int *out) {
  int v = 0;
  for (int i = 0; i < n; i++, (*p)++) {
    if (**p < '0' || **p > '9') return 0;
    v = v * 10 + (**p - '0');
  }
  *out = v;
  return 1;
}

/* "YYYY-MM-DD[(T| )HH:MM[:SS[.fff]]][Z|(+|-)HH[:]MM]" (no zone: UTC, as
 * SQLite's own date functions) to Unix seconds; 0 if malformed. */
static int parse_iso(const char *s, int64_t *out) {
  int y, mo, d, h = 0, mi = 0, sec = 0, oh = 0, om = 0, sign = 0;
  const char *p = s;
  if (!digits(&p, 4, &y) || *p++ != '-' || !digits(&p, 2, &mo) || *p++ != '-' ||
      !digits(&p, 2, &d))
    return 0;
  if (*p == 'T' || *p == ' ') {
    p++;
    if (!digits(&p, 2, &h) || *p++ != ':' || !digits(&p, 2, &mi)) return 0;
    if (*p == ':') {
      p++;
      if (!digits(&p, 2, &sec)) return 0;
      if (*p == '.')
        for (p++; *p >= '0' && *p <= '9'; p++) {}
    }
    if (*p == 'Z' || *p == 'z') {
      p++;
    } else if (*p == '+' || *p == '-') {
      sign = *p++ == '-' ? -1 : 1;
      if (!digits(&p, 2, &oh)) return 0;
      if (*p == ':') p++;
      if (*p && !digits(&p, 2, &om)) return 0;
    }
  }
  if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60 || oh > 23 ||
      om > 59)
    return 0;
  *out = days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + sec -
         sign * (oh * 3600 + om * 60);
  return 1;
}

/* An analysis of argv[0] with the given role into the reusable result; NULL
 * when the result is already set (SQL NULL in, or an error). */
static tact_result *analyze(sqlite3_context *ctx, sqlite3_value *v, tact_role role, int64_t now,
                            size_t *bytes) {
  state *s = sqlite3_user_data(ctx);
  size_t len = 0;
  const char *t = text_of(v, &len);
  if (!t) {
    sqlite3_result_null(ctx);
    return NULL;
  }
  tact_result *res = get_result(ctx, s, 0);
  if (!res) return NULL;
  tact_input in;
  tact_input_init(&in);
  in.text = t;
  in.length = len;
  in.role = role;
  in.now = now;
  *bytes = len;
  tact_error err;
  if (tact_analyze_into(s->eng, &in, res, &err) != TACT_OK) {
    set_error(ctx, &err);
    return NULL;
  }
  return res;
}

static void fn_tone(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t bytes = 0;
  tact_result *res = analyze(ctx, argv[0], TACT_ROLE_UNKNOWN, FIXED_NOW, &bytes);
  if (res) result_json(ctx, res, TACT_JSON_TONE | TACT_JSON_STATS);
  trim(sqlite3_user_data(ctx), 0, bytes);
}

static void fn_classify(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t bytes = 0;
  tact_result *res = analyze(ctx, argv[0], TACT_ROLE_CUSTOMER, FIXED_NOW, &bytes);
  if (res) result_json(ctx, res, TACT_JSON_COMPLAINT | TACT_JSON_TONE);
  trim(sqlite3_user_data(ctx), 0, bytes);
}

static void fn_is_complaint(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  size_t bytes = 0;
  tact_result *res = analyze(ctx, argv[0], TACT_ROLE_CUSTOMER, FIXED_NOW, &bytes);
  if (res) sqlite3_result_int(ctx, tact_result_is_complaint(res));
  trim(sqlite3_user_data(ctx), 0, bytes);
}

static void fn_promises(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  int64_t now = 0; /* the current time */
  if (argc > 1) {
    int type = sqlite3_value_type(argv[1]);
    if (type == SQLITE_NULL) {
      sqlite3_result_null(ctx);
      return;
    }
    if (type == SQLITE_INTEGER || type == SQLITE_FLOAT) {
      now = sqlite3_value_int64(argv[1]);
    } else if (!parse_iso((const char *)sqlite3_value_text(argv[1]), &now)) {
      sqlite3_result_error(ctx,
                           "tact: tact_promises: now must be ISO 8601 "
                           "(2026-03-06T16:00:00Z) or Unix seconds",
                           -1);
      return;
    }
    if (now == 0) now = 1; /* 0 means "the current time" to the library */
  }
  size_t bytes = 0;
  tact_result *res = analyze(ctx, argv[0], TACT_ROLE_AGENT, now, &bytes);
  if (res) result_json(ctx, res, TACT_JSON_TIMES | TACT_JSON_PROMISES);
  trim(sqlite3_user_data(ctx), 0, bytes);
}

/* Reviews argv[0] against argv[1] (customer) with argv[2] (name); NULL when
 * the result is already set. */
static tact_result *review(sqlite3_context *ctx, int argc, sqlite3_value **argv, size_t *bytes) {
  state *s = sqlite3_user_data(ctx);
  size_t rlen = 0, clen = 0, nlen = 0;
  const char *reply = text_of(argv[0], &rlen);
  if (!reply) {
    sqlite3_result_null(ctx);
    return NULL;
  }
  const char *cust = argc > 1 ? text_of(argv[1], &clen) : NULL;
  const char *name = argc > 2 ? text_of(argv[2], &nlen) : NULL;
  tact_result *res = get_result(ctx, s, 1);
  if (!res) return NULL;
  tact_input rin, cin;
  tact_input_init(&rin);
  rin.text = reply;
  rin.length = rlen;
  rin.role = TACT_ROLE_AGENT;
  tact_input_init(&cin);
  cin.text = cust;
  cin.length = clen;
  cin.role = TACT_ROLE_CUSTOMER;
  tact_review_context rc;
  tact_review_context_init(&rc);
  rc.customer_name = name;
  *bytes = rlen + clen;
  tact_error err;
  if (tact_review_into(s->eng, cust ? &cin : NULL, &rin, &rc, res, &err) != TACT_OK) {
    set_error(ctx, &err);
    return NULL;
  }
  return res;
}

static void fn_review(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  size_t bytes = 0;
  tact_result *res = review(ctx, argc, argv, &bytes);
  if (res) result_json(ctx, res, TACT_JSON_REVIEW | TACT_JSON_PROMISES | TACT_JSON_TONE);
  trim(sqlite3_user_data(ctx), 1, bytes);
}

static void fn_score(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  size_t bytes = 0;
  tact_result *res = review(ctx, argc, argv, &bytes);
  if (res) sqlite3_result_int(ctx, tact_result_score(res));
  trim(sqlite3_user_data(ctx), 1, bytes);
}

static void fn_version(sqlite3_context *ctx, int argc, sqlite3_value **argv) {
  (void)argc;
  (void)argv;
  sqlite3_result_text(ctx, tact_version_string(), -1, SQLITE_STATIC);
}

#ifdef _WIN32
__declspec(dllexport)
#elif defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int sqlite3_tactsqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

int sqlite3_tactsqlite_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  SQLITE_EXTENSION_INIT2(pApi);
  /* Pure functions of their arguments (and the compiled-in pack) are
   * deterministic; those that read the clock are not. None has side
   * effects, so all are innocuous (usable in views, triggers, indexes'
   * expressions where deterministic, with trusted_schema off). */
  static const struct {
    const char *name;
    int argc;
    int deterministic;
    void (*fn)(sqlite3_context *, int, sqlite3_value **);
  } fns[] = {
      {"tact_review", 1, 0, fn_review},   {"tact_review", 2, 0, fn_review},
      {"tact_review", 3, 0, fn_review},   {"tact_score", 1, 0, fn_score},
      {"tact_score", 2, 0, fn_score},     {"tact_tone", 1, 1, fn_tone},
      {"tact_classify", 1, 1, fn_classify}, {"tact_is_complaint", 1, 1, fn_is_complaint},
      {"tact_promises", 1, 0, fn_promises}, {"tact_promises", 2, 1, fn_promises},
      {"tact_version", 0, 1, fn_version},
  };
  tact_error err;
  state *s = sqlite3_malloc(sizeof *s);
  if (!s) return SQLITE_NOMEM;
  memset(s, 0, sizeof *s);
  s->eng = tact_engine_new(NULL, &err);
  if (s->eng && tact_engine_build(s->eng, &err) != TACT_OK) {
    tact_engine_free(s->eng);
    s->eng = NULL;
  }
  if (!s->eng) {
    if (pzErrMsg) *pzErrMsg = sqlite3_mprintf("tact: %s", err.message);
    sqlite3_free(s);
    return SQLITE_ERROR;
  }
  /* One reference for the loop; each registered function adds one, and the
   * reference of a registration that fails is released by SQLite itself. */
  s->refs = 1;
  int rc = SQLITE_OK;
  for (size_t i = 0; i < sizeof fns / sizeof fns[0] && rc == SQLITE_OK; i++) {
    int flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | (fns[i].deterministic ? SQLITE_DETERMINISTIC : 0);
    s->refs++;
    rc = sqlite3_create_function_v2(db, fns[i].name, fns[i].argc, flags, s, fns[i].fn, NULL,
                                    NULL, state_release);
  }
  if (rc != SQLITE_OK && pzErrMsg) *pzErrMsg = sqlite3_mprintf("tact: %s", sqlite3_errmsg(db));
  state_release(s);
  return rc;
}

#ifdef _WIN32
__declspec(dllexport)
#elif defined(__GNUC__)
__attribute__((visibility("default")))
#endif
int sqlite3_extension_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi);

int sqlite3_extension_init(sqlite3 *db, char **pzErrMsg, const sqlite3_api_routines *pApi) {
  return sqlite3_tactsqlite_init(db, pzErrMsg, pApi);
}
