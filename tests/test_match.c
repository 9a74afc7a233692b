/* test_match.c — the phrase matcher through the public API: exact phrases
 * across contraction spellings, token classes, inflections, overlaps,
 * weights, layering of packs by id, pattern errors and allocation-free
 * reuse. Packs are built in memory so each test states what it relies on. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "counting_alloc.h"
#include "tact.h"

/* An engine with no default pack and the given packs layered in order. */
static tact_engine *engine_with(tact_error *err, int n, ...) {
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.flags = TACT_CONFIG_NO_DEFAULT_PACK;
  tact_engine *eng = tact_engine_new(&cfg, err);
  if (!eng) return NULL;
  va_list ap;
  va_start(ap, n);
  for (int i = 0; i < n; i++) {
    const char *xml = va_arg(ap, const char *);
    char name[16];
    snprintf(name, sizeof name, "pack%d.xml", i + 1);
    if (tact_engine_add_pack_memory(eng, xml, strlen(xml), name, err) != TACT_OK) {
      va_end(ap);
      tact_engine_free(eng);
      return NULL;
    }
  }
  va_end(ap);
  if (tact_engine_build(eng, err) != TACT_OK) {
    tact_engine_free(eng);
    return NULL;
  }
  return eng;
}

static tact_result *run(const tact_engine *eng, const char *text) {
  tact_input in;
  tact_input_init(&in);
  in.text = text;
  in.length = strlen(text);
  tact_error err;
  tact_result *res = tact_analyze(eng, &in, &err);
  if (!res) fail_msg("analyze failed: %s", err.message);
  return res;
}

/* Writes "lexicon:matched text|..." for every match, for compact asserts. */
static void matches(const tact_engine *eng, const char *text, char *out, size_t cap) {
  tact_result *res = run(eng, text);
  size_t n = 0;
  out[0] = '\0';
  for (size_t i = 0; i < tact_result_match_count(res); i++) {
    tact_span s = tact_match_span(res, i);
    n += (size_t)snprintf(out + n, cap - n, "%s%s:%.*s", i ? "|" : "", tact_match_lexicon(res, i),
                          (int)(s.end - s.start), text + s.start);
    assert_true(n < cap);
  }
  tact_result_free(res);
}

#define PACK(body) "<pack id=\"t\" version=\"1\">" body "</pack>"

static void test_contractions_match_every_spelling(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = engine_with(&err, 1, PACK("<lexicon id=\"no\"><entry>we can't</entry></lexicon>"));
  assert_non_null(eng);
  const char *texts[] = {"we can't", "We cannot.", "we can not", "WE CAN’T", "we cant"};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++) {
    tact_result *res = run(eng, texts[i]);
    assert_int_equal(tact_result_match_count(res), 1);
    tact_span s = tact_match_span(res, 0);
    assert_int_equal(s.start, 0);
    /* the match ends where the negation ends, before any punctuation */
    size_t want = strlen(texts[i]) - (texts[i][strlen(texts[i]) - 1] == '.' ? 1 : 0);
    assert_int_equal(s.end, want);
    tact_result_free(res);
  }
  char out[256];
  matches(eng, "we can see it", out, sizeof out);
  assert_string_equal(out, "");
  tact_engine_free(eng);
}

static void test_classes_and_inflections(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = engine_with(
      &err, 1,
      PACK("<lexicon id=\"dur\"><entry>{number} business day~</entry></lexicon>"
           "<lexicon id=\"ref\"><entry>refund~</entry></lexicon>"
           "<lexicon id=\"said\"><entry>as {any} said</entry></lexicon>"
           "<lexicon id=\"you\"><entry>thank you {word}</entry></lexicon>"
           "<lexicon id=\"smile\"><entry>{emoji}</entry><entry>{emoticon}</entry></lexicon>"));
  assert_non_null(eng);
  char out[512];
  matches(eng, "Refunds take 3-5 business days; we refunded 2 business day ago.", out, sizeof out);
  assert_string_equal(out, "ref:Refunds|dur:3-5 business days|ref:refunded|dur:2 business day");
  matches(eng, "a refundable fee, two business days", out, sizeof out);
  assert_string_equal(out, "");
  matches(eng, "As I already said, as I said", out, sizeof out);
  assert_string_equal(out, "said:as I said");
  matches(eng, "thank you Maria, thank you 5", out, sizeof out);
  assert_string_equal(out, "you:thank you Maria");
  matches(eng, "great 👍🏽 :)", out, sizeof out);
  assert_string_equal(out, "smile:👍🏽|smile::)");
  tact_engine_free(eng);
}

static void test_overlaps_order_and_weights(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = engine_with(
      &err, 1,
      PACK("<lexicon id=\"a\" weight=\"0.5\"><entry>thank you</entry>"
           "<entry weight=\"2\">thank you so much</entry></lexicon>"
           "<lexicon id=\"b\"><entry>you so</entry><entry>thank you</entry></lexicon>"));
  assert_non_null(eng);
  tact_result *res = run(eng, "Thank you so much!");
  assert_int_equal(tact_result_match_count(res), 4);
  /* by start token, longest first, then entry order */
  assert_string_equal(tact_match_entry(res, 0), "thank you so much");
  assert_true(tact_match_weight(res, 0) == 2.0);
  assert_string_equal(tact_match_lexicon(res, 1), "a");
  assert_true(tact_match_weight(res, 1) == 0.5);
  assert_string_equal(tact_match_lexicon(res, 2), "b");
  assert_true(tact_match_weight(res, 2) == 1.0);
  assert_string_equal(tact_match_entry(res, 3), "you so");
  size_t count;
  assert_int_equal(tact_match_token(res, 3, &count), 1);
  assert_int_equal(count, 2);
  tact_result_free(res);
  tact_engine_free(eng);
}

static void test_duplicate_entry_in_lexicon_reported_once(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = engine_with(
      &err, 1, PACK("<lexicon id=\"a\"><entry>sorry</entry><entry weight=\"3\">SORRY</entry></lexicon>"));
  assert_non_null(eng);
  tact_result *res = run(eng, "so sorry");
  assert_int_equal(tact_result_match_count(res), 1);
  assert_true(tact_match_weight(res, 0) == 3.0);
  tact_result_free(res);
  tact_engine_free(eng);
}

static const char base_pack[] =
    PACK("<lexicon id=\"neg\"><entry>unfortunately</entry></lexicon>"
         "<lexicon id=\"pos\"><entry>happy to help</entry></lexicon>"
         "<rule id=\"r\" type=\"existence\" kind=\"dont\"><use lexicon=\"neg\"/></rule>");

static void test_layering_extend_override_disable(void **state) {
  (void)state;
  tact_error err;
  char out[256];
  const char *text = "Unfortunately, sadly we are happy to help. Glad to assist.";

  tact_engine *eng = engine_with(&err, 2, base_pack,
                                 "<pack id=\"c\" version=\"1\"><lexicon id=\"neg\" mode=\"extend\">"
                                 "<entry>sadly</entry></lexicon></pack>");
  assert_non_null(eng);
  matches(eng, text, out, sizeof out);
  assert_string_equal(out, "neg:Unfortunately|neg:sadly|pos:happy to help");
  assert_int_equal(tact_engine_pack_count(eng), 2);
  assert_string_equal(tact_engine_pack_id(eng, 1), "c");
  assert_null(tact_engine_pack_id(eng, 2));
  tact_engine_free(eng);

  eng = engine_with(&err, 2, base_pack,
                    "<pack id=\"c\" version=\"1\"><lexicon id=\"pos\">"
                    "<entry>glad to assist</entry></lexicon></pack>");
  assert_non_null(eng);
  matches(eng, text, out, sizeof out);
  assert_string_equal(out, "neg:Unfortunately|pos:Glad to assist");
  tact_engine_free(eng);

  /* disabling a lexicon a rule uses is an error naming the rule */
  eng = engine_with(&err, 2, base_pack,
                    "<pack id=\"c\" version=\"1\"><lexicon id=\"neg\" mode=\"disable\"/></pack>");
  assert_null(eng);
  assert_int_equal(err.code, TACT_E_PACK);
  assert_non_null(strstr(err.message, "rule 'r'"));
  assert_non_null(strstr(err.message, "'neg'"));

  eng = engine_with(&err, 2, base_pack,
                    "<pack id=\"c\" version=\"1\"><rule id=\"r\" mode=\"disable\"/>"
                    "<lexicon id=\"neg\" mode=\"disable\"/><lexicon id=\"nothing\" mode=\"disable\"/>"
                    "</pack>");
  assert_non_null(eng);
  matches(eng, text, out, sizeof out);
  assert_string_equal(out, "pos:happy to help");
  tact_engine_free(eng);
}

static void test_pattern_errors_name_pack_and_line(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = engine_with(&err, 1,
                                 "<pack id=\"t\" version=\"1\">\n<lexicon id=\"x\">\n"
                                 "<entry>ok</entry>\n<entry>{colour} red</entry>\n</lexicon></pack>");
  assert_null(eng);
  assert_int_equal(err.code, TACT_E_PACK);
  assert_int_equal(err.line, 4);
  assert_string_equal(err.source, "pack1.xml");
  assert_non_null(strstr(err.message, "unknown token class"));
  assert_non_null(strstr(err.message, "{colour} red"));

  char long_pattern[400] = "<pack id=\"t\" version=\"1\"><lexicon id=\"x\"><entry>";
  for (int i = 0; i < 33; i++) strcat(long_pattern, "w ");
  strcat(long_pattern, "</entry></lexicon></pack>");
  eng = engine_with(&err, 1, long_pattern);
  assert_null(eng);
  assert_int_equal(err.code, TACT_E_PACK);
  assert_non_null(strstr(err.message, "more than 32 tokens"));
}

static void test_reuse_allocates_nothing(void **state) {
  (void)state;
  counting_alloc counter;
  tact_config cfg;
  tact_config_init(&cfg);
  counting_alloc_init(&counter, &cfg.allocator);
  tact_error err;
  tact_engine *eng = tact_engine_new(&cfg, &err);
  assert_non_null(eng);
  assert_int_equal(tact_engine_build(eng, &err), TACT_OK);
  tact_result *res = tact_result_new(eng, &err);
  const char *text = "Hi Maria, I'm so sorry! Unfortunately we can't refund this, but I'll send a "
                     "replacement within 3-5 business days. Thanks for your patience 😊";
  tact_input in;
  tact_input_init(&in);
  in.text = text;
  in.length = strlen(text);
  assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_OK);
  size_t first = tact_result_match_count(res);
  size_t before = counting_alloc_calls(&counter);
  for (int i = 0; i < 10; i++) assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_OK);
  in.length = 20; /* a shorter text reuses the same memory */
  assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_OK);
  assert_int_equal(counting_alloc_calls(&counter), before);
  in.length = strlen(text);
  assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_OK);
  assert_int_equal(tact_result_match_count(res), first);
  tact_result_free(res);
  tact_engine_free(eng);
  assert_int_equal(counter.live, 0); /* every block returned */
}

/* A text made of endless partial matches keeps the number of live states
 * bounded by the pattern, so the hit count and the work stay linear. */
static void test_repeated_phrase_starts(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = engine_with(
      &err, 1, PACK("<lexicon id=\"x\"><entry>a a a b</entry><entry>a {any} a</entry></lexicon>"));
  assert_non_null(eng);
  size_t n = 100000;
  char *text = malloc(2 * n + 2);
  for (size_t i = 0; i < n; i++) memcpy(text + 2 * i, "a ", 2);
  memcpy(text + 2 * n, "b", 2);
  tact_result *res = run(eng, text);
  /* "a {any} a" at every start but the last two, plus one "a a a b" */
  assert_int_equal(tact_result_match_count(res), (n - 2) + 1);
  tact_result_free(res);
  free(text);
  tact_engine_free(eng);
}

/* {@lexicon}: any one word of a lexicon, exact or inflected. */
static void test_lexicon_classes(void **state) {
  (void)state;
  tact_error err;
  char out[256];
  tact_engine *eng = engine_with(
      &err, 1,
      PACK("<lexicon id=\"modal\"><entry>should</entry><entry>could</entry><entry>can</entry></lexicon>"
           "<lexicon id=\"act\"><entry>refund~</entry><entry>cancel~</entry></lexicon>"
           "<lexicon id=\"blame\"><entry>you {@modal} have</entry><entry>we {@act} {any}</entry>"
           "</lexicon>"));
  if (!eng) fail_msg("%s", err.message);
  matches(eng, "You should have read it. We refunded it. You must have.", out, sizeof out);
  assert_string_equal(out, "blame:You should have|modal:should|blame:We refunded it|act:refunded");
  matches(eng, "you could have; you can have; we cancelled orders", out, sizeof out);
  assert_string_equal(out, "blame:you could have|modal:could|blame:you can have|modal:can|"
                           "blame:we cancelled orders|act:cancelled");
  tact_engine_free(eng);
  /* Errors name the pattern: an unknown lexicon, a multi-word member. */
  assert_null(engine_with(&err, 1, PACK("<lexicon id=\"x\"><entry>you {@nope}</entry></lexicon>")));
  assert_non_null(strstr(err.message, "naming no lexicon"));
  assert_non_null(strstr(err.message, "you {@nope}"));
  assert_null(engine_with(&err, 1,
                          PACK("<lexicon id=\"m\"><entry>ought to</entry></lexicon>"
                               "<lexicon id=\"x\"><entry>you {@m} go</entry></lexicon>")));
  assert_non_null(strstr(err.message, "not all single words"));
}

/* [optional] items and {!@lexicon}: a token that is not one of its words. */
static void test_optional_and_negated_items(void **state) {
  (void)state;
  tact_error err;
  char out[256];
  tact_engine *eng = engine_with(
      &err, 1,
      PACK("<lexicon id=\"neg\" weight=\"1\"><entry>not</entry><entry>never</entry></lexicon>"
           "<lexicon id=\"sorry\"><entry>I'm [really] [so] sorry</entry></lexicon>"
           "<lexicon id=\"help\"><entry>we {!@neg} help</entry></lexicon>"));
  if (!eng) fail_msg("%s", err.message);
  matches(eng, "I'm sorry. I'm really sorry. I'm so sorry. I'm really so sorry. I'm so really sorry.",
          out, sizeof out);
  assert_string_equal(out, "sorry:I'm sorry|sorry:I'm really sorry|sorry:I'm so sorry|"
                           "sorry:I'm really so sorry");
  matches(eng, "we gladly help, we never help, we do help", out, sizeof out);
  assert_string_equal(out, "help:we gladly help|neg:never|help:we do help");
  tact_engine_free(eng);
  assert_null(engine_with(&err, 1, PACK("<lexicon id=\"x\"><entry>[a] [b]</entry></lexicon>")));
  assert_non_null(strstr(err.message, "only optional items"));
  assert_null(engine_with(&err, 1, PACK("<lexicon id=\"x\"><entry>[a] [b] [c] [d] [e] f</entry></lexicon>")));
  assert_non_null(strstr(err.message, "more than 4 optional items"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_contractions_match_every_spelling),
      cmocka_unit_test(test_classes_and_inflections),
      cmocka_unit_test(test_overlaps_order_and_weights),
      cmocka_unit_test(test_duplicate_entry_in_lexicon_reported_once),
      cmocka_unit_test(test_layering_extend_override_disable),
      cmocka_unit_test(test_pattern_errors_name_pack_and_line),
      cmocka_unit_test(test_reuse_allocates_nothing),
      cmocka_unit_test(test_repeated_phrase_starts),
      cmocka_unit_test(test_lexicon_classes),
      cmocka_unit_test(test_optional_and_negated_items),
  };
  return cmocka_run_group_tests_name("match", tests, NULL, NULL);
}
