/* result.c — analysis entry points and the result object: checks the input,
 * copies the text, runs the stages in order (tokens, then one matcher scan)
 * and answers the accessors and the JSON rendering. A result's arrays keep
 * their capacity, so reusing one stops allocating once it has grown. */
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "engine.h"
#include "error.h"
#include "html.h"
#include "json.h"
#include "promise.h"
#include "text.h"
#include "timex.h"
#include "tone.h"
#include "complaint.h"
#include "review.h"

struct tact_result {
  const tact_engine *engine;
  tact_allocator alloc;
  tact_buf text;          /* copy of the analyzed text (for HTML: the extracted text) */
  tact_html_scratch html; /* HTML extraction buffers, reused */
  tact_text tokens;
  tact_match_state match;
  tact_tone tone;
  tact_complaint complaint;
  tact_complaint_scratch complaint_scratch;
  tact_tz *tz;            /* loaded once per zone name, reused */
  int64_t now;            /* the reference time used */
  tact_timex_list times;
  tact_promise_list promises;
  tact_result *customer;  /* the customer's message of a review, created on first need */
  tact_buf customer_key, key_scratch; /* what `customer` analyzed (input_key), or empty */
  int reviewed, has_customer;
  tact_review_out review;
  tact_buf fixed;         /* tact_result_fixed_text() */
  tact_buf json;
};

void tact_input_init(tact_input *in) {
  if (!in) return;
  memset(in, 0, sizeof *in);
  in->size = sizeof *in;
}

tact_result *tact_result_new(const tact_engine *eng, tact_error *err) {
  if (!eng) {
    tact_fail(err, TACT_E_ARG, "engine is NULL");
    return NULL;
  }
  tact_result *res = tact_malloc(&eng->alloc, sizeof *res);
  if (!res) {
    tact_fail(err, TACT_E_NOMEM, "out of memory creating a result");
    return NULL;
  }
  memset(res, 0, sizeof *res);
  res->engine = eng;
  res->alloc = eng->alloc;
  return res;
}

void tact_result_free(tact_result *res) {
  if (!res) return;
  tact_allocator a = res->alloc;
  tact_buf_free(&a, &res->text);
  tact_html_scratch_free(&res->html, &a);
  tact_text_free(&res->tokens, &a);
  tact_match_state_free(&res->match, &a);
  tact_tone_free(&res->tone, &a);
  tact_complaint_scratch_free(&res->complaint_scratch, &a);
  tact_tz_free(res->tz, &a);
  tact_timex_list_free(&res->times, &a);
  tact_promise_list_free(&res->promises, &a);
  tact_result_free(res->customer);
  tact_buf_free(&a, &res->customer_key);
  tact_buf_free(&a, &res->key_scratch);
  tact_review_out_free(&res->review, &a);
  tact_buf_free(&a, &res->fixed);
  tact_buf_free(&a, &res->json);
  tact_free(&a, res);
}

static void clear(tact_result *res) {
  res->text.len = 0;
  res->tokens.n_tokens = res->tokens.n_sentences = 0;
  memset(res->tokens.stats, 0, sizeof res->tokens.stats);
  res->match.n_hits = 0;
  memset(res->tone.scores, 0, sizeof res->tone.scores);
  res->tone.n_evidence = 0;
  memset(&res->complaint, 0, sizeof res->complaint);
  res->times.n = 0;
  res->promises.n = 0;
  res->reviewed = res->has_customer = 0;
  res->review.n = 0;
  res->json.len = 0;
}

/* Month-first dates ("3/4" = March 4) are the custom only in the US and
 * the Philippines; every other English-speaking region writes day first. */
static tact_status day_first_for(const char *locale, int *day_first, tact_error *err) {
  *day_first = 0;
  if (!locale) return TACT_OK;
  size_t n = strlen(locale);
  if (n < 2 || n > 35)
    return tact_fail(err, TACT_E_ARG, "locale '%.40s' is not a language tag like en-US", locale);
  for (size_t i = 0; i < n; i++) {
    char c = locale[i];
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_'))
      return tact_fail(err, TACT_E_ARG, "locale '%.40s' is not a language tag like en-US", locale);
  }
  const char *region = strpbrk(locale, "-_");
  if (!region) return TACT_OK; /* "en": the default, month first */
  region++;
  int us = (region[0] == 'U' || region[0] == 'u') && (region[1] == 'S' || region[1] == 's');
  int ph = (region[0] == 'P' || region[0] == 'p') && (region[1] == 'H' || region[1] == 'h');
  *day_first = !((us || ph) && (region[2] == '\0' || region[2] == '-' || region[2] == '_'));
  return TACT_OK;
}

/* Time expressions and promises, which need the reference time and zone. */
static tact_status find_times_and_promises(const tact_engine *eng, const tact_input *in,
                                           tact_result *res, tact_error *err) {
  tact_timex_ctx ctx;
  memset(&ctx, 0, sizeof ctx);
  tact_status st = day_first_for(in->locale, &ctx.day_first, err);
  if (st != TACT_OK) return st;
  if (in->time_zone) {
    st = tact_tz_load(&res->tz, in->time_zone, &res->alloc, err);
    if (st != TACT_OK) return st;
    ctx.tz = res->tz;
  }
  res->now = in->now ? in->now : (int64_t)time(NULL);
  ctx.now = res->now;
  ctx.holidays = tact_promise_model_holidays(eng->promises, &ctx.n_holidays);
  st = tact_timex_find(&res->tokens, &ctx, &res->alloc, &res->times, err);
  if (st != TACT_OK) return st;
  return tact_promise_find(eng->promises, eng->matcher, &res->tokens, &res->match, &res->times,
                           &ctx, &res->alloc, &res->promises, err);
}

/* The caller's input, with fields past its `size` at their defaults. */
static tact_status read_input(const tact_input *in, tact_input *out, tact_error *err) {
  tact_input_init(out);
  if (!in) return tact_fail(err, TACT_E_ARG, "input is NULL");
  if (in->size < offsetof(tact_input, length) + sizeof in->length || in->size > (1u << 16))
    return tact_fail(err, TACT_E_ARG,
                     "tact_input.size is %zu; initialize the input with tact_input_init()",
                     in->size);
  memcpy(out, in, in->size < sizeof *out ? in->size : sizeof *out);
  if (!out->text && out->length)
    return tact_fail(err, TACT_E_ARG, "input text is NULL but its length is %zu", out->length);
  if ((unsigned)out->role > TACT_ROLE_CUSTOMER)
    return tact_fail(err, TACT_E_ARG, "input role %d is not a tact_role", (int)out->role);
  if (out->format != TACT_FORMAT_PLAIN && out->format != TACT_FORMAT_HTML)
    return tact_fail(err, TACT_E_ARG, "input format %d is not a tact_format", (int)out->format);
  return TACT_OK;
}

tact_status tact_analyze_into(const tact_engine *eng, const tact_input *in, tact_result *res,
                              tact_error *err) {
  if (!eng || !res) return tact_fail(err, TACT_E_ARG, "%s is NULL", eng ? "result" : "engine");
  if (res->engine != eng)
    return tact_fail(err, TACT_E_ARG, "result was created for another engine");
  clear(res);
  if (!eng->built)
    return tact_fail(err, TACT_E_STATE, "engine is not built; call tact_engine_build() first");
  tact_input input;
  tact_status st = read_input(in, &input, err);
  if (st != TACT_OK) return st;
  if (input.length > eng->max_input_bytes)
    return tact_fail_at(err, TACT_E_LIMIT, eng->max_input_bytes,
                        "input is %zu bytes; the limit is %zu (tact_config.max_input_bytes)",
                        input.length, eng->max_input_bytes);
  unsigned opts = (eng->flags & TACT_CONFIG_REPAIR_UTF8) ? TACT_TEXT_REPAIR : 0;
  if (input.format == TACT_FORMAT_HTML) {
    st = tact_html_to_text(input.text, input.length, opts ? TACT_HTML_REPAIR : 0, &res->alloc,
                           &res->html, &res->text, err);
    if (st != TACT_OK) return st;
  } else if (tact_buf_append(&res->alloc, &res->text, input.text, input.length)) {
    return tact_fail(err, TACT_E_NOMEM, "out of memory copying a %zu-byte input", input.length);
  }
  st = tact_text_analyze(&res->tokens, &res->alloc, res->text.data, res->text.len, opts, err);
  if (st == TACT_OK) st = tact_matcher_scan(eng->matcher, &res->tokens, &res->alloc, &res->match, err);
  if (st == TACT_OK)
    st = tact_tone_score(eng->tone, eng->matcher, &res->tokens, &res->match, &res->alloc, &res->tone,
                         err);
  if (st == TACT_OK && input.role == TACT_ROLE_CUSTOMER)
    st = tact_complaint_classify(eng->complaint, eng->matcher, &res->tokens, &res->match,
                                 &res->tone, &res->alloc, &res->complaint_scratch,
                                 &res->complaint, err);
  if (st == TACT_OK) st = find_times_and_promises(eng, &input, res, err);
  if (st != TACT_OK) clear(res);
  return st;
}

tact_result *tact_analyze(const tact_engine *eng, const tact_input *in, tact_error *err) {
  tact_result *res = tact_result_new(eng, err);
  if (!res) return NULL;
  if (tact_analyze_into(eng, in, res, err) != TACT_OK) {
    tact_result_free(res);
    return NULL;
  }
  return res;
}

const char *tact_result_text(const tact_result *res, size_t *length) {
  if (length) *length = res ? res->text.len : 0;
  return res && res->text.data ? res->text.data : "";
}

/* Accessors: an index out of range gives an empty answer, never a crash. */
#define TOKEN_OR(res, i, fallback)                                                               \
  do {                                                                                           \
    if (!(res) || (i) >= (res)->tokens.n_tokens) return fallback;                                \
  } while (0)

static const tact_span no_span = {0, 0};

size_t tact_result_token_count(const tact_result *res) { return res ? res->tokens.n_tokens : 0; }

tact_span tact_token_span(const tact_result *res, size_t i) {
  TOKEN_OR(res, i, no_span);
  tact_span s = {res->tokens.tokens[i].start, res->tokens.tokens[i].end};
  return s;
}

tact_token_kind tact_token_kind_of(const tact_result *res, size_t i) {
  TOKEN_OR(res, i, TACT_TOKEN_NONE);
  return (tact_token_kind)res->tokens.tokens[i].kind;
}

unsigned tact_token_flags(const tact_result *res, size_t i) {
  TOKEN_OR(res, i, 0);
  return res->tokens.tokens[i].flags;
}

const char *tact_token_norm(const tact_result *res, size_t i, size_t *length) {
  if (length) *length = 0;
  TOKEN_OR(res, i, NULL);
  size_t len;
  const char *s = tact_text_norm(&res->tokens, i, &len);
  if (length) *length = len;
  return s;
}

size_t tact_token_sentence(const tact_result *res, size_t i) {
  TOKEN_OR(res, i, 0);
  return res->tokens.tokens[i].sentence;
}

const char *tact_token_kind_name(tact_token_kind kind) {
  static const char *const names[] = {"none",  "word",  "number",  "punct",   "emoji",   "url",
                                      "email", "mention", "hashtag", "symbol", "emoticon"};
  return (unsigned)kind < sizeof names / sizeof names[0] ? names[kind] : "none";
}

size_t tact_result_sentence_count(const tact_result *res) {
  return res ? res->tokens.n_sentences : 0;
}

tact_span tact_sentence_span(const tact_result *res, size_t i) {
  if (!res || i >= res->tokens.n_sentences) return no_span;
  tact_span s = {res->tokens.sentences[i].start, res->tokens.sentences[i].end};
  return s;
}

static const char *const stat_names[TACT_STAT_COUNT] = {
    "bytes",   "codepoints",   "tokens",     "words",  "sentences",
    "letters", "upper_letters", "caps_ratio", "all_caps_words", "exclamations",
    "questions", "emoji",       "syllables",  "repaired_bytes"};

const char *tact_stat_name(tact_stat stat) {
  return (unsigned)stat < TACT_STAT_COUNT ? stat_names[stat] : NULL;
}

double tact_result_stat(const tact_result *res, tact_stat stat) {
  if (!res || (unsigned)stat >= TACT_STAT_COUNT) return -1;
  return res->tokens.stats[stat];
}

size_t tact_result_match_count(const tact_result *res) { return res ? res->match.n_hits : 0; }

static const tact_hit *hit_at(const tact_result *res, size_t i) {
  return res && i < res->match.n_hits ? &res->match.hits[i] : NULL;
}

tact_span tact_match_span(const tact_result *res, size_t i) {
  const tact_hit *h = hit_at(res, i);
  if (!h) return no_span;
  const tact_token *t = res->tokens.tokens;
  tact_span s = {t[h->first_token].start, t[h->first_token + h->n_tokens - 1].end};
  return s;
}

const char *tact_match_lexicon(const tact_result *res, size_t i) {
  const tact_hit *h = hit_at(res, i);
  if (!h) return NULL;
  const tact_compiled_entry *e = tact_matcher_entry(res->engine->matcher, h->entry);
  return res->engine->layers.lexicons[e->lexicon].id;
}

const char *tact_match_entry(const tact_result *res, size_t i) {
  const tact_hit *h = hit_at(res, i);
  return h ? tact_matcher_entry(res->engine->matcher, h->entry)->pattern : NULL;
}

double tact_match_weight(const tact_result *res, size_t i) {
  const tact_hit *h = hit_at(res, i);
  return h ? tact_matcher_entry(res->engine->matcher, h->entry)->weight : 0;
}

size_t tact_match_token(const tact_result *res, size_t i, size_t *token_count) {
  const tact_hit *h = hit_at(res, i);
  if (token_count) *token_count = h ? h->n_tokens : 0;
  return h ? h->first_token : 0;
}


/* ## Time expressions and promises */

static const tact_timex *time_at(const tact_result *res, size_t i) {
  return res && i < res->times.n ? &res->times.items[i] : NULL;
}

/* Byte span of tokens [first, first + n); zero span when n is 0. */
static tact_span token_range_span(const tact_result *res, uint32_t first, uint32_t n) {
  if (!n || first + (size_t)n > res->tokens.n_tokens) return no_span;
  tact_span s = {res->tokens.tokens[first].start, res->tokens.tokens[first + n - 1].end};
  return s;
}

size_t tact_result_time_count(const tact_result *res) { return res ? res->times.n : 0; }

tact_span tact_time_span(const tact_result *res, size_t i) {
  const tact_timex *t = time_at(res, i);
  return t ? token_range_span(res, t->first_token, t->n_tokens) : no_span;
}

tact_time_kind tact_time_kind_of(const tact_result *res, size_t i) {
  const tact_timex *t = time_at(res, i);
  return t ? (tact_time_kind)t->kind : TACT_TIME_NONE;
}

int64_t tact_time_start(const tact_result *res, size_t i) {
  const tact_timex *t = time_at(res, i);
  return t ? t->start : 0;
}

int64_t tact_time_end(const tact_result *res, size_t i) {
  const tact_timex *t = time_at(res, i);
  return t ? t->end : 0;
}

int64_t tact_time_min_seconds(const tact_result *res, size_t i) {
  const tact_timex *t = time_at(res, i);
  return t ? t->min_seconds : 0;
}

int64_t tact_time_max_seconds(const tact_result *res, size_t i) {
  const tact_timex *t = time_at(res, i);
  return t ? t->max_seconds : 0;
}

int tact_time_business_days(const tact_result *res, size_t i) {
  const tact_timex *t = time_at(res, i);
  return t ? t->business_days : 0;
}


/* ## Tone */

static const char *const tone_names[TACT_TONE_DIMS] = {
    "sentiment",  "positive",   "negative",       "neutral",        "politeness",
    "impoliteness", "empathy",  "positivity",     "negative_language", "rudeness",
    "blame",      "defensiveness", "arguing",     "jargon",         "canned",
    "sales_pressure", "hedging", "readability",   "words_per_sentence", "long_sentences",
    "anger"};

double tact_result_tone(const tact_result *res, tact_tone_dim dim) {
  return res && (unsigned)dim < TACT_TONE_DIMS ? res->tone.scores[dim] : 0;
}

const char *tact_tone_dim_name(tact_tone_dim dim) {
  return (unsigned)dim < TACT_TONE_DIMS ? tone_names[dim] : NULL;
}

size_t tact_result_tone_evidence_count(const tact_result *res) {
  return res ? res->tone.n_evidence : 0;
}

static const tact_tone_evidence *evidence_at(const tact_result *res, size_t i) {
  return res && i < res->tone.n_evidence ? &res->tone.evidence[i] : NULL;
}

tact_tone_dim tact_tone_evidence_dim(const tact_result *res, size_t i) {
  const tact_tone_evidence *e = evidence_at(res, i);
  return e ? (tact_tone_dim)e->dim : TACT_TONE_SENTIMENT;
}

tact_span tact_tone_evidence_span(const tact_result *res, size_t i) {
  const tact_tone_evidence *e = evidence_at(res, i);
  return e ? token_range_span(res, e->first_token, e->n_tokens) : no_span;
}

const char *tact_tone_evidence_source(const tact_result *res, size_t i) {
  const tact_tone_evidence *e = evidence_at(res, i);
  return e ? e->source : NULL;
}

double tact_tone_evidence_weight(const tact_result *res, size_t i) {
  const tact_tone_evidence *e = evidence_at(res, i);
  return e ? e->weight : 0;
}


/* ## Complaint */

int tact_result_is_complaint(const tact_result *res) {
  return res && res->complaint.computed && res->complaint.probability >= 0.5;
}

double tact_result_complaint_probability(const tact_result *res) {
  return res && res->complaint.computed ? res->complaint.probability : 0;
}

size_t tact_result_category_count(const tact_result *res) {
  return res && res->complaint.computed ? res->complaint.n_categories : 0;
}

const char *tact_result_category(const tact_result *res, size_t i, double *score) {
  if (score) *score = 0;
  if (i >= tact_result_category_count(res)) return NULL;
  if (score) *score = res->complaint.category_score[i];
  return res->complaint.category[i];
}

const char *tact_result_requested_outcome(const tact_result *res) {
  return res && res->complaint.computed && res->complaint.outcome ? res->complaint.outcome
                                                                   : "none";
}

int tact_result_threat(const tact_result *res, tact_threat threat, tact_span *span) {
  if (span) *span = no_span;
  if (!res || !res->complaint.computed || (unsigned)threat > TACT_THREAT_PUBLIC) return 0;
  const tact_complaint *c = &res->complaint;
  if (!c->threat[threat]) return 0;
  if (span) *span = token_range_span(res, c->threat_first[threat], c->threat_n[threat]);
  return 1;
}

int tact_result_severity(const tact_result *res) {
  return res && res->complaint.computed ? res->complaint.severity : 0;
}

static const tact_promise *promise_at(const tact_result *res, size_t i) {
  return res && i < res->promises.n ? &res->promises.items[i] : NULL;
}

size_t tact_result_promise_count(const tact_result *res) { return res ? res->promises.n : 0; }

tact_span tact_promise_span(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p ? token_range_span(res, p->first_token, p->n_tokens) : no_span;
}

const char *tact_promise_action(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p ? p->action : NULL;
}

tact_actor tact_promise_actor(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p ? (tact_actor)p->actor : TACT_ACTOR_NONE;
}

tact_certainty tact_promise_certainty(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p ? (tact_certainty)p->certainty : TACT_CERTAINTY_NONE;
}

unsigned tact_promise_flags(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p ? p->flags : 0;
}

tact_span tact_promise_object(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p ? token_range_span(res, p->object_first, p->object_n) : no_span;
}

tact_span tact_promise_condition(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p ? token_range_span(res, p->cond_first, p->cond_n) : no_span;
}

size_t tact_promise_time(const tact_result *res, size_t i) {
  const tact_promise *p = promise_at(res, i);
  return p && p->time >= 0 && (size_t)p->time < res->times.n ? (size_t)p->time : (size_t)-1;
}

const char *tact_time_kind_name(tact_time_kind kind) {
  static const char *const names[] = {"none", "duration", "deadline", "vague"};
  return (unsigned)kind < 4 ? names[kind] : "none";
}

const char *tact_actor_name(tact_actor actor) {
  static const char *const names[] = {"none", "we", "i", "you"};
  return (unsigned)actor < 4 ? names[actor] : "none";
}

const char *tact_certainty_name(tact_certainty certainty) {
  static const char *const names[] = {"none", "guaranteed", "firm", "hedged"};
  return (unsigned)certainty < 4 ? names[certainty] : "none";
}

/* ## Reply review */

void tact_review_context_init(tact_review_context *ctx) {
  if (!ctx) return;
  memset(ctx, 0, sizeof *ctx);
  ctx->size = sizeof *ctx;
}

/* Resolves rule switches against the engine's rules into `off` (one byte
 * per rule, from the result's memory). */
static tact_status read_rule_list(const tact_engine *eng, const char *const *ids, size_t n,
                                  const char *what, unsigned char *off, unsigned char value,
                                  tact_error *err) {
  if (n && !ids) return tact_fail(err, TACT_E_ARG, "review context: %s is NULL but n_%s is %zu", what, what, n);
  for (size_t i = 0; i < n; i++) {
    long r = ids[i] ? tact_review_model_find_rule(eng->review, ids[i]) : -1;
    if (r < 0)
      return tact_fail(err, TACT_E_ARG, "review context: %s[%zu] '%.64s' is not a rule id", what,
                       i, ids[i] ? ids[i] : "(null)");
    off[r] = value;
  }
  return TACT_OK;
}

static tact_status analyze_as(const tact_engine *eng, const tact_input *in, tact_role role,
                              tact_result *res, tact_error *err) {
  tact_input copy;
  tact_status st = read_input(in, &copy, err);
  if (st != TACT_OK) return st;
  copy.role = role;
  return tact_analyze_into(eng, &copy, res, err);
}

/* Everything an analysis depends on besides the engine, as bytes: format,
 * reference time, zone, locale and text. Returns 0, or -1 when the input
 * cannot be cached (the reference time is "now") or memory ran out. */
static int input_key(const tact_allocator *a, const tact_input *in, tact_buf *key) {
  key->len = 0;
  if (!in->now) return -1;
  unsigned char format = (unsigned char)in->format;
  const char *zone = in->time_zone ? in->time_zone : "", *locale = in->locale ? in->locale : "";
  if (tact_buf_append(a, key, (const char *)&format, 1) ||
      tact_buf_append(a, key, (const char *)&in->now, sizeof in->now) ||
      tact_buf_append(a, key, zone, strlen(zone) + 1) ||
      tact_buf_append(a, key, locale, strlen(locale) + 1) ||
      tact_buf_append(a, key, in->text ? in->text : "", in->length))
    return -1;
  return 0;
}

/* The customer's message of a review: an editor checks every draft of a
 * reply against the same message, so an analysis of identical input is
 * kept rather than redone. */
static tact_status analyze_customer(const tact_engine *eng, const tact_input *customer,
                                    tact_result *res, tact_error *err) {
  if (!res->customer) {
    res->customer = tact_result_new(eng, err);
    if (!res->customer) return TACT_E_NOMEM;
  }
  tact_input in;
  tact_status st = read_input(customer, &in, err);
  if (st != TACT_OK) return st;
  tact_buf *key = &res->key_scratch;
  int cacheable = input_key(&res->alloc, &in, key) == 0;
  if (cacheable && key->len == res->customer_key.len &&
      memcmp(key->data, res->customer_key.data, key->len) == 0)
    return TACT_OK;
  res->customer_key.len = 0;
  in.role = TACT_ROLE_CUSTOMER;
  st = tact_analyze_into(eng, &in, res->customer, err);
  if (st == TACT_OK && cacheable) { /* the new key becomes the kept one */
    tact_buf kept = res->customer_key;
    res->customer_key = *key;
    *key = kept;
  }
  return st;
}

static void review_message(tact_result *r, tact_review_message *m) {
  m->text = r->text.data ? r->text.data : "";
  m->len = r->text.len;
  m->t = &r->tokens;
  m->hits = &r->match;
  m->tone = &r->tone;
  m->times = &r->times;
  m->promises = &r->promises;
  m->complaint = &r->complaint;
}

tact_status tact_review_into(const tact_engine *eng, const tact_input *customer,
                             const tact_input *reply, const tact_review_context *ctx,
                             tact_result *res, tact_error *err) {
  tact_review_context c;
  tact_review_context_init(&c);
  if (ctx) {
    if (ctx->size < offsetof(tact_review_context, customer_name) + sizeof ctx->customer_name ||
        ctx->size > (1u << 16))
      return tact_fail(err, TACT_E_ARG,
                       "tact_review_context.size is %zu; initialize it with "
                       "tact_review_context_init()",
                       ctx->size);
    memcpy(&c, ctx, ctx->size < sizeof c ? ctx->size : sizeof c);
  }
  if (!eng || !res) return tact_fail(err, TACT_E_ARG, "%s is NULL", eng ? "result" : "engine");
  if (res->engine != eng) return tact_fail(err, TACT_E_ARG, "result was created for another engine");
  if (!eng->built)
    return tact_fail(err, TACT_E_STATE, "engine is not built; call tact_engine_build() first");
  tact_review_options opt = {c.customer_name, -1, NULL, 0};
  if (c.profile) {
    opt.profile = tact_review_model_find_profile(eng->review, c.profile);
    if (opt.profile < 0)
      return tact_fail(err, TACT_E_ARG, "review context: no pack defines profile '%.64s'", c.profile);
  }
  if (customer) {
    tact_status st = analyze_customer(eng, customer, res, err);
    if (st != TACT_OK) {
      clear(res);
      return st;
    }
  }
  tact_status st = analyze_as(eng, reply, TACT_ROLE_AGENT, res, err);
  if (st != TACT_OK) return st;
  size_t n_rules = tact_review_model_rule_count(eng->review);
  unsigned char *off = NULL;
  if (c.n_only || c.n_disable) {
    if (tact_grow(&res->alloc, (void **)&res->review.rule_off, &res->review.cap_rule_off,
                  n_rules + 1, 1)) {
      clear(res);
      return tact_fail(err, TACT_E_NOMEM, "out of memory reviewing a reply");
    }
    off = res->review.rule_off;
    memset(off, c.n_only ? 1 : 0, n_rules + 1);
    st = read_rule_list(eng, c.only, c.n_only, "only", off, 0, err);
    if (st == TACT_OK) st = read_rule_list(eng, c.disable, c.n_disable, "disable", off, 1, err);
    if (st != TACT_OK) {
      clear(res);
      return st;
    }
    opt.rule_off = off;
    opt.only_mode = c.n_only > 0;
  }
  tact_review_message rm, cm;
  review_message(res, &rm);
  if (customer) review_message(res->customer, &cm);
  st = tact_review_run(eng->review, eng->matcher, &rm, customer ? &cm : NULL, &opt, &res->alloc,
                       &res->review, err);
  if (st != TACT_OK) {
    clear(res);
    return st;
  }
  res->reviewed = 1;
  res->has_customer = customer != NULL;
  return TACT_OK;
}

tact_result *tact_review(const tact_engine *eng, const tact_input *customer,
                         const tact_input *reply, const tact_review_context *ctx,
                         tact_error *err) {
  tact_result *res = tact_result_new(eng, err);
  if (!res) return NULL;
  if (tact_review_into(eng, customer, reply, ctx, res, err) != TACT_OK) {
    tact_result_free(res);
    return NULL;
  }
  return res;
}

int tact_result_score(const tact_result *res) {
  return res && res->reviewed ? res->review.score : -1;
}

const tact_result *tact_result_customer(const tact_result *res) {
  return res && res->reviewed && res->has_customer ? res->customer : NULL;
}

size_t tact_result_finding_count(const tact_result *res) {
  return res && res->reviewed ? res->review.n : 0;
}

static const tact_finding_rec *finding_at(const tact_result *res, size_t i) {
  return res && res->reviewed && i < res->review.n ? &res->review.items[i] : NULL;
}

static const tact_rule *finding_rule(const tact_result *res, const tact_finding_rec *f) {
  return tact_review_model_rule(res->engine->review, f->rule);
}

const char *tact_finding_rule(const tact_result *res, size_t i) {
  const tact_finding_rec *f = finding_at(res, i);
  return f ? finding_rule(res, f)->id : NULL;
}

tact_finding_kind tact_finding_kind_of(const tact_result *res, size_t i) {
  const tact_finding_rec *f = finding_at(res, i);
  return f ? (tact_finding_kind)f->kind : TACT_FINDING_VIOLATION;
}

tact_severity tact_finding_severity(const tact_result *res, size_t i) {
  const tact_finding_rec *f = finding_at(res, i);
  return f ? (tact_severity)f->severity : TACT_SEVERITY_INFO;
}

int tact_finding_span(const tact_result *res, size_t i, tact_span *span) {
  const tact_finding_rec *f = finding_at(res, i);
  if (span) *span = no_span;
  if (!f || !f->has_span) return 0;
  if (span) span->start = f->start, span->end = f->end;
  return 1;
}

const char *tact_finding_evidence(const tact_result *res, size_t i) {
  const tact_finding_rec *f = finding_at(res, i);
  return f ? res->review.strings.data + f->evidence : NULL;
}

const char *tact_finding_message(const tact_result *res, size_t i) {
  const tact_finding_rec *f = finding_at(res, i);
  if (!f) return NULL;
  const tact_rule *r = finding_rule(res, f);
  const char *m = f->kind == TACT_FINDING_GOOD && r->praise ? r->praise : r->message;
  return m ? m : r->id;
}

const char *tact_finding_suggestion(const tact_result *res, size_t i) {
  const tact_finding_rec *f = finding_at(res, i);
  if (!f) return NULL;
  const char *s = finding_rule(res, f)->suggestion;
  return s ? s : "";
}

double tact_finding_confidence(const tact_result *res, size_t i) {
  const tact_finding_rec *f = finding_at(res, i);
  return f ? f->confidence : 0;
}

const char *tact_finding_fix(const tact_result *res, size_t i, tact_span *span) {
  const tact_finding_rec *f = finding_at(res, i);
  if (span) *span = no_span;
  if (!f || !f->has_fix) return NULL;
  if (span) span->start = f->fix_start, span->end = f->fix_end;
  return res->review.strings.data + f->replace;
}

const char *tact_result_fixed_text(tact_result *res, size_t *length, tact_error *err) {
  if (length) *length = 0;
  if (!res) {
    tact_fail(err, TACT_E_ARG, "result is NULL");
    return NULL;
  }
  const char *text = res->text.data ? res->text.data : "";
  size_t at = 0, n = tact_result_finding_count(res);
  res->fixed.len = 0;
  int failed = 0;
  for (size_t i = 0; i <= n && !failed; i++) {
    tact_span sp = {res->text.len, res->text.len};
    const char *fix = "";
    if (i < n) {
      fix = tact_finding_fix(res, i, &sp);
      if (!fix || sp.start < at) continue;
    }
    failed = tact_buf_append(&res->alloc, &res->fixed, text + at, sp.start - at) ||
             tact_buf_append(&res->alloc, &res->fixed, fix, strlen(fix));
    at = sp.end;
  }
  if (failed || tact_buf_append(&res->alloc, &res->fixed, "", 1)) {
    tact_fail(err, TACT_E_NOMEM, "out of memory applying fixes");
    return NULL;
  }
  if (length) *length = res->fixed.len - 1;
  return res->fixed.data;
}

const char *tact_finding_kind_name(tact_finding_kind kind) {
  static const char *const names[] = {"violation", "missing", "good"};
  return (unsigned)kind < 3 ? names[kind] : "violation";
}

const char *tact_severity_name(tact_severity severity) {
  static const char *const names[] = {"info", "warning", "error"};
  return (unsigned)severity < 3 ? names[severity] : "info";
}

static void json_span(tact_json *j, size_t start, size_t end) {
  tact_json_key(j, "start");
  tact_json_uint(j, start);
  tact_json_key(j, "end");
  tact_json_uint(j, end);
}

static void json_stats(tact_json *j, const tact_result *res) {
  tact_json_key(j, "stats");
  tact_json_object_begin(j);
  for (unsigned s = 0; s < TACT_STAT_COUNT; s++) {
    tact_json_key(j, stat_names[s]);
    tact_json_double(j, res->tokens.stats[s]);
  }
  tact_json_object_end(j);
}

static void json_token_flags(tact_json *j, unsigned flags) {
  static const char *const names[] = {"all_caps", "capitalized", "clitic", "space_before"};
  tact_json_key(j, "flags");
  tact_json_array_begin(j);
  for (unsigned b = 0; b < 4; b++)
    if (flags & (1u << b)) tact_json_cstring(j, names[b]);
  tact_json_array_end(j);
}

static void json_tokens(tact_json *j, const tact_result *res) {
  tact_json_key(j, "tokens");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->tokens.n_tokens; i++) {
    const tact_token *t = &res->tokens.tokens[i];
    size_t nlen;
    const char *norm = tact_text_norm(&res->tokens, i, &nlen);
    tact_json_object_begin(j);
    json_span(j, t->start, t->end);
    tact_json_key(j, "kind");
    tact_json_cstring(j, tact_token_kind_name((tact_token_kind)t->kind));
    tact_json_key(j, "text");
    tact_json_string(j, res->text.data + t->start, t->end - t->start);
    tact_json_key(j, "norm");
    tact_json_string(j, norm, nlen);
    tact_json_key(j, "sentence");
    tact_json_uint(j, t->sentence);
    json_token_flags(j, t->flags);
    tact_json_object_end(j);
  }
  tact_json_array_end(j);
}

static void json_sentences(tact_json *j, const tact_result *res) {
  tact_json_key(j, "sentences");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->tokens.n_sentences; i++) {
    const tact_sentence *s = &res->tokens.sentences[i];
    tact_json_object_begin(j);
    json_span(j, s->start, s->end);
    tact_json_key(j, "first_token");
    tact_json_uint(j, s->first_token);
    tact_json_key(j, "token_count");
    tact_json_uint(j, s->token_count);
    tact_json_object_end(j);
  }
  tact_json_array_end(j);
}

static void json_matches(tact_json *j, const tact_result *res) {
  tact_json_key(j, "matches");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->match.n_hits; i++) {
    tact_span sp = tact_match_span(res, i);
    const tact_hit *h = &res->match.hits[i];
    tact_json_object_begin(j);
    json_span(j, sp.start, sp.end);
    tact_json_key(j, "lexicon");
    tact_json_cstring(j, tact_match_lexicon(res, i));
    tact_json_key(j, "entry");
    tact_json_cstring(j, tact_match_entry(res, i));
    tact_json_key(j, "weight");
    tact_json_double(j, tact_match_weight(res, i));
    tact_json_key(j, "first_token");
    tact_json_uint(j, h->first_token);
    tact_json_key(j, "token_count");
    tact_json_uint(j, h->n_tokens);
    tact_json_object_end(j);
  }
  tact_json_array_end(j);
}


/* "2026-03-11T16:00:00Z": instants are written in UTC. */
static void json_iso(tact_json *j, int64_t t) {
  int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
  int64_t secs = t - days * 86400, y;
  unsigned m, d;
  tact_civil_from_days(days, &y, &m, &d);
  char buf[40];
  int n = snprintf(buf, sizeof buf, "%04lld-%02u-%02uT%02d:%02d:%02dZ", (long long)y, m, d,
                   (int)(secs / 3600), (int)(secs / 60 % 60), (int)(secs % 60));
  tact_json_string(j, buf, (size_t)n);
}

static void json_text_of(tact_json *j, const tact_result *res, tact_span sp) {
  tact_json_string(j, res->text.data + sp.start, sp.end - sp.start);
}

static void json_span_object(tact_json *j, const char *key, tact_span sp) {
  tact_json_key(j, key);
  tact_json_object_begin(j);
  json_span(j, sp.start, sp.end);
  tact_json_object_end(j);
}


static void json_tone(tact_json *j, const tact_result *res) {
  tact_json_key(j, "tone");
  tact_json_object_begin(j);
  tact_json_key(j, "scores");
  tact_json_object_begin(j);
  for (unsigned d = 0; d < TACT_TONE_DIMS; d++) {
    tact_json_key(j, tone_names[d]);
    tact_json_double(j, res->tone.scores[d]);
  }
  tact_json_object_end(j);
  tact_json_key(j, "evidence");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->tone.n_evidence; i++) {
    const tact_tone_evidence *e = &res->tone.evidence[i];
    tact_span sp = tact_tone_evidence_span(res, i);
    tact_json_object_begin(j);
    tact_json_key(j, "dim");
    tact_json_cstring(j, e->dim < TACT_TONE_DIMS ? tone_names[e->dim] : "unknown");
    tact_json_key(j, "text");
    json_text_of(j, res, sp);
    json_span_object(j, "span", sp);
    tact_json_key(j, "source");
    tact_json_cstring(j, e->source);
    tact_json_key(j, "weight");
    tact_json_double(j, e->weight);
    tact_json_object_end(j);
  }
  tact_json_array_end(j);
  tact_json_object_end(j);
}


static void json_complaint(tact_json *j, const tact_result *res) {
  static const char *const threats[] = {"escalation", "churn", "public"};
  tact_json_key(j, "complaint");
  if (!res->complaint.computed) {
    tact_json_null(j); /* only customer messages are classified */
    return;
  }
  tact_json_object_begin(j);
  tact_json_key(j, "is_complaint");
  tact_json_bool(j, tact_result_is_complaint(res));
  tact_json_key(j, "probability");
  tact_json_double(j, res->complaint.probability);
  tact_json_key(j, "categories");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->complaint.n_categories; i++) {
    tact_json_object_begin(j);
    tact_json_key(j, "name");
    tact_json_cstring(j, res->complaint.category[i]);
    tact_json_key(j, "score");
    tact_json_double(j, res->complaint.category_score[i]);
    tact_json_object_end(j);
  }
  tact_json_array_end(j);
  tact_json_key(j, "requested_outcome");
  tact_json_cstring(j, tact_result_requested_outcome(res));
  tact_json_key(j, "threats");
  tact_json_object_begin(j);
  for (int t = 0; t < 3; t++) {
    tact_span sp;
    tact_json_key(j, threats[t]);
    if (!tact_result_threat(res, (tact_threat)t, &sp)) {
      tact_json_null(j);
      continue;
    }
    tact_json_object_begin(j);
    tact_json_key(j, "text");
    json_text_of(j, res, sp);
    json_span_object(j, "span", sp);
    tact_json_object_end(j);
  }
  tact_json_object_end(j);
  tact_json_key(j, "anger");
  tact_json_double(j, res->tone.scores[TACT_TONE_ANGER]);
  tact_json_key(j, "severity");
  tact_json_int(j, res->complaint.severity);
  tact_json_object_end(j);
}

static void json_time(tact_json *j, const tact_result *res, size_t i) {
  static const char *const grains[] = {"none", "second", "minute", "hour", "day",
                                       "week", "month", "quarter", "year"};
  const tact_timex *t = &res->times.items[i];
  tact_span sp = tact_time_span(res, i);
  tact_json_object_begin(j);
  tact_json_key(j, "kind");
  tact_json_cstring(j, tact_time_kind_name((tact_time_kind)t->kind));
  tact_json_key(j, "text");
  json_text_of(j, res, sp);
  json_span_object(j, "span", sp);
  tact_json_key(j, "grain");
  tact_json_cstring(j, t->grain < 9 ? grains[t->grain] : "none");
  tact_json_key(j, "min_seconds");
  tact_json_int(j, t->min_seconds);
  tact_json_key(j, "max_seconds");
  tact_json_int(j, t->max_seconds);
  tact_json_key(j, "business_days");
  tact_json_uint(j, t->business_days);
  tact_json_key(j, "start");
  json_iso(j, t->start);
  tact_json_key(j, "end");
  json_iso(j, t->end);
  tact_json_key(j, "start_unix");
  tact_json_int(j, t->start);
  tact_json_key(j, "end_unix");
  tact_json_int(j, t->end);
  tact_json_object_end(j);
}

static void json_times(tact_json *j, const tact_result *res) {
  tact_json_key(j, "reference_time");
  json_iso(j, res->now);
  tact_json_key(j, "times");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->times.n; i++) json_time(j, res, i);
  tact_json_array_end(j);
}

static void json_promise_flags(tact_json *j, unsigned flags) {
  static const char *const names[] = {"no-timeframe",       "vague-timeframe", "faster-than-policy",
                                      "slower-than-policy", "guarantee",       "conditional"};
  tact_json_key(j, "flags");
  tact_json_array_begin(j);
  for (unsigned b = 0; b < 6; b++)
    if (flags & (1u << b)) tact_json_cstring(j, names[b]);
  tact_json_array_end(j);
}

static void json_optional_text(tact_json *j, const tact_result *res, const char *key, tact_span sp) {
  tact_json_key(j, key);
  if (sp.end > sp.start) json_text_of(j, res, sp);
  else tact_json_null(j);
}

static void json_promises(tact_json *j, const tact_result *res) {
  tact_json_key(j, "promises");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->promises.n; i++) {
    tact_span sp = tact_promise_span(res, i);
    tact_json_object_begin(j);
    tact_json_key(j, "text");
    json_text_of(j, res, sp);
    json_span_object(j, "span", sp);
    tact_json_key(j, "actor");
    tact_json_cstring(j, tact_actor_name(tact_promise_actor(res, i)));
    tact_json_key(j, "action");
    tact_json_cstring(j, tact_promise_action(res, i));
    json_optional_text(j, res, "object", tact_promise_object(res, i));
    tact_json_key(j, "certainty");
    tact_json_cstring(j, tact_certainty_name(tact_promise_certainty(res, i)));
    json_optional_text(j, res, "condition", tact_promise_condition(res, i));
    tact_json_key(j, "timeframe");
    size_t t = tact_promise_time(res, i);
    if (t == (size_t)-1) {
      tact_json_object_begin(j);
      tact_json_key(j, "kind");
      tact_json_cstring(j, "none");
      tact_json_object_end(j);
    } else {
      json_time(j, res, t);
    }
    json_promise_flags(j, tact_promise_flags(res, i));
    tact_json_object_end(j);
  }
  tact_json_array_end(j);
}

static void json_review(tact_json *j, tact_result *res) {
  tact_json_key(j, "review");
  if (!res->reviewed) {
    tact_json_null(j);
    return;
  }
  tact_json_object_begin(j);
  tact_json_key(j, "score");
  tact_json_uint(j, (size_t)res->review.score);
  tact_json_key(j, "findings");
  tact_json_array_begin(j);
  for (size_t i = 0; i < res->review.n; i++) {
    tact_json_object_begin(j);
    tact_json_key(j, "rule");
    tact_json_cstring(j, tact_finding_rule(res, i));
    tact_json_key(j, "kind");
    tact_json_cstring(j, tact_finding_kind_name(tact_finding_kind_of(res, i)));
    tact_json_key(j, "severity");
    tact_json_cstring(j, tact_severity_name(tact_finding_severity(res, i)));
    tact_span sp;
    if (tact_finding_span(res, i, &sp)) {
      json_span(j, sp.start, sp.end);
      tact_json_key(j, "text");
      tact_json_string(j, res->text.data + sp.start, sp.end - sp.start);
    }
    tact_json_key(j, "confidence");
    tact_json_double(j, tact_finding_confidence(res, i));
    tact_json_key(j, "evidence");
    tact_json_cstring(j, tact_finding_evidence(res, i));
    tact_json_key(j, "message");
    tact_json_cstring(j, tact_finding_message(res, i));
    tact_json_key(j, "suggestion");
    tact_json_cstring(j, tact_finding_suggestion(res, i));
    const char *fix = tact_finding_fix(res, i, &sp);
    if (fix) {
      tact_json_key(j, "fix");
      tact_json_object_begin(j);
      json_span(j, sp.start, sp.end);
      tact_json_key(j, "replacement");
      tact_json_cstring(j, fix);
      tact_json_object_end(j);
    }
    tact_json_object_end(j);
  }
  tact_json_array_end(j);
  tact_json_object_end(j);
  tact_json_key(j, "customer");
  if (!res->has_customer) {
    tact_json_null(j);
    return;
  }
  tact_json_object_begin(j);
  tact_json_key(j, "text_length");
  tact_json_uint(j, res->customer->text.len);
  json_tone(j, res->customer);
  json_complaint(j, res->customer);
  tact_json_object_end(j);
}

const char *tact_result_json(tact_result *res, unsigned sections, size_t *length,
                             tact_error *err) {
  const unsigned all = TACT_JSON_STATS | TACT_JSON_TOKENS | TACT_JSON_SENTENCES |
                       TACT_JSON_MATCHES | TACT_JSON_TIMES | TACT_JSON_PROMISES | TACT_JSON_TONE |
                       TACT_JSON_COMPLAINT | TACT_JSON_REVIEW;
  if (length) *length = 0;
  if (!res) {
    tact_fail(err, TACT_E_ARG, "result is NULL");
    return NULL;
  }
  if (sections & ~all) {
    tact_fail(err, TACT_E_ARG, "unknown JSON section bits 0x%x", sections & ~all);
    return NULL;
  }
  if (!sections) sections = all;
  tact_json j;
  tact_json_init(&j, &res->alloc, &res->json);
  tact_json_object_begin(&j);
  tact_json_key(&j, "text_length");
  tact_json_uint(&j, res->text.len);
  if (sections & TACT_JSON_STATS) json_stats(&j, res);
  if (sections & TACT_JSON_TOKENS) json_tokens(&j, res);
  if (sections & TACT_JSON_SENTENCES) json_sentences(&j, res);
  if (sections & TACT_JSON_MATCHES) json_matches(&j, res);
  if (sections & TACT_JSON_TONE) json_tone(&j, res);
  if (sections & TACT_JSON_TIMES) json_times(&j, res);
  if (sections & TACT_JSON_PROMISES) json_promises(&j, res);
  if (sections & TACT_JSON_COMPLAINT) json_complaint(&j, res);
  if (sections & TACT_JSON_REVIEW) json_review(&j, res);
  tact_json_object_end(&j);
  if (j.failed) {
    tact_fail(err, TACT_E_NOMEM, "out of memory writing JSON");
    return NULL;
  }
  if (length) *length = res->json.len;
  return res->json.data;
}
