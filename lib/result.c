/* result.c — analysis entry points and the result object: checks the input,
 * copies the text, runs the stages in order (tokens, then one matcher scan)
 * and answers the accessors and the JSON rendering. A result's arrays keep
 * their capacity, so reusing one stops allocating once it has grown. */
#include <string.h>

#include "engine.h"
#include "error.h"
#include "json.h"
#include "text.h"

struct tact_result {
  const tact_engine *engine;
  tact_allocator alloc;
  tact_buf text;          /* copy of the analyzed text */
  tact_text tokens;
  tact_match_state match;
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
  tact_text_free(&res->tokens, &a);
  tact_match_state_free(&res->match, &a);
  tact_buf_free(&a, &res->json);
  tact_free(&a, res);
}

static void clear(tact_result *res) {
  res->text.len = 0;
  res->tokens.n_tokens = res->tokens.n_sentences = 0;
  memset(res->tokens.stats, 0, sizeof res->tokens.stats);
  res->match.n_hits = 0;
  res->json.len = 0;
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
  if (out->format != TACT_FORMAT_PLAIN)
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
  if (tact_buf_append(&res->alloc, &res->text, input.text, input.length))
    return tact_fail(err, TACT_E_NOMEM, "out of memory copying a %zu-byte input", input.length);
  unsigned opts = (eng->flags & TACT_CONFIG_REPAIR_UTF8) ? TACT_TEXT_REPAIR : 0;
  st = tact_text_analyze(&res->tokens, &res->alloc, res->text.data, res->text.len, opts, err);
  if (st == TACT_OK) st = tact_matcher_scan(eng->matcher, &res->tokens, &res->alloc, &res->match, err);
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

const char *tact_result_json(tact_result *res, unsigned sections, size_t *length,
                             tact_error *err) {
  const unsigned all = TACT_JSON_STATS | TACT_JSON_TOKENS | TACT_JSON_SENTENCES | TACT_JSON_MATCHES;
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
  tact_json_object_end(&j);
  if (j.failed) {
    tact_fail(err, TACT_E_NOMEM, "out of memory writing JSON");
    return NULL;
  }
  if (length) *length = res->json.len;
  return res->json.data;
}
