/* test_api.c — the public contract of tact.h: versions, status strings,
 * config and input checking, engine life cycle, error codes with offsets,
 * limits, repair mode, accessors on bad indexes, JSON output, allocation
 * failure at every point, and one engine shared by several threads. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "counting_alloc.h"
#include "json.h"
#include "pack.h"
#include "tact.h"

static tact_engine *default_engine(void) {
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  if (!eng || tact_engine_build(eng, &err) != TACT_OK) fail_msg("engine: %s", err.message);
  return eng;
}

static tact_status analyze_text(const tact_engine *eng, const char *text, size_t len,
                                tact_result **out, tact_error *err) {
  tact_input in;
  tact_input_init(&in);
  in.text = text;
  in.length = len;
  *out = tact_analyze(eng, &in, err);
  return *out ? TACT_OK : err->code;
}

static void test_version(void **state) {
  (void)state;
  assert_int_equal(tact_version(), TACT_VERSION_NUMBER);
  assert_string_equal(tact_version_string(), TACT_VERSION_STRING);
  char want[32];
  snprintf(want, sizeof want, "%d.%d.%d", TACT_VERSION_MAJOR, TACT_VERSION_MINOR,
           TACT_VERSION_PATCH);
  assert_string_equal(tact_version_string(), want);
}

static void test_status_strings(void **state) {
  (void)state;
  for (int s = TACT_OK; s <= TACT_E_INTERNAL; s++) {
    const char *str = tact_status_str((tact_status)s);
    assert_non_null(str);
    assert_string_not_equal(str, "unknown status");
  }
  assert_string_equal(tact_status_str(TACT_E_UTF8), "invalid UTF-8");
  assert_string_equal(tact_status_str((tact_status)999), "unknown status");
}

static void test_config_checked(void **state) {
  (void)state;
  tact_error err;
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.size = 3;
  assert_null(tact_engine_new(&cfg, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  assert_non_null(strstr(err.message, "tact_config_init"));

  tact_config_init(&cfg);
  cfg.allocator.malloc_fn = (void *(*)(void *, size_t))1;
  assert_null(tact_engine_new(&cfg, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  assert_non_null(strstr(err.message, "allocator"));

  tact_config_init(&cfg);
  cfg.flags = 1u << 20;
  assert_null(tact_engine_new(&cfg, &err));
  assert_int_equal(err.code, TACT_E_ARG);

  /* an older, shorter config (through the allocator) is accepted */
  tact_config_init(&cfg);
  cfg.size = offsetof(tact_config, allocator) + sizeof(tact_allocator);
  cfg.flags = 12345; /* past `size`: must be ignored */
  tact_engine *eng = tact_engine_new(&cfg, &err);
  assert_non_null(eng);
  tact_engine_free(eng);
}

static void test_engine_life_cycle(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  assert_non_null(eng);
  tact_result *res;
  assert_int_equal(analyze_text(eng, "hi", 2, &res, &err), TACT_E_STATE);
  assert_non_null(strstr(err.message, "tact_engine_build"));
  assert_int_equal(tact_engine_build(eng, &err), TACT_OK);
  assert_int_equal(tact_engine_build(eng, &err), TACT_E_STATE);
  const char pack[] = "<pack id=\"late\" version=\"1\"/>";
  assert_int_equal(tact_engine_add_pack_memory(eng, pack, sizeof pack - 1, "late", &err),
                   TACT_E_STATE);
  /* the built-in layer: general lexicons, sentiment, tone cues, complaint model */
  assert_int_equal(tact_engine_pack_count(eng), 4);
  assert_string_equal(tact_engine_pack_id(eng, 0), "default");
  assert_string_equal(tact_engine_pack_id(eng, 1), "default-sentiment");
  assert_string_equal(tact_engine_pack_id(eng, 2), "default-tone");
  assert_string_equal(tact_engine_pack_id(eng, 3), "default-complaint");
  tact_engine_free(eng);
  tact_engine_free(NULL);
  assert_int_equal(tact_engine_build(NULL, &err), TACT_E_ARG);
  assert_int_equal(tact_engine_add_pack_file(NULL, "x", NULL), TACT_E_ARG);
}

static void test_bad_packs_leave_engine_usable(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  const char xxe[] = "<?xml version=\"1.0\"?>\n<!DOCTYPE pack [\n<!ENTITY x SYSTEM "
                     "\"file:///etc/passwd\">\n]>\n<pack id=\"x\" version=\"1\">&x;</pack>";
  assert_int_equal(tact_engine_add_pack_memory(eng, xxe, sizeof xxe - 1, "evil.xml", &err),
                   TACT_E_PACK);
  assert_string_equal(err.source, "evil.xml");
  assert_int_equal(err.line, 2);
  assert_null(strstr(err.message, "root:"));
  assert_int_equal(tact_engine_add_pack_file(eng, "/nonexistent/pack.xml", &err), TACT_E_IO);
  assert_non_null(strstr(err.message, "/nonexistent/pack.xml"));
  assert_int_equal(tact_engine_pack_count(eng), 4);
  assert_int_equal(tact_engine_build(eng, &err), TACT_OK);
  tact_engine_free(eng);
}

static void test_input_checked(void **state) {
  (void)state;
  tact_engine *eng = default_engine();
  tact_error err;
  assert_null(tact_analyze(eng, NULL, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  tact_input in;
  tact_input_init(&in);
  in.size = 1;
  assert_null(tact_analyze(eng, &in, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  tact_input_init(&in);
  in.length = 5;
  assert_null(tact_analyze(eng, &in, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  tact_input_init(&in);
  in.role = (tact_role)7;
  assert_null(tact_analyze(eng, &in, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  assert_null(tact_analyze(NULL, &in, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  /* empty text is fine */
  tact_input_init(&in);
  tact_result *res = tact_analyze(eng, &in, &err);
  assert_non_null(res);
  assert_int_equal(tact_result_token_count(res), 0);
  assert_int_equal(tact_result_sentence_count(res), 0);
  tact_result_free(res);
  /* a result belongs to its engine */
  tact_engine *other = default_engine();
  res = tact_result_new(other, &err);
  tact_input_init(&in);
  assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_E_ARG);
  tact_result_free(res);
  tact_engine_free(other);
  tact_engine_free(eng);
}

static void test_utf8_and_nul_errors_carry_offsets(void **state) {
  (void)state;
  tact_engine *eng = default_engine();
  tact_error err;
  tact_result *res;
  static const struct {
    const char *text;
    size_t len;
    tact_status code;
    size_t offset;
  } cases[] = {
      {"\xff hello", 7, TACT_E_UTF8, 0},
      {"hello \xc3(", 8, TACT_E_UTF8, 6},
      {"caf\xc3", 4, TACT_E_UTF8, 3},
      {"ok \xed\xa0\x80", 6, TACT_E_UTF8, 3},
      {"ab\0cd", 5, TACT_E_INPUT, 2},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(analyze_text(eng, cases[i].text, cases[i].len, &res, &err), cases[i].code);
    assert_int_equal(err.offset, cases[i].offset);
    char where[32];
    snprintf(where, sizeof where, "%zu", cases[i].offset);
    assert_non_null(strstr(err.message, where));
  }
  /* a reused result is empty and usable after a failure */
  res = tact_result_new(eng, &err);
  tact_input in;
  tact_input_init(&in);
  in.text = "fine text";
  in.length = 9;
  assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_OK);
  in.text = "bad \xff";
  in.length = 5;
  assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_E_UTF8);
  assert_int_equal(tact_result_token_count(res), 0);
  assert_int_equal(tact_result_match_count(res), 0);
  tact_result_free(res);
  tact_engine_free(eng);
}

static void test_limits_and_repair(void **state) {
  (void)state;
  tact_error err;
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.max_input_bytes = 10;
  cfg.flags = TACT_CONFIG_REPAIR_UTF8;
  tact_engine *eng = tact_engine_new(&cfg, &err);
  assert_non_null(eng);
  assert_int_equal(tact_engine_build(eng, &err), TACT_OK);
  tact_result *res;
  assert_int_equal(analyze_text(eng, "12345678901", 11, &res, &err), TACT_E_LIMIT);
  assert_non_null(strstr(err.message, "11 bytes"));
  assert_int_equal(analyze_text(eng, "a\xff" "b\0c", 5, &res, &err), TACT_OK);
  assert_int_equal(tact_result_stat(res, TACT_STAT_REPAIRED_BYTES), 2);
  size_t n = tact_result_token_count(res);
  int replaced = 0;
  for (size_t i = 0; i < n; i++) {
    size_t len;
    const char *norm = tact_token_norm(res, i, &len);
    if (len == 3 && memcmp(norm, "\xEF\xBF\xBD", 3) == 0) replaced++;
  }
  assert_int_equal(replaced, 2);
  tact_result_free(res);
  tact_engine_free(eng);
}

static void test_accessors_never_crash(void **state) {
  (void)state;
  tact_engine *eng = default_engine();
  tact_error err;
  tact_result *res;
  assert_int_equal(analyze_text(eng, "Hi there.", 9, &res, &err), TACT_OK);
  size_t big = (size_t)-1, len = 99;
  assert_int_equal(tact_token_span(res, big).end, 0);
  assert_int_equal(tact_token_kind_of(res, big), TACT_TOKEN_NONE);
  assert_null(tact_token_norm(res, big, &len));
  assert_int_equal(len, 0);
  assert_int_equal(tact_sentence_span(res, 5).end, 0);
  assert_null(tact_match_lexicon(res, big));
  assert_null(tact_match_entry(res, big));
  assert_true(tact_result_stat(res, (tact_stat)99) == -1);
  assert_null(tact_stat_name((tact_stat)99));
  assert_string_equal(tact_stat_name(TACT_STAT_WORDS), "words");
  assert_string_equal(tact_token_kind_name((tact_token_kind)99), "none");
  assert_int_equal(tact_result_token_count(NULL), 0);
  assert_int_equal(tact_result_match_count(NULL), 0);
  assert_null(tact_result_json(NULL, 0, &len, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  assert_null(tact_result_json(res, 1u << 30, &len, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  const char *text = tact_result_text(res, &len);
  assert_int_equal(len, 9);
  assert_memory_equal(text, "Hi there.", 9);
  tact_result_free(res);
  tact_result_free(NULL);
  tact_engine_free(eng);
}

/* A strict JSON syntax checker, enough to prove the writer's output parses. */
static const char *json_value(const char *p);
static const char *json_ws(const char *p) {
  while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r') p++;
  return p;
}
static const char *json_string(const char *p) {
  if (*p++ != '"') return NULL;
  while (*p && *p != '"') {
    if ((unsigned char)*p < 0x20) return NULL;
    if (*p == '\\') {
      p++;
      if (*p == 'u') {
        for (int i = 1; i <= 4; i++)
          if (!strchr("0123456789abcdefABCDEF", p[i]) || !p[i]) return NULL;
        p += 4;
      } else if (!strchr("\"\\/bfnrt", *p) || !*p) {
        return NULL;
      }
    }
    p++;
  }
  return *p == '"' ? p + 1 : NULL;
}
static const char *json_container(const char *p, char close) {
  p = json_ws(p + 1);
  if (*p == close) return p + 1;
  for (;;) {
    if (close == '}') {
      p = json_string(json_ws(p));
      if (!p) return NULL;
      p = json_ws(p);
      if (*p++ != ':') return NULL;
    }
    p = json_value(p);
    if (!p) return NULL;
    p = json_ws(p);
    if (*p == close) return p + 1;
    if (*p++ != ',') return NULL;
  }
}
static const char *json_value(const char *p) {
  p = json_ws(p);
  if (*p == '{') return json_container(p, '}');
  if (*p == '[') return json_container(p, ']');
  if (*p == '"') return json_string(p);
  if (!strncmp(p, "true", 4)) return p + 4;
  if (!strncmp(p, "false", 5)) return p + 5;
  if (!strncmp(p, "null", 4)) return p + 4;
  const char *start = p;
  if (*p == '-') p++;
  if (*p < '0' || *p > '9') return NULL;
  while ((*p >= '0' && *p <= '9') || *p == '.' || *p == 'e') p++;
  return p > start ? p : NULL;
}
static int json_valid(const char *s) {
  const char *end = json_value(s);
  return end && *json_ws(end) == '\0';
}

static void test_json_output(void **state) {
  (void)state;
  tact_engine *eng = default_engine();
  tact_error err;
  tact_result *res;
  const char text[] = "Hi \"Maria\"\t\\ \x01 line\u2028sep 😊 We’ll refund you within 3-5 days!";
  assert_int_equal(analyze_text(eng, text, sizeof text - 1, &res, &err), TACT_OK);
  size_t len;
  const char *json = tact_result_json(res, 0, &len, &err);
  assert_non_null(json);
  assert_int_equal(strlen(json), len);
  assert_true(json_valid(json));
  assert_non_null(strstr(json, "\"tokens\":["));
  assert_non_null(strstr(json, "\"matches\":["));
  json = tact_result_json(res, TACT_JSON_SENTENCES, &len, &err);
  assert_true(json_valid(json));
  assert_null(strstr(json, "\"tokens\""));
  assert_non_null(strstr(json, "\"sentences\""));
  tact_result_free(res);
  tact_engine_free(eng);
}

/* The writer escapes what JSON and JavaScript cannot hold raw and turns
 * bytes that are not UTF-8 (repair mode keeps them in token text) into
 * U+FFFD, so its output always parses. */
static void test_json_writer_escapes(void **state) {
  (void)state;
  tact_allocator a;
  tact_alloc_resolve(&a, NULL);
  tact_buf out = {0};
  tact_json j;
  tact_json_init(&j, &a, &out);
  tact_json_array_begin(&j);
  const char s[] = "q\"b\\n\n\x01\xe2\x80\xa8\xe2\x80\xa9 \xff\xc3( \xed\xa0\x80 é😊";
  tact_json_string(&j, s, sizeof s - 1);
  tact_json_int(&j, -42);
  tact_json_double(&j, 0.0 / 0.0);
  tact_json_bool(&j, 1);
  tact_json_object_begin(&j);
  tact_json_key(&j, "k");
  tact_json_int(&j, -1);
  tact_json_key(&j, "e");
  tact_json_array_begin(&j);
  tact_json_array_end(&j);
  tact_json_object_end(&j);
  tact_json_array_end(&j);
  assert_false(j.failed);
  assert_string_equal(out.data,
                      "[\"q\\\"b\\\\n\\n\\u0001\\u2028\\u2029 \\ufffd\\ufffd( "
                      "\\ufffd\\ufffd\\ufffd é😊\",-42,null,true,{\"k\":-1,\"e\":[]}]");
  assert_true(json_valid(out.data));
  tact_buf_free(&a, &out);
}

static void test_number_format_is_locale_free(void **state) {
  (void)state;
  static const struct {
    double v;
    const char *want;
  } cases[] = {{0, "0"},           {-0.0, "0"},        {1, "1"},        {-2.5, "-2.5"},
               {0.1234567, "0.123457"}, {1e-9, "0"},   {123456.75, "123456.75"},
               {4e12, "4000000000000"}};
  char buf[64];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    tact_format_double(cases[i].v, buf);
    assert_string_equal(buf, cases[i].want);
  }
}

static void test_default_pack_valid_against_schema(void **state) {
  (void)state;
  tact_allocator a;
  tact_alloc_resolve(&a, NULL);
  tact_pack_limits lim = {TACT_DEFAULT_MAX_PACK_BYTES, TACT_DEFAULT_MAX_PACK_DEPTH};
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(&a, &lim, &err);
  assert_non_null(ld);
  tact_pack *p = NULL;
  tact_status st = tact_pack_loader_parse(ld, tact_default_pack_xml, tact_default_pack_xml_len,
                                          "default.xml", 1, &p, &err);
  if (st != TACT_OK) fail_msg("default pack invalid: %s", err.message);
  assert_string_equal(p->id, "default");
  assert_true(p->n_lexicons >= 20);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

/* Allocation failure at each successive point: a clean error, never a
 * crash or a leak (ASan's leak checker runs over this test). */
static void test_allocation_failures(void **state) {
  (void)state;
  const char text[] = "Unfortunately we can't refund this, but I'll send a new one tomorrow 😊";
  int succeeded = 0;
  for (long k = 0; k < 100000 && !succeeded; k += (k < 200 ? 1 : 97)) {
    counting_alloc counter;
    tact_config cfg;
    tact_config_init(&cfg);
    counting_alloc_init(&counter, &cfg.allocator);
    counter.fail_after = k;
    tact_error err;
    tact_engine *eng = tact_engine_new(&cfg, &err);
    tact_result *res = NULL;
    if (eng && tact_engine_build(eng, &err) == TACT_OK &&
        analyze_text(eng, text, sizeof text - 1, &res, &err) == TACT_OK &&
        tact_result_json(res, 0, NULL, &err)) {
      succeeded = 1;
    } else {
      assert_int_equal(err.code, TACT_E_NOMEM);
    }
    tact_result_free(res);
    tact_engine_free(eng);
    assert_int_equal(counter.live, 0);
  }
  assert_true(succeeded);
}

typedef struct thread_job {
  const tact_engine *eng;
  size_t matches;
  int failed;
} thread_job;

static const char *const thread_texts[] = {
    "Unfortunately we can't do that.", "Thanks so much for your patience!",
    "I'm so sorry, I'll follow up tomorrow.", "You should have read the policy.",
    "Please be advised that your call is important to us."};

static void *thread_main(void *arg) {
  thread_job *job = arg;
  tact_error err;
  tact_result *res = tact_result_new(job->eng, &err);
  for (int round = 0; round < 400; round++) {
    const char *t = thread_texts[round % 5];
    tact_input in;
    tact_input_init(&in);
    in.text = t;
    in.length = strlen(t);
    /* every stage runs: customer texts also go through the complaint model */
    in.role = round % 2 ? TACT_ROLE_CUSTOMER : TACT_ROLE_AGENT;
    in.now = 1772812800;
    if (tact_analyze_into(job->eng, &in, res, &err) != TACT_OK) job->failed = 1;
    job->matches += tact_result_match_count(res) + tact_result_promise_count(res) +
                    (size_t)tact_result_severity(res) + tact_result_tone_evidence_count(res);
  }
  tact_result_free(res);
  return NULL;
}

static void test_threads_share_one_engine(void **state) {
  (void)state;
  tact_engine *eng = default_engine();
  thread_job solo = {eng, 0, 0};
  thread_main(&solo);
  assert_true(solo.matches > 0);
  enum { N = 4 };
  pthread_t th[N];
  thread_job jobs[N];
  for (int i = 0; i < N; i++) {
    jobs[i] = (thread_job){eng, 0, 0};
    assert_int_equal(pthread_create(&th[i], NULL, thread_main, &jobs[i]), 0);
  }
  for (int i = 0; i < N; i++) {
    pthread_join(th[i], NULL);
    assert_false(jobs[i].failed);
    assert_int_equal(jobs[i].matches, solo.matches);
  }
  tact_engine_free(eng);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_version),
      cmocka_unit_test(test_status_strings),
      cmocka_unit_test(test_config_checked),
      cmocka_unit_test(test_engine_life_cycle),
      cmocka_unit_test(test_bad_packs_leave_engine_usable),
      cmocka_unit_test(test_input_checked),
      cmocka_unit_test(test_utf8_and_nul_errors_carry_offsets),
      cmocka_unit_test(test_limits_and_repair),
      cmocka_unit_test(test_accessors_never_crash),
      cmocka_unit_test(test_json_output),
      cmocka_unit_test(test_json_writer_escapes),
      cmocka_unit_test(test_number_format_is_locale_free),
      cmocka_unit_test(test_default_pack_valid_against_schema),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_threads_share_one_engine),
  };
  return cmocka_run_group_tests_name("api", tests, NULL, NULL);
}
