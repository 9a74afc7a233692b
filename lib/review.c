/* review.c — findings for an agent's reply in its conversation. Every rule
 * comes from the packs; this file gives the rule clauses of pack.h their
 * meaning (reference: docs/packs.md "Rules", docs/rules.md):
 *
 *   <use lexicon|signal>  the spans a rule looks for in the reply, minus
 *                         those with an `unless` lexicon nearby, or without
 *                         a `with` lexicon nearby (scope: sentence, near =
 *                         the sentence and its neighbours, message);
 *   <when fact>           conversation facts (the customer complained, asked
 *                         when, gave a name; a lexicon has a hit in one of
 *                         the messages) that make a do owed or a don't apply;
 *   <limit>               a statistic or a count per message or sentence;
 *   <cover signal>        each such item of the customer's must be answered.
 *
 * A don't gives one violation per span (or per limit broken); a do gives a
 * "good" finding for its first span, or, when owed and absent, a "missing"
 * one. Signals are spans the other stages found: questions, the customer's
 * name, promises and their flags, time expressions, undefined acronyms.
 * The score is 100 minus a penalty per finding (docs/rules.md). */
#include "review.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "hash.h"

enum { SCOPE_SENTENCE = 0, SCOPE_NEAR = 1, SCOPE_MESSAGE = 2 };
enum { SRC_LEXICON = 0, SRC_SIGNAL = 1, SRC_STAT = 2 };
enum { SIDE_REPLY = 0, SIDE_CUSTOMER = 1 };

/* ## Names the packs may use */

typedef enum signal_id {
  SIG_QUESTION, SIG_EXCLAMATION, SIG_NAME, SIG_PROMISE, SIG_PROMISE_GUARANTEE,
  SIG_PROMISE_UNTIMED, SIG_PROMISE_VAGUE, SIG_PROMISE_FAST, SIG_PROMISE_SLOW, SIG_PROMISE_TIMED,
  SIG_TIME, SIG_TIME_VAGUE, SIG_ACRONYM, SIG_CUSTOMER_QUESTION, SIG_COUNT
} signal_id;

static const char *const SIGNALS[SIG_COUNT] = {
    "question",          "exclamation",     "name",        "promise",
    "promise.guarantee", "promise.untimed", "promise.vague-time",
    "promise.faster-than-policy", "promise.slower-than-policy", "promise.timed", "time",
    "time.vague",        "acronym.undefined", "customer.question"};

typedef enum stat_id {
  STAT_WORDS, STAT_SENTENCES, STAT_QUESTIONS, STAT_EXCLAMATIONS, STAT_WORDS_PER_SENTENCE,
  STAT_READING_EASE, STAT_BYTES, STAT_CAPS_RATIO, STAT_EMOJI, STAT_COUNT
} stat_id;

static const char *const STATS[STAT_COUNT] = {
    "words", "sentences", "questions", "exclamations", "words-per-sentence",
    "reading-ease", "bytes", "caps-ratio", "emoji"};

typedef enum fact_id {
  FACT_ALWAYS, FACT_CUSTOMER, FACT_COMPLAINT, FACT_REQUESTED_ACTION, FACT_QUESTIONS,
  FACT_ESCALATION, FACT_THREAT, FACT_ANGRY, FACT_SEVERE, FACT_NAME_KNOWN, FACT_REPLY_PROMISE,
  FACT_COUNT
} fact_id;

static const char *const FACTS[FACT_COUNT] = {
    "always", "customer", "customer.complaint", "customer.requested-action",
    "customer.questions", "customer.escalation", "customer.threat", "customer.angry",
    "customer.severe", "name.known", "reply.promise"};

static int name_index(const char *s, size_t n, const char *const *names, int count) {
  for (int i = 0; i < count; i++)
    if (strlen(names[i]) == n && memcmp(names[i], s, n) == 0) return i;
  return -1;
}

/* ## The compiled model */

#define MAX_WATCH 64 /* lexicons named by unless/with/facts: one bit each */

typedef struct atom {
  uint8_t side;   /* 0 fact, 1 customer lexicon, 2 reply lexicon */
  uint16_t id;    /* fact_id or watch bit */
} atom;

typedef struct when_clause {
  atom *atoms;      /* any of them makes the clause hold ... */
  size_t n;
  atom *nots;       /* ... unless one of these holds */
  size_t n_nots;
} when_clause;

typedef struct use_clause {
  uint8_t src, scope;
  uint8_t in_dont;   /* the clause belongs to a don't */
  uint32_t id;    /* lexicon index or signal_id */
  uint64_t unless, with;
} use_clause;

typedef struct limit_clause {
  uint8_t src, scope;
  uint32_t id;    /* lexicon index, signal_id or stat_id */
  double min, max;
  int has_min, has_max;
} limit_clause;

typedef struct rv_rule {
  const tact_rule *rule;
  int is_do;
  uint8_t severity;
  double min_confidence;
  use_clause *uses;
  size_t n_uses;
  when_clause *whens;
  size_t n_whens;
  limit_clause *limits;
  size_t n_limits;
  uint32_t *covers; /* signal ids */
  size_t n_covers;
} rv_rule;

/* What a profile changes in one rule (NAN / -1: unchanged). */
typedef struct rv_override {
  int8_t severity, enabled;
  double min_confidence;
  double min[3], max[3]; /* limit bounds by scope (SCOPE_*) */
} rv_override;

struct tact_review_model {
  tact_arena arena;
  rv_rule *rules;
  size_t n_rules;
  rv_override **profiles;   /* per profile: one override per rule */
  size_t n_profiles;
  const tact_layers *layers;
  int32_t *watch_bit;       /* per lexicon: its bit, or -1 */
  uint32_t watch_lex[MAX_WATCH]; /* per bit: the lexicon */
  size_t n_watch;
  long function_words;      /* lexicon review.function-word, or -1 */
  long vocabulary;          /* lexicon vocabulary (never jargon), or -1 */
  unsigned char *negatable; /* per lexicon: a negated hit does not count (not read by a don't) */
};

/* A severity the loader checked ("info", "warning", "error"), as named by
 * tact_severity_name(). */
static uint8_t severity_of(const char *name) {
  uint8_t s = TACT_SEVERITY_INFO;
  while (s < TACT_SEVERITY_ERROR && strcmp(tact_severity_name((tact_severity)s), name) != 0) s++;
  return s;
}

/* "pack:line: rule 'id': <what> '<name>'<tail>" */
static tact_status rule_fail(const tact_rule *r, unsigned line, tact_error *err, const char *what,
                             const char *name) {
  const char *tail = strchr(what, '|'); /* "unknown signal|; docs/packs.md lists them" */
  int what_len = tail ? (int)(tail - what) : (int)strlen(what);
  return tact_fail_pack(err, TACT_E_PACK, r->source, line ? line : r->line, 0,
                        "%s:%u: rule '%s': %.*s '%s'%s", r->source, line ? line : r->line, r->id,
                        what_len, what, name, tail ? tail + 1 : "");
}

/* The index of lexicon `id`, which a clause of rule `r` names. */
static tact_status find_lexicon(const tact_review_model *rm, const char *id, const tact_rule *r,
                                unsigned line, long *lexicon, tact_error *err) {
  *lexicon = tact_layers_find_lexicon(rm->layers, id);
  if (*lexicon >= 0) return TACT_OK;
  return rule_fail(r, line, err, "names lexicon|, which no pack defines (or a pack disabled it)", id);
}

/* The watch bit of lexicon `id` (named by unless, with or a fact). */
static tact_status watch(tact_review_model *rm, const char *id, const tact_rule *r, unsigned line,
                         int *bit, tact_error *err) {
  long lexicon;
  tact_status st = find_lexicon(rm, id, r, line, &lexicon, err);
  if (st != TACT_OK) return st;
  if (rm->watch_bit[lexicon] < 0) {
    if (rm->n_watch >= MAX_WATCH)
      return rule_fail(r, line, err, "more than 64 lexicons are named by unless, with and facts; at",
                       rm->layers->lexicons[lexicon].id);
    rm->watch_lex[rm->n_watch] = (uint32_t)lexicon;
    rm->watch_bit[lexicon] = (int32_t)rm->n_watch++;
  }
  *bit = rm->watch_bit[lexicon];
  return TACT_OK;
}

/* The next word of a space-separated list (the loader checked each is an
 * id, with an optional customer:/reply: prefix) into `word`; 0 at the end. */
static int next_word(const char **p, char *word, size_t cap) {
  const char *s = *p;
  while (s && *s == ' ') s++;
  size_t k = 0;
  while (s && s[k] && s[k] != ' ') k++;
  if (!k) return 0;
  snprintf(word, cap, "%.*s", (int)k, s);
  *p = s + k;
  return 1;
}

/* A space-separated list of lexicon ids as a watch mask. */
static tact_status watch_list(tact_review_model *rm, const char *list, const tact_rule *r,
                              unsigned line, uint64_t *mask, tact_error *err) {
  *mask = 0;
  char id[80];
  for (const char *p = list; next_word(&p, id, sizeof id);) {
    int bit = 0;
    tact_status st = watch(rm, id, r, line, &bit, err);
    if (st != TACT_OK) return st;
    *mask |= 1ull << bit;
  }
  return TACT_OK;
}

static tact_status compile_atoms(tact_review_model *rm, const char *list, const tact_pack_clause *c,
                                 const tact_rule *r, atom **out, size_t *n_out, tact_error *err) {
  size_t count = 0;
  char name[80];
  for (const char *p = list; next_word(&p, name, sizeof name);) count++;
  *out = tact_arena_calloc(&rm->arena, count, sizeof **out);
  *n_out = 0;
  if (count && !*out) return tact_fail(err, TACT_E_NOMEM, "out of memory compiling rules");
  for (const char *p = list; next_word(&p, name, sizeof name);) {
    atom *a = &(*out)[(*n_out)++];
    const char *lex = NULL;
    if (strncmp(name, "customer:", 9) == 0) a->side = 1, lex = name + 9;
    else if (strncmp(name, "reply:", 6) == 0) a->side = 2, lex = name + 6;
    if (lex) {
      int bit = 0;
      tact_status st = watch(rm, lex, r, c->line, &bit, err);
      if (st != TACT_OK) return st;
      a->id = (uint16_t)bit;
    } else {
      int f = name_index(name, strlen(name), FACTS, FACT_COUNT);
      if (f < 0) return rule_fail(r, c->line, err, "unknown fact|; docs/packs.md lists the facts", name);
      a->id = (uint16_t)f;
    }
  }
  return TACT_OK;
}

static tact_status compile_when(tact_review_model *rm, const tact_pack_clause *c,
                                const tact_rule *r, when_clause *w, tact_error *err) {
  tact_status st = compile_atoms(rm, c->facts, c, r, &w->atoms, &w->n, err);
  if (st == TACT_OK && c->unless) st = compile_atoms(rm, c->unless, c, r, &w->nots, &w->n_nots, err);
  return st;
}

static int scope_of(const char *s, int fallback) {
  if (!s) return fallback;
  return strcmp(s, "sentence") == 0 ? SCOPE_SENTENCE
         : strcmp(s, "near") == 0   ? SCOPE_NEAR
                                    : SCOPE_MESSAGE;
}

static tact_status compile_source(tact_review_model *rm, const tact_pack_clause *c,
                                  const tact_rule *r, uint8_t *src, uint32_t *id,
                                  tact_error *err) {
  if (c->lexicon) {
    long lx;
    tact_status st = find_lexicon(rm, c->lexicon, r, c->line, &lx, err);
    if (st != TACT_OK) return st;
    *src = SRC_LEXICON;
    *id = (uint32_t)lx;
  } else if (c->signal) {
    int s = name_index(c->signal, strlen(c->signal), SIGNALS, SIG_COUNT);
    if (s < 0) return rule_fail(r, c->line, err, "unknown signal|; docs/packs.md lists the signals", c->signal);
    *src = SRC_SIGNAL;
    *id = (uint32_t)s;
  } else {
    int s = name_index(c->stat, strlen(c->stat), STATS, STAT_COUNT);
    if (s < 0) return rule_fail(r, c->line, err, "unknown stat|; docs/packs.md lists the stats", c->stat);
    *src = SRC_STAT;
    *id = (uint32_t)s;
  }
  return TACT_OK;
}

static tact_status compile_rule(tact_review_model *rm, const tact_rule *r, rv_rule *out,
                                tact_error *err) {
  tact_arena *ar = &rm->arena;
  out->rule = r;
  out->is_do = strcmp(r->kind, "do") == 0;
  out->severity = 1;
  if (r->severity) out->severity = severity_of(r->severity);
  out->min_confidence = r->min_confidence;
  size_t n = r->n_clauses;
  out->uses = tact_arena_calloc(ar, n, sizeof *out->uses);
  out->whens = tact_arena_calloc(ar, n, sizeof *out->whens);
  out->limits = tact_arena_calloc(ar, n, sizeof *out->limits);
  out->covers = tact_arena_calloc(ar, n, sizeof *out->covers);
  if (n && (!out->uses || !out->whens || !out->limits || !out->covers))
    return tact_fail(err, TACT_E_NOMEM, "out of memory compiling rules");
  for (size_t i = 0; i < n; i++) {
    const tact_pack_clause *c = r->clauses[i];
    tact_status st = TACT_OK;
    if (c->type == TACT_CLAUSE_USE) {
      use_clause *u = &out->uses[out->n_uses++];
      u->in_dont = !out->is_do;
      st = compile_source(rm, c, r, &u->src, &u->id, err);
      u->scope = (uint8_t)scope_of(c->scope, SCOPE_SENTENCE);
      if (st == TACT_OK) st = watch_list(rm, c->unless, r, c->line, &u->unless, err);
      if (st == TACT_OK) st = watch_list(rm, c->with, r, c->line, &u->with, err);
    } else if (c->type == TACT_CLAUSE_WHEN) {
      st = compile_when(rm, c, r, &out->whens[out->n_whens++], err);
    } else if (c->type == TACT_CLAUSE_LIMIT) {
      limit_clause *l = &out->limits[out->n_limits++];
      st = compile_source(rm, c, r, &l->src, &l->id, err);
      l->scope = (uint8_t)scope_of(c->scope, SCOPE_MESSAGE);
      if (l->scope == SCOPE_NEAR) l->scope = SCOPE_SENTENCE;
      l->min = c->min, l->max = c->max, l->has_min = c->has_min, l->has_max = c->has_max;
    } else {
      uint8_t src;
      uint32_t id;
      st = compile_source(rm, c, r, &src, &id, err);
      if (st == TACT_OK && id != SIG_CUSTOMER_QUESTION)
        return rule_fail(r, c->line, err, "<cover> supports signal customer.question, not", c->signal);
      out->covers[out->n_covers++] = id;
    }
    if (st != TACT_OK) return st;
  }
  for (size_t i = 0; i < out->n_uses; i++)
    if (out->uses[i].src == SRC_SIGNAL && out->uses[i].id == SIG_CUSTOMER_QUESTION)
      return rule_fail(r, 0, err, "reads the customer's questions with <cover>, not <use>; signal",
                       SIGNALS[SIG_CUSTOMER_QUESTION]);
  for (size_t i = 0; i < out->n_limits; i++)
    if (out->limits[i].src == SRC_SIGNAL && out->limits[i].id == SIG_CUSTOMER_QUESTION &&
        out->limits[i].scope != SCOPE_MESSAGE)
      return rule_fail(r, 0, err, "counts the customer's questions per message only; signal",
                       SIGNALS[SIG_CUSTOMER_QUESTION]);
  if (out->n_covers && !out->is_do)
    return rule_fail(r, 0, err, "uses <cover>, which only a do can (kind", "dont");
  if (!strcmp(r->type, "conditional") && !out->n_whens)
    return rule_fail(r, 0, err, "is conditional but has no <when>; type", r->type);
  int limits_only = !strcmp(r->type, "occurrence") || !strcmp(r->type, "metric");
  if (limits_only && (!out->n_limits || out->n_uses || out->n_covers))
    return rule_fail(r, 0, err, "needs <limit> clauses (and no <use> or <cover>) as type", r->type);
  if (!limits_only && (out->n_limits || (!out->n_uses && !out->n_covers)))
    return rule_fail(r, 0, err, "needs <use> or <cover> clauses (and no <limit>) as type", r->type);
  if (!strcmp(r->type, "substitution")) {
    int fixes = 0;
    for (size_t i = 0; i < out->n_uses; i++) {
      if (out->uses[i].src != SRC_LEXICON) continue;
      const tact_lexicon *lx = &rm->layers->lexicons[out->uses[i].id];
      for (size_t e = 0; e < lx->n_entries; e++) fixes += lx->entries[e].entry->replace != NULL;
    }
    if (!fixes) return rule_fail(r, 0, err, "is a substitution but no entry of its lexicons has", "replace");
  }
  return TACT_OK;
}

static tact_status compile_profiles(tact_review_model *rm, tact_error *err) {
  const tact_layers *l = rm->layers;
  rm->n_profiles = l->n_profiles;
  rm->profiles = tact_arena_calloc(&rm->arena, l->n_profiles ? l->n_profiles : 1, sizeof *rm->profiles);
  if (!rm->profiles) return tact_fail(err, TACT_E_NOMEM, "out of memory compiling profiles");
  for (size_t p = 0; p < l->n_profiles; p++) {
    rv_override *ov = tact_arena_calloc(&rm->arena, rm->n_rules ? rm->n_rules : 1, sizeof *ov);
    if (!ov) return tact_fail(err, TACT_E_NOMEM, "out of memory compiling profiles");
    for (size_t r = 0; r < rm->n_rules; r++)
      ov[r] = (rv_override){-1, -1, NAN, {NAN, NAN, NAN}, {NAN, NAN, NAN}};
    const tact_profile *pr = &l->profiles[p];
    for (size_t i = 0; i < pr->n_sets; i++) {
      const tact_pack_profile_set *set = pr->sets[i];
      long r = tact_review_model_find_rule(rm, set->rule);
      if (r < 0)
        return tact_fail_pack(err, TACT_E_PACK, pr->set_sources[i], set->line, 0,
                              "%s:%u: profile '%s' sets rule '%s', which no pack defines (or a "
                              "pack disabled it)",
                              pr->set_sources[i], set->line, pr->id, set->rule);
      rv_override *o = &ov[r];
      if (set->severity)
        o->severity = (int8_t)severity_of(set->severity);
      if (set->enabled >= 0) o->enabled = (int8_t)set->enabled;
      if (set->has_min_confidence) o->min_confidence = set->min_confidence;
      for (int sc = SCOPE_SENTENCE; sc <= SCOPE_MESSAGE; sc++) {
        if (set->scope && scope_of(set->scope, SCOPE_MESSAGE) != sc &&
            !(sc == SCOPE_SENTENCE && scope_of(set->scope, 0) == SCOPE_NEAR))
          continue;
        if (set->has_min) o->min[sc] = set->min;
        if (set->has_max) o->max[sc] = set->max;
      }
    }
    rm->profiles[p] = ov;
  }
  return TACT_OK;
}

tact_status tact_review_model_build(const tact_layers *layers, const tact_matcher *m,
                                    const tact_allocator *a, tact_review_model **out,
                                    tact_error *err) {
  (void)m;
  *out = NULL;
  tact_review_model *rm = tact_malloc(a, sizeof *rm);
  if (!rm) return tact_fail(err, TACT_E_NOMEM, "out of memory compiling rules");
  memset(rm, 0, sizeof *rm);
  tact_arena_init(&rm->arena, a);
  rm->layers = layers;
  rm->rules = tact_arena_calloc(&rm->arena, layers->n_rules, sizeof *rm->rules);
  rm->watch_bit = tact_arena_calloc(&rm->arena, layers->n_lexicons, sizeof *rm->watch_bit);
  if ((layers->n_rules && !rm->rules) || (layers->n_lexicons && !rm->watch_bit)) {
    tact_review_model_free(rm, a);
    return tact_fail(err, TACT_E_NOMEM, "out of memory compiling rules");
  }
  rm->negatable = tact_arena_calloc(&rm->arena, layers->n_lexicons ? layers->n_lexicons : 1, 1);
  if (!rm->negatable) {
    tact_review_model_free(rm, a);
    return tact_fail(err, TACT_E_NOMEM, "out of memory compiling rules");
  }
  for (size_t i = 0; i < layers->n_lexicons; i++) rm->watch_bit[i] = -1, rm->negatable[i] = 1;
  rm->function_words = tact_layers_find_lexicon(layers, "review.function-word");
  rm->vocabulary = tact_layers_find_lexicon(layers, "vocabulary");
  for (size_t i = 0; i < layers->n_rules; i++) {
    tact_status st = compile_rule(rm, &layers->rules[i], &rm->rules[rm->n_rules++], err);
    if (st != TACT_OK) {
      tact_review_model_free(rm, a);
      return st;
    }
  }
  tact_status pst = compile_profiles(rm, err);
  if (pst != TACT_OK) {
    tact_review_model_free(rm, a);
    return pst;
  }
  /* A don't's phrases often carry their own negation ("we can't"). */
  for (size_t i = 0; i < rm->n_rules; i++)
    for (size_t u = 0; !rm->rules[i].is_do && u < rm->rules[i].n_uses; u++)
      if (rm->rules[i].uses[u].src == SRC_LEXICON) rm->negatable[rm->rules[i].uses[u].id] = 0;
  *out = rm;
  return TACT_OK;
}

void tact_review_model_free(tact_review_model *rm, const tact_allocator *a) {
  if (!rm) return;
  tact_arena_free(&rm->arena);
  tact_free(a, rm);
}

long tact_review_model_find_rule(const tact_review_model *rm, const char *id) {
  for (size_t i = 0; rm && id && i < rm->n_rules; i++)
    if (strcmp(rm->rules[i].rule->id, id) == 0) return (long)i;
  return -1;
}

size_t tact_review_model_rule_count(const tact_review_model *rm) { return rm ? rm->n_rules : 0; }

const tact_rule *tact_review_model_rule(const tact_review_model *rm, size_t i) {
  return rm && i < rm->n_rules ? rm->rules[i].rule : NULL;
}

long tact_review_model_find_profile(const tact_review_model *rm, const char *id) {
  for (size_t i = 0; rm && id && i < rm->layers->n_profiles; i++)
    if (strcmp(rm->layers->profiles[i].id, id) == 0) return (long)i;
  return -1;
}

/* ## Reviewing */

struct tact_trigger {
  uint32_t first, n;          /* tokens */
  double confidence;
  const char *replace;        /* entry's rewrite, or NULL */
  const char *source;         /* lexicon id or signal name */
  const char *detail;         /* entry pattern, or NULL */
};

typedef struct review_ctx {
  const tact_review_model *rm;
  const tact_matcher *m;
  const tact_review_message *msg[2]; /* reply, customer (may be NULL) */
  const tact_review_options *opt;
  const tact_allocator *a;
  tact_review_out *out;
  tact_error *err;
  uint64_t all_mask[2];        /* watched lexicons with a hit anywhere */
  char name[64];               /* the customer's first name, lower case; "" unknown */
  size_t name_len;
  int facts[FACT_COUNT];
  double fact_strength[FACT_COUNT];
  const rv_override *ov;       /* the profile's, per rule; NULL = none */
} review_ctx;

static tact_status nomem(review_ctx *c) {
  return tact_fail(c->err, TACT_E_NOMEM, "out of memory reviewing a reply");
}

static tact_status add_trigger(review_ctx *c, uint32_t first, uint32_t n, double conf,
                               const char *replace, const char *source, const char *detail) {
  tact_review_out *o = c->out;
  if (tact_grow(c->a, (void **)&o->trig, &o->cap_trig, o->n_trig + 1, sizeof *o->trig))
    return nomem(c);
  tact_trigger *t = &o->trig[o->n_trig++];
  t->first = first, t->n = n, t->confidence = conf, t->replace = replace;
  t->source = source, t->detail = detail;
  return TACT_OK;
}

static int norm_is(const tact_text *t, size_t i, const char *w) {
  size_t len;
  const char *s = tact_text_norm(t, i, &len);
  return len == strlen(w) && memcmp(s, w, len) == 0;
}

/* "can help" in "can't help", "not sorry": a hit right before "not" or
 * right after "not" / "never" says the opposite. */
static int negated(const review_ctx *c, const tact_review_message *msg, const tact_hit *h) {
  const tact_compiled_entry *e = tact_matcher_entry(c->m, h->entry);
  if (!c->rm->negatable[e->lexicon]) return 0;
  const tact_text *t = msg->t;
  size_t after = h->first_token + h->n_tokens;
  if (after < t->n_tokens && norm_is(t, after, "not")) return 1;
  return h->first_token > 0 &&
         (norm_is(t, h->first_token - 1, "not") || norm_is(t, h->first_token - 1, "never"));
}

/* The reply's hits grouped by lexicon (a counting sort, hit order kept),
 * so each <use> reads only its own. */
static tact_status index_hits(review_ctx *c) {
  const tact_match_state *hs = c->msg[SIDE_REPLY]->hits;
  size_t nl = c->rm->layers->n_lexicons;
  tact_review_out *o = c->out;
  if (tact_grow(c->a, (void **)&o->lex_first, &o->cap_lex_first, nl + 2, sizeof *o->lex_first) ||
      tact_grow(c->a, (void **)&o->lex_hits, &o->cap_lex_hits, hs->n_hits + 1, sizeof *o->lex_hits))
    return nomem(c);
  memset(o->lex_first, 0, (nl + 2) * sizeof *o->lex_first);
  for (size_t i = 0; i < hs->n_hits; i++)
    o->lex_first[tact_matcher_entry(c->m, hs->hits[i].entry)->lexicon + 2]++;
  for (size_t l = 0; l < nl; l++) o->lex_first[l + 2] += o->lex_first[l + 1];
  for (size_t i = 0; i < hs->n_hits; i++)
    o->lex_hits[o->lex_first[tact_matcher_entry(c->m, hs->hits[i].entry)->lexicon + 1]++] = (uint32_t)i;
  return TACT_OK;
}

/* Per sentence, which watched lexicons have a hit there. */
static tact_status build_masks(review_ctx *c, int side) {
  const tact_review_message *msg = c->msg[side];
  tact_review_out *o = c->out;
  c->all_mask[side] = 0;
  if (!msg) return TACT_OK;
  size_t ns = msg->t->n_sentences + 1;
  if (tact_grow(c->a, (void **)&o->masks[side], &o->cap_masks[side], ns, sizeof(uint64_t)))
    return nomem(c);
  memset(o->masks[side], 0, ns * sizeof(uint64_t));
  for (size_t i = 0; i < msg->hits->n_hits; i++) {
    const tact_hit *h = &msg->hits->hits[i];
    const tact_compiled_entry *e = tact_matcher_entry(c->m, h->entry);
    int32_t bit = c->rm->watch_bit[e->lexicon];
    if (bit < 0 || negated(c, msg, h)) continue;
    uint32_t s = msg->t->tokens[h->first_token].sentence;
    o->masks[side][s] |= 1ull << bit;
    c->all_mask[side] |= 1ull << bit;
  }
  return TACT_OK;
}

static uint64_t scope_mask(const review_ctx *c, int side, int scope, uint32_t sentence) {
  const uint64_t *m = c->out->masks[side];
  size_t ns = c->msg[side]->t->n_sentences;
  if (scope == SCOPE_MESSAGE || sentence >= ns) return c->all_mask[side];
  uint64_t v = m[sentence];
  if (scope == SCOPE_NEAR) {
    if (sentence > 0) v |= m[sentence - 1];
    if (sentence + 1 < ns) v |= m[sentence + 1];
  }
  return v;
}

static int is_punct(const tact_text *t, size_t i, char ch) {
  size_t len;
  const char *s = tact_text_norm(t, i, &len);
  return t->tokens[i].kind == TACT_TOKEN_PUNCT && len >= 1 && memchr(s, ch, len) != NULL;
}

/* A sentence asks something when it contains a '?'. */
static int sentence_asks(const tact_text *t, const tact_sentence *se) {
  for (uint32_t i = se->first_token; i < se->first_token + se->token_count; i++)
    if (is_punct(t, i, '?')) return 1;
  return 0;
}

static int count_questions(const tact_text *t) {
  int n = 0;
  for (size_t s = 0; s < t->n_sentences; s++) n += sentence_asks(t, &t->sentences[s]);
  return n;
}

/* Each sentence that asks something. */
static tact_status question_triggers(review_ctx *c, const tact_review_message *msg,
                                     const char *source) {
  const tact_text *t = msg->t;
  for (size_t s = 0; s < t->n_sentences; s++) {
    const tact_sentence *se = &t->sentences[s];
    if (!sentence_asks(t, se)) continue;
    tact_status st = add_trigger(c, se->first_token, se->token_count, 1.0, NULL, source, NULL);
    if (st != TACT_OK) return st;
  }
  return TACT_OK;
}

/* ASCII case-insensitive equality: a token's normal form against the
 * customer's name as given. */
static int lower_eq(const char *a, size_t an, const char *b, size_t bn) {
  if (an != bn) return 0;
  for (size_t i = 0; i < an; i++) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = (char)(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = (char)(y - 'A' + 'a');
    if (x != y) return 0;
  }
  return 1;
}

/* The index of the first hit starting after token `tok` (hits are sorted
 * by first token). The hits that may cover `tok` lie before it, at most
 * TACT_MATCH_MAX_PATTERN_TOKENS tokens back. */
static size_t hits_after(const tact_match_state *hs, uint32_t tok) {
  size_t lo = 0, hi = hs->n_hits;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (hs->hits[mid].first_token <= tok) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/* A token covered by a hit of lexicon `lx`. */
static int covered_by(const review_ctx *c, const tact_review_message *msg, long lx, uint32_t tok) {
  if (lx < 0) return 0;
  const tact_match_state *hs = msg->hits;
  for (size_t i = hits_after(hs, tok); i-- > 0;) {
    const tact_hit *h = &hs->hits[i];
    if (h->first_token + TACT_MATCH_MAX_PATTERN_TOKENS < tok) break;
    if (h->first_token + h->n_tokens > tok &&
        tact_matcher_entry(c->m, h->entry)->lexicon == (uint32_t)lx)
      return 1;
  }
  return 0;
}

/* All-caps words of 2-6 letters the reader may not know: not in the
 * vocabulary lexicon, not explained in brackets next to them ("SLA
 * (service level agreement)", "service level agreement (SLA)"), and not
 * the second use in the message. Shouted text is not jargon. */
static tact_status acronym_triggers(review_ctx *c, const tact_review_message *msg) {
  const tact_text *t = msg->t;
  if (t->stats[TACT_STAT_CAPS_RATIO] > 0.5) return TACT_OK;
  /* A set of the acronyms seen, in the stems scratch (cover rebuilds it). */
  tact_review_out *o = c->out;
  size_t cap = 16;
  while (cap < 2 * t->n_tokens + 16) cap *= 2;
  if (tact_grow(c->a, (void **)&o->stems, &o->cap_stems, cap, sizeof *o->stems)) return nomem(c);
  memset(o->stems, 0, cap * sizeof *o->stems);
  for (size_t i = 0; i < t->n_tokens; i++) {
    const tact_token *tk = &t->tokens[i];
    if (tk->kind != TACT_TOKEN_WORD || !(tk->flags & TACT_TOKEN_ALL_CAPS)) continue;
    size_t len = tk->end - tk->start;
    if (len < 2 || len > 6) continue;
    if (covered_by(c, msg, c->rm->vocabulary, (uint32_t)i)) continue;
    /* Only its first use: later ones were flagged (or explained) there. */
    size_t nl;
    const char *norm = tact_text_norm(t, i, &nl);
    uint32_t k = (uint32_t)tact_hash(norm, nl);
    k = k ? k : 1;
    size_t at = k & (cap - 1);
    while (o->stems[at] && o->stems[at] != k) at = (at + 1) & (cap - 1);
    if (o->stems[at]) continue;
    o->stems[at] = k;
    /* Explained where first used: fine there and after. */
    if ((i + 1 < t->n_tokens && is_punct(t, i + 1, '(')) || (i > 0 && is_punct(t, i - 1, '(')))
      continue;
    tact_status st = add_trigger(c, (uint32_t)i, 1, 0.8, NULL, SIGNALS[SIG_ACRONYM], NULL);
    if (st != TACT_OK) return st;
  }
  return TACT_OK;
}

static tact_status signal_triggers(review_ctx *c, uint32_t sig) {
  const tact_review_message *msg = c->msg[SIDE_REPLY];
  const tact_text *t = msg->t;
  const char *name = SIGNALS[sig];
  tact_status st = TACT_OK;
  switch ((signal_id)sig) {
  case SIG_QUESTION: return question_triggers(c, msg, name);
  case SIG_CUSTOMER_QUESTION:
    return c->msg[SIDE_CUSTOMER] ? question_triggers(c, c->msg[SIDE_CUSTOMER], name) : TACT_OK;
  case SIG_EXCLAMATION:
    for (size_t i = 0; i < t->n_tokens && st == TACT_OK; i++)
      if (is_punct(t, i, '!')) st = add_trigger(c, (uint32_t)i, 1, 1.0, NULL, name, NULL);
    return st;
  case SIG_NAME:
    if (!c->name_len) return TACT_OK;
    for (size_t i = 0; i < t->n_tokens && st == TACT_OK; i++) {
      size_t len;
      const char *s = tact_text_norm(t, i, &len);
      if (t->tokens[i].kind == TACT_TOKEN_WORD && lower_eq(s, len, c->name, c->name_len))
        st = add_trigger(c, (uint32_t)i, 1, 1.0, NULL, name, NULL);
    }
    return st;
  case SIG_ACRONYM: return acronym_triggers(c, msg);
  case SIG_TIME:
  case SIG_TIME_VAGUE:
    for (size_t i = 0; i < msg->times->n && st == TACT_OK; i++) {
      const tact_timex *x = &msg->times->items[i];
      if ((x->kind == TACT_TIME_VAGUE) == (sig == SIG_TIME_VAGUE))
        st = add_trigger(c, x->first_token, x->n_tokens, 1.0, NULL, name, NULL);
    }
    return st;
  default: break;
  }
  static const unsigned flag_of[SIG_COUNT] = {
      [SIG_PROMISE_GUARANTEE] = TACT_PROMISE_GUARANTEE,
      [SIG_PROMISE_UNTIMED] = TACT_PROMISE_NO_TIMEFRAME,
      [SIG_PROMISE_VAGUE] = TACT_PROMISE_VAGUE_TIMEFRAME,
      [SIG_PROMISE_FAST] = TACT_PROMISE_FASTER_THAN_POLICY,
      [SIG_PROMISE_SLOW] = TACT_PROMISE_SLOWER_THAN_POLICY};
  for (size_t i = 0; i < msg->promises->n && st == TACT_OK; i++) {
    const tact_promise *p = &msg->promises->items[i];
    int on = sig == SIG_PROMISE || (p->flags & flag_of[sig]) ||
             (sig == SIG_PROMISE_GUARANTEE && p->certainty == TACT_CERTAINTY_GUARANTEED) ||
             (sig == SIG_PROMISE_TIMED && p->time >= 0 &&
              !(p->flags & (TACT_PROMISE_VAGUE_TIMEFRAME | TACT_PROMISE_NO_TIMEFRAME)));
    double conf = p->certainty == TACT_CERTAINTY_HEDGED ? 0.6 : 1.0;
    if (on) st = add_trigger(c, p->first_token, p->n_tokens, conf, NULL, name, p->action);
  }
  return st;
}

static double clamp01(double v) { return v < 0 ? 0 : v > 1 ? 1 : v; }

/* The pack's vocabulary (accepted terms, the company's own product names)
 * is never a don't: a hit inside a vocabulary hit does not count for a
 * don't's <use> ("Cloud Backup Pro" is no jargon, "Nimbus Phones" no
 * competitor when they are the company's own). */
static int accepted_term(const review_ctx *c, const tact_review_message *msg, const use_clause *u,
                         const tact_hit *h) {
  if (!u->in_dont || c->rm->vocabulary < 0 || (long)u->id == c->rm->vocabulary) return 0;
  /* A longer vocabulary hit that covers the whole phrase ("US" in the
   * vocabulary does not excuse "us" in "blame us"). */
  const tact_match_state *hs = msg->hits;
  for (size_t i = hits_after(hs, h->first_token); i-- > 0;) {
    const tact_hit *v = &hs->hits[i];
    if (v->first_token + TACT_MATCH_MAX_PATTERN_TOKENS < h->first_token) break;
    if (v->n_tokens > h->n_tokens && v->first_token + v->n_tokens >= h->first_token + h->n_tokens &&
        tact_matcher_entry(c->m, v->entry)->lexicon == (uint32_t)c->rm->vocabulary)
      return 1;
  }
  return 0;
}

static tact_status use_triggers(review_ctx *c, const use_clause *u) {
  const tact_review_message *msg = c->msg[SIDE_REPLY];
  size_t from = c->out->n_trig;
  tact_status st = TACT_OK;
  if (u->src == SRC_LEXICON) {
    const char *lex_id = c->rm->layers->lexicons[u->id].id;
    const tact_review_out *o = c->out;
    for (uint32_t k = o->lex_first[u->id]; k < o->lex_first[u->id + 1] && st == TACT_OK; k++) {
      const tact_hit *h = &msg->hits->hits[o->lex_hits[k]];
      const tact_compiled_entry *e = tact_matcher_entry(c->m, h->entry);
      if (negated(c, msg, h) || accepted_term(c, msg, u, h)) continue;
      st = add_trigger(c, h->first_token, h->n_tokens, clamp01(fabs(e->weight)), e->replace,
                       lex_id, e->pattern);
    }
  } else {
    st = signal_triggers(c, u->id);
  }
  if (st != TACT_OK || (!u->unless && !u->with)) return st;
  /* Keep those whose scope passes unless / with. */
  size_t keep = from;
  for (size_t i = from; i < c->out->n_trig; i++) {
    tact_trigger *t = &c->out->trig[i];
    uint32_t s = t->first < msg->t->n_tokens ? msg->t->tokens[t->first].sentence : 0;
    uint64_t m = scope_mask(c, SIDE_REPLY, u->scope, s);
    if ((m & u->unless) || (u->with && !(m & u->with))) continue;
    c->out->trig[keep++] = *t;
  }
  c->out->n_trig = keep;
  return TACT_OK;
}

/* Sorts triggers by position (longest first) and drops those overlapping
 * an earlier one, so one phrase gives one finding per rule. */
static void dedupe_triggers(review_ctx *c, size_t from) {
  size_t n = c->out->n_trig - from;
  if (!n) return;
  tact_trigger *t = c->out->trig + from;
  for (size_t i = 1; i < n; i++) { /* insertion sort: lists are short and nearly sorted */
    tact_trigger x = t[i];
    size_t j = i;
    while (j > 0 && (t[j - 1].first > x.first || (t[j - 1].first == x.first && t[j - 1].n < x.n))) {
      t[j] = t[j - 1];
      j--;
    }
    t[j] = x;
  }
  size_t keep = 0;
  uint32_t end = 0;
  for (size_t i = 0; i < n; i++) {
    if (keep && t[i].first < end) continue;
    t[keep++] = t[i];
    end = t[i].first + t[i].n;
  }
  c->out->n_trig = from + keep;
}

/* ## Facts */

/* A name signing off the bytes [start, end) of the customer's message. */
static int signature_name(review_ctx *c, const tact_review_message *cm, size_t start, size_t end) {
  const tact_text *t = cm->t;
  if (end - start > 60 || end == start) return 0;
  size_t first = t->n_tokens, count = 0;
  for (size_t i = 0; i < t->n_tokens; i++) {
    if (t->tokens[i].start < start || t->tokens[i].end > end) continue;
    if (first == t->n_tokens) first = i;
    count++;
  }
  if (first == t->n_tokens) return 0;
  size_t i = first;
  static const char *const signoffs[] = {"thanks", "thank", "you", "regards", "cheers", "best",
                                         "sincerely", "from", "kind", "warm", "many", NULL};
  while (i < first + count) { /* dashes, sign-off words, commas */
    int skip = t->tokens[i].kind == TACT_TOKEN_PUNCT || t->tokens[i].kind == TACT_TOKEN_SYMBOL;
    for (int s = 0; signoffs[s] && !skip; s++) skip = norm_is(t, i, signoffs[s]);
    if (!skip) break;
    i++;
  }
  size_t last = first + count;
  while (last > i && t->tokens[last - 1].kind == TACT_TOKEN_PUNCT) last--;
  if (last - i < 1 || last - i > 2) return 0;
  for (size_t k = i; k < last; k++)
    if (t->tokens[k].kind != TACT_TOKEN_WORD || !(t->tokens[k].flags & TACT_TOKEN_CAPITALIZED) ||
        (t->tokens[k].flags & TACT_TOKEN_ALL_CAPS))
      return 0;
  size_t n = t->tokens[i].end - t->tokens[i].start;
  if (n >= sizeof c->name) return 0;
  memcpy(c->name, cm->text + t->tokens[i].start, n);
  c->name_len = n;
  return 1;
}

static void find_name(review_ctx *c) {
  c->name_len = 0;
  const char *given = c->opt->customer_name;
  if (given) {
    while (*given == ' ') given++;
    size_t n = 0;
    while (given[n] && given[n] != ' ' && n < sizeof c->name - 1) n++;
    memcpy(c->name, given, n);
    c->name_len = n;
    return;
  }
  const tact_review_message *cm = c->msg[SIDE_CUSTOMER];
  if (!cm) return;
  const tact_text *t = cm->t;
  /* "my name is Maria", "this is Maria" (at a sentence start or after a comma). */
  for (size_t i = 0; i + 1 < t->n_tokens; i++) {
    size_t at = 0;
    if (norm_is(t, i, "name") && norm_is(t, i + 1, "is")) at = i + 2;
    else if (norm_is(t, i, "this") && norm_is(t, i + 1, "is") &&
             (t->tokens[i].start == t->sentences[t->tokens[i].sentence].start ||
              (i > 0 && is_punct(t, i - 1, ','))))
      at = i + 2;
    if (at && at < t->n_tokens && t->tokens[at].kind == TACT_TOKEN_WORD &&
        (t->tokens[at].flags & TACT_TOKEN_CAPITALIZED) && !(t->tokens[at].flags & TACT_TOKEN_ALL_CAPS)) {
      size_t n = t->tokens[at].end - t->tokens[at].start;
      if (n < sizeof c->name) {
        memcpy(c->name, cm->text + t->tokens[at].start, n);
        c->name_len = n;
        return;
      }
    }
  }
  /* A signature: the last line (or sentence) is a capitalized word or two
   * after an optional dash or sign-off ("— Maria", "Thanks, Maria"). */
  size_t end = cm->len;
  while (end && (cm->text[end - 1] == ' ' || cm->text[end - 1] == '\n' || cm->text[end - 1] == '\r' ||
                 cm->text[end - 1] == '\t'))
    end--;
  size_t start = end;
  while (start && cm->text[start - 1] != '\n') start--;
  if (signature_name(c, cm, start, end)) return;
  if (t->n_sentences) {
    const tact_sentence *last = &t->sentences[t->n_sentences - 1];
    if (signature_name(c, cm, last->start, last->end)) return;
  }
  /* "... is late. — Maria": the words after a final dash or comma. */
  for (size_t k = t->n_tokens, seen = 0; k-- > 0 && seen < 4; seen++) {
    if (t->tokens[k].kind != TACT_TOKEN_PUNCT) continue;
    if (is_punct(t, k, ',') || is_punct(t, k, '-') || norm_is(t, k, "\xE2\x80\x94") ||
        norm_is(t, k, "\xE2\x80\x93")) {
      if (k + 1 < t->n_tokens) signature_name(c, cm, t->tokens[k + 1].start, end);
      return;
    }
  }
}

static void compute_facts(review_ctx *c) {
  const tact_review_message *cm = c->msg[SIDE_CUSTOMER];
  for (int f = 0; f < FACT_COUNT; f++) c->facts[f] = 0, c->fact_strength[f] = 1.0;
  c->facts[FACT_ALWAYS] = 1;
  c->facts[FACT_NAME_KNOWN] = c->name_len > 0;
  c->facts[FACT_REPLY_PROMISE] = c->msg[SIDE_REPLY]->promises->n > 0;
  if (!cm) return;
  const tact_complaint *k = cm->complaint;
  c->facts[FACT_CUSTOMER] = 1;
  c->facts[FACT_COMPLAINT] = k->probability >= 0.5;
  c->fact_strength[FACT_COMPLAINT] = k->probability;
  static const char *const actions[] = {"refund", "replacement", "repair", "cancel", "compensation", NULL};
  for (int i = 0; actions[i] && k->outcome; i++)
    if (strcmp(k->outcome, actions[i]) == 0) c->facts[FACT_REQUESTED_ACTION] = 1;
  c->facts[FACT_QUESTIONS] = count_questions(cm->t) > 0;
  c->facts[FACT_ESCALATION] = k->threat[TACT_THREAT_ESCALATION] || k->severity >= 3;
  c->facts[FACT_THREAT] = k->threat[TACT_THREAT_CHURN] || k->threat[TACT_THREAT_PUBLIC];
  c->facts[FACT_ANGRY] = k->severity >= 2;
  c->facts[FACT_SEVERE] = k->severity >= 3;
}

/* Whether fact atom `at` holds; its strength and name. */
static int atom_holds(const review_ctx *c, const atom *at, double *strength, const char **name) {
  *strength = 1.0;
  if (at->side == 0) {
    *strength = c->fact_strength[at->id];
    *name = FACTS[at->id];
    return c->facts[at->id];
  }
  int side = at->side == 1 ? SIDE_CUSTOMER : SIDE_REPLY;
  *name = c->rm->layers->lexicons[c->rm->watch_lex[at->id]].id; /* printed with its side */
  return c->msg[side] && (c->all_mask[side] >> at->id & 1);
}

/* A bounded string being built: what does not fit is cut, as by snprintf
 * (which cost a tenth of a review when evidence was formatted with it). */
typedef struct strbuf {
  char *p;
  size_t cap, len; /* cap > 0; p[len] == '\0' */
} strbuf;

static void sb_init(strbuf *b, char *p, size_t cap) {
  b->p = p, b->cap = cap, b->len = 0;
  p[0] = '\0';
}

static void sb_put(strbuf *b, const char *s, size_t n) {
  size_t room = b->cap - 1 - b->len;
  if (n > room) n = room;
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
}

static void sb_str(strbuf *b, const char *s) { sb_put(b, s, strlen(s)); }

/* Whether every <when> holds; *strength is the product of each clause's
 * strongest holding fact; `why` names them. */
static int rule_applies(const review_ctx *c, const rv_rule *r, double *strength, char *why,
                        size_t why_cap) {
  *strength = 1.0;
  strbuf b;
  sb_init(&b, why, why_cap);
  for (size_t w = 0; w < r->n_whens; w++) {
    const when_clause *wc = &r->whens[w];
    double best = -1, s;
    const char *best_name = NULL, *nm, *best_side = "";
    for (size_t i = 0; i < wc->n; i++)
      if (atom_holds(c, &wc->atoms[i], &s, &nm) && s > best) {
        best = s, best_name = nm;
        best_side = wc->atoms[i].side == 1 ? "customer:" : wc->atoms[i].side == 2 ? "reply:" : "";
      }
    for (size_t i = 0; i < wc->n_nots && best >= 0; i++)
      if (atom_holds(c, &wc->nots[i], &s, &nm)) best = -1;
    if (best < 0) return 0;
    *strength *= best;
    if (best_name) {
      if (b.len) sb_str(&b, ", ");
      sb_str(&b, best_side);
      sb_str(&b, best_name);
    }
  }
  return 1;
}

/* ## Limits */

static double message_stat(const tact_review_message *msg, uint32_t stat) {
  const double *st = msg->t->stats;
  double words = st[TACT_STAT_WORDS], sents = st[TACT_STAT_SENTENCES];
  switch ((stat_id)stat) {
  case STAT_WORDS: return words;
  case STAT_SENTENCES: return sents;
  case STAT_QUESTIONS: return count_questions(msg->t);
  case STAT_EXCLAMATIONS: return st[TACT_STAT_EXCLAMATIONS];
  case STAT_WORDS_PER_SENTENCE: return sents > 0 ? words / sents : 0;
  case STAT_READING_EASE: return msg->tone->scores[TACT_TONE_READABILITY];
  case STAT_BYTES: return st[TACT_STAT_BYTES];
  case STAT_CAPS_RATIO: return st[TACT_STAT_CAPS_RATIO];
  case STAT_EMOJI: return st[TACT_STAT_EMOJI];
  default: return 0;
  }
}

/* Statistics that have a meaning per sentence; others fall back to the
 * message's value. */
static double sentence_stat(const review_ctx *c, const tact_sentence *se, uint32_t stat) {
  const tact_review_message *msg = c->msg[SIDE_REPLY];
  const tact_text *t = msg->t;
  double words = 0, q = 0, ex = 0;
  for (uint32_t i = se->first_token; i < se->first_token + se->token_count; i++) {
    words += t->tokens[i].kind == TACT_TOKEN_WORD || t->tokens[i].kind == TACT_TOKEN_NUMBER;
    q += is_punct(t, i, '?');
    ex += is_punct(t, i, '!');
  }
  switch ((stat_id)stat) {
  case STAT_WORDS:
  case STAT_WORDS_PER_SENTENCE: return words;
  case STAT_SENTENCES: return 1;
  case STAT_QUESTIONS: return q > 0;
  case STAT_EXCLAMATIONS: return ex;
  case STAT_BYTES: return se->end - se->start;
  default: return message_stat(msg, stat);
  }
}

static const char *const SCOPE_NAMES[] = {"sentence", "near", "message"};

static tact_status add_finding(review_ctx *c, size_t rule, tact_finding_kind kind,
                               const tact_trigger *t, double conf, const char *evidence);

/* The value a limit reads for the whole message or one sentence. Counts
 * read the triggers gathered from `from` on, sorted; *next walks them
 * sentence by sentence, so a whole message costs one pass. */
static double limit_value(review_ctx *c, const limit_clause *l, const tact_sentence *se,
                          size_t from, size_t *next) {
  const tact_review_message *msg = c->msg[SIDE_REPLY];
  if (l->src == SRC_STAT) return se ? sentence_stat(c, se, l->id) : message_stat(msg, l->id);
  if (!se) return (double)(c->out->n_trig - from);
  double n = 0;
  while (*next < c->out->n_trig && c->out->trig[*next].first < se->first_token + se->token_count) {
    n += c->out->trig[*next].first >= se->first_token;
    (*next)++;
  }
  return n;
}

static const char *limit_name(const review_ctx *c, const limit_clause *l) {
  return l->src == SRC_STAT      ? STATS[l->id]
         : l->src == SRC_SIGNAL  ? SIGNALS[l->id]
                                 : c->rm->layers->lexicons[l->id].id;
}

static tact_status check_limit(review_ctx *c, size_t rule, const limit_clause *l) {
  const tact_text *t = c->msg[SIDE_REPLY]->t;
  size_t n = l->scope == SCOPE_MESSAGE ? 1 : t->n_sentences;
  tact_finding_kind kind = c->rm->rules[rule].is_do ? TACT_FINDING_MISSING : TACT_FINDING_VIOLATION;
  size_t from = c->out->n_trig, next = from;
  tact_status st = TACT_OK;
  if (l->src == SRC_LEXICON) {
    use_clause u = {SRC_LEXICON, SCOPE_MESSAGE, 0, l->id, 0, 0};
    st = use_triggers(c, &u);
  } else if (l->src == SRC_SIGNAL) {
    st = signal_triggers(c, l->id);
  }
  if (st != TACT_OK) return st;
  if (l->src != SRC_STAT) dedupe_triggers(c, from);
  for (size_t s = 0; s < n && st == TACT_OK; s++) {
    const tact_sentence *se = l->scope == SCOPE_MESSAGE ? NULL : &t->sentences[s];
    double v = limit_value(c, l, se, from, &next);
    const rv_override *ov = c->ov ? &c->ov[rule] : NULL;
    int has_min = l->has_min, has_max = l->has_max;
    double lo = l->min, hi = l->max;
    if (ov && !isnan(ov->min[l->scope])) has_min = 1, lo = ov->min[l->scope];
    if (ov && !isnan(ov->max[l->scope])) has_max = 1, hi = ov->max[l->scope];
    int low = has_min && v < lo, high = has_max && v > hi;
    if (!low && !high) continue;
    char ev[160];
    snprintf(ev, sizeof ev, "%s%s%s = %.4g (%s %.4g)", limit_name(c, l), se ? " per " : "",
             se ? SCOPE_NAMES[l->scope] : "", v, low ? "min" : "max", low ? lo : hi);
    tact_trigger tr = {se ? se->first_token : 0, se ? se->token_count : 0, 1.0, NULL, NULL, NULL};
    st = add_finding(c, rule, kind, se ? &tr : NULL, 1.0, ev);
  }
  c->out->n_trig = from;
  return st;
}

/* ## Answering the customer's questions */

static uint32_t stem_key(const tact_text *t, size_t i) {
  size_t len;
  const char *w = tact_text_norm(t, i, &len);
  char buf[TACT_MATCH_MAX_STEM];
  if (len > sizeof buf) len = sizeof buf;
  size_t sl = tact_stem(w, len, buf);
  uint32_t k = (uint32_t)tact_hash(buf, sl);
  return k ? k : 1;
}

/* Content words: words of 3+ bytes that the function-word lexicon does not
 * cover. */
static int content_word(const review_ctx *c, const tact_review_message *msg, size_t i) {
  const tact_token *tk = &msg->t->tokens[i];
  if (tk->kind != TACT_TOKEN_WORD && tk->kind != TACT_TOKEN_NUMBER) return 0;
  if (tk->norm_len < 3) return 0;
  return !covered_by(c, msg, c->rm->function_words, (uint32_t)i);
}

static tact_status build_reply_stems(review_ctx *c, size_t *cap) {
  const tact_review_message *msg = c->msg[SIDE_REPLY];
  size_t need = 16;
  while (need < 2 * msg->t->n_tokens + 16) need *= 2;
  tact_review_out *o = c->out;
  if (tact_grow(c->a, (void **)&o->stems, &o->cap_stems, need, sizeof *o->stems)) return nomem(c);
  memset(o->stems, 0, need * sizeof *o->stems);
  for (size_t i = 0; i < msg->t->n_tokens; i++) {
    if (!content_word(c, msg, i)) continue;
    uint32_t k = stem_key(msg->t, i);
    size_t at = k & (need - 1);
    while (o->stems[at] && o->stems[at] != k) at = (at + 1) & (need - 1);
    o->stems[at] = k;
  }
  *cap = need;
  return TACT_OK;
}

static int reply_has_stem(const review_ctx *c, size_t cap, uint32_t k) {
  for (size_t at = k & (cap - 1); c->out->stems[at]; at = (at + 1) & (cap - 1))
    if (c->out->stems[at] == k) return 1;
  return 0;
}

/* Each customer question the reply shares no content word with is
 * unanswered: one "missing" finding each; a "good" one when all are. */
static tact_status check_cover(review_ctx *c, size_t rule) {
  const tact_review_message *cm = c->msg[SIDE_CUSTOMER];
  if (!cm) return TACT_OK;
  size_t from = c->out->n_trig, cap = 0;
  tact_status st = question_triggers(c, cm, SIGNALS[SIG_CUSTOMER_QUESTION]);
  if (st == TACT_OK && c->out->n_trig > from) st = build_reply_stems(c, &cap);
  if (st != TACT_OK) return st;
  size_t asked = c->out->n_trig - from, open = 0;
  for (size_t q = from; q < c->out->n_trig; q++) {
    const tact_trigger *t = &c->out->trig[q];
    int terms = 0, shared = 0;
    for (uint32_t i = t->first; i < t->first + t->n; i++) {
      if (!content_word(c, cm, i)) continue;
      terms++;
      shared += reply_has_stem(c, cap, stem_key(cm->t, i));
    }
    if (!terms || shared) continue;
    open++;
    const tact_sentence *se = &cm->t->sentences[cm->t->tokens[t->first].sentence];
    char ev[300];
    snprintf(ev, sizeof ev, "the customer asked: \"%.*s\"", (int)(se->end - se->start > 240 ? 240 : se->end - se->start),
             cm->text + se->start);
    st = add_finding(c, rule, TACT_FINDING_MISSING, NULL, 1.0, ev);
    if (st != TACT_OK) return st;
  }
  c->out->n_trig = from;
  if (asked && !open) {
    char ev[64];
    snprintf(ev, sizeof ev, "%zu question%s answered", asked, asked == 1 ? "" : "s");
    st = add_finding(c, rule, TACT_FINDING_GOOD, NULL, 1.0, ev);
  }
  return st;
}

/* ## Findings and the score */

/* A fix that deletes a phrase also takes the comma and spaces after it,
 * and at the start of a sentence capitalizes what follows: "Unfortunately,
 * that size is out" -> "That size is out". */
static const char *fix_deletion(const review_ctx *c, const tact_trigger *t, tact_finding_rec *f) {
  static const char *const upper[26] = {"A", "B", "C", "D", "E", "F", "G", "H", "I",
                                        "J", "K", "L", "M", "N", "O", "P", "Q", "R",
                                        "S", "T", "U", "V", "W", "X", "Y", "Z"};
  const tact_review_message *msg = c->msg[SIDE_REPLY];
  const char *text = msg->text;
  size_t end = f->fix_end;
  if (end < msg->len && (text[end] == ',' || text[end] == ';' || text[end] == ':')) end++;
  while (end < msg->len && (text[end] == ' ' || text[end] == '\t')) end++;
  const tact_sentence *se = &msg->t->sentences[msg->t->tokens[t->first].sentence];
  const char *with = "";
  if (f->fix_start == se->start && end < msg->len && text[end] >= 'a' && text[end] <= 'z') {
    with = upper[text[end] - 'a'];
    end++;
  }
  f->fix_end = (uint32_t)end;
  return with;
}

static tact_status add_finding(review_ctx *c, size_t rule, tact_finding_kind kind,
                               const tact_trigger *t, double conf, const char *evidence) {
  const rv_rule *r = &c->rm->rules[rule];
  const rv_override *ov = c->ov ? &c->ov[rule] : NULL;
  double min_conf = ov && !isnan(ov->min_confidence) ? ov->min_confidence : r->min_confidence;
  if (conf < min_conf) return TACT_OK;
  tact_review_out *o = c->out;
  if (tact_grow(c->a, (void **)&o->items, &o->cap, o->n + 1, sizeof *o->items)) return nomem(c);
  tact_finding_rec *f = &o->items[o->n];
  memset(f, 0, sizeof *f);
  f->rule = (uint32_t)rule;
  f->kind = (uint8_t)kind;
  f->severity = kind == TACT_FINDING_GOOD ? TACT_SEVERITY_INFO
                : ov && ov->severity >= 0     ? (uint8_t)ov->severity
                                              : r->severity;
  f->confidence = conf;
  const tact_text *tx = c->msg[SIDE_REPLY]->t;
  if (t && t->n && t->first + t->n <= tx->n_tokens) {
    f->has_span = 1;
    f->start = tx->tokens[t->first].start;
    f->end = tx->tokens[t->first + t->n - 1].end;
    if (t->replace && kind == TACT_FINDING_VIOLATION) {
      const char *with = t->replace;
      f->has_fix = 1;
      f->fix_start = f->start, f->fix_end = f->end;
      if (!*with) with = fix_deletion(c, t, f);
      /* A rewrite that starts a sentence starts with a capital, as the
       * phrase it replaces did. */
      const tact_review_message *msg = c->msg[SIDE_REPLY];
      int cap = *with >= 'a' && *with <= 'z' && msg->text[f->fix_start] >= 'A' &&
                msg->text[f->fix_start] <= 'Z';
      f->replace = o->strings.len;
      char first = cap ? (char)(*with - 'a' + 'A') : *with;
      if (*with && (tact_buf_append(c->a, &o->strings, &first, 1) ||
                    tact_buf_append(c->a, &o->strings, with + 1, strlen(with + 1))))
        return nomem(c);
      if (tact_buf_append(c->a, &o->strings, "", 1)) return nomem(c);
    }
  }
  f->evidence = o->strings.len;
  if (tact_buf_append(c->a, &o->strings, evidence, strlen(evidence) + 1)) return nomem(c);
  o->n++;
  return TACT_OK;
}

static tact_status trigger_finding(review_ctx *c, size_t rule, tact_finding_kind kind,
                                   const tact_trigger *t) {
  const char *text = c->msg[SIDE_REPLY]->text;
  const tact_text *tx = c->msg[SIDE_REPLY]->t;
  uint32_t s = tx->tokens[t->first].start, e = tx->tokens[t->first + t->n - 1].end;
  char ev[320];
  strbuf b;
  sb_init(&b, ev, sizeof ev);
  sb_str(&b, t->source);
  if (t->detail) {
    sb_str(&b, " \"");
    sb_str(&b, t->detail);
    sb_str(&b, "\"");
  }
  sb_str(&b, ": \"");
  sb_put(&b, text + s, e - s > 200 ? 200 : e - s);
  sb_str(&b, "\"");
  return add_finding(c, rule, kind, t, t->confidence, ev);
}

static tact_status run_rule(review_ctx *c, size_t rule) {
  const rv_rule *r = &c->rm->rules[rule];
  double strength;
  char why[200];
  int applies = rule_applies(c, r, &strength, why, sizeof why);
  if (!applies && !r->is_do) return TACT_OK;
  tact_status st = TACT_OK;
  if (applies) {
    for (size_t i = 0; i < r->n_limits && st == TACT_OK; i++) st = check_limit(c, rule, &r->limits[i]);
    for (size_t i = 0; i < r->n_covers && st == TACT_OK; i++) st = check_cover(c, rule);
  }
  if (st != TACT_OK || !r->n_uses) return st;
  size_t from = c->out->n_trig;
  for (size_t i = 0; i < r->n_uses && st == TACT_OK; i++) st = use_triggers(c, &r->uses[i]);
  if (st != TACT_OK) return st;
  dedupe_triggers(c, from);
  size_t n = c->out->n_trig - from;
  if (!r->is_do) {
    for (size_t i = 0; i < n && st == TACT_OK; i++)
      st = trigger_finding(c, rule, TACT_FINDING_VIOLATION, &c->out->trig[from + i]);
  } else if (n) {
    st = trigger_finding(c, rule, TACT_FINDING_GOOD, &c->out->trig[from]);
  } else if (applies && r->n_whens) {
    char ev[240];
    strbuf b;
    sb_init(&b, ev, sizeof ev);
    sb_str(&b, "owed because: ");
    sb_str(&b, why);
    st = add_finding(c, rule, TACT_FINDING_MISSING, NULL, strength, ev);
  }
  c->out->n_trig = from;
  return st;
}

/* Penalty points per finding at confidence 1 (docs/rules.md); a rule's
 * findings together cost at most twice their unit. */
static const double VIOLATION_COST[3] = {3, 10, 25};
static const double MISSING_COST[3] = {3, 8, 20};

static int score_of(const review_ctx *c) {
  const tact_review_out *o = c->out;
  double total = 0;
  for (size_t r = 0; r < c->rm->n_rules; r++) {
    double rule_cost = 0, unit = 0;
    for (size_t i = 0; i < o->n; i++) {
      const tact_finding_rec *f = &o->items[i];
      if (f->rule != r || f->kind == TACT_FINDING_GOOD) continue;
      unit = f->kind == TACT_FINDING_MISSING ? MISSING_COST[f->severity] : VIOLATION_COST[f->severity];
      rule_cost += unit * f->confidence;
      if (rule_cost > 2 * unit) rule_cost = 2 * unit;
    }
    total += rule_cost;
  }
  double s = 100 - total;
  return s < 0 ? 0 : (int)lround(s);
}

static int finding_before(const tact_finding_rec *a, const tact_finding_rec *b) {
  if (a->has_span != b->has_span) return a->has_span;
  if (a->has_span && a->start != b->start) return a->start < b->start;
  return a->rule < b->rule;
}

static void sort_findings(tact_review_out *o) {
  for (size_t i = 1; i < o->n; i++) {
    tact_finding_rec x = o->items[i];
    size_t j = i;
    while (j > 0 && finding_before(&x, &o->items[j - 1])) {
      o->items[j] = o->items[j - 1];
      j--;
    }
    o->items[j] = x;
  }
}

tact_status tact_review_run(const tact_review_model *rm, const tact_matcher *m,
                            const tact_review_message *reply,
                            const tact_review_message *customer,
                            const tact_review_options *opt, const tact_allocator *a,
                            tact_review_out *out, tact_error *err) {
  review_ctx c;
  memset(&c, 0, sizeof c);
  c.rm = rm, c.m = m, c.opt = opt, c.a = a, c.out = out, c.err = err;
  c.msg[SIDE_REPLY] = reply;
  c.msg[SIDE_CUSTOMER] = customer;
  out->n = out->n_trig = out->strings.len = 0;
  out->score = 100;
  tact_status st = build_masks(&c, SIDE_REPLY);
  if (st == TACT_OK) st = build_masks(&c, SIDE_CUSTOMER);
  if (st == TACT_OK) st = index_hits(&c);
  if (st != TACT_OK) return st;
  find_name(&c);
  compute_facts(&c);
  c.ov = opt->profile >= 0 && (size_t)opt->profile < rm->n_profiles ? rm->profiles[opt->profile] : NULL;
  for (size_t r = 0; r < rm->n_rules && st == TACT_OK; r++) {
    if (opt->rule_off && opt->rule_off[r]) continue;
    if (c.ov && c.ov[r].enabled == 0 && !(opt->rule_off && opt->only_mode)) continue;
    st = run_rule(&c, r);
  }
  if (st != TACT_OK) {
    out->n = 0;
    return st;
  }
  sort_findings(out);
  out->score = score_of(&c);
  return TACT_OK;
}

void tact_review_out_free(tact_review_out *out, const tact_allocator *a) {
  tact_free(a, out->items);
  tact_buf_free(a, &out->strings);
  tact_free(a, out->masks[0]);
  tact_free(a, out->masks[1]);
  tact_free(a, out->trig);
  tact_free(a, out->stems);
  tact_free(a, out->rule_off);
  tact_free(a, out->lex_first);
  tact_free(a, out->lex_hits);
  memset(out, 0, sizeof *out);
}
