/* test_complaint.c — tests of complaint classification (lib/complaint.c)
 * and of the <model> element it reads (pack_xml.c, layers.c): the
 * acceptance examples, each threat and each requested outcome in both
 * directions, categories, a company pack whose own model changes a
 * classification (its buckets computed here with an independent copy of
 * the documented hash), disabled models, pack errors for bad <model>
 * elements with their lines, hostile weights, bad arguments, allocation
 * failures, no allocation after warm-up, and tact-train on the small files
 * in TACT_TEST_DATA_DIR/complaint (when TACT_TRAIN names the program).
 *
 * The pieces are put together by hand, as an engine would: the default
 * pack (compiled in), then lib/packs/sentiment.xml, tone.xml and
 * complaint.xml read from TACT_SOURCE_DIR, layers, matcher, tone and
 * complaint models; tokenize, scan, score tone, classify. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include "complaint.h"
#include "counting_alloc.h"
#include "layers.h"
#include "match.h"
#include "pack.h"
#include "text.h"
#include "tone.h"

#ifndef TACT_SOURCE_DIR
#define TACT_SOURCE_DIR "."
#endif
#ifndef TACT_TEST_DATA_DIR
#define TACT_TEST_DATA_DIR TACT_SOURCE_DIR "/tests/data"
#endif
#define PACK_DIR TACT_SOURCE_DIR "/lib/packs/"
#define COMPLAINT_DIR TACT_TEST_DATA_DIR "/complaint/"

static const char ACCEPTANCE[] =
    "I want my money back. This phone is garbage and I bought it a month ago. If I don't get a "
    "refund I'm posting this everywhere and switching to another carrier!";

/* ---------------------------------------------------------------------- */
/* An engine put together by hand                                         */

#define MAX_PACKS 8

typedef struct env {
  tact_allocator a;
  tact_pack_loader *ld;
  tact_pack *packs[MAX_PACKS];
  size_t n_packs;
  tact_arena arena;
  tact_layers layers;
  tact_matcher *m;
  tact_tone_model *tm;
  tact_complaint_model *cm;
  tact_text t;
  tact_match_state ms;
  tact_tone tone;
  tact_complaint_scratch cs;
  tact_complaint out;
  const char *text;
} env;

static void load_file(env *e, const char *path) {
  tact_error err;
  assert_true(e->n_packs < MAX_PACKS);
  if (tact_pack_loader_parse_file(e->ld, path, &e->packs[e->n_packs], &err) != TACT_OK)
    fail_msg("%s: %s", path, err.message);
  e->n_packs++;
}

static void load_builtin(env *e) {
  tact_error err;
  if (tact_pack_loader_parse(e->ld, tact_default_pack_xml, tact_default_pack_xml_len, "default.xml",
                             1, &e->packs[0], &err) != TACT_OK)
    fail_msg("default pack: %s", err.message);
  e->n_packs = 1;
  load_file(e, PACK_DIR "sentiment.xml");
  load_file(e, PACK_DIR "tone.xml");
  load_file(e, PACK_DIR "complaint.xml");
}

static void env_init(env *e, const tact_allocator *a) {
  memset(e, 0, sizeof *e);
  tact_alloc_resolve(&e->a, a);
  tact_error err;
  e->ld = tact_pack_loader_new(&e->a, NULL, &err);
  assert_non_null(e->ld);
  load_builtin(e);
}

/* Layers the packs and builds every model; returns the complaint model's
 * status (the rest must succeed). */
static tact_status env_build(env *e, tact_error *err) {
  tact_arena_init(&e->arena, &e->a);
  if (tact_layers_resolve(e->packs, e->n_packs, &e->arena, &e->layers, err) != TACT_OK)
    fail_msg("layers: %s", err->message);
  if (tact_matcher_compile(&e->layers, &e->a, &e->m, err) != TACT_OK)
    fail_msg("matcher: %s", err->message);
  if (tact_tone_model_build(&e->layers, e->m, &e->a, &e->tm, err) != TACT_OK)
    fail_msg("tone: %s", err->message);
  return tact_complaint_model_build(&e->layers, e->m, &e->a, &e->cm, err);
}

/* Default packs, then the given pack (NULL for none) from memory. */
static void env_open_with(env *e, const char *extra) {
  env_init(e, NULL);
  tact_error err;
  if (extra) {
    if (tact_pack_loader_parse(e->ld, extra, strlen(extra), "company.xml", 1,
                               &e->packs[e->n_packs], &err) != TACT_OK)
      fail_msg("company pack: %s", err.message);
    e->n_packs++;
  }
  if (env_build(e, &err) != TACT_OK) fail_msg("complaint model: %s", err.message);
}

static void env_open(env *e) { env_open_with(e, NULL); }

static void env_close(env *e) {
  tact_complaint_scratch_free(&e->cs, &e->a);
  tact_tone_free(&e->tone, &e->a);
  tact_match_state_free(&e->ms, &e->a);
  tact_text_free(&e->t, &e->a);
  tact_complaint_model_free(e->cm, &e->a);
  tact_tone_model_free(e->tm, &e->a);
  tact_matcher_free(e->m, &e->a);
  tact_arena_free(&e->arena);
  for (size_t i = 0; i < e->n_packs; i++) tact_pack_free(e->packs[i]);
  tact_pack_loader_free(e->ld);
}

static tact_status classify_status(env *e, const char *text, tact_error *err) {
  e->text = text;
  tact_status st = tact_text_analyze(&e->t, &e->a, text, strlen(text), 0, err);
  if (st == TACT_OK) st = tact_matcher_scan(e->m, &e->t, &e->a, &e->ms, err);
  if (st == TACT_OK) st = tact_tone_score(e->tm, e->m, &e->t, &e->ms, &e->a, &e->tone, err);
  if (st == TACT_OK)
    st = tact_complaint_classify(e->cm, e->m, &e->t, &e->ms, &e->tone, &e->a, &e->cs, &e->out, err);
  return st;
}

static const tact_complaint *classify(env *e, const char *text) {
  tact_error err;
  if (classify_status(e, text, &err) != TACT_OK) fail_msg("classify '%s': %s", text, err.message);
  assert_true(e->out.computed);
  return &e->out;
}

/* The text of threat k's evidence (static buffer). */
static const char *evidence(const env *e, int k) {
  static char buf[256];
  const tact_complaint *c = &e->out;
  assert_true(c->threat_n[k] > 0);
  assert_true(c->threat_first[k] + c->threat_n[k] <= e->t.n_tokens);
  size_t start = e->t.tokens[c->threat_first[k]].start;
  size_t end = e->t.tokens[c->threat_first[k] + c->threat_n[k] - 1].end;
  assert_true(start < end && end <= strlen(e->text) && end - start < sizeof buf);
  memcpy(buf, e->text + start, end - start);
  buf[end - start] = '\0';
  return buf;
}

static size_t category_rank(const tact_complaint *c, const char *name) {
  for (size_t i = 0; i < c->n_categories; i++)
    if (strcmp(c->category[i], name) == 0) return i;
  return (size_t)-1;
}

/* ---------------------------------------------------------------------- */
/* The documented feature hash, written again from docs/complaints.md     */

static uint32_t doc_hash(const char *key) {
  uint32_t h = 2166136261u;
  for (const unsigned char *p = (const unsigned char *)key; *p; p++) h = (h ^ *p) * 16777619u;
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}

/* Encodes <weights> content: rows (sorted buckets) with n_classes integer
 * weights each, as base64 of LEB128 records. */
typedef struct enc {
  unsigned char bytes[4096];
  size_t n;
} enc;

static void enc_varint(enc *b, uint32_t v) {
  while (v >= 0x80) {
    b->bytes[b->n++] = (unsigned char)(0x80 | (v & 0x7F));
    v >>= 7;
  }
  b->bytes[b->n++] = (unsigned char)v;
}

static void enc_base64(const enc *b, char *out) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t o = 0;
  for (size_t i = 0; i < b->n; i += 3) {
    uint32_t v = (uint32_t)b->bytes[i] << 16;
    if (i + 1 < b->n) v |= (uint32_t)b->bytes[i + 1] << 8;
    if (i + 2 < b->n) v |= b->bytes[i + 2];
    out[o++] = A[(v >> 18) & 63];
    out[o++] = A[(v >> 12) & 63];
    out[o++] = i + 1 < b->n ? A[(v >> 6) & 63] : '=';
    out[o++] = i + 2 < b->n ? A[v & 63] : '=';
  }
  out[o] = '\0';
}

typedef struct row {
  uint32_t bucket;
  int32_t q[4];
} row;

static int cmp_row(const void *x, const void *y) {
  uint32_t a = ((const row *)x)->bucket, b = ((const row *)y)->bucket;
  return a < b ? -1 : a > b;
}

/* Rows sorted and encoded; duplicate buckets are not expected here. */
static void encode_rows(row *rows, size_t n, size_t n_classes, char *out) {
  enc b;
  b.n = 0;
  qsort(rows, n, sizeof *rows, cmp_row);
  for (size_t r = 0; r < n; r++) {
    enc_varint(&b, r == 0 ? rows[0].bucket : rows[r].bucket - rows[r - 1].bucket - 1);
    for (size_t c = 0; c < n_classes; c++)
      enc_varint(&b, ((uint32_t)rows[r].q[c] << 1) ^ (uint32_t)-(int32_t)(rows[r].q[c] < 0));
  }
  enc_base64(&b, out);
}

/* ---------------------------------------------------------------------- */
/* Acceptance                                                             */

static void test_acceptance_refund_threats(void **state) {
  (void)state;
  env e;
  env_open(&e);
  const tact_complaint *c = classify(&e, ACCEPTANCE);
  assert_true(c->probability >= 0.5);
  assert_true(c->probability <= 1.0);
  assert_true(c->n_categories >= 2);
  assert_true(category_rank(c, "refund-return") < 2);
  assert_true(category_rank(c, "product-quality") < 2);
  double sum = 0;
  for (size_t i = 0; i < c->n_categories; i++) {
    sum += c->category_score[i];
    if (i) assert_true(c->category_score[i] <= c->category_score[i - 1]);
  }
  assert_true(sum > 0.999 && sum < 1.001);
  assert_string_equal(c->outcome, "refund");
  assert_false(c->threat[TACT_THREAT_ESCALATION]);
  assert_true(c->threat[TACT_THREAT_CHURN]);
  assert_string_equal(evidence(&e, TACT_THREAT_CHURN), "switching to another carrier");
  assert_true(c->threat[TACT_THREAT_PUBLIC]);
  assert_string_equal(evidence(&e, TACT_THREAT_PUBLIC), "posting this everywhere");
  assert_int_equal(c->severity, 3);
  env_close(&e);
}

static void test_acceptance_opening_hours(void **state) {
  (void)state;
  env e;
  env_open(&e);
  const tact_complaint *c = classify(&e, "Hi, what are your opening hours on Saturday?");
  assert_true(c->probability < 0.5);
  assert_int_equal(c->severity, 0);
  for (int k = 0; k < 3; k++) assert_false(c->threat[k]);
  assert_string_equal(c->outcome, "information");
  assert_true(c->n_categories > 0);
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Threats, both directions                                               */

static const struct {
  const char *text;
  int threat;        /* tact_threat */
  const char *span;  /* expected evidence, NULL = no threat */
} THREATS[] = {
    {"This is the third time I've called. I want to speak to a manager right now.",
     TACT_THREAT_ESCALATION, "speak to a manager"},
    {"Nobody can help me. Put me through to your supervisor.", TACT_THREAT_ESCALATION,
     "your supervisor"},
    {"Our team manager wants to buy five more desks for the new office.", TACT_THREAT_ESCALATION,
     NULL},
    {"Could you send the invoice to our finance team?", TACT_THREAT_ESCALATION, NULL},
    {"Fix this today or I'm cancelling my subscription.", TACT_THREAT_CHURN,
     "I'm cancelling my subscription"},
    {"After this I will take my business elsewhere.", TACT_THREAT_CHURN,
     "take my business elsewhere"},
    {"I'm not going to cancel my subscription, I just need help with the app.", TACT_THREAT_CHURN,
     NULL},
    {"How do I switch to dark mode in the app?", TACT_THREAT_CHURN, NULL},
    {"If you don't fix this I'm cancelling my subscription.", TACT_THREAT_CHURN,
     "I'm cancelling my subscription"},
    {"The product broke in a week. I'll be leaving a one star review.", TACT_THREAT_PUBLIC,
     "one star review"},
    {"Refund me or I will contact my lawyer.", TACT_THREAT_PUBLIC, "my lawyer"},
    {"I saw your advert on Facebook, do you ship to Ireland?", TACT_THREAT_PUBLIC, NULL},
    {"I am not going to post this online, I just want it fixed.", TACT_THREAT_PUBLIC, NULL},
};

static void test_threats(void **state) {
  (void)state;
  env e;
  env_open(&e);
  for (size_t i = 0; i < sizeof THREATS / sizeof THREATS[0]; i++) {
    const tact_complaint *c = classify(&e, THREATS[i].text);
    int k = THREATS[i].threat;
    if (THREATS[i].span) {
      if (!c->threat[k]) fail_msg("no threat %d in '%s'", k, THREATS[i].text);
      assert_string_equal(evidence(&e, k), THREATS[i].span);
      if (c->probability >= 0.5) assert_int_equal(c->severity, 3);
      else assert_int_equal(c->severity, 1);
    } else if (c->threat[k]) {
      fail_msg("threat %d '%s' found in '%s'", k, evidence(&e, k), THREATS[i].text);
    }
  }
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Requested outcome                                                      */

static const struct {
  const char *text;
  const char *outcome;
} OUTCOMES[] = {
    {"The kettle leaks. Please refund me.", "refund"},
    {"I don't want a refund, I want a replacement.", "replacement"},
    {"It arrived broken, please send me a new one.", "replacement"},
    {"The boiler stopped working. Can you send an engineer to repair it?", "repair"},
    {"I never want a repair, just a refund.", "refund"},
    {"If I don't get a refund by Friday I will be very unhappy.", "refund"},
    {"It's not only late, it's broken. Refund me.", "refund"},
    {"Please cancel my order, it is taking too long.", "cancel"},
    {"The hotel was dirty and I expect compensation for our ruined weekend.", "compensation"},
    {"Could you tell me when the new model will be in stock?", "information"},
    {"Your driver was rude to my father and I want an apology.", "apology"},
    {"The weather was lovely at the weekend.", "none"},
};

static void test_outcomes(void **state) {
  (void)state;
  env e;
  env_open(&e);
  for (size_t i = 0; i < sizeof OUTCOMES / sizeof OUTCOMES[0]; i++) {
    const tact_complaint *c = classify(&e, OUTCOMES[i].text);
    if (strcmp(c->outcome, OUTCOMES[i].outcome) != 0)
      fail_msg("'%s': outcome %s, expected %s", OUTCOMES[i].text, c->outcome, OUTCOMES[i].outcome);
  }
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Complaint or not, categories, severity                                 */

static const struct {
  const char *text;
  int complaint;
  const char *category; /* expected first */
} CASES[] = {
    {"I was charged twice for the same order and the money left my account.", 1, "billing"},
    {"My parcel never arrived even though tracking says it was delivered.", 1, "delivery"},
    {"I can't log in to my account, the password reset email never comes.", 1,
     "account-technical"},
    {"The woman at the till was extremely rude to me and my kids.", 1, "staff"},
    {"I have been on hold for two hours, this is ridiculous.", 1, "wait-time"},
    {"You put the price up again, it is far too expensive now.", 1, "pricing"},
    {"The blender broke after one week, terrible quality.", 1, "product-quality"},
    {"I returned the shoes a month ago and still have no refund.", 1, "refund-return"},
    {"Thanks so much, the delivery came early and everything is perfect!", 0, NULL},
    {"Do you have this jacket in a medium?", 0, NULL},
    {"Happy birthday to my lovely mum!", 0, NULL},
};

static void test_complaint_and_categories(void **state) {
  (void)state;
  env e;
  env_open(&e);
  for (size_t i = 0; i < sizeof CASES / sizeof CASES[0]; i++) {
    const tact_complaint *c = classify(&e, CASES[i].text);
    if ((c->probability >= 0.5) != CASES[i].complaint)
      fail_msg("'%s': probability %.3f", CASES[i].text, c->probability);
    if (CASES[i].category && strcmp(c->category[0], CASES[i].category) != 0)
      fail_msg("'%s': category %s (%.2f), expected %s", CASES[i].text, c->category[0],
               c->category_score[0], CASES[i].category);
    assert_int_equal(c->n_categories, 9);
    if (!CASES[i].complaint) assert_int_equal(c->severity, 0);
    else assert_true(c->severity >= 1);
  }
  env_close(&e);
}

/* A thank-you note after a fix names the old problem (replacement, refund,
 * engineer) but is not a complaint; the same opening with the problem still
 * there is. Known bug: the first scored 0.53 and made the review owe an
 * apology. The model, not a rule, must tell them apart. */
static const struct {
  const char *text;
  int complaint;
} THANKS[] = {
    {"Thanks, the replacement arrived today and works perfectly", 0},
    {"Thanks, the replacement arrived today and works perfectly.", 0},
    {"Thank you! The refund is in my account.", 0},
    {"The engineer came this morning and the internet is back. Many thanks!", 0},
    {"Thanks, the replacement arrived today and it is broken as well.", 1},
    {"The replacement arrived today and it doesn't work either.", 1},
    {"The engineer came this morning and the internet is still down.", 1},
};

static void test_thank_you_notes(void **state) {
  (void)state;
  env e;
  env_open(&e);
  for (size_t i = 0; i < sizeof THANKS / sizeof THANKS[0]; i++) {
    const tact_complaint *c = classify(&e, THANKS[i].text);
    if ((c->probability >= 0.5) != THANKS[i].complaint)
      fail_msg("'%s': probability %.3f", THANKS[i].text, c->probability);
    if (!THANKS[i].complaint) assert_int_equal(c->severity, 0);
  }
  env_close(&e);
}

/* Severity by the formula of docs/complaints.md, from a hand-set tone. */
static void test_severity_formula(void **state) {
  (void)state;
  env e;
  env_open(&e);
  tact_error err;
  const char *text = "The blender broke after one week, terrible quality.";
  e.text = text;
  assert_int_equal(tact_text_analyze(&e.t, &e.a, text, strlen(text), 0, &err), TACT_OK);
  assert_int_equal(tact_matcher_scan(e.m, &e.t, &e.a, &e.ms, &err), TACT_OK);
  assert_int_equal(tact_tone_score(e.tm, e.m, &e.t, &e.ms, &e.a, &e.tone, &err), TACT_OK);
  tact_tone tone = e.tone;
  const struct {
    double anger, sentiment;
    int severity;
  } rows[] = {{0.0, 0.0, 1}, {0.4, 0.0, 2}, {0.0, -0.7, 2}, {0.75, -0.9, 3}};
  for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
    tone.scores[TACT_TONE_ANGER] = rows[i].anger;
    tone.scores[TACT_TONE_SENTIMENT] = rows[i].sentiment;
    assert_int_equal(tact_complaint_classify(e.cm, e.m, &e.t, &e.ms, &tone, &e.a, &e.cs, &e.out,
                                             &err),
                     TACT_OK);
    if (e.out.probability >= 0.5) assert_int_equal(e.out.severity, rows[i].severity);
  }
  /* No tone at all (tone.c not run): still classified. */
  assert_int_equal(
      tact_complaint_classify(e.cm, e.m, &e.t, &e.ms, NULL, &e.a, &e.cs, &e.out, &err), TACT_OK);
  assert_true(e.out.computed);
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Company packs with their own models                                    */

/* A company complaint model: everything is "other" (bias), except texts
 * with "refurbished", which count as complaints. */
static char *company_complaint_pack(void) {
  row rows[1] = {{doc_hash("u:refurbished") & 1023u, {-2048, 2048, 0, 0}}};
  static char b64[256], xml[2048];
  encode_rows(rows, 1, 2, b64);
  snprintf(xml, sizeof xml,
           "<pack id=\"acme\" version=\"1\">\n"
           "  <model id=\"complaint\" classes=\"other complaint\" bits=\"10\" features=\"unigram\">\n"
           "    <bias>2 -2</bias>\n"
           "    <weights rows=\"1\" scale=\"0.01\">%s</weights>\n"
           "  </model>\n"
           "</pack>\n",
           b64);
  return xml;
}

static void test_company_model_changes_classification(void **state) {
  (void)state;
  const char *text = "Is the refurbished one any good?";
  env e;
  env_open(&e);
  assert_true(classify(&e, text)->probability < 0.5);
  assert_true(classify(&e, ACCEPTANCE)->probability >= 0.5);
  env_close(&e);

  env_open_with(&e, company_complaint_pack());
  const tact_complaint *c = classify(&e, text);
  /* 1/sqrt(16) * (20.48 + 20.48) - 4 = 6.24 logit */
  assert_true(c->probability > 0.99);
  assert_true(classify(&e, ACCEPTANCE)->probability < 0.5);
  /* The default category model is untouched. */
  assert_int_equal(e.out.n_categories, 9);
  env_close(&e);
}

/* A company category model with its own classes; bigram and lexicon
 * features found through the documented keys. */
static void test_company_category_model(void **state) {
  (void)state;
  row rows[2] = {
      {doc_hash("b:loyalty points") & 1023u, {800, 0, 0, 0}},
      {doc_hash("l:category.delivery") & 1023u, {0, 300, 0, 0}},
  };
  assert_true(rows[0].bucket != rows[1].bucket);
  char b64[256], xml[2048];
  encode_rows(rows, 2, 3, b64);
  snprintf(xml, sizeof xml,
           "<pack id=\"acme\" version=\"1\">\n"
           "  <model id=\"category\" classes=\"loyalty shipping other\" bits=\"10\"\n"
           "         features=\"bigram lexicon tone\" calibration=\"1 0\">\n"
           "    <bias>0 0 1</bias>\n"
           "    <weights rows=\"2\" scale=\"0.01\">\n      %s\n    </weights>\n"
           "  </model>\n"
           "</pack>\n",
           b64);
  env e;
  env_open_with(&e, xml);
  const tact_complaint *c = classify(&e, "My loyalty points never showed up.");
  assert_int_equal(c->n_categories, 3);
  assert_string_equal(c->category[0], "loyalty");
  c = classify(&e, "The parcel was delivered to the wrong address.");
  assert_string_equal(c->category[0], "shipping");
  c = classify(&e, "Hello there.");
  assert_string_equal(c->category[0], "other");
  env_close(&e);
}

static void test_disabled_models(void **state) {
  (void)state;
  env e;
  env_open_with(&e, "<pack id=\"acme\" version=\"1\">\n"
                    "  <model id=\"category\" mode=\"disable\"/>\n"
                    "  <model id=\"complaint\" mode=\"disable\" classes=\"a b\"/>\n"
                    "</pack>\n");
  /* Without a complaint model the complaint markers alone decide. */
  const tact_complaint *c = classify(&e, ACCEPTANCE);
  assert_true(c->probability >= 0.5);
  assert_int_equal(c->n_categories, 0);
  assert_true(c->threat[TACT_THREAT_CHURN]);
  c = classify(&e, "Hi, what are your opening hours on Saturday?");
  assert_true(c->probability < 0.5);
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Pack errors                                                            */

static const struct {
  const char *model;  /* the <model> element, starting on line 2 */
  unsigned line;
  const char *message;
} BAD_MODELS[] = {
    {"<model id=\"complaint\" classes=\"yes\" bits=\"8\" features=\"unigram\">\n"
     "<bias>0</bias></model>", 2, "classes"},
    {"<model id=\"c\" classes=\"a a\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias></model>",
     2, "twice"},
    {"<model id=\"c\" classes=\"a B\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias></model>",
     2, "class"},
    {"<model id=\"c\" classes=\"a b\" bits=\"0\" features=\"unigram\">\n<bias>0 0</bias></model>",
     2, "bits"},
    {"<model id=\"c\" classes=\"a b\" bits=\"25\" features=\"unigram\">\n<bias>0 0</bias></model>",
     2, "bits"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"words\">\n<bias>0 0</bias></model>", 2,
     "features"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\" calibration=\"0 1\">\n"
     "<bias>0 0</bias></model>", 2, "calibration"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\" calibration=\"1\">\n"
     "<bias>0 0</bias></model>", 2, "calibration"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n\n"
     "<bias>0 0 0</bias></model>", 4, "bias"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 x</bias></model>",
     3, "bias"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n</model>", 2, "bias"},
    {"<model id=\"c\" mode=\"extend\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n"
     "<bias>0 0</bias></model>", 2, "mode"},
    /* weights: more rows than the data holds */
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"9\" scale=\"1\">AQID</weights></model>", 4, "rows"},
    /* a bad character on the third line of the weights */
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"1\" scale=\"1\">\nAQID\n AQ!D\n</weights></model>", 6, "base64"},
    /* bucket 300 beyond 2^8: varint 300 = AC 02, then two weights */
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"1\" scale=\"1\">rAICAg==</weights></model>", 4, "bucket"},
    /* truncated: a row needs three varints, the data has two */
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"1\" scale=\"1\">AQI=</weights></model>", 4, "rows"},
    /* bytes left over after the rows */
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"1\" scale=\"1\">AQIDBA==</weights></model>", 4, "left"},
    /* an over-long varint (six continuation bytes) */
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"1\" scale=\"1\">gICAgICAAQEB</weights></model>", 4, "malformed"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"1\" scale=\"0\">AQID</weights></model>", 4, "scale"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\">\n<bias>0 0</bias>\n"
     "<weights rows=\"1\" scale=\"1\">AQ=D</weights></model>", 4, "padding"},
    {"<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\"><bias>0 0</bias></model>\n"
     "<model id=\"c\" classes=\"a b\" bits=\"8\" features=\"unigram\"><bias>0 0</bias></model>",
     3, "duplicate model"},
};

static void test_bad_models(void **state) {
  (void)state;
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(NULL, NULL, &err);
  assert_non_null(ld);
  for (size_t i = 0; i < sizeof BAD_MODELS / sizeof BAD_MODELS[0]; i++) {
    char xml[2048];
    snprintf(xml, sizeof xml, "<pack id=\"bad\" version=\"1\">\n%s\n</pack>\n", BAD_MODELS[i].model);
    for (int validate = 0; validate <= 1; validate++) {
      tact_pack *p = NULL;
      memset(&err, 0, sizeof err);
      tact_status st = tact_pack_loader_parse(ld, xml, strlen(xml), "bad.xml", validate, &p, &err);
      if (st == TACT_OK) fail_msg("case %zu (validate %d) loaded", i, validate);
      assert_null(p);
      assert_int_equal(st, TACT_E_PACK);
      if (err.line != BAD_MODELS[i].line)
        fail_msg("case %zu (validate %d): line %u, expected %u: %s", i, validate, err.line,
                 BAD_MODELS[i].line, err.message);
      assert_string_equal(err.source, "bad.xml");
      /* The builder's own message (validate 0) names the problem. */
      if (!validate && !strstr(err.message, BAD_MODELS[i].message))
        fail_msg("case %zu: '%s' not in '%s'", i, BAD_MODELS[i].message, err.message);
    }
  }
  tact_pack_loader_free(ld);
}

/* A complaint model must have two classes; the error names pack and line. */
static void test_complaint_model_needs_two_classes(void **state) {
  (void)state;
  env e;
  env_init(&e, NULL);
  const char xml[] = "<pack id=\"acme\" version=\"1\">\n\n"
                     "  <model id=\"complaint\" classes=\"a b c\" bits=\"4\" features=\"tone\">\n"
                     "    <bias>0 0 0</bias>\n  </model>\n</pack>\n";
  tact_error err;
  assert_int_equal(tact_pack_loader_parse(e.ld, xml, sizeof xml - 1, "acme.xml", 1,
                                          &e.packs[e.n_packs], &err),
                   TACT_OK);
  e.n_packs++;
  assert_int_equal(env_build(&e, &err), TACT_E_PACK);
  assert_null(e.cm);
  assert_int_equal(err.line, 3);
  assert_string_equal(err.source, "acme.xml");
  assert_non_null(strstr(err.message, "exactly 2 classes"));
  env_close(&e);
}

/* A valid model round-trips: rows, weights, bias, calibration, features. */
static void test_model_parsed(void **state) {
  (void)state;
  row rows[2] = {{5, {3, -3, 0, 0}}, {200, {-1000, 64, 0, 0}}};
  char b64[128], xml[1024];
  encode_rows(rows, 2, 2, b64);
  snprintf(xml, sizeof xml,
           "<pack id=\"m\" version=\"1\"><model id=\"x\" classes=\"no yes\" bits=\"8\" "
           "features=\"tone unigram\" calibration=\"1.5 -0.25\"><bias>0.5 -0.5</bias>"
           "<weights rows=\"2\" scale=\"0.5\">%s</weights></model></pack>",
           b64);
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(NULL, NULL, &err);
  tact_pack *p;
  assert_int_equal(tact_pack_loader_parse(ld, xml, strlen(xml), "m.xml", 1, &p, &err), TACT_OK);
  assert_int_equal(p->n_models, 1);
  const tact_pack_model *m = &p->models[0];
  assert_string_equal(m->id, "x");
  assert_int_equal(m->n_classes, 2);
  assert_string_equal(m->classes[1], "yes");
  assert_int_equal(m->bits, 8);
  assert_int_equal(m->features, TACT_MODEL_UNIGRAM | TACT_MODEL_TONE);
  assert_true(m->cal_a == 1.5 && m->cal_b == -0.25);
  assert_true(m->bias[0] == 0.5 && m->bias[1] == -0.5);
  assert_int_equal(m->n_rows, 2);
  assert_int_equal(m->rows[0], 5);
  assert_int_equal(m->rows[1], 200);
  assert_true(m->weights[0] == 1.5f && m->weights[1] == -1.5f);
  assert_true(m->weights[2] == -500.0f && m->weights[3] == 32.0f);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

/* Layering: the later pack's model of an id replaces the earlier one. */
static void test_model_layering(void **state) {
  (void)state;
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(NULL, NULL, &err);
  const char *xml[3] = {
      "<pack id=\"a\" version=\"1\"><model id=\"x\" classes=\"a b\" bits=\"4\" "
      "features=\"tone\"><bias>1 2</bias></model><model id=\"y\" classes=\"a b\" bits=\"4\" "
      "features=\"tone\"><bias>0 0</bias></model></pack>",
      "<pack id=\"b\" version=\"1\"><model id=\"x\" classes=\"c d e\" bits=\"4\" "
      "features=\"tone\"><bias>3 4 5</bias></model></pack>",
      "<pack id=\"c\" version=\"1\"><model id=\"y\" mode=\"disable\"/>"
      "<model id=\"z\" mode=\"disable\"/></pack>"};
  static const char *const names[3] = {"a.xml", "b.xml", "c.xml"};
  tact_pack *packs[3];
  for (int i = 0; i < 3; i++)
    assert_int_equal(tact_pack_loader_parse(ld, xml[i], strlen(xml[i]), names[i], 1, &packs[i],
                                            &err),
                     TACT_OK);
  tact_allocator a;
  tact_alloc_resolve(&a, NULL);
  tact_arena ar;
  tact_arena_init(&ar, &a);
  tact_layers l;
  assert_int_equal(tact_layers_resolve(packs, 3, &ar, &l, &err), TACT_OK);
  assert_int_equal(l.n_models, 1);
  const tact_model *x = tact_layers_find_model(&l, "x");
  assert_non_null(x);
  assert_int_equal(x->model->n_classes, 3);
  assert_null(tact_layers_find_model(&l, "y"));
  assert_null(tact_layers_find_model(&l, "z"));
  tact_arena_free(&ar);
  for (int i = 0; i < 3; i++) tact_pack_free(packs[i]);
  tact_pack_loader_free(ld);
}

/* A hostile row count is refused before anything is allocated for it. */
static void test_hostile_row_count(void **state) {
  (void)state;
  counting_alloc ca;
  tact_allocator a;
  counting_alloc_init(&ca, &a);
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(&a, NULL, &err);
  const char xml[] = "<pack id=\"h\" version=\"1\"><model id=\"c\" classes=\"a b\" bits=\"24\" "
                     "features=\"unigram\"><bias>0 0</bias><weights rows=\"4194304\" "
                     "scale=\"1\">AAAA</weights></model></pack>";
  tact_pack *p;
  assert_int_equal(tact_pack_loader_parse(ld, xml, sizeof xml - 1, "h.xml", 1, &p, &err),
                   TACT_E_PACK);
  assert_non_null(strstr(err.message, "rows"));
  tact_pack_loader_free(ld);
  assert_int_equal(ca.live, 0);
}

/* ---------------------------------------------------------------------- */
/* Arguments, memory                                                      */

static void test_bad_arguments(void **state) {
  (void)state;
  env e;
  env_open(&e);
  tact_error err;
  tact_complaint out;
  assert_int_equal(tact_complaint_classify(NULL, e.m, &e.t, &e.ms, &e.tone, &e.a, &e.cs, &out, &err),
                   TACT_E_ARG);
  assert_false(out.computed);
  assert_int_equal(tact_complaint_classify(e.cm, e.m, &e.t, &e.ms, &e.tone, &e.a, NULL, &out, &err),
                   TACT_E_ARG);
  assert_int_equal(tact_complaint_classify(e.cm, e.m, &e.t, &e.ms, &e.tone, &e.a, &e.cs, NULL, NULL),
                   TACT_E_ARG);
  tact_complaint_model *cm = (tact_complaint_model *)&cm;
  assert_int_equal(tact_complaint_model_build(NULL, e.m, &e.a, &cm, &err), TACT_E_ARG);
  assert_null(cm);
  tact_complaint_model_free(NULL, &e.a);
  tact_complaint_scratch_free(NULL, &e.a);
  /* Empty text and a text of punctuation only. */
  const tact_complaint *c = classify(&e, "");
  assert_true(c->probability >= 0 && c->probability < 0.5);
  assert_string_equal(c->outcome, "none");
  c = classify(&e, "?!?!...");
  assert_true(c->probability >= 0 && c->probability <= 1);
  env_close(&e);
}

static const char *const REUSE[] = {
    ACCEPTANCE,
    "Hi, what are your opening hours on Saturday?",
    "I've been on hold for two hours, this is ridiculous. I want to speak to a manager.",
    "Thanks, all sorted!",
    "The blender broke after one week, terrible quality. I expect a full refund or I'm "
    "leaving a one star review and cancelling my account.",
};

static void test_no_allocation_after_warm_up(void **state) {
  (void)state;
  counting_alloc ca;
  tact_allocator a;
  counting_alloc_init(&ca, &a);
  env e;
  env_init(&e, &a);
  tact_error err;
  assert_int_equal(env_build(&e, &err), TACT_OK);
  for (int round = 0; round < 2; round++)
    for (size_t i = 0; i < sizeof REUSE / sizeof REUSE[0]; i++) classify(&e, REUSE[i]);
  size_t before = counting_alloc_calls(&ca);
  for (int round = 0; round < 5; round++)
    for (size_t i = 0; i < sizeof REUSE / sizeof REUSE[0]; i++) classify(&e, REUSE[i]);
  assert_int_equal(counting_alloc_calls(&ca), before);
  /* The scratch alone, with tokens and hits fixed: never allocates again. */
  size_t cap = e.cs.cap;
  for (int round = 0; round < 100; round++)
    assert_int_equal(tact_complaint_classify(e.cm, e.m, &e.t, &e.ms, &e.tone, &a, &e.cs, &e.out,
                                             &err),
                     TACT_OK);
  assert_int_equal(counting_alloc_calls(&ca), before);
  assert_int_equal(e.cs.cap, cap);
  env_close(&e);
  assert_int_equal(ca.live, 0);
}

static void test_allocation_failures(void **state) {
  (void)state;
  /* Every allocation of the model build and of a first classification
   * may fail: the error is TACT_E_NOMEM and nothing leaks. */
  for (long fail = 0;; fail++) {
    counting_alloc ca;
    tact_allocator a;
    counting_alloc_init(&ca, &a);
    env e;
    env_init(&e, &a);
    tact_error err;
    tact_arena_init(&e.arena, &e.a);
    assert_int_equal(tact_layers_resolve(e.packs, e.n_packs, &e.arena, &e.layers, &err), TACT_OK);
    assert_int_equal(tact_matcher_compile(&e.layers, &e.a, &e.m, &err), TACT_OK);
    assert_int_equal(tact_tone_model_build(&e.layers, e.m, &e.a, &e.tm, &err), TACT_OK);
    const char *text = ACCEPTANCE;
    assert_int_equal(tact_text_analyze(&e.t, &e.a, text, strlen(text), 0, &err), TACT_OK);
    assert_int_equal(tact_matcher_scan(e.m, &e.t, &e.a, &e.ms, &err), TACT_OK);
    ca.fail_after = fail;
    tact_status st = tact_complaint_model_build(&e.layers, e.m, &e.a, &e.cm, &err);
    if (st == TACT_OK)
      st = tact_complaint_classify(e.cm, e.m, &e.t, &e.ms, NULL, &e.a, &e.cs, &e.out, &err);
    ca.fail_after = -1;
    if (st != TACT_OK) {
      assert_int_equal(st, TACT_E_NOMEM);
      assert_false(e.out.computed);
    }
    env_close(&e);
    assert_int_equal(ca.live, 0);
    if (st == TACT_OK) break; /* enough allocations allowed: all points tried */
    assert_true(fail < 64);
  }
}

/* ---------------------------------------------------------------------- */
/* tact-train (TACT_TRAIN = path of the program; skipped when unset)      */

static const char *trainer(void) {
  const char *exe = getenv("TACT_TRAIN");
  return exe && *exe ? exe : NULL;
}

static void run_trainer(const char *args, const char *data, const char *out) {
  char cmd[2048];
  snprintf(cmd, sizeof cmd, "'%s' %s --quiet --out '%s' '%s' > /dev/null", trainer(), args, out,
           data);
  if (system(cmd) != 0) fail_msg("failed: %s", cmd);
}

static char *slurp(const char *path) {
  FILE *f = fopen(path, "rb");
  assert_non_null(f);
  static char buf[1 << 16];
  size_t n = fread(buf, 1, sizeof buf - 1, f);
  fclose(f);
  buf[n] = '\0';
  return buf;
}

static void test_trainer_complaint_model(void **state) {
  (void)state;
  if (!trainer()) skip();
  char dir[] = "/tmp/tact-train-test-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char out[256];
  snprintf(out, sizeof out, "%s/sparkle.xml", dir);
  run_trainer("--model complaint --holdout 0 --l2 1e-3 --bits 12 --features unigram,bigram",
              COMPLAINT_DIR "train-small.csv", out);
  const char *text = "The office monitor sparkles.";
  env e;
  env_open(&e);
  double before = classify(&e, text)->probability;
  env_close(&e);
  env_open_with(&e, slurp(out));
  const tact_complaint *c = classify(&e, text);
  assert_true(before < 0.5);
  assert_true(c->probability >= 0.5);
  assert_true(classify(&e, "The office monitor glows.")->probability < 0.5);
  env_close(&e);
  remove(out);
  rmdir(dir);
}

static void test_trainer_category_model(void **state) {
  (void)state;
  if (!trainer()) skip();
  char dir[] = "/tmp/tact-train-test-XXXXXX";
  assert_non_null(mkdtemp(dir));
  char out[256];
  snprintf(out, sizeof out, "%s/loyalty.xml", dir);
  run_trainer("--model category --holdout 0 --l2 1e-3 --bits 12 --calibrate",
              COMPLAINT_DIR "train-small-category.jsonl", out);
  env e;
  env_open_with(&e, slurp(out));
  const tact_complaint *c = classify(&e, "My loyalty points are missing again");
  assert_int_equal(c->n_categories, 3);
  assert_string_equal(c->category[0], "loyalty");
  c = classify(&e, "The courier lost my parcel");
  assert_string_equal(c->category[0], "shipping");
  env_close(&e);
  remove(out);
  rmdir(dir);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_acceptance_refund_threats),
      cmocka_unit_test(test_acceptance_opening_hours),
      cmocka_unit_test(test_threats),
      cmocka_unit_test(test_outcomes),
      cmocka_unit_test(test_complaint_and_categories),
      cmocka_unit_test(test_thank_you_notes),
      cmocka_unit_test(test_severity_formula),
      cmocka_unit_test(test_company_model_changes_classification),
      cmocka_unit_test(test_company_category_model),
      cmocka_unit_test(test_disabled_models),
      cmocka_unit_test(test_bad_models),
      cmocka_unit_test(test_complaint_model_needs_two_classes),
      cmocka_unit_test(test_model_parsed),
      cmocka_unit_test(test_model_layering),
      cmocka_unit_test(test_hostile_row_count),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_no_allocation_after_warm_up),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_trainer_complaint_model),
      cmocka_unit_test(test_trainer_category_model),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
