/* complaint.c — complaint classification of a customer message: is it a
 * complaint (a calibrated probability), about what (category scores), what
 * the customer asks for (requested outcome), which threats it makes
 * (escalation, churn, public or legal) with their evidence, and an overall
 * severity 0..3. Formulas, features and the <model> element:
 * docs/complaints.md.
 *
 * Two linear models from the packs (<model id="complaint"> with two
 * classes, <model id="category"> with one class per category) score hashed
 * features: normalized tokens and adjacent pairs, one feature per lexicon
 * with a hit, and a few tone scores. Threats and the outcome come from pack
 * lexicons (escalation-request, churn-threat, public-threat, outcome.<id>),
 * a hit preceded closely by a complaint.negation cue not counting. This
 * file holds mechanisms and thresholds; vocabularies and weights live in
 * packs (default.xml, complaint.xml) and are found by id at model build.
 *
 * Classifying walks the tokens and the matcher's hits once each, sorts the
 * feature hashes in the caller's scratch array (grown once, then reused)
 * and looks weights up by binary search: nothing is allocated per token.
 * Tokenizing, matching and tone are left to text.c, match.c and tone.c. */
#include "complaint.h"
#include "model_features.h"

#include <math.h>
#include <string.h>

#include "error.h"

/* ---------------------------------------------------------------------
 * Thresholds (docs/complaints.md "Threats, outcome, severity")
 * --------------------------------------------------------------------- */

#define COMPLAINT_THRESHOLD 0.5 /* tact_result_is_complaint */
#define THREAT_STRONG 0.8       /* a cue this strong is a threat on its own */
#define THREAT_WEAK 0.5         /* weaker cues count only in a complaint */
#define OUTCOME_MIN 0.5         /* summed cue weight needed to name an outcome */
#define NEGATION_WINDOW 3       /* a negation acts on a cue at most 3 tokens on */
#define ANGER_HIGH 0.35         /* severity 2 */
#define ANGER_CRITICAL 0.7      /* severity 3 */
#define SENTIMENT_HIGH (-0.6)   /* severity 2 */
#define MAX_OUTCOMES 64         /* outcome.<id> lexicons beyond this are ignored */

/* Pack vocabulary this stage reads. */
#define LEX_ESCALATION "escalation-request"
#define LEX_CHURN "churn-threat"
#define LEX_PUBLIC "public-threat"
#define LEX_NEGATION "complaint.negation"
#define LEX_MARKERS "complaint-markers"
#define OUTCOME_PREFIX "outcome."
#define OUTCOME_PREFIX_LEN (sizeof OUTCOME_PREFIX - 1)
#define MODEL_COMPLAINT "complaint"
#define MODEL_CATEGORY "category"

enum role { ROLE_NONE = 0, ROLE_THREAT, ROLE_OUTCOME, ROLE_NEGATION, ROLE_MARKER };

/* Tone scores read as features, named as tact_tone_dim_name() names them. */
static const struct {
  uint8_t dim;
  const char *name;
} TONE_FEATURES[] = {
    {TACT_TONE_SENTIMENT, "sentiment"},
    {TACT_TONE_POSITIVE, "positive"},
    {TACT_TONE_NEGATIVE, "negative"},
    {TACT_TONE_POLITENESS, "politeness"},
    {TACT_TONE_NEGATIVE_LANGUAGE, "negative_language"},
    {TACT_TONE_ANGER, "anger"},
};
#define N_TONE_FEATURES (sizeof TONE_FEATURES / sizeof TONE_FEATURES[0])

/* One linear model, its bucket mask, and an open-addressing index from a
 * stored bucket to its row: a feature costs one or two probes instead of a
 * binary search over all rows. */
typedef struct lin_model {
  const tact_pack_model *pm; /* NULL when no pack has one */
  uint32_t mask;
  uint32_t *slot_bucket;     /* bucket + 1, 0 = empty */
  uint32_t *slot_row;
  uint32_t slot_mask;        /* slots - 1 (a power of two >= 2 * rows) */
} lin_model;

struct tact_complaint_model {
  uint8_t *lex_role;        /* per resolved lexicon: enum role */
  uint16_t *lex_arg;        /* threat or outcome index */
  uint32_t *lex_hash;       /* hash of the lexicon's feature "l:<id>" */
  size_t n_lexicons;
  const char **outcomes;    /* "refund", ... (suffixes of lexicon ids) */
  size_t n_outcomes;
  lin_model complaint, category;
  unsigned families;        /* TACT_MODEL_* any model reads */
  uint32_t tone_hash[N_TONE_FEATURES];
};

/* Feature keys and hashing live in model_features.h, shared with tact-train. */
#define key_hash tact_feature_hash
#define WORD_NORM_FLOOR TACT_FEATURE_WORD_NORM_FLOOR

static const char *token_key(const tact_text *t, size_t i, size_t *len) {
  size_t n;
  const char *norm = tact_text_norm(t, i, &n);
  return tact_feature_token_key((tact_token_kind)t->tokens[i].kind, norm, n, len);
}

/* ---------------------------------------------------------------------
 * The model
 * --------------------------------------------------------------------- */

static int lexicon_threat(const char *id) {
  if (strcmp(id, LEX_ESCALATION) == 0) return TACT_THREAT_ESCALATION;
  if (strcmp(id, LEX_CHURN) == 0) return TACT_THREAT_CHURN;
  if (strcmp(id, LEX_PUBLIC) == 0) return TACT_THREAT_PUBLIC;
  return -1;
}

static int is_outcome(const char *id) {
  return strncmp(id, OUTCOME_PREFIX, OUTCOME_PREFIX_LEN) == 0 && id[OUTCOME_PREFIX_LEN];
}

/* Fibonacci hashing: spreads bucket numbers and feature hashes over the
 * open-addressing tables below (masked to their size). */
static uint32_t spread(uint32_t x) { return x * 0x9E3779B1u; }

static uint32_t slot_of(const lin_model *lm, uint32_t bucket) {
  return spread(bucket) & lm->slot_mask;
}

static tact_status index_rows(lin_model *lm, const tact_allocator *a, tact_error *err) {
  const tact_pack_model *pm = lm->pm;
  size_t slots = 2;
  while (slots < 2 * pm->n_rows) slots *= 2; /* rows <= 2^22 (pack.h) */
  lm->slot_bucket = tact_malloc(a, slots * sizeof *lm->slot_bucket);
  lm->slot_row = tact_malloc(a, slots * sizeof *lm->slot_row);
  if (!lm->slot_bucket || !lm->slot_row)
    return tact_fail(err, TACT_E_NOMEM, "out of memory building the complaint model");
  memset(lm->slot_bucket, 0, slots * sizeof *lm->slot_bucket);
  lm->slot_mask = (uint32_t)(slots - 1);
  for (size_t r = 0; r < pm->n_rows; r++) {
    uint32_t i = slot_of(lm, pm->rows[r]);
    while (lm->slot_bucket[i]) i = (i + 1) & lm->slot_mask;
    lm->slot_bucket[i] = pm->rows[r] + 1;
    lm->slot_row[i] = (uint32_t)r;
  }
  return TACT_OK;
}

static void free_index(lin_model *lm, const tact_allocator *a) {
  tact_free(a, lm->slot_bucket);
  tact_free(a, lm->slot_row);
}

static tact_status attach_model(const tact_layers *layers, const char *id, size_t need_classes,
                                const tact_allocator *a, lin_model *lm, unsigned *families,
                                tact_error *err) {
  const tact_model *m = tact_layers_find_model(layers, id);
  memset(lm, 0, sizeof *lm);
  if (!m) return TACT_OK;
  if (need_classes && m->model->n_classes != need_classes)
    return tact_fail_pack(err, TACT_E_PACK, m->source, m->model->line, 0,
                          "%s:%u: model '%s' must have exactly %zu classes (the second is the "
                          "complaint class), not %zu",
                          m->source, m->model->line, id, need_classes, m->model->n_classes);
  lm->pm = m->model;
  lm->mask = (uint32_t)(((uint64_t)1 << m->model->bits) - 1);
  *families |= m->model->features;
  return index_rows(lm, a, err);
}

static tact_status build_lexicon_roles(tact_complaint_model *cm, const tact_layers *layers,
                                       const tact_allocator *a, tact_error *err) {
  size_t n = layers->n_lexicons;
  cm->n_lexicons = n;
  cm->lex_role = tact_malloc(a, n ? n : 1);
  cm->lex_arg = tact_malloc(a, (n ? n : 1) * sizeof *cm->lex_arg);
  cm->lex_hash = tact_malloc(a, (n ? n : 1) * sizeof *cm->lex_hash);
  cm->outcomes = tact_malloc(a, MAX_OUTCOMES * sizeof *cm->outcomes);
  if (!cm->lex_role || !cm->lex_arg || !cm->lex_hash || !cm->outcomes)
    return tact_fail(err, TACT_E_NOMEM, "out of memory building the complaint model");
  for (size_t i = 0; i < n; i++) {
    const char *id = layers->lexicons[i].id;
    int threat = lexicon_threat(id);
    cm->lex_arg[i] = 0;
    cm->lex_hash[i] = key_hash("l:", id, strlen(id));
    if (threat >= 0) {
      cm->lex_role[i] = ROLE_THREAT;
      cm->lex_arg[i] = (uint16_t)threat;
    } else if (is_outcome(id) && cm->n_outcomes < MAX_OUTCOMES) {
      cm->lex_role[i] = ROLE_OUTCOME;
      cm->lex_arg[i] = (uint16_t)cm->n_outcomes;
      cm->outcomes[cm->n_outcomes++] = id + OUTCOME_PREFIX_LEN;
    } else if (strcmp(id, LEX_NEGATION) == 0) {
      cm->lex_role[i] = ROLE_NEGATION;
    } else if (strcmp(id, LEX_MARKERS) == 0) {
      cm->lex_role[i] = ROLE_MARKER;
    } else {
      cm->lex_role[i] = ROLE_NONE;
    }
  }
  return TACT_OK;
}

tact_status tact_complaint_model_build(const tact_layers *layers, const tact_matcher *m,
                                       const tact_allocator *a, tact_complaint_model **out,
                                       tact_error *err) {
  if (out) *out = NULL;
  if (!layers || !m || !out)
    return tact_fail(err, TACT_E_ARG, "tact_complaint_model_build: NULL layers, matcher or output");
  tact_allocator alloc;
  tact_alloc_resolve(&alloc, a);
  tact_complaint_model *cm = tact_malloc(&alloc, sizeof *cm);
  if (!cm) return tact_fail(err, TACT_E_NOMEM, "out of memory building the complaint model");
  memset(cm, 0, sizeof *cm);
  tact_status st = build_lexicon_roles(cm, layers, &alloc, err);
  if (st == TACT_OK)
    st = attach_model(layers, MODEL_COMPLAINT, 2, &alloc, &cm->complaint, &cm->families, err);
  if (st == TACT_OK)
    st = attach_model(layers, MODEL_CATEGORY, 0, &alloc, &cm->category, &cm->families, err);
  if (st != TACT_OK) {
    tact_complaint_model_free(cm, &alloc);
    return st;
  }
  for (size_t i = 0; i < N_TONE_FEATURES; i++)
    cm->tone_hash[i] = key_hash("t:", TONE_FEATURES[i].name, strlen(TONE_FEATURES[i].name));
  *out = cm;
  return TACT_OK;
}

void tact_complaint_model_free(tact_complaint_model *cm, const tact_allocator *a) {
  if (!cm) return;
  tact_allocator alloc;
  tact_alloc_resolve(&alloc, a);
  tact_free(&alloc, cm->lex_role);
  tact_free(&alloc, cm->lex_arg);
  tact_free(&alloc, cm->lex_hash);
  tact_free(&alloc, cm->outcomes);
  free_index(&cm->complaint, &alloc);
  free_index(&cm->category, &alloc);
  tact_free(&alloc, cm);
}

void tact_complaint_scratch_free(tact_complaint_scratch *s, const tact_allocator *a) {
  if (!s) return;
  tact_allocator alloc;
  tact_alloc_resolve(&alloc, a);
  tact_free(&alloc, s->features);
  tact_free(&alloc, s->set);
  memset(s, 0, sizeof *s);
}

/* ---------------------------------------------------------------------
 * Features: three runs of distinct hashes in the scratch array —
 * unigrams, bigrams, lexicons — each deduplicated in text order.
 * --------------------------------------------------------------------- */

typedef struct feature_runs {
  const uint32_t *uni, *bi, *lex;
  size_t n_uni, n_bi, n_lex;
} feature_runs;

/* Keeps the first occurrence of each value of v[0..n), in order; returns
 * the new count. `set` (a power of two >= 2n slots) remembers kept values
 * by position + 1, so any 32-bit value can be stored. */
static size_t keep_first(uint32_t *v, size_t n, uint32_t *set, size_t slots) {
  size_t mask = slots - 1, k = 0;
  memset(set, 0, slots * sizeof *set);
  for (size_t i = 0; i < n; i++) {
    uint32_t x = v[i];
    size_t j = spread(x) & mask;
    while (set[j] && v[set[j] - 1] != x) j = (j + 1) & mask;
    if (set[j]) continue;
    v[k++] = x;
    set[j] = (uint32_t)k;
  }
  return k;
}

static tact_status collect_features(const tact_complaint_model *cm, const tact_matcher *m,
                                    const tact_text *t, const tact_match_state *hits,
                                    const tact_allocator *a, tact_complaint_scratch *s,
                                    feature_runs *fr, tact_error *err) {
  memset(fr, 0, sizeof *fr);
  size_t n_tok = t->n_tokens;
  if (n_tok > (SIZE_MAX / sizeof(uint32_t) - hits->n_hits) / 2)
    return tact_fail(err, TACT_E_NOMEM, "text too long for the complaint features");
  size_t need = 2 * n_tok + hits->n_hits;
  if (need == 0) need = 1; /* never offset a NULL array */
  size_t slots = 16;
  while (slots < 2 * need) slots *= 2; /* need < 2^31: texts are < 4 GiB */
  if ((need > s->cap && tact_grow(a, (void **)&s->features, &s->cap, need, sizeof *s->features)) ||
      (slots > s->set_cap && tact_grow(a, (void **)&s->set, &s->set_cap, slots, sizeof *s->set)))
    return tact_fail(err, TACT_E_NOMEM, "out of memory for the complaint features");
  uint32_t *f = s->features;
  size_t n = 0;
  if (cm->families & TACT_MODEL_UNIGRAM) {
    for (size_t i = 0; i < n_tok; i++) {
      size_t len;
      const char *k = token_key(t, i, &len);
      if (k) f[n++] = key_hash("u:", k, len);
    }
    fr->n_uni = keep_first(f, n, s->set, slots);
    n = fr->n_uni;
  }
  size_t bi_at = n;
  if (cm->families & TACT_MODEL_BIGRAM) {
    /* Pairs of neighbouring kept tokens of one sentence. */
    const char *k1 = NULL;
    size_t l1 = 0;
    uint32_t s1 = 0;
    for (size_t i = 0; i < n_tok; i++) {
      size_t l2;
      const char *k2 = token_key(t, i, &l2);
      if (!k2) continue;
      uint32_t s2 = t->tokens[i].sentence;
      if (k1 && s1 == s2)
        f[n++] = tact_feature_bigram_hash(k1, l1, k2, l2);
      k1 = k2, l1 = l2, s1 = s2;
    }
    fr->n_bi = keep_first(f + bi_at, n - bi_at, s->set, slots);
    n = bi_at + fr->n_bi;
  }
  size_t lex_at = n;
  if (cm->families & TACT_MODEL_LEXICON) {
    for (size_t h = 0; h < hits->n_hits; h++) {
      const tact_compiled_entry *e = tact_matcher_entry(m, hits->hits[h].entry);
      if (e && e->lexicon < cm->n_lexicons) f[n++] = cm->lex_hash[e->lexicon];
    }
    fr->n_lex = keep_first(f + lex_at, n - lex_at, s->set, slots);
  }
  fr->uni = f;
  fr->bi = f + bi_at;
  fr->lex = f + lex_at;
  s->n = lex_at + fr->n_lex;
  return TACT_OK;
}

/* Adds value * weights of `hash`'s bucket (if stored) to s[0..n_classes). */
static void add_feature(const lin_model *lm, uint32_t hash, double value, double *s) {
  const tact_pack_model *pm = lm->pm;
  uint32_t bucket = hash & lm->mask, i = slot_of(lm, bucket);
  while (lm->slot_bucket[i] && lm->slot_bucket[i] != bucket + 1) i = (i + 1) & lm->slot_mask;
  if (!lm->slot_bucket[i]) return;
  const float *w = pm->weights + (size_t)lm->slot_row[i] * pm->n_classes;
  for (size_t c = 0; c < pm->n_classes; c++) s[c] += value * (double)w[c];
}

/* Raw class scores: bias + sum of feature value * weight. Word features
 * (unigrams and bigrams the model reads) weigh 1/sqrt(max(their number,
 * WORD_NORM_FLOOR)), so a long text does not shout down a short one;
 * lexicon features weigh 1; tone features weigh their score. */
static void score(const tact_complaint_model *cm, const lin_model *lm, const feature_runs *fr,
                  const tact_tone *tone, double *s) {
  const tact_pack_model *pm = lm->pm;
  unsigned fam = pm->features;
  memcpy(s, pm->bias, pm->n_classes * sizeof *s);
  size_t n_words = ((fam & TACT_MODEL_UNIGRAM) ? fr->n_uni : 0) +
                   ((fam & TACT_MODEL_BIGRAM) ? fr->n_bi : 0);
  double v = 1.0 / sqrt((double)(n_words > WORD_NORM_FLOOR ? n_words : WORD_NORM_FLOOR));
  if (fam & TACT_MODEL_UNIGRAM)
    for (size_t i = 0; i < fr->n_uni; i++) add_feature(lm, fr->uni[i], v, s);
  if (fam & TACT_MODEL_BIGRAM)
    for (size_t i = 0; i < fr->n_bi; i++) add_feature(lm, fr->bi[i], v, s);
  if (fam & TACT_MODEL_LEXICON)
    for (size_t i = 0; i < fr->n_lex; i++) add_feature(lm, fr->lex[i], 1.0, s);
  if ((fam & TACT_MODEL_TONE) && tone)
    for (size_t i = 0; i < N_TONE_FEATURES; i++) {
      double x = tone->scores[TONE_FEATURES[i].dim];
      if (x != 0.0 && isfinite(x)) add_feature(lm, cm->tone_hash[i], x, s);
    }
}

static double sigmoid(double x) {
  if (x >= 0) return 1.0 / (1.0 + exp(-x));
  double e = exp(x);
  return e / (1.0 + e);
}

/* P(complaint): the calibrated model, or without one the complaint
 * markers alone (1 - exp(-sum of their weights)). */
static double complaint_probability(const tact_complaint_model *cm, const tact_matcher *m,
                                    const tact_match_state *hits, const feature_runs *fr,
                                    const tact_tone *tone) {
  if (cm->complaint.pm) {
    double s[2];
    score(cm, &cm->complaint, fr, tone, s);
    const tact_pack_model *pm = cm->complaint.pm;
    return sigmoid(pm->cal_a * (s[1] - s[0]) + pm->cal_b);
  }
  double sum = 0;
  for (size_t h = 0; h < hits->n_hits; h++) {
    const tact_compiled_entry *e = tact_matcher_entry(m, hits->hits[h].entry);
    if (e && e->lexicon < cm->n_lexicons && cm->lex_role[e->lexicon] == ROLE_MARKER)
      sum += e->weight > 0 ? e->weight : 0;
  }
  return 1.0 - exp(-sum);
}

/* Category scores: softmax(a * scores), best first (ties in class order),
 * at most TACT_MAX_CATEGORIES of them. */
static void categorize(const tact_complaint_model *cm, const feature_runs *fr,
                       const tact_tone *tone, tact_complaint *out) {
  const tact_pack_model *pm = cm->category.pm;
  if (!pm) return;
  double s[TACT_MODEL_MAX_CLASSES];
  uint16_t order[TACT_MODEL_MAX_CLASSES];
  size_t n = pm->n_classes;
  score(cm, &cm->category, fr, tone, s);
  double top = -INFINITY, sum = 0;
  for (size_t c = 0; c < n; c++) {
    s[c] *= pm->cal_a;
    if (s[c] > top) top = s[c];
  }
  for (size_t c = 0; c < n; c++) {
    s[c] = exp(s[c] - top);
    sum += s[c];
    order[c] = (uint16_t)c;
  }
  size_t k = n < TACT_MAX_CATEGORIES ? n : TACT_MAX_CATEGORIES;
  for (size_t i = 0; i < k; i++) { /* partial selection sort: k <= 32 */
    size_t best = i;
    for (size_t j = i + 1; j < n; j++)
      if (s[order[j]] > s[order[best]] ||
          (s[order[j]] == s[order[best]] && order[j] < order[best]))
        best = j;
    uint16_t tmp = order[i];
    order[i] = order[best];
    order[best] = tmp;
    out->category[i] = pm->classes[order[i]];
    out->category_score[i] = s[order[i]] / sum;
  }
  out->n_categories = k;
}

/* ---------------------------------------------------------------------
 * Threats and the requested outcome, from lexicon hits
 * --------------------------------------------------------------------- */

/* A threat's evidence: runs of its cues that overlap or touch ("switching
 * to another" + "another carrier") form one span; the run holding the
 * strongest cue (the earliest of equals) is the evidence. */
typedef struct cue {
  double weight;         /* strongest cue of the run */
  uint32_t first, end;   /* tokens [first, end) */
} cue;

typedef struct threat_runs {
  cue best, cur;
  int best_is_cur;
} threat_runs;

static void add_threat_cue(threat_runs *r, double weight, uint32_t first, uint32_t end) {
  if (r->cur.end > 0 && first <= r->cur.end) { /* hits come sorted by first token */
    if (end > r->cur.end) r->cur.end = end;
    if (weight > r->cur.weight) r->cur.weight = weight;
  } else {
    r->cur = (cue){weight, first, end};
    r->best_is_cur = 0;
  }
  if (r->best_is_cur || r->cur.weight > r->best.weight) {
    r->best = r->cur;
    r->best_is_cur = 1;
  }
}

static void find_cues(const tact_complaint_model *cm, const tact_matcher *m, const tact_text *t,
                      const tact_match_state *hits, threat_runs threats[3], double *outcome_score,
                      uint32_t *outcome_first) {
  /* Hits come sorted by first token (longest first), so a negation is
   * always seen before the cues it may negate and a shield (a negation
   * entry of weight <= 0, "if I don't") before the negations inside it;
   * the latest end of each is all we need. */
  uint32_t neg_end = 0, neg_sentence = 0, shield_end = 0;
  int have_neg = 0;
  for (size_t h = 0; h < hits->n_hits; h++) {
    const tact_hit *hit = &hits->hits[h];
    const tact_compiled_entry *e = tact_matcher_entry(m, hit->entry);
    if (!e || e->lexicon >= cm->n_lexicons || hit->first_token >= t->n_tokens) continue;
    uint8_t role = cm->lex_role[e->lexicon];
    uint32_t sentence = t->tokens[hit->first_token].sentence;
    if (role == ROLE_NEGATION) {
      uint32_t end = hit->first_token + hit->n_tokens;
      if (e->weight <= 0) {
        if (end > shield_end) shield_end = end;
        continue;
      }
      if (end <= shield_end) continue;
      if (!have_neg || end > neg_end || sentence != neg_sentence) {
        neg_end = end;
        neg_sentence = sentence;
        have_neg = 1;
      }
      continue;
    }
    if (role != ROLE_THREAT && role != ROLE_OUTCOME) continue;
    if (have_neg && neg_sentence == sentence && neg_end <= hit->first_token &&
        hit->first_token - neg_end < NEGATION_WINDOW)
      continue;
    uint16_t arg = cm->lex_arg[e->lexicon];
    if (role == ROLE_THREAT) {
      add_threat_cue(&threats[arg], e->weight, hit->first_token, hit->first_token + hit->n_tokens);
    } else {
      if (outcome_score[arg] == 0) outcome_first[arg] = hit->first_token;
      outcome_score[arg] += e->weight > 0 ? e->weight : 0;
    }
  }
}

/* Severity (docs/complaints.md): 3 a complaint with a threat or critical
 * anger; 2 a complaint with high anger or strongly negative sentiment; 1 any
 * other complaint, or a threat without one; 0 otherwise. */
static int severity(const tact_complaint *c, const tact_tone *tone) {
  int complaint = c->probability >= COMPLAINT_THRESHOLD;
  int threat = c->threat[0] || c->threat[1] || c->threat[2];
  double anger = tone ? tone->scores[TACT_TONE_ANGER] : 0;
  double sentiment = tone ? tone->scores[TACT_TONE_SENTIMENT] : 0;
  if (!complaint) return threat ? 1 : 0;
  if (threat || anger >= ANGER_CRITICAL) return 3;
  if (anger >= ANGER_HIGH || sentiment <= SENTIMENT_HIGH) return 2;
  return 1;
}

tact_status tact_complaint_classify(const tact_complaint_model *cm, const tact_matcher *m,
                                    const tact_text *t, const tact_match_state *hits,
                                    const tact_tone *tone, const tact_allocator *a,
                                    tact_complaint_scratch *scratch, tact_complaint *out,
                                    tact_error *err) {
  if (!out) return tact_fail(err, TACT_E_ARG, "tact_complaint_classify: NULL output");
  memset(out, 0, sizeof *out);
  if (!cm || !m || !t || !hits || !scratch)
    return tact_fail(err, TACT_E_ARG, "tact_complaint_classify: NULL model, matcher, text, hits "
                                      "or scratch");
  tact_allocator alloc;
  tact_alloc_resolve(&alloc, a);
  feature_runs fr;
  tact_status st = collect_features(cm, m, t, hits, &alloc, scratch, &fr, err);
  if (st != TACT_OK) return st;
  out->probability = complaint_probability(cm, m, hits, &fr, tone);
  categorize(cm, &fr, tone, out);

  threat_runs threats[3];
  memset(threats, 0, sizeof threats);
  double outcome_score[MAX_OUTCOMES];
  uint32_t outcome_first[MAX_OUTCOMES];
  for (size_t i = 0; i < cm->n_outcomes; i++) outcome_score[i] = 0;
  find_cues(cm, m, t, hits, threats, outcome_score, outcome_first);
  int complaint = out->probability >= COMPLAINT_THRESHOLD;
  for (int k = 0; k < 3; k++) {
    const cue *c = &threats[k].best;
    if (c->weight >= THREAT_STRONG || (complaint && c->weight >= THREAT_WEAK)) {
      out->threat[k] = 1;
      out->threat_first[k] = c->first;
      out->threat_n[k] = c->end - c->first;
    }
  }
  /* The outcome with the most cue weight; ties go to the one asked first. */
  out->outcome = "none";
  double best = OUTCOME_MIN;
  uint32_t best_first = UINT32_MAX;
  for (size_t i = 0; i < cm->n_outcomes; i++) {
    if (outcome_score[i] > best || (outcome_score[i] == best && outcome_score[i] > 0 &&
                                    outcome_first[i] < best_first)) {
      best = outcome_score[i];
      best_first = outcome_first[i];
      out->outcome = cm->outcomes[i];
    }
  }
  out->severity = severity(out, tone);
  out->computed = 1;
  return TACT_OK;
}
