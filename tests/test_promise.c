/* test_promise.c — tests of commitment extraction and policy checks
 * (lib/promise.c) with the policy and calendar elements of packs
 * (pack_xml.c, layers.c): a table of phrasings with the expected action,
 * actor, certainty, flags, object and condition; negated and question
 * non-promises; the acceptance examples with exact times; company packs
 * overriding the policy; holidays shifting business days; pack errors with
 * their lines; bad arguments, allocation failures, no allocation after
 * warm-up, and linear time.
 *
 * The pieces are put together by hand, as an engine would: tokenize, load
 * and layer packs, compile the matcher, scan, find time expressions
 * (timex.c), then tact_promise_find. Cases marked TX expect timex.c to
 * find the time expressions in their text; every other case holds whatever
 * timex.c finds, or uses hand-made time lists. Pack files live in
 * TACT_TEST_DATA_DIR/promise. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "layers.h"
#include "match.h"
#include "pack.h"
#include "promise.h"
#include "text.h"
#include "timex.h"

#ifndef TACT_TEST_DATA_DIR
#define TACT_TEST_DATA_DIR "tests/data"
#endif
#define PROMISE_DIR TACT_TEST_DATA_DIR "/promise/"

/* Friday 2026-03-06T16:00:00Z, the reference time of every case. */
#define REF_NOW INT64_C(1772812800)
#define DAY INT64_C(86400)

/* ---------------------------------------------------------------------- */
/* An engine put together by hand                                         */

typedef struct env {
  tact_allocator a;
  tact_pack_loader *ld;
  tact_pack *packs[4];
  size_t n_packs;
  tact_arena arena;
  tact_layers layers;
  tact_matcher *m;
  tact_promise_model *pm;
  tact_text t;
  tact_match_state ms;
  tact_timex_list times;
  tact_promise_list out;
  tact_timex_ctx ctx;
  const char *text;
} env;

static void load_pack_file(env *e, const char *name) {
  char path[512];
  snprintf(path, sizeof path, "%s%s", PROMISE_DIR, name);
  tact_error err;
  if (tact_pack_loader_parse_file(e->ld, path, &e->packs[e->n_packs], &err) != TACT_OK)
    fail_msg("%s: %s", path, err.message);
  e->n_packs++;
}

/* Returns the status of building the model (the rest must succeed). */
static tact_status env_build(env *e, tact_error *err) {
  tact_arena_init(&e->arena, &e->a);
  if (tact_layers_resolve(e->packs, e->n_packs, &e->arena, &e->layers, err) != TACT_OK)
    fail_msg("layers: %s", err->message);
  if (tact_matcher_compile(&e->layers, &e->a, &e->m, err) != TACT_OK)
    fail_msg("matcher: %s", err->message);
  tact_status st = tact_promise_model_build(&e->layers, e->m, &e->a, &e->pm, err);
  memset(&e->ctx, 0, sizeof e->ctx);
  e->ctx.now = REF_NOW;
  if (st == TACT_OK) e->ctx.holidays = tact_promise_model_holidays(e->pm, &e->ctx.n_holidays);
  return st;
}

/* The default pack, then the named company packs (NULL-terminated). */
static void env_open_with(env *e, const tact_allocator *a, const char *first, ...) {
  memset(e, 0, sizeof *e);
  tact_alloc_resolve(&e->a, a);
  tact_error err;
  e->ld = tact_pack_loader_new(&e->a, NULL, &err);
  assert_non_null(e->ld);
  if (tact_pack_loader_parse(e->ld, tact_default_pack_xml, tact_default_pack_xml_len, "default", 1,
                             &e->packs[0], &err) != TACT_OK)
    fail_msg("default pack: %s", err.message);
  e->n_packs = 1;
  va_list ap;
  va_start(ap, first);
  for (const char *name = first; name; name = va_arg(ap, const char *)) load_pack_file(e, name);
  va_end(ap);
  if (env_build(e, &err) != TACT_OK) fail_msg("promise model: %s", err.message);
}

static void env_open(env *e) { env_open_with(e, NULL, NULL); }

static void env_close(env *e) {
  tact_promise_list_free(&e->out, &e->a);
  tact_timex_list_free(&e->times, &e->a);
  tact_match_state_free(&e->ms, &e->a);
  tact_text_free(&e->t, &e->a);
  tact_promise_model_free(e->pm, &e->a);
  tact_matcher_free(e->m, &e->a);
  tact_arena_free(&e->arena);
  for (size_t i = 0; i < e->n_packs; i++) tact_pack_free(e->packs[i]);
  tact_pack_loader_free(e->ld);
}

static void find_promises(env *e) {
  tact_error err;
  tact_status st = tact_promise_find(e->pm, e->m, &e->t, &e->ms, &e->times, &e->ctx, &e->a,
                                     &e->out, &err);
  if (st != TACT_OK) fail_msg("'%s': %s", e->text, err.message);
}

/* Tokens, hits and time expressions of `text`; no promises yet. */
static void prepare(env *e, const char *text) {
  tact_error err;
  e->text = text;
  if (tact_text_analyze(&e->t, &e->a, text, strlen(text), 0, &err) != TACT_OK)
    fail_msg("'%s': %s", text, err.message);
  if (tact_matcher_scan(e->m, &e->t, &e->a, &e->ms, &err) != TACT_OK)
    fail_msg("'%s': %s", text, err.message);
  if (tact_timex_find(&e->t, &e->ctx, &e->a, &e->times, &err) != TACT_OK)
    fail_msg("'%s': %s", text, err.message);
}

static void analyze(env *e, const char *text) {
  prepare(e, text);
  find_promises(e);
}

/* The text of tokens [first, first + n), or "" for n == 0. */
static const char *tokens_text(const env *e, uint32_t first, uint32_t n) {
  static char buf[4][512];
  static int which;
  char *b = buf[which++ & 3];
  b[0] = '\0';
  if (n == 0) return b;
  size_t s = e->t.tokens[first].start, end = e->t.tokens[first + n - 1].end;
  snprintf(b, 512, "%.*s", (int)(end - s), e->text + s);
  return b;
}

/* Token range of the first occurrence of `needle` in the text. */
static void token_range(const env *e, const char *needle, uint32_t *first, uint32_t *n) {
  const char *at = strstr(e->text, needle);
  if (!at) fail_msg("'%s' not in '%s'", needle, e->text);
  size_t s = (size_t)(at - e->text), end = s + strlen(needle);
  *first = UINT32_MAX;
  *n = 0;
  for (uint32_t i = 0; i < e->t.n_tokens; i++) {
    if (e->t.tokens[i].start >= s && e->t.tokens[i].end <= end) {
      if (*first == UINT32_MAX) *first = i;
      (*n)++;
    }
  }
  if (*first == UINT32_MAX) fail_msg("no tokens for '%s'", needle);
}

/* A hand-made time expression, for tests that must not depend on what
 * timex.c recognizes. */
typedef struct fake_time {
  const char *text;
  tact_time_kind kind;
  int64_t start, end;
  uint16_t business_days;
} fake_time;

static void set_times(env *e, const fake_time *ft, size_t n) {
  e->times.n = 0;
  for (size_t i = 0; i < n; i++) {
    assert_int_equal(tact_grow(&e->a, (void **)&e->times.items, &e->times.cap, i + 1,
                               sizeof *e->times.items),
                     0);
    tact_timex *x = &e->times.items[e->times.n++];
    memset(x, 0, sizeof *x);
    token_range(e, ft[i].text, &x->first_token, &x->n_tokens);
    x->kind = (uint8_t)ft[i].kind;
    x->start = ft[i].start;
    x->end = ft[i].end;
    x->min_seconds = ft[i].start - REF_NOW;
    x->max_seconds = ft[i].end - REF_NOW;
    x->business_days = ft[i].business_days;
  }
}

static void analyze_with_times(env *e, const char *text, const fake_time *ft, size_t n) {
  prepare(e, text);
  set_times(e, ft, n);
  find_promises(e);
}

/* ---------------------------------------------------------------------- */
/* The phrasings                                                          */

#define WE TACT_ACTOR_WE
#define I_ TACT_ACTOR_I
#define YOU TACT_ACTOR_YOU
#define FIRM TACT_CERTAINTY_FIRM
#define HEDGED TACT_CERTAINTY_HEDGED
#define SURE TACT_CERTAINTY_GUARANTEED
#define NT TACT_PROMISE_NO_TIMEFRAME
#define VG TACT_PROMISE_VAGUE_TIMEFRAME
#define FA TACT_PROMISE_FASTER_THAN_POLICY
#define SL TACT_PROMISE_SLOWER_THAN_POLICY
#define GU TACT_PROMISE_GUARANTEE
#define CO TACT_PROMISE_CONDITIONAL
#define TX 1 /* expects timex.c to find the case's time expressions */

typedef struct pcase {
  const char *text;
  size_t n;            /* promises expected in the text */
  size_t idx;          /* the one described below */
  const char *action;
  tact_actor actor;
  tact_certainty certainty;
  unsigned flags;      /* exactly */
  const char *object;  /* "" = none */
  const char *cond;    /* "" = none */
  int timex;
} pcase;

static const pcase cases[] = {
    /* I / we / you, no timeframe */
    {"I'll look into this for you.", 1, 0, "fix", I_, FIRM, NT, "this", "", 0},
    {"I will refund your order.", 1, 0, "refund", I_, FIRM, NT, "your order", "", 0},
    {"We will refund the full amount.", 1, 0, "refund", WE, FIRM, NT, "the full amount", "", 0},
    {"We'll send you a replacement phone.", 1, 0, "replace", WE, FIRM, NT, "a replacement phone",
     "", 0},
    {"I'm going to escalate this to my supervisor.", 1, 0, "escalate", I_, FIRM, NT, "this", "",
     0},
    {"We are going to replace the faulty charger.", 1, 0, "replace", WE, FIRM, NT,
     "the faulty charger", "", 0},
    {"Let me process this refund for you.", 1, 0, "refund", I_, FIRM, NT, "this refund", "", 0},
    {"Let me escalate this to my manager.", 1, 0, "escalate", I_, FIRM, NT, "this", "", 0},
    {"Let us arrange a callback for you.", 1, 0, "callback", WE, FIRM, NT, "a callback", "", 0},
    {"Let's arrange a callback for you.", 1, 0, "callback", WE, FIRM, NT, "a callback", "", 0},
    {"You will receive a full refund.", 1, 0, "refund", YOU, FIRM, NT, "a full refund", "", 0},
    {"You'll get a replacement.", 1, 0, "replace", YOU, FIRM, NT, "a replacement", "", 0},
    {"You'll see the credit on your statement.", 1, 0, "credit", YOU, FIRM, NT, "the credit", "",
     0},
    {"You will hear back from our billing team.", 1, 0, "follow-up", YOU, FIRM, NT,
     "our billing team", "", 0},
    {"Your refund will be processed.", 1, 0, "refund", YOU, FIRM, NT, "Your refund", "", 0},
    {"The replacement will be shipped.", 1, 0, "ship", YOU, FIRM, NT, "The replacement", "", 0},
    {"Your account will be credited.", 1, 0, "credit", YOU, FIRM, NT, "Your account", "", 0},
    {"Your order will be cancelled.", 1, 0, "cancel", YOU, FIRM, NT, "Your order", "", 0},
    {"Your package is on its way.", 1, 0, "deliver", YOU, FIRM, NT, "Your package", "", 0},
    {"Your replacement is on the way.", 1, 0, "deliver", YOU, FIRM, NT, "Your replacement", "", 0},
    {"It will be refunded.", 1, 0, "refund", YOU, FIRM, NT, "It", "", 0},
    {"A technician will call you.", 1, 0, "callback", WE, FIRM, NT, "", "", 0},
    {"Our team will fix the issue.", 1, 0, "fix", WE, FIRM, NT, "the issue", "", 0},
    {"Someone will contact you.", 1, 0, "follow-up", WE, FIRM, NT, "", "", 0},
    {"The team will investigate the problem.", 1, 0, "fix", WE, FIRM, NT, "the problem", "", 0},
    {"We will email you the invoice.", 1, 0, "email", WE, FIRM, NT, "the invoice", "", 0},
    {"I'll follow up with the warehouse.", 1, 0, "follow-up", I_, FIRM, NT, "the warehouse", "",
     0},
    {"I will cancel your subscription.", 1, 0, "cancel", I_, FIRM, NT, "your subscription", "", 0},
    {"We'll credit your account.", 1, 0, "credit", WE, FIRM, NT, "your account", "", 0},
    {"I'll escalate your case.", 1, 0, "escalate", I_, FIRM, NT, "your case", "", 0},
    {"We'll repair your laptop.", 1, 0, "fix", WE, FIRM, NT, "your laptop", "", 0},
    {"We will dispatch a new unit.", 1, 0, "ship", WE, FIRM, NT, "a new unit", "", 0},
    {"I'll get back to you.", 1, 0, "follow-up", I_, FIRM, NT, "", "", 0},
    {"We will keep you updated.", 1, 0, "follow-up", WE, FIRM, NT, "", "", 0},
    {"We shall reimburse the shipping cost.", 1, 0, "refund", WE, FIRM, NT, "the shipping cost",
     "", 0},
    {"I'm sending you a new one.", 1, 0, "replace", I_, FIRM, NT, "a new one", "", 0},
    {"We're processing your refund.", 1, 0, "refund", WE, FIRM, NT, "your refund", "", 0},
    {"I am arranging a callback.", 1, 0, "callback", I_, FIRM, NT, "a callback", "", 0},
    {"We are issuing a refund to your card.", 1, 0, "refund", WE, FIRM, NT, "a refund", "", 0},
    {"Allow me to transfer you to a specialist.", 1, 0, "escalate", I_, FIRM, NT, "a specialist",
     "", 0},
    {"Expect an email from us.", 1, 0, "email", YOU, FIRM, NT, "an email", "", 0},
    {"You can expect a call from our technician.", 1, 0, "callback", YOU, FIRM, NT, "a call", "",
     0},
    {"We'll swap it for a new one.", 1, 0, "replace", WE, FIRM, NT, "it", "", 0},
    {"I will unsubscribe you.", 1, 0, "cancel", I_, FIRM, NT, "", "", 0},
    {"Let me check with the warehouse.", 1, 0, "other", I_, FIRM, NT, "the warehouse", "", 0},
    {"Thanks for waiting, your refund will be processed.", 1, 0, "refund", YOU, FIRM, NT,
     "your refund", "", 0},
    {"We've received your return and your refund will be issued.", 1, 0, "refund", YOU, FIRM, NT,
     "your refund", "", 0},
    /* A customer's own commitment: reported too (actor from the speaker). */
    {"I'm going to cancel my subscription.", 1, 0, "cancel", I_, FIRM, NT, "my subscription", "",
     0},
    /* Two commitments; a marker inside one clause is part of the first. */
    {"We'll refund you, and I'll email you a label.", 2, 1, "email", I_, FIRM, NT, "a label", "",
     0},
    {"We will process your refund, and you will receive a confirmation email.", 2, 1, "email", YOU,
     FIRM, NT, "a confirmation email", "", 0},
    {"Let me check and I'll get back to you.", 2, 1, "follow-up", I_, FIRM, NT, "", "", 0},
    {"I'll make sure you receive your refund.", 1, 0, "refund", I_, FIRM, NT, "your refund", "",
     0},
    {"I promise we'll ship it.", 1, 0, "ship", I_, SURE, NT | GU, "it", "", 0},
    /* Hedged */
    {"We should be able to refund you.", 1, 0, "refund", WE, HEDGED, NT, "", "", 0},
    {"I'll try to fix it.", 1, 0, "fix", I_, HEDGED, NT, "it", "", 0},
    {"Hopefully, we'll ship your order.", 1, 0, "ship", WE, HEDGED, NT, "your order", "", 0},
    {"We may be able to offer you a discount.", 1, 0, "credit", WE, HEDGED, NT, "a discount", "",
     0},
    {"I might be able to arrange a replacement.", 1, 0, "replace", I_, HEDGED, NT,
     "a replacement", "", 0},
    {"We'll do our best to repair it.", 1, 0, "fix", WE, HEDGED, NT, "it", "", 0},
    {"We aim to resolve this.", 1, 0, "fix", WE, HEDGED, NT, "this", "", 0},
    {"We hope to ship your order.", 1, 0, "ship", WE, HEDGED, NT, "your order", "", 0},
    {"Your refund should be processed.", 1, 0, "refund", YOU, HEDGED, NT, "Your refund", "", 0},
    {"You should receive a confirmation email.", 1, 0, "email", YOU, HEDGED, NT,
     "a confirmation email", "", 0},
    {"I can't promise anything, but I'll try to get a replacement out.", 1, 0, "replace", I_,
     HEDGED, NT, "a replacement", "", 0},
    {"I think we'll be able to refund you.", 1, 0, "refund", WE, HEDGED, NT, "", "", 0},
    {"We will refund you if possible.", 1, 0, "refund", WE, HEDGED, NT, "", "", 0},
    {"I can't guarantee it, but we will try to refund you.", 1, 0, "refund", WE, HEDGED, NT, "",
     "", 0},
    {"I promise I'll try to fix it.", 1, 0, "fix", I_, HEDGED, NT, "it", "", 0},
    /* Guaranteed */
    {"We will definitely refund you.", 1, 0, "refund", WE, SURE, NT, "", "", 0},
    {"I will absolutely fix this.", 1, 0, "fix", I_, SURE, NT, "this", "", 0},
    {"We will certainly send a replacement.", 1, 0, "replace", WE, SURE, NT, "a replacement", "",
     0},
    {"Rest assured, we will replace it.", 1, 0, "replace", WE, SURE, NT, "it", "", 0},
    {"I promise this will never happen again.", 1, 0, "other", I_, SURE, NT | GU, "this", "", 0},
    {"It won't happen again.", 1, 0, "other", WE, SURE, NT | GU, "", "", 0},
    {"We guarantee a full refund.", 1, 0, "refund", WE, SURE, NT | GU, "a full refund", "", 0},
    {"100% you'll get your money back.", 1, 0, "refund", YOU, SURE, NT | GU, "your money", "", 0},
    {"You have my word that we will fix it.", 1, 0, "fix", WE, SURE, NT | GU, "it", "", 0},
    /* Conditions */
    {"If you send the receipt, we'll refund you.", 1, 0, "refund", WE, FIRM, NT | CO, "",
     "If you send the receipt", 0},
    {"We'll refund you once we receive the item.", 1, 0, "refund", WE, FIRM, NT | CO, "",
     "once we receive the item", 0},
    {"Once we receive the item, we'll send a replacement.", 1, 0, "replace", WE, FIRM, NT | CO,
     "a replacement", "Once we receive the item", 0},
    {"As soon as it's back in stock, we'll ship it.", 1, 0, "ship", WE, FIRM, NT | CO, "it",
     "As soon as it's back in stock", 0},
    {"I'll call you when the part arrives.", 1, 0, "callback", I_, FIRM, NT | CO, "",
     "when the part arrives", 0},
    {"Provided that the seal is intact, we will issue a full refund.", 1, 0, "refund", WE, FIRM,
     NT | CO, "a full refund", "Provided that the seal is intact", 0},
    {"We'll replace it as long as it is under warranty.", 1, 0, "replace", WE, FIRM, NT | CO, "it",
     "as long as it is under warranty", 0},
    {"Unless the item is damaged, we will refund you.", 1, 0, "refund", WE, FIRM, NT | CO, "",
     "Unless the item is damaged", 0},
    {"After we inspect the device, we'll repair it.", 1, 0, "fix", WE, FIRM, NT | CO, "it",
     "After we inspect the device", 0},
    {"Should you need anything, we'll be here.", 1, 0, "other", WE, FIRM, NT | CO, "",
     "Should you need anything", 0},
    {"We'll refund you once we receive the item, which usually takes a while.", 1, 0, "refund",
     WE, FIRM, NT | CO, "", "once we receive the item", 0},
    {"We'll refund you, and if the item is damaged, we'll replace it.", 2, 1, "replace", WE, FIRM,
     NT | CO, "it", "if the item is damaged", 0},
    {"We'll refund you, once we receive the item, and I'll email you a label.", 2, 0, "refund", WE,
     FIRM, NT | CO, "", "once we receive the item", 0},
    /* "Immediately": a zero-length timeframe, whatever timex.c makes of it */
    {"Your refund will be processed immediately, guaranteed!", 1, 0, "refund", YOU, SURE, GU | FA,
     "Your refund", "", 0},
    {"Your refund will be processed immediately.", 1, 0, "refund", YOU, FIRM, GU | FA,
     "Your refund", "", 0},
    /* Same-day dispatch is within the default ship policy (min 0). */
    {"We'll ship your replacement immediately.", 1, 0, "ship", WE, FIRM, 0, "your replacement", "",
     0},
    {"We'll instantly credit your account.", 1, 0, "credit", WE, FIRM, GU | FA, "your account", "",
     0},
    {"We'll try to refund you right away.", 1, 0, "refund", WE, HEDGED, FA, "", "", 0},
    {"I'll call you back right away.", 1, 0, "callback", I_, FIRM, 0, "", "", 0},
    {"I will cancel your subscription right away.", 1, 0, "cancel", I_, FIRM, 0,
     "your subscription", "", 0},
    {"I'll escalate this straight away.", 1, 0, "escalate", I_, FIRM, 0, "this", "", 0},
    /* With time expressions */
    {"We'll refund you within 3 business days.", 1, 0, "refund", WE, FIRM, 0, "", "", TX},
    {"We'll refund you within 2 business days.", 1, 0, "refund", WE, FIRM, FA, "", "", TX},
    {"We will ship it in 2-3 weeks.", 1, 0, "ship", WE, FIRM, SL, "it", "", TX},
    {"I'll email you the details shortly.", 1, 0, "email", I_, FIRM, VG, "the details", "", TX},
    {"We'll refund you as soon as possible.", 1, 0, "refund", WE, FIRM, VG, "", "", TX},
    {"Your refund will be processed within an hour.", 1, 0, "refund", YOU, FIRM, FA,
     "Your refund", "", TX},
    {"By Friday, we'll have shipped your order.", 1, 0, "ship", WE, FIRM, 0, "your order", "", TX},
    {"If you send it by Friday, we'll ship a replacement.", 1, 0, "ship", WE, FIRM, NT | CO,
     "a replacement", "If you send it by Friday", TX},
    {"We will not be able to ship it by Friday, but we'll refund you.", 1, 0, "refund", WE, FIRM,
     NT, "", "", TX},
    {"Hopefully, we'll ship it today.", 1, 0, "ship", WE, HEDGED, 0, "it", "", TX},
    {"We'll refund you, and I'll call you tomorrow.", 2, 0, "refund", WE, FIRM, NT, "", "", TX},
    {"We'll refund you, and I'll call you tomorrow.", 2, 1, "callback", I_, FIRM, 0, "", "", TX},
    {"I'll escalate this today and you should hear back within 2 business days.", 2, 1,
     "follow-up", YOU, HEDGED, 0, "", "", TX},
    {"We guarantee delivery within 24 hours.", 1, 0, "deliver", WE, SURE, GU | FA, "", "", TX},
    {"You should receive it within 2 business days.", 1, 0, "deliver", YOU, HEDGED, 0, "it", "",
     TX},
    {"Your account will be credited within 5 business days.", 1, 0, "credit", YOU, FIRM, 0,
     "Your account", "", TX},
};

/* Not promises: negated, questions, non-commitments, no action. */
static const char *const non_promises[] = {
    "We won't be able to refund you.",
    "We will not replace it.",
    "We can't refund this order.",
    "I will never buy from you again.",
    "We are unable to ship to your address.",
    "I'm not going to cancel it.",
    "We'll no longer be able to offer refunds.",
    "We will be unable to repair it.",
    "Please do not expect a refund.",
    "Will you refund me?",
    "Are you going to replace it?",
    "Can you confirm you will receive it?",
    "Why will the refund take so long?",
    "We'll refund you, right?",
    "Let me know if you need anything.",
    "Let us know how we did.",
    "I will need your order number.",
    "Your refund has been processed.",
    "Thanks for your patience.",
    "It will be fine.",
    "You should have called us earlier.",
    "I should have told you sooner.",
    "Unfortunately we are unable to refund you, but we can offer a voucher.",
    "",
};

static int check_case(env *e, const pcase *c) {
  analyze(e, c->text);
  char why[1024] = "";
  size_t w = 0;
#define WHY(...) w += (size_t)snprintf(why + w, w < sizeof why ? sizeof why - w : 0, __VA_ARGS__)
  if (e->out.n != c->n) WHY(" count %zu, want %zu;", e->out.n, c->n);
  if (c->idx < e->out.n) {
    const tact_promise *p = &e->out.items[c->idx];
    if (strcmp(p->action, c->action) != 0) WHY(" action %s, want %s;", p->action, c->action);
    if (p->actor != c->actor) WHY(" actor %d, want %d;", p->actor, c->actor);
    if (p->certainty != c->certainty) WHY(" certainty %d, want %d;", p->certainty, c->certainty);
    if (p->flags != c->flags) WHY(" flags 0x%x, want 0x%x;", p->flags, c->flags);
    const char *obj = tokens_text(e, p->object_first, p->object_n);
    if (strcmp(obj, c->object) != 0) WHY(" object '%s', want '%s';", obj, c->object);
    const char *cond = tokens_text(e, p->cond_first, p->cond_n);
    if (strcmp(cond, c->cond) != 0) WHY(" condition '%s', want '%s';", cond, c->cond);
  }
#undef WHY
  if (!why[0]) return 0;
  print_message("%s'%s':%s\n", c->timex ? "[needs timex] " : "", c->text, why);
  return 1;
}

static void test_phrasings(void **state) {
  (void)state;
  env e;
  env_open(&e);
  int failed = 0, failed_timex = 0;
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    int bad = check_case(&e, &cases[i]);
    failed += bad;
    failed_timex += bad && cases[i].timex;
  }
  env_close(&e);
  if (failed) fail_msg("%d of %zu cases failed (%d of them need timex.c)", failed,
                       sizeof cases / sizeof *cases, failed_timex);
}

static void test_non_promises(void **state) {
  (void)state;
  env e;
  env_open(&e);
  int failed = 0;
  for (size_t i = 0; non_promises[i][0]; i++) {
    analyze(&e, non_promises[i]);
    if (e.out.n) {
      const tact_promise *p = &e.out.items[0];
      print_message("'%s': %zu promise(s), first %s '%s'\n", non_promises[i], e.out.n, p->action,
                    tokens_text(&e, p->first_token, p->n_tokens));
      failed++;
    }
  }
  env_close(&e);
  if (failed) fail_msg("%d non-promises were taken for promises", failed);
}

/* The span is the commitment clause, without the condition or the
 * punctuation around it. */
static void test_spans(void **state) {
  (void)state;
  static const struct {
    const char *text;
    size_t idx;
    const char *span;
  } spans[] = {
      {"We'll refund you within 3 business days, and I will call you back tomorrow at 10am.", 0,
       "We'll refund you within 3 business days"},
      {"We'll refund you within 3 business days, and I will call you back tomorrow at 10am.", 1,
       "I will call you back tomorrow at 10am"},
      {"If you send the receipt, we'll refund you.", 0, "we'll refund you"},
      {"We'll refund you once we receive the item.", 0, "We'll refund you"},
      {"Hi Sam. Sorry for the trouble! Your replacement will ship on Monday.", 0,
       "Your replacement will ship on Monday"},
      {"Your refund will be processed immediately, guaranteed!", 0,
       "Your refund will be processed immediately, guaranteed"},
  };
  env e;
  env_open(&e);
  for (size_t i = 0; i < sizeof spans / sizeof *spans; i++) {
    analyze(&e, spans[i].text);
    if (e.out.n <= spans[i].idx) fail_msg("'%s': %zu promises", spans[i].text, e.out.n);
    const tact_promise *p = &e.out.items[spans[i].idx];
    assert_string_equal(tokens_text(&e, p->first_token, p->n_tokens), spans[i].span);
  }
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* The acceptance examples                                                */

/* With timex.c's own time expressions: exact intervals. */
static void test_acceptance_timex(void **state) {
  (void)state;
  env e;
  env_open(&e);
  analyze(&e, "We'll refund you within 3 business days, and I will call you back tomorrow at "
              "10am.");
  assert_int_equal(e.out.n, 2);
  const tact_promise *p = &e.out.items[0];
  assert_string_equal(p->action, "refund");
  assert_int_equal(p->actor, TACT_ACTOR_WE);
  assert_int_equal(p->certainty, TACT_CERTAINTY_FIRM);
  assert_int_equal(p->flags, 0);
  assert_true(p->time >= 0);
  const tact_timex *x = &e.times.items[p->time];
  assert_string_equal(tokens_text(&e, x->first_token, x->n_tokens), "within 3 business days");
  assert_int_equal(x->kind, TACT_TIME_DURATION);
  assert_int_equal(x->end, INT64_C(1773244800)); /* 2026-03-11T16:00:00Z */
  assert_int_equal(x->business_days, 3);
  p = &e.out.items[1];
  assert_string_equal(p->action, "callback");
  assert_int_equal(p->actor, TACT_ACTOR_I);
  assert_int_equal(p->certainty, TACT_CERTAINTY_FIRM);
  assert_int_equal(p->flags, 0);
  assert_true(p->time >= 0);
  x = &e.times.items[p->time];
  assert_int_equal(x->kind, TACT_TIME_DEADLINE);
  assert_int_equal(x->end, INT64_C(1772877600)); /* 2026-03-07T10:00:00Z */

  analyze(&e, "Your refund will be processed immediately, guaranteed!");
  assert_int_equal(e.out.n, 1);
  p = &e.out.items[0];
  assert_string_equal(p->action, "refund");
  assert_int_equal(p->actor, TACT_ACTOR_YOU);
  assert_int_equal(p->certainty, TACT_CERTAINTY_GUARANTEED);
  assert_int_equal(p->flags, TACT_PROMISE_GUARANTEE | TACT_PROMISE_FASTER_THAN_POLICY);
  env_close(&e);
}

/* The same with hand-made time expressions: attachment and flags only. */
static void test_acceptance_attachment(void **state) {
  (void)state;
  env e;
  env_open(&e);
  const char *text =
      "We'll refund you within 3 business days, and I will call you back tomorrow at 10am.";
  static const fake_time ft[] = {
      {"within 3 business days", TACT_TIME_DURATION, REF_NOW, INT64_C(1773244800), 3},
      {"tomorrow at 10am", TACT_TIME_DEADLINE, REF_NOW, INT64_C(1772877600), 0},
  };
  analyze_with_times(&e, text, ft, 2);
  assert_int_equal(e.out.n, 2);
  assert_int_equal(e.out.items[0].time, 0);
  assert_int_equal(e.out.items[0].flags, 0);
  assert_int_equal(e.out.items[1].time, 1);
  assert_int_equal(e.out.items[1].flags, 0);

  /* Whether or not timex.c reports "immediately", and as whatever kind,
   * it is a zero-length timeframe. */
  text = "Your refund will be processed immediately, guaranteed!";
  for (int kind = TACT_TIME_DURATION; kind <= TACT_TIME_VAGUE + 1; kind++) {
    fake_time im = {"immediately", (tact_time_kind)kind, REF_NOW, REF_NOW + 3 * DAY, 0};
    analyze_with_times(&e, text, &im, kind <= TACT_TIME_VAGUE ? 1 : 0);
    assert_int_equal(e.out.n, 1);
    assert_int_equal(e.out.items[0].flags,
                     TACT_PROMISE_GUARANTEE | TACT_PROMISE_FASTER_THAN_POLICY);
    assert_int_equal(e.out.items[0].time, kind <= TACT_TIME_VAGUE ? 0 : -1);
  }
  env_close(&e);
}

/* Which time a promise takes: its own clause first, after the marker
 * before before it; else the nearest of the sentence that no other promise
 * or condition holds. */
static void test_time_attachment(void **state) {
  (void)state;
  env e;
  env_open(&e);
  const int64_t fri = REF_NOW + 7 * DAY, mon = REF_NOW + 3 * DAY + 8 * 3600;
  /* A fronted time belongs to the promise after it. */
  fake_time t1[] = {{"By Friday", TACT_TIME_DEADLINE, REF_NOW, fri, 0}};
  analyze_with_times(&e, "By Friday, we'll have shipped your order.", t1, 1);
  assert_int_equal(e.out.n, 1);
  assert_int_equal(e.out.items[0].time, 0);
  /* A time in a condition is the customer's, not the promise's. */
  fake_time t2[] = {{"by Friday", TACT_TIME_DEADLINE, REF_NOW, fri, 0}};
  analyze_with_times(&e, "If you send it by Friday, we'll ship a replacement.", t2, 1);
  assert_int_equal(e.out.n, 1);
  assert_int_equal(e.out.items[0].time, -1);
  assert_int_equal(e.out.items[0].flags, TACT_PROMISE_NO_TIMEFRAME | TACT_PROMISE_CONDITIONAL);
  /* Nor is one in a negated commitment. */
  analyze_with_times(&e, "We will not be able to ship it by Friday, but we'll refund you.", t2,
                     1);
  assert_int_equal(e.out.n, 1);
  assert_int_equal(e.out.items[0].time, -1);
  /* One per clause; the second clause's time does not leak to the first. */
  fake_time t3[] = {{"tomorrow", TACT_TIME_DEADLINE, REF_NOW, mon, 0}};
  analyze_with_times(&e, "We'll refund you, and I'll call you tomorrow.", t3, 1);
  assert_int_equal(e.out.n, 2);
  assert_int_equal(e.out.items[0].time, -1);
  assert_int_equal(e.out.items[1].time, 0);
  /* After the marker wins over before it. */
  fake_time t4[] = {{"Today", TACT_TIME_DEADLINE, REF_NOW, REF_NOW + 8 * 3600, 0},
                    {"within 2 hours", TACT_TIME_DURATION, REF_NOW, REF_NOW + 7200, 0}};
  analyze_with_times(&e, "Today I will call you back within 2 hours.", t4, 2);
  assert_int_equal(e.out.n, 1);
  assert_int_equal(e.out.items[0].time, 1);
  /* Times of other sentences stay there. */
  fake_time t5[] = {{"3-5 business days", TACT_TIME_DURATION, REF_NOW + 3 * DAY,
                     REF_NOW + 7 * DAY, 5}};
  analyze_with_times(&e, "We'll refund you. It takes 3-5 business days.", t5, 1);
  assert_int_equal(e.out.n, 1);
  assert_int_equal(e.out.items[0].time, -1);
  /* A vague one is flagged and not compared with the policy. */
  fake_time t6[] = {{"soon", TACT_TIME_VAGUE, REF_NOW, REF_NOW + 3600, 0}};
  analyze_with_times(&e, "We'll refund you soon.", t6, 1);
  assert_int_equal(e.out.n, 1);
  assert_int_equal(e.out.items[0].flags, TACT_PROMISE_VAGUE_TIMEFRAME);
  /* "as soon as possible" is a timeframe, not a condition. */
  fake_time t7[] = {{"as soon as possible", TACT_TIME_VAGUE, REF_NOW, REF_NOW + 3 * DAY, 0}};
  analyze_with_times(&e, "We'll refund you as soon as possible.", t7, 1);
  assert_int_equal(e.out.n, 1);
  assert_int_equal(e.out.items[0].cond_n, 0);
  assert_int_equal(e.out.items[0].flags, TACT_PROMISE_VAGUE_TIMEFRAME);
  env_close(&e);
}

/* Faster and slower than the policy, in business days and in hours. */
static void test_policy_flags(void **state) {
  (void)state;
  env e;
  env_open(&e);
  static const struct {
    const char *text, *time;
    int64_t start, end;
    unsigned flags;
  } rows[] = {
      /* refund: 3..10 business days; Friday 16:00 + 3 = Wednesday 16:00 */
      {"We'll refund you within 3 business days.", "within 3 business days", REF_NOW,
       REF_NOW + 5 * DAY, 0},
      {"We'll refund you within 2 business days.", "within 2 business days", REF_NOW,
       REF_NOW + 4 * DAY, TACT_PROMISE_FASTER_THAN_POLICY},
      {"We'll refund you within 3 days.", "within 3 days", REF_NOW, REF_NOW + 3 * DAY,
       TACT_PROMISE_FASTER_THAN_POLICY},
      {"We'll refund you within 5 days.", "within 5 days", REF_NOW, REF_NOW + 5 * DAY, 0},
      {"We'll refund you within 30 days.", "within 30 days", REF_NOW, REF_NOW + 30 * DAY, 0},
      /* 10 business days end on Friday 2026-03-20 16:00 */
      {"We'll refund you in 3-4 weeks.", "in 3-4 weeks", REF_NOW + 21 * DAY, REF_NOW + 28 * DAY,
       TACT_PROMISE_SLOWER_THAN_POLICY},
      {"We'll refund you in 2 weeks.", "in 2 weeks", REF_NOW + 14 * DAY, REF_NOW + 14 * DAY, 0},
      {"We'll refund you in 15 days.", "in 15 days", REF_NOW + 15 * DAY, REF_NOW + 15 * DAY,
       TACT_PROMISE_SLOWER_THAN_POLICY},
      /* callback: 0..24 hours */
      {"I'll call you back within the hour.", "within the hour", REF_NOW, REF_NOW + 3600, 0},
      {"I'll call you back in 2 days.", "in 2 days", REF_NOW + 2 * DAY, REF_NOW + 2 * DAY,
       TACT_PROMISE_SLOWER_THAN_POLICY},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    fake_time ft = {rows[i].time, TACT_TIME_DURATION, rows[i].start, rows[i].end, 0};
    analyze_with_times(&e, rows[i].text, &ft, 1);
    assert_int_equal(e.out.n, 1);
    if (e.out.items[0].flags != rows[i].flags)
      fail_msg("'%s': flags 0x%x, want 0x%x", rows[i].text, e.out.items[0].flags, rows[i].flags);
  }
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Company packs and the calendar                                         */

static void test_company_policy(void **state) {
  (void)state;
  env d, c;
  env_open(&d);
  env_open_with(&c, NULL, "company.xml", NULL);
  /* Refunds in 0..5 business days: "immediately" is allowed. */
  const char *text = "Your refund will be processed immediately.";
  analyze(&d, text);
  analyze(&c, text);
  assert_int_equal(d.out.n, 1);
  assert_int_equal(c.out.n, 1);
  assert_int_equal(d.out.items[0].flags, TACT_PROMISE_GUARANTEE | TACT_PROMISE_FASTER_THAN_POLICY);
  assert_int_equal(c.out.items[0].flags, 0);
  /* Credit's policy disabled: nothing to compare with. */
  text = "We'll credit your account immediately.";
  analyze(&d, text);
  analyze(&c, text);
  assert_int_equal(d.out.items[0].flags, TACT_PROMISE_GUARANTEE | TACT_PROMISE_FASTER_THAN_POLICY);
  assert_int_equal(c.out.items[0].flags, 0);
  /* Callbacks take 2..4 hours there. */
  text = "I'll call you back within the hour.";
  fake_time ft = {"within the hour", TACT_TIME_DURATION, REF_NOW, REF_NOW + 3600, 0};
  analyze_with_times(&d, text, &ft, 1);
  analyze_with_times(&c, text, &ft, 1);
  assert_int_equal(d.out.items[0].flags, 0);
  assert_int_equal(c.out.items[0].flags, TACT_PROMISE_FASTER_THAN_POLICY);
  /* An action of the company's own, with its policy in weeks. */
  analyze(&c, "We'll trade in your old phone.");
  assert_int_equal(c.out.n, 1);
  assert_string_equal(c.out.items[0].action, "exchange");
  assert_int_equal(c.out.items[0].flags, TACT_PROMISE_NO_TIMEFRAME);
  fake_time ft2 = {"in 3 weeks", TACT_TIME_DURATION, REF_NOW + 21 * DAY, REF_NOW + 21 * DAY, 0};
  analyze_with_times(&c, "We'll trade in your old phone in 3 weeks.", &ft2, 1);
  assert_int_equal(c.out.items[0].flags, TACT_PROMISE_SLOWER_THAN_POLICY);
  analyze(&d, "We'll trade in your old phone.");
  assert_int_equal(d.out.n, 1);
  assert_string_equal(d.out.items[0].action, "other");
  /* The layered policies themselves. */
  const tact_policy *pol = tact_layers_find_policy(&c.layers, "refund");
  assert_non_null(pol);
  assert_int_equal(pol->min, 0);
  assert_int_equal(pol->max, 5);
  assert_int_equal(pol->unit, TACT_UNIT_BUSINESS_DAY);
  assert_int_equal(pol->line, 5);
  assert_null(tact_layers_find_policy(&c.layers, "credit"));
  pol = tact_layers_find_policy(&d.layers, "credit");
  assert_non_null(pol);
  assert_int_equal(pol->min, 1);
  assert_string_equal(pol->source, "default");
  env_close(&d);
  env_close(&c);
}

/* The default policy table of docs/promises.md. */
static void test_default_policies(void **state) {
  (void)state;
  static const struct {
    const char *action;
    unsigned min, max;
    tact_policy_unit unit;
  } table[] = {
      {"refund", 3, 10, TACT_UNIT_BUSINESS_DAY},  {"replace", 0, 7, TACT_UNIT_BUSINESS_DAY},
      {"ship", 0, 3, TACT_UNIT_BUSINESS_DAY},     {"deliver", 1, 7, TACT_UNIT_BUSINESS_DAY},
      {"callback", 0, 24, TACT_UNIT_HOUR},        {"email", 0, 24, TACT_UNIT_HOUR},
      {"fix", 1, 5, TACT_UNIT_BUSINESS_DAY},      {"escalate", 0, 1, TACT_UNIT_BUSINESS_DAY},
      {"follow-up", 0, 3, TACT_UNIT_BUSINESS_DAY}, {"credit", 1, 5, TACT_UNIT_BUSINESS_DAY},
      {"cancel", 0, 1, TACT_UNIT_BUSINESS_DAY},
  };
  env e;
  env_open(&e);
  assert_int_equal(e.layers.n_policies, sizeof table / sizeof *table);
  for (size_t i = 0; i < sizeof table / sizeof *table; i++) {
    const tact_policy *pol = tact_layers_find_policy(&e.layers, table[i].action);
    if (!pol) fail_msg("no default policy for %s", table[i].action);
    assert_int_equal(pol->min, table[i].min);
    assert_int_equal(pol->max, table[i].max);
    assert_int_equal(pol->unit, table[i].unit);
  }
  size_t n;
  assert_null(tact_promise_model_holidays(e.pm, &n));
  assert_int_equal(n, 0);
  env_close(&e);
}

static int32_t day_of(int y, unsigned m, unsigned d) {
  return (int32_t)tact_days_from_civil(y, m, d);
}

/* Holidays are layered, sorted and handed to timex.c through the model;
 * they move business-day deadlines and the policy's bounds. */
static void test_calendar(void **state) {
  (void)state;
  env e;
  env_open_with(&e, NULL, "company.xml", NULL);
  size_t n;
  const int32_t *h = tact_promise_model_holidays(e.pm, &n);
  assert_int_equal(n, 2);
  assert_int_equal(h[0], day_of(2026, 3, 9));
  assert_int_equal(h[1], day_of(2026, 12, 25));
  assert_int_equal(e.packs[1]->n_holidays, 2);
  assert_string_equal(e.packs[1]->holidays[0].name, "Founders' Day");
  env_close(&e);

  /* mode="override" drops the lower packs' holidays; repeats collapse. */
  env_open_with(&e, NULL, "company.xml", "calendar-override.xml", NULL);
  h = tact_promise_model_holidays(e.pm, &n);
  assert_int_equal(n, 2);
  assert_int_equal(h[0], day_of(2026, 3, 9));
  assert_int_equal(h[1], day_of(2026, 5, 1));
  env_close(&e);

  /* The business-day policy bound moves: refund takes 3 business days,
   * and with Monday off those end on Thursday 16:00, after Wednesday's
   * "within 5 days". */
  env d;
  env_open(&d);
  env_open_with(&e, NULL, "calendar-override.xml", NULL);
  fake_time ft = {"within 5 days", TACT_TIME_DURATION, REF_NOW, REF_NOW + 5 * DAY, 0};
  analyze_with_times(&d, "We'll refund you within 5 days.", &ft, 1);
  analyze_with_times(&e, "We'll refund you within 5 days.", &ft, 1);
  assert_int_equal(d.out.items[0].flags, 0);
  assert_int_equal(e.out.items[0].flags, TACT_PROMISE_FASTER_THAN_POLICY);
  assert_int_equal(tact_add_business_days(REF_NOW, 3, &d.ctx), REF_NOW + 5 * DAY);
  assert_int_equal(tact_add_business_days(REF_NOW, 3, &e.ctx), REF_NOW + 6 * DAY);
  env_close(&d);
  env_close(&e);
}

/* With timex.c: the holiday moves "within 3 business days" itself. */
static void test_calendar_timex(void **state) {
  (void)state;
  env e;
  env_open_with(&e, NULL, "calendar-override.xml", NULL);
  analyze(&e, "We'll refund you within 3 business days.");
  assert_int_equal(e.out.n, 1);
  assert_true(e.out.items[0].time >= 0);
  const tact_timex *x = &e.times.items[e.out.items[0].time];
  assert_int_equal(x->end, INT64_C(1773331200)); /* Thursday 2026-03-12T16:00:00Z */
  assert_int_equal(e.out.items[0].flags, 0);
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Pack errors                                                            */

typedef struct error_case {
  const char *file;
  unsigned line;
  const char *needle;
  int schema_only; /* the model builder alone does not refuse it (never, here) */
} error_case;

static const error_case error_cases[] = {
    {"invalid-policy-min-max.xml", 4, "min 5 is greater than max 2", 0},
    {"invalid-policy-unit.xml", 4, "unit", 0},
    {"invalid-policy-count.xml", 3, "min", 0},
    {"invalid-policy-mode.xml", 4, "mode", 0},
    {"invalid-policy-missing.xml", 3, "unit", 0},
    {"invalid-duplicate-policy.xml", 5,
     "duplicate policy id 'refund' at line 5 (first defined at line 3)", 0},
    {"invalid-holiday-date.xml", 5, "2026-02-30", 0},
    {"invalid-holiday-format.xml", 4, "date", 0},
    {"invalid-duplicate-holiday.xml", 6,
     "duplicate holiday 2026-12-25 at line 6 (first given at line 4)", 0},
    {"invalid-two-calendars.xml", 4, "more than one <calendar> (the first is at line 3)", 0},
};

static char *slurp(const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof path, "%s%s", PROMISE_DIR, name);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  char *buf = malloc(1 << 16);
  assert_non_null(buf);
  *len = fread(buf, 1, (1 << 16) - 1, f);
  buf[*len] = '\0';
  fclose(f);
  return buf;
}

static void test_pack_errors(void **state) {
  (void)state;
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(NULL, NULL, &err);
  assert_non_null(ld);
  for (size_t i = 0; i < sizeof error_cases / sizeof *error_cases; i++) {
    const error_case *c = &error_cases[i];
    size_t len;
    char *xml = slurp(c->file, &len);
    for (int validate = 1; validate >= 0; validate--) {
      if (!validate && c->schema_only) continue;
      tact_pack *p = NULL;
      memset(&err, 0, sizeof err);
      tact_status st = tact_pack_loader_parse(ld, xml, len, c->file, validate, &p, &err);
      if (st != TACT_E_PACK) fail_msg("%s (validate=%d): status %d", c->file, validate, st);
      assert_null(p);
      if (err.line != c->line)
        fail_msg("%s (validate=%d): line %u, want %u: %s", c->file, validate, err.line, c->line,
                 err.message);
      if (!validate && !strstr(err.message, c->needle))
        fail_msg("%s: '%s' not in '%s'", c->file, c->needle, err.message);
      if (!strstr(err.message, c->file)) fail_msg("%s: file not named: %s", c->file, err.message);
    }
    free(xml);
  }
  tact_pack_loader_free(ld);
}

/* A policy for an action no lexicon defines fails the build, with its
 * pack and line; so does a lexicon named just "action.". */
static void test_model_errors(void **state) {
  (void)state;
  env e;
  memset(&e, 0, sizeof e);
  tact_alloc_resolve(&e.a, NULL);
  tact_error err;
  e.ld = tact_pack_loader_new(&e.a, NULL, &err);
  assert_int_equal(tact_pack_loader_parse(e.ld, tact_default_pack_xml, tact_default_pack_xml_len,
                                          "default", 1, &e.packs[0], &err),
                   TACT_OK);
  e.n_packs = 1;
  load_pack_file(&e, "invalid-policy-no-action.xml");
  assert_int_equal(env_build(&e, &err), TACT_E_PACK);
  assert_null(e.pm);
  assert_int_equal(err.line, 5);
  assert_non_null(strstr(err.source, "invalid-policy-no-action.xml"));
  assert_non_null(strstr(err.message, "action.refnd"));
  env_close(&e);

  memset(&e, 0, sizeof e);
  tact_alloc_resolve(&e.a, NULL);
  e.ld = tact_pack_loader_new(&e.a, NULL, &err);
  const char *xml = "<pack id='x' version='1'>\n<lexicon id='action.'><entry>y</entry></lexicon>\n"
                    "</pack>";
  assert_int_equal(tact_pack_loader_parse(e.ld, xml, strlen(xml), "x.xml", 1, &e.packs[0], &err),
                   TACT_OK);
  e.n_packs = 1;
  assert_int_equal(env_build(&e, &err), TACT_E_PACK);
  assert_int_equal(err.line, 2);
  env_close(&e);
}

/* ---------------------------------------------------------------------- */
/* Arguments, memory and time                                             */

static void test_bad_arguments(void **state) {
  (void)state;
  env e;
  env_open(&e);
  analyze(&e, "We'll refund you.");
  tact_error err;
  assert_int_equal(tact_promise_find(NULL, e.m, &e.t, &e.ms, &e.times, &e.ctx, &e.a, &e.out, &err),
                   TACT_E_ARG);
  assert_int_equal(tact_promise_find(e.pm, e.m, &e.t, &e.ms, &e.times, NULL, &e.a, &e.out, &err),
                   TACT_E_ARG);
  assert_int_equal(tact_promise_find(e.pm, e.m, &e.t, &e.ms, &e.times, &e.ctx, &e.a, NULL, &err),
                   TACT_E_ARG);
  tact_promise_model *pm = (tact_promise_model *)&pm;
  assert_int_equal(tact_promise_model_build(NULL, e.m, &e.a, &pm, &err), TACT_E_ARG);
  assert_null(pm);
  size_t n = 7;
  assert_null(tact_promise_model_holidays(NULL, &n));
  assert_int_equal(n, 0);
  tact_promise_model_free(NULL, &e.a);
  tact_promise_list_free(NULL, &e.a);
  /* Empty text, no sentences. */
  analyze(&e, "");
  assert_int_equal(e.out.n, 0);
  env_close(&e);
}

/* An allocator that fails after a budget, and counts. */
typedef struct budget {
  long left, live, calls;
} budget;

static void *b_malloc(void *u, size_t n) {
  budget *b = u;
  b->calls++;
  if (b->left == 0) return NULL;
  if (b->left > 0) b->left--;
  void *p = malloc(n);
  if (p) b->live++;
  return p;
}

static void *b_realloc(void *u, void *p, size_t n) {
  budget *b = u;
  b->calls++;
  if (b->left == 0) return NULL;
  if (b->left > 0) b->left--;
  void *q = realloc(p, n);
  if (q && !p) b->live++;
  return q;
}

static void b_free(void *u, void *p) {
  budget *b = u;
  if (p) b->live--;
  free(p);
}

/* Building the model and finding promises fail cleanly at every
 * allocation, and leak nothing. */
static void test_allocation_failures(void **state) {
  (void)state;
  const char *text = "We'll refund you, and I'll call you back. Your replacement is on its way! "
                     "If you send it, we'll fix it.";
  env e;
  env_open(&e);
  prepare(&e, text);
  int built = 0, found = 0;
  for (long n = 0; n < 64 && !(built && found); n++) {
    budget b = {n, 0, 0};
    tact_allocator a = {b_malloc, b_realloc, b_free, &b};
    tact_promise_model *pm = NULL;
    tact_error err;
    tact_status st = tact_promise_model_build(&e.layers, e.m, &a, &pm, &err);
    if (st == TACT_OK) {
      built = 1;
      tact_promise_list out;
      memset(&out, 0, sizeof out);
      st = tact_promise_find(pm, e.m, &e.t, &e.ms, &e.times, &e.ctx, &a, &out, &err);
      if (st == TACT_OK) {
        found = 1;
        assert_int_equal(out.n, 4);
      } else {
        assert_int_equal(st, TACT_E_NOMEM);
        assert_int_equal(out.n, 0);
      }
      tact_promise_list_free(&out, &a);
      tact_promise_model_free(pm, &a);
    } else {
      assert_int_equal(st, TACT_E_NOMEM);
      assert_null(pm);
    }
    assert_int_equal(b.live, 0);
  }
  assert_true(built && found);
  env_close(&e);
}

/* A reused list stops allocating. */
static void test_no_allocation_after_warmup(void **state) {
  (void)state;
  env e;
  env_open(&e);
  prepare(&e, "We'll refund you, and I'll call you back. I will email you a label.");
  budget b = {-1, 0, 0};
  tact_allocator a = {b_malloc, b_realloc, b_free, &b};
  tact_promise_list out;
  memset(&out, 0, sizeof out);
  tact_error err;
  assert_int_equal(tact_promise_find(e.pm, e.m, &e.t, &e.ms, &e.times, &e.ctx, &a, &out, &err),
                   TACT_OK);
  assert_int_equal(out.n, 3);
  long calls = b.calls;
  for (int i = 0; i < 3; i++)
    assert_int_equal(tact_promise_find(e.pm, e.m, &e.t, &e.ms, &e.times, &e.ctx, &a, &out, &err),
                     TACT_OK);
  assert_int_equal(b.calls, calls);
  tact_promise_list_free(&out, &a);
  assert_int_equal(b.live, 0);
  env_close(&e);
}

static double cpu_seconds(void) { return (double)clock() / CLOCKS_PER_SEC; }

/* One enormous sentence full of commitments and clause breaks, then the
 * same number of short sentences: both linear. A quadratic pass over
 * sentences x hits would take minutes here. */
static void test_linear_time(void **state) {
  (void)state;
  static const char *const units[] = {
      "we'll refund you within 3 business days, and I will call you back tomorrow, ",
      "We'll refund you within 3 business days, and I will call you back tomorrow. ",
  };
  env e;
  env_open(&e);
  for (int u = 0; u < 2; u++) {
    size_t reps = 20000, ulen = strlen(units[u]);
    char *big = malloc(reps * ulen + 1);
    assert_non_null(big);
    for (size_t i = 0; i < reps; i++) memcpy(big + i * ulen, units[u], ulen);
    big[reps * ulen] = '\0';
    prepare(&e, big);
    double t0 = cpu_seconds();
    find_promises(&e);
    double spent = cpu_seconds() - t0;
    assert_int_equal(e.out.n, 2 * reps);
    if (spent > 5.0) fail_msg("%zu promises took %.1f s", e.out.n, spent);
    free(big);
  }
  env_close(&e);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_phrasings),
      cmocka_unit_test(test_non_promises),
      cmocka_unit_test(test_spans),
      cmocka_unit_test(test_acceptance_attachment),
      cmocka_unit_test(test_acceptance_timex),
      cmocka_unit_test(test_time_attachment),
      cmocka_unit_test(test_policy_flags),
      cmocka_unit_test(test_company_policy),
      cmocka_unit_test(test_default_policies),
      cmocka_unit_test(test_calendar),
      cmocka_unit_test(test_calendar_timex),
      cmocka_unit_test(test_pack_errors),
      cmocka_unit_test(test_model_errors),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_no_allocation_after_warmup),
      cmocka_unit_test(test_linear_time),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
