/* test_review.c — the reply review through the public API: the default
 * pack's examples, findings on the bundled refund conversation, the review
 * context (name, rule switches, errors), fixes, negation, scopes, facts,
 * limits, question coverage, rule-pack errors, reuse without allocation
 * and allocation failure at every point. */
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

#define NOW 1772445600 /* Monday 2026-03-02 10:00 UTC */

static tact_engine *engine_with(const char *pack, unsigned flags, tact_error *err) {
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.flags = flags;
  tact_engine *eng = tact_engine_new(&cfg, err);
  if (!eng) return NULL;
  if ((pack && tact_engine_add_pack_memory(eng, pack, strlen(pack), "test.xml", err) != TACT_OK) ||
      tact_engine_build(eng, err) != TACT_OK) {
    tact_engine_free(eng);
    return NULL;
  }
  return eng;
}

static int setup(void **state) {
  tact_error err;
  *state = engine_with(NULL, 0, &err);
  return *state ? 0 : -1;
}

static int teardown(void **state) {
  tact_engine_free(*state);
  return 0;
}

static void input_of(tact_input *in, const char *text) {
  tact_input_init(in);
  in->text = text;
  in->length = strlen(text);
  in->now = NOW;
}

/* Reviews `reply` answering `customer` (may be NULL); fails the test on error. */
static tact_result *review(const tact_engine *eng, const char *customer, const char *reply,
                           const tact_review_context *ctx) {
  tact_input c, r;
  input_of(&c, customer ? customer : "");
  input_of(&r, reply);
  tact_error err;
  tact_result *res = tact_review(eng, customer ? &c : NULL, &r, ctx, &err);
  if (!res) fail_msg("review: %s", err.message);
  return res;
}

/* Index of the first finding of `rule` with `kind`, or -1. */
static long find(const tact_result *res, const char *rule, tact_finding_kind kind) {
  for (size_t i = 0; i < tact_result_finding_count(res); i++)
    if (!strcmp(tact_finding_rule(res, i), rule) && tact_finding_kind_of(res, i) == kind)
      return (long)i;
  return -1;
}

static char *read_file(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/examples/conversations/%s", TACT_SOURCE_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  static char buf[3][8192];
  static int next;
  char *b = buf[next++ % 3];
  size_t n = fread(b, 1, sizeof buf[0] - 1, f);
  b[n] = '\0';
  fclose(f);
  return b;
}

static void test_default_pack_examples(void **state) {
  const tact_engine *eng = *state;
  size_t n = tact_engine_example_count(eng);
  assert_true(n >= 64); /* two per rule at least */
  for (size_t i = 0; i < n; i++) {
    tact_error err;
    if (tact_engine_run_example(eng, i, &err) != TACT_OK) fail_msg("%s", err.message);
  }
  tact_error err;
  assert_int_equal(tact_engine_run_example(eng, n, &err), TACT_E_ARG);
}

/* A wrong example is caught, by tact_engine_run_example and by strict build. */
static void test_wrong_example_fails(void **state) {
  (void)state;
  static const char pack[] =
      "<pack id='t' version='1'><rule id='say-no' mode='extend'>"
      "<example type='quiet'>We can't do that for you.</example></rule></pack>";
  tact_error err;
  tact_engine *eng = engine_with(pack, 0, &err);
  assert_non_null(eng);
  size_t failed = 0;
  for (size_t i = 0; i < tact_engine_example_count(eng); i++) {
    if (tact_engine_run_example(eng, i, &err) == TACT_OK) continue;
    failed++;
    assert_int_equal(err.code, TACT_E_PACK);
    assert_non_null(strstr(err.message, "rule 'say-no' should stay quiet"));
    assert_non_null(strstr(err.message, "We can't do that for you."));
    assert_string_equal(err.source, "test.xml");
    assert_int_equal(err.line, 1);
  }
  assert_int_equal(failed, 1);
  tact_engine_free(eng);
  assert_null(engine_with(pack, TACT_CONFIG_STRICT_PACKS, &err));
  assert_int_equal(err.code, TACT_E_PACK);
  assert_non_null(strstr(err.message, "say-no"));
  /* A fix that disagrees is caught too. */
  static const char bad_fix[] =
      "<pack id='t' version='1'><rule id='robotic' mode='extend'>"
      "<example type='fires' fix='Hello there.'>Dear customer, hello.</example></rule></pack>";
  assert_null(engine_with(bad_fix, TACT_CONFIG_STRICT_PACKS, &err));
  assert_non_null(strstr(err.message, "the fixed example is \"Hi, hello.\""));
}

static void test_refund_conversation(void **state) {
  const tact_engine *eng = *state;
  const char *customer = read_file("refund-customer.txt");
  tact_result *poor = review(eng, customer, read_file("refund-reply-poor.txt"), NULL);
  assert_true(find(poor, "say-no", TACT_FINDING_VIOLATION) >= 0);
  assert_true(find(poor, "blame-customer", TACT_FINDING_VIOLATION) >= 0);
  assert_true(find(poor, "apologize", TACT_FINDING_MISSING) >= 0);
  assert_true(find(poor, "timeframe", TACT_FINDING_MISSING) >= 0);
  assert_true(tact_result_score(poor) < 40);
  long i = find(poor, "say-no", TACT_FINDING_VIOLATION);
  tact_span sp;
  assert_true(tact_finding_span(poor, (size_t)i, &sp));
  size_t len;
  const char *text = tact_result_text(poor, &len);
  assert_memory_equal(text + sp.start, "we can't", 8);
  assert_true(strlen(tact_finding_suggestion(poor, (size_t)i)) > 10);
  const tact_result *cust = tact_result_customer(poor);
  assert_non_null(cust);
  assert_true(tact_result_is_complaint(cust));
  assert_string_equal(tact_result_requested_outcome(cust), "refund");
  tact_result_free(poor);

  tact_result *good = review(eng, customer, read_file("refund-reply-good.txt"), NULL);
  assert_true(tact_result_score(good) > 85);
  for (size_t k = 0; k < tact_result_finding_count(good); k++)
    if (tact_finding_kind_of(good, k) != TACT_FINDING_GOOD &&
        tact_finding_severity(good, k) >= TACT_SEVERITY_WARNING)
      fail_msg("good reply has %s", tact_finding_rule(good, k));
  assert_true(find(good, "apologize", TACT_FINDING_GOOD) >= 0);
  assert_true(find(good, "use-name", TACT_FINDING_GOOD) >= 0); /* "— Maria" signs the message */
  tact_result_free(good);
}

static void test_context_and_errors(void **state) {
  const tact_engine *eng = *state;
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  const char *disable[] = {"say-no"};
  ctx.disable = disable;
  ctx.n_disable = 1;
  tact_result *res = review(eng, NULL, "We can't do that.", &ctx);
  assert_int_equal(find(res, "say-no", TACT_FINDING_VIOLATION), -1);
  tact_result_free(res);

  const char *only[] = {"thank"};
  tact_review_context_init(&ctx);
  ctx.only = only;
  ctx.n_only = 1;
  res = review(eng, "Where is my order?", "We can't do that.", &ctx);
  assert_int_equal(tact_result_finding_count(res), 1);
  assert_string_equal(tact_finding_rule(res, 0), "thank");
  assert_int_equal(tact_finding_kind_of(res, 0), TACT_FINDING_MISSING);
  assert_false(tact_finding_span(res, 0, NULL));
  tact_result_free(res);

  tact_input r;
  input_of(&r, "Hello.");
  tact_error err;
  const char *bogus[] = {"no-such-rule"};
  tact_review_context_init(&ctx);
  ctx.disable = bogus;
  ctx.n_disable = 1;
  assert_null(tact_review(eng, NULL, &r, &ctx, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  assert_non_null(strstr(err.message, "'no-such-rule' is not a rule id"));
  tact_review_context_init(&ctx);
  ctx.n_only = 2; /* with a NULL list */
  assert_null(tact_review(eng, NULL, &r, &ctx, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  tact_review_context_init(&ctx);
  ctx.profile = "no-such-profile";
  assert_null(tact_review(eng, NULL, &r, &ctx, &err));
  assert_non_null(strstr(err.message, "profile 'no-such-profile'"));
  tact_review_context_init(&ctx);
  ctx.size = 3;
  assert_null(tact_review(eng, NULL, &r, &ctx, &err));
  assert_non_null(strstr(err.message, "tact_review_context_init"));
  assert_null(tact_review(eng, NULL, NULL, NULL, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  /* Bad UTF-8 in the customer's message: the input error, with its offset. */
  tact_input c;
  input_of(&c, "ok \xFF");
  assert_null(tact_review(eng, &c, &r, NULL, &err));
  assert_int_equal(err.code, TACT_E_UTF8);
  assert_int_equal(err.offset, 3);
  /* A plain analysis is not a review. */
  tact_result *plain = tact_analyze(eng, &r, &err);
  assert_int_equal(tact_result_score(plain), -1);
  assert_int_equal(tact_result_finding_count(plain), 0);
  assert_null(tact_result_customer(plain));
  assert_null(tact_finding_rule(plain, 0));
  tact_result_free(plain);
}

static void test_fixes(void **state) {
  const tact_engine *eng = *state;
  const char reply[] = "Unfortunately, that size is out. Dear customer, we will call.";
  tact_result *res = review(eng, NULL, reply, NULL);
  long i = find(res, "negative-language", TACT_FINDING_VIOLATION);
  assert_true(i >= 0);
  tact_span sp;
  const char *fix = tact_finding_fix(res, (size_t)i, &sp);
  assert_non_null(fix);
  assert_string_equal(fix, "T"); /* "Unfortunately, t" -> "T" */
  assert_int_equal(sp.start, 0);
  assert_int_equal(sp.end, 16);
  i = find(res, "robotic", TACT_FINDING_VIOLATION);
  fix = tact_finding_fix(res, (size_t)i, &sp);
  assert_string_equal(fix, "Hi");
  assert_memory_equal(reply + sp.start, "Dear customer", 13);
  size_t flen;
  tact_error err;
  const char *fixed = tact_result_fixed_text(res, &flen, &err);
  assert_string_equal(fixed, "That size is out. Hi, we will call.");
  assert_int_equal(flen, strlen(fixed));
  assert_null(tact_result_fixed_text(NULL, &flen, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  /* Findings without a rewrite have no fix. */
  tact_result_free(res);
  res = review(eng, NULL, "You should have read the manual.", NULL);
  i = find(res, "blame-customer", TACT_FINDING_VIOLATION);
  assert_null(tact_finding_fix(res, (size_t)i, &sp));
  assert_int_equal(sp.start, 0);
  assert_int_equal(sp.end, 0);
  tact_result_free(res);
}

static void test_negation_and_scope(void **state) {
  const tact_engine *eng = *state;
  /* "we can" inside "we can't" is not positive phrasing. */
  tact_result *res = review(eng, NULL, "We can't help with that.", NULL);
  assert_int_equal(find(res, "positive-phrasing", TACT_FINDING_GOOD), -1);
  assert_true(find(res, "say-no", TACT_FINDING_VIOLATION) >= 0);
  tact_result_free(res);
  /* An alternative in the next sentence answers the "no" (scope near)... */
  res = review(eng, NULL, "We can't refund it. What I can do is send a new one.", NULL);
  assert_int_equal(find(res, "say-no", TACT_FINDING_VIOLATION), -1);
  tact_result_free(res);
  /* ... but not three sentences later. */
  res = review(eng, NULL,
               "We can't refund it. The policy is strict. It is old. Ask us anything. What I "
               "can do is send a new one.",
               NULL);
  assert_true(find(res, "say-no", TACT_FINDING_VIOLATION) >= 0);
  tact_result_free(res);
  /* with=: a competitor only counts next to criticism. */
  res = review(eng, NULL, "Other brands are a scam.", NULL);
  assert_true(find(res, "criticize-competitor", TACT_FINDING_VIOLATION) >= 0);
  tact_result_free(res);
  res = review(eng, NULL, "Many customers switch from other brands to us.", NULL);
  assert_int_equal(find(res, "criticize-competitor", TACT_FINDING_VIOLATION), -1);
  tact_result_free(res);
}

static void test_names(void **state) {
  const tact_engine *eng = *state;
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  ctx.customer_name = "Zoë";
  tact_result *res = review(eng, NULL, "Hi Zoë, your order has shipped.", &ctx);
  long i = find(res, "use-name", TACT_FINDING_GOOD);
  assert_true(i >= 0);
  tact_span sp;
  assert_true(tact_finding_span(res, (size_t)i, &sp));
  assert_int_equal(sp.start, 3);
  assert_int_equal(sp.end, 7); /* "Zoë" is 4 bytes */
  tact_result_free(res);
  static const char *const customers[] = {
      "Hi, this is Maria. My parcel is late.", "My parcel is late.\n\nThanks,\nMaria",
      "My parcel is late. — Maria", "My name is Maria and my parcel is late."};
  for (size_t k = 0; k < 4; k++) {
    res = review(eng, customers[k], "Your parcel arrives tomorrow.", NULL);
    if (find(res, "use-name", TACT_FINDING_MISSING) < 0) fail_msg("no name in '%s'", customers[k]);
    tact_result_free(res);
    res = review(eng, customers[k], "Maria, your parcel arrives tomorrow.", NULL);
    assert_true(find(res, "use-name", TACT_FINDING_GOOD) >= 0);
    tact_result_free(res);
  }
  /* No name, nothing owed. */
  res = review(eng, "My parcel is late. Please help.", "Your parcel arrives tomorrow.", NULL);
  assert_int_equal(find(res, "use-name", TACT_FINDING_MISSING), -1);
  tact_result_free(res);
}

static void test_facts_and_coverage(void **state) {
  const tact_engine *eng = *state;
  /* Not a complaint: no apology owed. */
  tact_result *res = review(eng, "Do you sell gift cards?", "Yes, we sell gift cards online.", NULL);
  assert_int_equal(find(res, "apologize", TACT_FINDING_MISSING), -1);
  assert_true(find(res, "answer-questions", TACT_FINDING_GOOD) >= 0);
  tact_result_free(res);
  /* A thank-you note after a fix is not a complaint: no apology owed; the
   * same note with the problem back is one. */
  res = review(eng, "Thanks, the replacement arrived today and works perfectly.",
               "Glad to hear it, enjoy!", NULL);
  assert_int_equal(find(res, "apologize", TACT_FINDING_MISSING), -1);
  tact_result_free(res);
  res = review(eng, "Thanks, the replacement arrived today and it is broken as well.",
               "Glad to hear it, enjoy!", NULL);
  assert_true(find(res, "apologize", TACT_FINDING_MISSING) >= 0);
  tact_result_free(res);
  /* Two questions, one answered: one missing finding naming the other. */
  res = review(eng, "Can I return the jacket? Do you ship to Canada?",
               "Yes, you can return the jacket within 30 days.", NULL);
  long i = find(res, "answer-questions", TACT_FINDING_MISSING);
  assert_true(i >= 0);
  assert_non_null(strstr(tact_finding_evidence(res, (size_t)i), "Canada"));
  tact_result_free(res);
  /* Asked when: a concrete timeframe is owed, and credited when given. */
  res = review(eng, "When will my refund arrive?", "Your refund is being processed.", NULL);
  assert_true(find(res, "timeframe", TACT_FINDING_MISSING) >= 0);
  tact_result_free(res);
  res = review(eng, "When will my refund arrive?",
               "Your refund will reach your card within 5 business days.", NULL);
  assert_true(find(res, "timeframe", TACT_FINDING_GOOD) >= 0);
  tact_result_free(res);
  /* Missing findings carry the facts that made them owed. */
  res = review(eng, "My order arrived broken and nobody answers the phone!", "Send a photo.", NULL);
  i = find(res, "apologize", TACT_FINDING_MISSING);
  assert_true(i >= 0);
  assert_non_null(strstr(tact_finding_evidence(res, (size_t)i), "customer.complaint"));
  assert_true(tact_finding_confidence(res, (size_t)i) >= 0.5);
  tact_result_free(res);
}

static void test_limits_and_signals(void **state) {
  const tact_engine *eng = *state;
  tact_result *res = review(eng, NULL, "What's the order number? When? Which colour? Why?", NULL);
  long i = find(res, "too-many-questions", TACT_FINDING_VIOLATION);
  assert_true(i >= 0);
  assert_non_null(strstr(tact_finding_evidence(res, (size_t)i), "questions = 4 (max 2)"));
  tact_result_free(res);
  res = review(eng, NULL, "Your refund will be processed within 24 hours.", NULL);
  assert_true(find(res, "faster-than-policy", TACT_FINDING_VIOLATION) >= 0);
  tact_result_free(res);
  res = review(eng, NULL, "We'll get back to you soon. I'll send you a replacement.", NULL);
  assert_true(find(res, "vague-timeframe", TACT_FINDING_VIOLATION) >= 0);
  assert_true(find(res, "promise-without-timeframe", TACT_FINDING_VIOLATION) >= 0);
  tact_result_free(res);
  /* Acronyms: unexplained ones only; known and shouted ones are not jargon. */
  res = review(eng, NULL, "Your SLA covers it.", NULL);
  assert_true(find(res, "jargon", TACT_FINDING_VIOLATION) >= 0);
  tact_result_free(res);
  res = review(eng, NULL, "Your parcel goes with DPD (our courier). Send the PDF by USB. DPD is fast.",
               NULL);
  assert_int_equal(find(res, "jargon", TACT_FINDING_VIOLATION), -1);
  tact_result_free(res);
  /* The pack vocabulary: a company's own terms are never jargon or a competitor. */
  {
    tact_error verr;
    tact_engine *voc = engine_with(
        "<pack id='t' version='1'><lexicon id='jargon' mode='extend'><entry>backup vault</entry>"
        "</lexicon><lexicon id='competitor' mode='extend'><entry>Nimbus</entry></lexicon>"
        "<lexicon id='vocabulary' mode='extend'><entry>Nimbus Backup Vault</entry></lexicon></pack>",
        0, &verr);
    if (!voc) fail_msg("%s", verr.message);
    res = review(voc, NULL, "Your files are in the backup vault. Nimbus is a scam.", NULL);
    assert_true(find(res, "jargon", TACT_FINDING_VIOLATION) >= 0);
    assert_true(find(res, "criticize-competitor", TACT_FINDING_VIOLATION) >= 0);
    tact_result_free(res);
    res = review(voc, NULL, "Your files are in Nimbus Backup Vault, and it is a terrible place to lose them.",
                 NULL);
    assert_int_equal(find(res, "jargon", TACT_FINDING_VIOLATION), -1);
    assert_int_equal(find(res, "criticize-competitor", TACT_FINDING_VIOLATION), -1);
    tact_result_free(res);
    tact_engine_free(voc);
  }
  /* A rule a pack switches off takes the default profiles' sets with it. */
  tact_error err;
  tact_engine *off = engine_with("<pack id='t' version='1'><rule id='sales-pitch' mode='disable'/>"
                                 "<rule id='overwhelming' mode='disable'/></pack>", 0, &err);
  if (!off) fail_msg("%s", err.message);
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  ctx.profile = "social";
  res = review(off, NULL, "Upgrade to Premium today, this offer ends tonight!", &ctx);
  assert_int_equal(find(res, "sales-pitch", TACT_FINDING_VIOLATION), -1);
  tact_result_free(res);
  tact_engine_free(off);
}

static void test_pack_rule_errors(void **state) {
  (void)state;
  static const struct {
    const char *pack, *expect;
  } cases[] = {
      {"<rule id='r' type='existence' kind='dont'><use signal='no.such'/></rule>", "unknown signal 'no.such'"},
      {"<rule id='r' type='conditional' kind='do'><use lexicon='apology'/><when fact='moon.full'/></rule>",
       "unknown fact 'moon.full'"},
      {"<rule id='r' type='metric' kind='dont'><limit stat='dpi' max='3'/></rule>", "unknown stat 'dpi'"},
      {"<rule id='r' type='metric' kind='dont'><use lexicon='apology'/></rule>", "needs <limit>"},
      {"<rule id='r' type='existence' kind='dont'><limit stat='words' max='3'/></rule>", "needs <use>"},
      {"<rule id='r' type='substitution' kind='dont'><use lexicon='apology'/></rule>", "replace"},
      {"<rule id='r' type='existence' kind='dont'><use lexicon='apology' unless='nope'/></rule>",
       "lexicon 'nope'"},
      {"<rule id='r' type='conditional' kind='do'><cover signal='question'/><when fact='always'/></rule>",
       "customer.question"},
      {"<rule id='r' type='existence' kind='dont'><use signal='customer.question'/></rule>", "<cover>"},
      {"<rule id='r' type='conditional' kind='dont'><cover signal='customer.question'/>"
       "<when fact='customer'/></rule>",
       "only a do"},
      {"<rule id='r' type='conditional' kind='do'><use lexicon='apology'/></rule>", "no <when>"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    char pack[512];
    snprintf(pack, sizeof pack, "<pack id='t' version='1'>\n%s</pack>", cases[i].pack);
    tact_error err;
    tact_engine *eng = engine_with(pack, 0, &err);
    if (eng) fail_msg("pack %zu loaded", i);
    assert_int_equal(err.code, TACT_E_PACK);
    if (!strstr(err.message, cases[i].expect) || !strstr(err.message, "'r'"))
      fail_msg("case %zu: '%s' not in '%s'", i, cases[i].expect, err.message);
    assert_int_equal(err.line, 2);
  }
}

static void test_html_and_json(void **state) {
  const tact_engine *eng = *state;
  tact_input r;
  input_of(&r, "<p>Dear customer,</p><p>We can&#39;t refund it.</p>"
               "<blockquote type=\"cite\">old message: we guarantee it</blockquote>");
  r.format = TACT_FORMAT_HTML;
  tact_error err;
  tact_result *res = tact_review(eng, NULL, &r, NULL, &err);
  assert_non_null(res);
  size_t len;
  const char *text = tact_result_text(res, &len);
  long i = find(res, "say-no", TACT_FINDING_VIOLATION);
  tact_span sp;
  assert_true(tact_finding_span(res, (size_t)i, &sp));
  assert_memory_equal(text + sp.start, "We can't", 8); /* spans in the extracted text */
  assert_int_equal(find(res, "overpromise", TACT_FINDING_VIOLATION), -1); /* quote not reviewed */
  const char *json = tact_result_json(res, TACT_JSON_REVIEW, &len, &err);
  assert_non_null(json);
  assert_non_null(strstr(json, "\"review\":{\"score\":"));
  assert_non_null(strstr(json, "\"fix\":{\"start\":0,\"end\":13,\"replacement\":\"Hi\"}"));
  assert_non_null(strstr(json, "\"customer\":null"));
  tact_result_free(res);
}

static void test_profiles(void **state) {
  const tact_engine *eng = *state;
  const char *two = "What is your order number? Which colour did you buy?";
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  tact_result *res = review(eng, NULL, two, &ctx);
  assert_int_equal(find(res, "too-many-questions", TACT_FINDING_VIOLATION), -1);
  tact_result_free(res);
  ctx.profile = "chat"; /* one question at a time */
  res = review(eng, NULL, two, &ctx);
  long i = find(res, "too-many-questions", TACT_FINDING_VIOLATION);
  assert_true(i >= 0);
  assert_non_null(strstr(tact_finding_evidence(res, (size_t)i), "(max 1)"));
  tact_result_free(res);
  /* email raises use-name to a warning; chat switches follow-up off. */
  tact_review_context_init(&ctx);
  ctx.customer_name = "Ana";
  ctx.profile = "email";
  res = review(eng, "My parcel is broken.", "A new one ships today.", &ctx);
  i = find(res, "use-name", TACT_FINDING_MISSING);
  assert_int_equal(tact_finding_severity(res, (size_t)i), TACT_SEVERITY_WARNING);
  assert_true(find(res, "follow-up", TACT_FINDING_MISSING) >= 0);
  tact_result_free(res);
  ctx.profile = "chat";
  res = review(eng, "My parcel is broken.", "A new one ships today.", &ctx);
  assert_int_equal(find(res, "follow-up", TACT_FINDING_MISSING), -1);
  tact_result_free(res);
  const char *only[] = {"follow-up"}; /* an explicit only list wins over the profile */
  ctx.only = only;
  ctx.n_only = 1;
  res = review(eng, "My parcel is broken.", "A new one ships today.", &ctx);
  assert_true(find(res, "follow-up", TACT_FINDING_MISSING) >= 0);
  tact_result_free(res);
  /* A company pack extends a profile and adds its own. */
  static const char pack[] =
      "<pack id='acme' version='1'>"
      "<profile id='chat' mode='extend'><set rule='too-many-questions' max='3'/></profile>"
      "<profile id='vip'><set rule='thank' severity='error'/></profile></pack>";
  tact_error err;
  tact_engine *acme = engine_with(pack, 0, &err);
  assert_non_null(acme);
  tact_review_context_init(&ctx);
  ctx.profile = "chat";
  res = review(acme, NULL, two, &ctx);
  assert_int_equal(find(res, "too-many-questions", TACT_FINDING_VIOLATION), -1);
  tact_result_free(res);
  ctx.profile = "vip";
  res = review(acme, "Hello?", "Hi.", &ctx);
  i = find(res, "thank", TACT_FINDING_MISSING);
  assert_int_equal(tact_finding_severity(res, (size_t)i), TACT_SEVERITY_ERROR);
  tact_result_free(res);
  tact_engine_free(acme);
  static const char bad[] =
      "<pack id='acme' version='1'>\n<profile id='x'>\n<set rule='no-such'/></profile></pack>";
  assert_null(engine_with(bad, 0, &err));
  assert_int_equal(err.code, TACT_E_PACK);
  assert_int_equal(err.line, 3);
  assert_non_null(strstr(err.message, "profile 'x' sets rule 'no-such'"));
}

/* What a review of `customer` (may be NULL-free) and `reply` into a reused
 * result shows, against a fresh review of the same input. */
static void assert_same_review(const tact_engine *eng, const tact_result *got,
                               const tact_input *customer, const tact_input *reply) {
  tact_error err;
  tact_result *want = tact_review(eng, customer, reply, NULL, &err);
  if (!want) fail_msg("review: %s", err.message);
  const tact_result *gc = tact_result_customer(got), *wc = tact_result_customer(want);
  size_t gl, wl;
  const char *gt = tact_result_text(gc, &gl), *wt = tact_result_text(wc, &wl);
  assert_int_equal(gl, wl);
  assert_memory_equal(gt, wt, wl);
  assert_true(tact_result_complaint_probability(gc) == tact_result_complaint_probability(wc));
  assert_int_equal(tact_result_time_count(gc), tact_result_time_count(wc));
  for (size_t i = 0; i < tact_result_time_count(wc); i++)
    assert_int_equal(tact_time_end(gc, i), tact_time_end(wc, i));
  assert_int_equal(tact_result_score(got), tact_result_score(want));
  assert_int_equal(tact_result_finding_count(got), tact_result_finding_count(want));
  for (size_t i = 0; i < tact_result_finding_count(want); i++)
    assert_string_equal(tact_finding_rule(got, i), tact_finding_rule(want, i));
  tact_result_free(want);
}

/* Drafts reviewed against one customer message reuse its analysis; any
 * change to what the analysis depends on (bytes, format, reference time,
 * zone, locale) must be seen, even at the same length and address. */
static void test_customer_analysis_reuse(void **state) {
  const tact_engine *eng = *state;
  tact_error err;
  tact_result *res = tact_result_new(eng, &err);
  assert_non_null(res);
  char buf[] = "My parcel still hasn't arrived, I was told it would come by tomorrow 5pm. Refund me.";
  const char *drafts[] = {"Sorry about that. I'll check and get back to you.",
                          "Unfortunately that's our policy, you should have read the terms.",
                          "I understand how frustrating this is. Your refund is on its way today."};
  tact_input c, r;
  input_of(&c, buf);
  for (size_t i = 0; i < 3; i++) {
    input_of(&r, drafts[i]);
    assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
    assert_same_review(eng, res, &c, &r);
  }
  double complaint = tact_result_complaint_probability(tact_result_customer(res));
  /* the same address and length, other words: a thank-you note */
  memcpy(buf, "Thanks so much, the parcel arrived today and everything works. Great job, all of you!",
         sizeof buf - 1);
  assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
  assert_same_review(eng, res, &c, &r);
  assert_true(tact_result_complaint_probability(tact_result_customer(res)) != complaint);
  memcpy(buf, "My parcel still hasn't arrived, I was told it would come by tomorrow 5pm. Refund me.",
         sizeof buf - 1);
  const char *zones[] = {NULL, "+05:00", "+05:00", "UTC"};
  const int64_t nows[] = {NOW, NOW, NOW + 86400, NOW + 86400};
  for (size_t i = 0; i < 4; i++) {
    c.time_zone = zones[i];
    c.now = nows[i];
    int64_t before = tact_result_time_count(tact_result_customer(res))
                         ? tact_time_end(tact_result_customer(res), 0) : 0;
    assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
    assert_same_review(eng, res, &c, &r);
    assert_true(tact_time_end(tact_result_customer(res), 0) != before); /* each step moves it */
  }
  c.format = TACT_FORMAT_HTML; /* same bytes, read as HTML: "&lt;" and tags change the text */
  char html[] = "Still <b>nothing</b> &amp; no reply!";
  c.text = html;
  c.length = strlen(html);
  assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
  assert_same_review(eng, res, &c, &r);
  c.format = TACT_FORMAT_PLAIN;
  assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
  assert_same_review(eng, res, &c, &r);
  c.now = 0; /* "now": never taken from an earlier call */
  assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
  c.locale = "en-GB";
  c.now = NOW;
  c.text = "Refund me by 3/4/2026 please, it is broken.";
  c.length = strlen(c.text);
  assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
  assert_int_equal(tact_result_time_count(tact_result_customer(res)), 1);
  int64_t gb = tact_time_end(tact_result_customer(res), 0);
  assert_same_review(eng, res, &c, &r);
  c.locale = "en-US";
  assert_int_equal(tact_review_into(eng, &c, &r, NULL, res, &err), TACT_OK);
  assert_same_review(eng, res, &c, &r);
  assert_true(tact_time_end(tact_result_customer(res), 0) != gb);
  tact_result_free(res);
}

/* A reused result stops allocating once it has grown. */
static void test_reuse_without_allocation(void **state) {
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
  const char *customer = read_file("refund-customer.txt");
  const char *replies[2] = {read_file("refund-reply-poor.txt"), read_file("refund-reply-good.txt")};
  tact_input c, r;
  input_of(&c, customer);
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  const char *disable[] = {"jargon"};
  ctx.disable = disable;
  ctx.n_disable = 1;
  size_t before = 0;
  for (int round = 0; round < 6; round++) {
    if (round == 2) before = counting_alloc_calls(&counter);
    input_of(&r, replies[round % 2]);
    assert_int_equal(tact_review_into(eng, &c, &r, &ctx, res, &err), TACT_OK);
  }
  assert_int_equal(counting_alloc_calls(&counter), before);
  tact_result_free(res);
  tact_engine_free(eng);
  assert_int_equal(counter.live, 0);
}

static void test_allocation_failures(void **state) {
  (void)state;
  tact_error err;
  tact_engine *eng = engine_with(NULL, 0, &err);
  size_t engine_calls;
  {
    counting_alloc counter;
    tact_config cfg;
    tact_config_init(&cfg);
    counting_alloc_init(&counter, &cfg.allocator);
    tact_engine *e = tact_engine_new(&cfg, &err);
    tact_engine_build(e, &err);
    engine_calls = counting_alloc_calls(&counter);
    tact_engine_free(e);
  }
  tact_engine_free(eng);
  int succeeded = 0;
  for (long k = (long)engine_calls; k < (long)engine_calls + 400 && !succeeded; k++) {
    counting_alloc counter;
    tact_config cfg;
    tact_config_init(&cfg);
    counting_alloc_init(&counter, &cfg.allocator);
    counter.fail_after = k;
    tact_engine *e = tact_engine_new(&cfg, &err);
    tact_result *res = NULL;
    tact_input c, r;
    input_of(&c, "My order is late and I want a refund! When will it arrive? - Maria");
    input_of(&r, "Unfortunately we can't. Have you tried restarting? What is your order number?");
    if (e && tact_engine_build(e, &err) == TACT_OK &&
        (res = tact_review(e, &c, &r, NULL, &err)) != NULL &&
        tact_result_json(res, 0, NULL, &err)) {
      succeeded = 1;
    } else {
      assert_int_equal(err.code, TACT_E_NOMEM);
    }
    tact_result_free(res);
    tact_engine_free(e);
    assert_int_equal(counter.live, 0);
  }
  assert_true(succeeded);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_default_pack_examples),
      cmocka_unit_test(test_wrong_example_fails),
      cmocka_unit_test(test_refund_conversation),
      cmocka_unit_test(test_context_and_errors),
      cmocka_unit_test(test_fixes),
      cmocka_unit_test(test_negation_and_scope),
      cmocka_unit_test(test_names),
      cmocka_unit_test(test_facts_and_coverage),
      cmocka_unit_test(test_limits_and_signals),
      cmocka_unit_test(test_pack_rule_errors),
      cmocka_unit_test(test_html_and_json),
      cmocka_unit_test(test_profiles),
      cmocka_unit_test_setup_teardown(test_customer_analysis_reuse, setup, teardown),
      cmocka_unit_test(test_reuse_without_allocation),
      cmocka_unit_test(test_allocation_failures),
  };
  return cmocka_run_group_tests_name("review", tests, setup, teardown);
}
