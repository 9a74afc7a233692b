/* tone.c — tone scores of one text from its tokens and matcher hits:
 * VADER-style sentiment, a fitted politeness model, saturating cue scores
 * (empathy, rudeness, blame, jargon, ...), readability and anger, each with
 * the evidence that moved it. Formulas and constants: docs/tone.md.
 *
 * Knowledge lives in packs: word valences, boosters, negations, idioms and
 * emoji (packs/sentiment.xml, generated from VADER), politeness weights and
 * acronym lists (packs/tone.xml), cue phrases (packs/default.xml). This file
 * holds the mechanisms and the algorithm's constants only. Lexicons are
 * found by id once, at model build; scoring walks the tokens and the sorted
 * hits once, keeps a fixed-size window of recent words on the stack and
 * allocates only when the evidence list must grow. Tokenizing and matching
 * are left to text.c and match.c; turning scores into findings is review's. */
#include "tone.h"

#include <math.h>
#include <string.h>

#include "error.h"
#include "hash.h"

/* ---------------------------------------------------------------------
 * Constants of the formulas (docs/tone.md)
 * --------------------------------------------------------------------- */

/* VADER (Hutto & Gilbert 2014), empirically derived from human ratings. */
#define VADER_C_INCR 0.733 /* valence added to an ALL-CAPS word when the text mixes case */
#define VADER_N_SCALAR (-0.74) /* multiplier of a negated valence */
#define VADER_ALPHA 15.0 /* compound = sum / sqrt(sum^2 + alpha) */
#define VADER_EXCL_INCR 0.292 /* per '!', at most VADER_EXCL_MAX of them */
#define VADER_EXCL_MAX 4
#define VADER_QUEST_INCR 0.18 /* per '?' when 2 or 3 of them */
#define VADER_QUEST_MAX 0.96 /* for more than 3 */
#define VADER_BEFORE_CONTRAST 0.5
#define VADER_AFTER_CONTRAST 1.5
#define VADER_BOOST_WINDOW 3 /* boosters act up to 3 words before a sentiment word */
static const double BOOST_DECAY[VADER_BOOST_WINDOW] = {1.0, 0.95, 0.9};

/* Our departures from VADER, each measured in docs/tone.md. Modifiers
 * (boosters, negations) do not reach across clause punctuation (, ; : . ! ?
 * ( ) dashes) nor past an earlier sentiment word; "but" reweights its own
 * sentence, not the whole text; emoji and emoticons are never modified. */
#define TONE_NEG_WINDOW 3 /* negations act this many words back (as VADER) */
#define TONE_QUESTION 0.5 /* valences in a question count half */
#define TONE_ELONGATION VADER_C_INCR /* "goooood": emphasis, as ALL CAPS */
#define TONE_LENGTH_REF 10.0 /* the sum is scaled by sqrt(TONE_LENGTH_REF / items) ... */
#define TONE_LENGTH_MIN 5.0 /* ... counting at least this many items */
#define TONE_RING 8 /* words of look-back kept (>= both windows) */

/* Cue dimensions: score = 1 - exp(-sum of cue weights / CUE_SCALE). One
 * full-weight cue gives 0.63, two give 0.86. */
#define CUE_SCALE 1.0
/* Jargon is a density: sum * JARGON_WORDS_PER_CUE / max(words, JARGON_WORDS_PER_CUE),
 * so one full-weight term per 20 words scores 0.63. */
#define JARGON_WORDS_PER_CUE 20.0
#define ACRONYM_WEIGHT 1.0 /* an unexplained acronym counts as a full jargon cue */
#define ACRONYM_MAX_DEFINED 32 /* definitions remembered per text */
#define ACRONYM_MIN 2
#define ACRONYM_MAX 6
/* Anger = 1 - exp(-(caps + exclamation runs + profanity + negativity)). */
#define ANGER_CAPS 1.5 /* times the share of shouted words */
#define ANGER_EXCL_RUN 0.2 /* per '!' beyond the first in a run, up to 3 */
#define ANGER_PROFANITY 1.0 /* times the profanity cue weights */
#define ANGER_NEG_FROM (-0.5) /* compound below this adds ... */
#define ANGER_NEG_SCALE 2.0 /* ... (ANGER_NEG_FROM - compound) times this */
#define LONG_SENTENCE_WORDS 25
/* Politeness = 1 / (1 + exp(-(intercept + contributions * min(1, 2 / sentences)))),
 * impoliteness = 1 - exp(-(strong impolite contributions) * the same). */
#define POLITE_SENTENCES 2.0 /* the length of the requests the model was fitted on */
#define IMPOLITE_MIN_CUE 0.3 /* a contribution this negative is an impolite cue */
#define POLITE_MIN_EVIDENCE 0.1 /* smaller contributions count but are not listed */

/* ---------------------------------------------------------------------
 * The model
 * --------------------------------------------------------------------- */

enum {
  ROLE_VALENCE = 1u << 0,
  ROLE_IDIOM = 1u << 1,
  ROLE_BOOSTER = 1u << 2,
  ROLE_NEGATION = 1u << 3,
  ROLE_NEG_EXCEPTION = 1u << 4,
  ROLE_CONTRAST = 1u << 5,
  ROLE_IRREALIS = 1u << 6, /* "if", "wish": the rest of the clause is not asserted */
  ROLE_POLITE = 1u << 7, /* fitted politeness feature, anywhere */
  ROLE_POLITE_START = 1u << 8, /* fitted politeness feature, first word of a sentence */
  ROLE_KNOWN_WORD = 1u << 9, /* a known acronym: neither unexplained nor shouting */
  ROLE_POLITE_WORD = 1u << 10, /* a fitted word or word pair: politeness only */
  ROLE_SENTIMENT = ROLE_VALENCE | ROLE_IDIOM | ROLE_BOOSTER | ROLE_NEGATION | ROLE_NEG_EXCEPTION |
                   ROLE_CONTRAST | ROLE_IRREALIS
};

static const struct {
  const char *id;
  unsigned role;
} ROLE_LEXICONS[] = {
    {"sentiment.valence", ROLE_VALENCE},     {"sentiment.emoji", ROLE_VALENCE},
    {"sentiment.idiom", ROLE_IDIOM},         {"sentiment.booster", ROLE_BOOSTER},
    {"sentiment.negation", ROLE_NEGATION},   {"sentiment.negation-exception", ROLE_NEG_EXCEPTION},
    {"sentiment.contrast", ROLE_CONTRAST},   {"sentiment.irrealis", ROLE_IRREALIS},
    {"tone.known-acronym", ROLE_KNOWN_WORD},
    {"politeness.word", ROLE_POLITE_WORD},   {"politeness.phrase", ROLE_POLITE_WORD},
};

/* Which lexicons feed which saturating dimension, and how strongly. */
static const struct {
  const char *id;
  tact_tone_dim dim;
  double scale;
} CUE_LEXICONS[] = {
    {"empathy", TACT_TONE_EMPATHY, 1.0},
    {"positive-phrasing", TACT_TONE_POSITIVITY, 1.0},
    {"negative-language", TACT_TONE_NEGATIVE_LANGUAGE, 1.0},
    {"say-no", TACT_TONE_NEGATIVE_LANGUAGE, 1.0},
    {"rudeness", TACT_TONE_RUDENESS, 1.0},
    {"uninformed-customer", TACT_TONE_RUDENESS, 1.0},
    {"commanding", TACT_TONE_RUDENESS, 0.5},
    {"blame-customer", TACT_TONE_BLAME, 1.0},
    {"assumption", TACT_TONE_BLAME, 0.5},
    {"defensive", TACT_TONE_DEFENSIVENESS, 1.0},
    {"argue", TACT_TONE_ARGUING, 1.0},
    {"jargon", TACT_TONE_JARGON, 1.0},
    {"robotic", TACT_TONE_CANNED, 1.0},
    {"sales-pressure", TACT_TONE_SALES_PRESSURE, 1.0},
    {"hedging", TACT_TONE_HEDGING, 1.0},
    {"profanity", TACT_TONE_ANGER, ANGER_PROFANITY},
};

#define NO_DIM 0xffu
#define NO_ENTRY (-1)

typedef struct lex_info {
  unsigned roles;
  uint8_t dim; /* NO_DIM or a tact_tone_dim fed by this lexicon */
  double scale;
} lex_info;

/* Single-token sentiment entries by normalized form, for tokens the matcher
 * cannot see as words: hashtags ("#love") and elongations ("goooood"). */
typedef struct fb_slot {
  const char *key; /* NULL = empty */
  uint32_t len;
  int32_t valence, booster, negation; /* compiled entry ids or NO_ENTRY */
} fb_slot;

struct tact_tone_model {
  tact_allocator alloc;
  tact_arena arena;
  size_t n_lexicons;
  lex_info *lex;
  size_t n_entries;
  const char **source; /* per compiled entry: "lexicon:pattern", NULL if unused */
  uint8_t *standalone; /* per entry: made of symbols, must stand alone like a word */
  fb_slot *fb;
  size_t fb_cap;
  double polite_intercept;
  double polite_positive, polite_negative; /* per positive / negative sentiment word */
};

static fb_slot *fb_find(const tact_tone_model *tm, const char *s, size_t n) {
  if (!tm->fb_cap) return NULL;
  size_t i = (size_t)tact_hash(s, n) & (tm->fb_cap - 1);
  for (;;) {
    fb_slot *e = &tm->fb[i];
    if (!e->key || (e->len == n && memcmp(e->key, s, n) == 0)) return e;
    i = (i + 1) & (tm->fb_cap - 1);
  }
}

static const tact_lexicon *entry_lexicon(const tact_layers *l, const tact_compiled_entry *ce) {
  return ce->lexicon < l->n_lexicons ? &l->lexicons[ce->lexicon] : NULL;
}

static tact_status nomem(tact_error *err) {
  return tact_fail(err, TACT_E_NOMEM, "out of memory building the tone model");
}

static tact_status classify_lexicons(tact_tone_model *tm, const tact_layers *layers,
                                     tact_error *err) {
  tm->n_lexicons = layers->n_lexicons;
  tm->lex =
      tact_arena_calloc(&tm->arena, layers->n_lexicons ? layers->n_lexicons : 1, sizeof *tm->lex);
  if (!tm->lex) return nomem(err);
  for (size_t i = 0; i < layers->n_lexicons; i++) {
    /* Every "politeness.*" lexicon is a politeness strategy; "*.start"
     * ones count only as the first word of a sentence. */
    const char *id = layers->lexicons[i].id;
    size_t n = strlen(id);
    tm->lex[i].dim = NO_DIM;
    if (n > 11 && memcmp(id, "politeness.", 11) == 0)
      tm->lex[i].roles |=
          n > 17 && memcmp(id + n - 6, ".start", 6) == 0 ? ROLE_POLITE_START : ROLE_POLITE;
  }
  for (size_t k = 0; k < sizeof ROLE_LEXICONS / sizeof *ROLE_LEXICONS; k++) {
    long li = tact_layers_find_lexicon(layers, ROLE_LEXICONS[k].id);
    if (li >= 0) tm->lex[li].roles |= ROLE_LEXICONS[k].role;
  }
  for (size_t k = 0; k < sizeof CUE_LEXICONS / sizeof *CUE_LEXICONS; k++) {
    long li = tact_layers_find_lexicon(layers, CUE_LEXICONS[k].id);
    if (li < 0) continue;
    tm->lex[li].dim = (uint8_t)CUE_LEXICONS[k].dim;
    tm->lex[li].scale = CUE_LEXICONS[k].scale;
  }
  /* A lexicon without entries whose weight is the politeness intercept. */
  long li = tact_layers_find_lexicon(layers, "politeness.intercept");
  if (li >= 0 && layers->lexicons[li].has_weight)
    tm->polite_intercept = layers->lexicons[li].weight;
  li = tact_layers_find_lexicon(layers, "politeness.positive-words");
  if (li >= 0 && layers->lexicons[li].has_weight) tm->polite_positive = layers->lexicons[li].weight;
  li = tact_layers_find_lexicon(layers, "politeness.negative-words");
  if (li >= 0 && layers->lexicons[li].has_weight) tm->polite_negative = layers->lexicons[li].weight;
  return TACT_OK;
}

/* Whether a pattern uses a token class ("{number}") or an inflection
 * ("refund~"): then it is no plain word list (pack.h). */
static int has_class_or_inflection(const char *p) {
  for (const char *w = p; *w;) {
    while (*w == ' ' || *w == '\t' || *w == '\n' || *w == '\r') w++;
    const char *e = w;
    while (*e && *e != ' ' && *e != '\t' && *e != '\n' && *e != '\r') e++;
    if (e > w && (w[0] == '{' || (e - w > 1 && e[-1] == '~'))) return 1;
    w = e;
  }
  return 0;
}

/* Tokenizes one pattern to learn whether it must stand alone (it holds
 * punctuation or symbols, like ":-)" or "</3") and, for single words, its
 * normalized form for the fallback table. */
static tact_status study_entry(tact_tone_model *tm, tact_text *scratch, uint32_t id,
                               const tact_compiled_entry *ce, unsigned roles, tact_error *err) {
  if (has_class_or_inflection(ce->pattern)) return TACT_OK;
  size_t len = strlen(ce->pattern);
  const char *norm = ce->pattern;
  if (!tact_text_is_plain_word(norm, len)) { /* a plain word is its own single token */
    tact_status st = tact_text_analyze(scratch, &tm->alloc, norm, len, 0, err);
    if (st != TACT_OK) return st;
    size_t symbols = 0;
    for (size_t i = 0; i < scratch->n_tokens; i++) {
      unsigned k = scratch->tokens[i].kind;
      symbols += k == TACT_TOKEN_PUNCT || k == TACT_TOKEN_SYMBOL || k == TACT_TOKEN_NUMBER;
    }
    tm->standalone[id] = scratch->n_tokens > 1 && symbols > 0;
    if (scratch->n_tokens != 1 || scratch->tokens[0].kind != TACT_TOKEN_WORD) return TACT_OK;
    norm = tact_text_norm(scratch, 0, &len);
  }
  if (!(roles & (ROLE_VALENCE | ROLE_IDIOM | ROLE_BOOSTER | ROLE_NEGATION))) return TACT_OK;
  fb_slot *e = fb_find(tm, norm, len);
  if (!e->key) {
    e->key = tact_arena_strndup(&tm->arena, norm, len);
    if (!e->key) return nomem(err);
    e->len = (uint32_t)len;
    e->valence = e->booster = e->negation = NO_ENTRY;
  }
  if (roles & (ROLE_VALENCE | ROLE_IDIOM)) e->valence = (int32_t)id;
  if (roles & ROLE_BOOSTER) e->booster = (int32_t)id;
  if (roles & ROLE_NEGATION) e->negation = (int32_t)id;
  return TACT_OK;
}

static tact_status study_entries(tact_tone_model *tm, const tact_layers *layers,
                                 const tact_matcher *m, tact_error *err) {
  size_t n = tact_matcher_entry_count(m), n_fb = 0;
  if (n > INT32_MAX) return tact_fail(err, TACT_E_LIMIT, "too many lexicon entries for tone");
  tm->n_entries = n;
  tm->source = tact_arena_calloc(&tm->arena, n ? n : 1, sizeof *tm->source);
  tm->standalone = tact_arena_calloc(&tm->arena, n ? n : 1, 1);
  if (!tm->source || !tm->standalone) return nomem(err);
  for (size_t i = 0; i < n; i++) {
    const tact_compiled_entry *ce = tact_matcher_entry(m, (uint32_t)i);
    if (ce->lexicon < tm->n_lexicons && (tm->lex[ce->lexicon].roles & ROLE_SENTIMENT)) n_fb++;
  }
  tm->fb_cap = 16;
  while (tm->fb_cap < n_fb * 2) tm->fb_cap *= 2;
  tm->fb = tact_arena_calloc(&tm->arena, tm->fb_cap, sizeof *tm->fb);
  if (!tm->fb) return nomem(err);
  tact_text scratch;
  memset(&scratch, 0, sizeof scratch);
  tact_status st = TACT_OK;
  for (size_t i = 0; i < n && st == TACT_OK; i++) {
    const tact_compiled_entry *ce = tact_matcher_entry(m, (uint32_t)i);
    const tact_lexicon *lx = entry_lexicon(layers, ce);
    if (!lx) continue;
    const lex_info *li = &tm->lex[ce->lexicon];
    if (!li->roles && li->dim == NO_DIM) continue;
    size_t a = strlen(lx->id), b = strlen(ce->pattern);
    char *s = tact_arena_alloc(&tm->arena, a + b + 2);
    if (!s) {
      st = nomem(err);
      break;
    }
    memcpy(s, lx->id, a);
    s[a] = ':';
    memcpy(s + a + 1, ce->pattern, b + 1);
    tm->source[i] = s;
    if (li->roles & ROLE_SENTIMENT) st = study_entry(tm, &scratch, (uint32_t)i, ce, li->roles, err);
  }
  tact_text_free(&scratch, &tm->alloc);
  return st;
}

tact_status tact_tone_model_build(const tact_layers *layers, const tact_matcher *m,
                                  const tact_allocator *a, tact_tone_model **out, tact_error *err) {
  if (!out) return tact_fail(err, TACT_E_ARG, "tone model output is NULL");
  *out = NULL;
  if (!layers || !m || !a)
    return tact_fail(err, TACT_E_ARG, "tone model needs layers, matcher and allocator");
  tact_tone_model *tm = tact_malloc(a, sizeof *tm);
  if (!tm) return nomem(err);
  memset(tm, 0, sizeof *tm);
  tm->alloc = *a;
  tact_arena_init(&tm->arena, &tm->alloc);
  tact_status st = classify_lexicons(tm, layers, err);
  if (st == TACT_OK) st = study_entries(tm, layers, m, err);
  if (st != TACT_OK) {
    tact_tone_model_free(tm, a);
    return st;
  }
  *out = tm;
  return TACT_OK;
}

void tact_tone_model_free(tact_tone_model *tm, const tact_allocator *a) {
  if (!tm) return;
  tact_arena_free(&tm->arena);
  tact_free(a, tm);
}

void tact_tone_free(tact_tone *tone, const tact_allocator *a) {
  if (!tone) return;
  tact_free(a, tone->evidence);
  memset(tone, 0, sizeof *tone);
}

/* ---------------------------------------------------------------------
 * Scoring state shared by the passes
 * --------------------------------------------------------------------- */

typedef struct scorer {
  const tact_tone_model *tm;
  const tact_matcher *m;
  const tact_text *t;
  const tact_hit *hits;
  size_t n_hits;
  const tact_allocator *a;
  tact_tone *out;
  const struct acro_defs *defs; /* acronyms the text defines */
  double polite; /* sum of the politeness contributions (intercept aside) */
  double impolite; /* sum of the strong impolite ones, as positive numbers */
  int oom;
} scorer;

static void evidence(scorer *s, tact_tone_dim dim, uint32_t first, uint32_t n, double weight,
                     const char *source) {
  tact_tone *o = s->out;
  if (s->oom) return;
  if (tact_grow(s->a, (void **)&o->evidence, &o->cap_evidence, o->n_evidence + 1,
                sizeof *o->evidence)) {
    s->oom = 1;
    return;
  }
  tact_tone_evidence *e = &o->evidence[o->n_evidence++];
  e->first_token = first;
  e->n_tokens = n;
  e->dim = (uint8_t)dim;
  e->weight = weight;
  e->source = source ? source : "";
}

static const lex_info *hit_lex(const scorer *s, const tact_hit *h, const tact_compiled_entry **ce) {
  *ce = h->entry < s->tm->n_entries ? tact_matcher_entry(s->m, h->entry) : NULL;
  if (!*ce || (*ce)->lexicon >= s->tm->n_lexicons) return NULL;
  return &s->tm->lex[(*ce)->lexicon];
}

static const char *entry_source(const scorer *s, int32_t e) {
  return e >= 0 && (size_t)e < s->tm->n_entries ? s->tm->source[e] : NULL;
}

static double entry_weight(const scorer *s, int32_t e) {
  const tact_compiled_entry *ce = tact_matcher_entry(s->m, (uint32_t)e);
  return ce ? ce->weight : 0.0;
}

/* A hit made of symbols (":-)", "</3") counts only where VADER would see
 * it: as a whole white-space-separated item, perhaps before . , ! ? */
static int standalone_ok(const tact_text *t, const tact_hit *h) {
  uint32_t end = h->first_token + h->n_tokens;
  if (h->first_token > 0 && !(t->tokens[h->first_token].flags & TACT_TOKEN_SPACE_BEFORE)) return 0;
  if (end >= t->n_tokens || (t->tokens[end].flags & TACT_TOKEN_SPACE_BEFORE)) return 1;
  size_t len;
  const char *n = tact_text_norm(t, end, &len);
  return t->tokens[end].kind == TACT_TOKEN_PUNCT && len && strchr(".,!?", n[0]) != NULL;
}

/* ---------------------------------------------------------------------
 * Sentiment (VADER's rules over our tokens and hits)
 * --------------------------------------------------------------------- */

/* One sentiment item: a word, emoji or emoticon with what the lexicons say
 * of it. A phrase hit (an idiom, "kind of") makes one item of several
 * tokens; a contraction's parts ("do" + "not") make one item, as VADER's
 * white-space split would. */
typedef struct item {
  uint32_t first, n;
  int32_t valence, booster, negation, exception, contrast, irrealis; /* entry ids or NO_ENTRY */
  uint8_t caps;
  uint8_t elongated; /* found by collapsing repeated letters: emphasis like caps */
  uint8_t scored; /* set when finalized: it carried its own non-zero valence */
} item;

typedef struct tally {
  double pos, neg; /* sums of positive / negative item valences */
  size_t n_pos, n_neg, n_neu;
} tally;

typedef struct senti {
  scorer *s;
  size_t h; /* hit cursor */
  item ring[TONE_RING]; /* finalized items of the current clause, newest at ring_head */
  size_t ring_head, ring_n;
  item pending;
  int has_pending;
  int cap_diff;
  tally total, scope; /* scope: items since the scope start, not yet committed */
  double factor; /* applied to new items: 1 before a contrast, 1.5 after */
  double qfactor; /* applied to the items of a question */
  double ifactor; /* applied to the rest of a clause after "if", "wish" */
  int contrasted; /* the scope has seen its contrast word */
  size_t scope_ev; /* first evidence item of the scope */
  uint32_t scope_sentence;
  int any_item;
} senti;

static void item_init(item *it, uint32_t first) {
  memset(it, 0, sizeof *it);
  it->first = first;
  it->n = 1;
  it->valence = it->booster = it->negation = it->exception = it->contrast = it->irrealis = NO_ENTRY;
}

static void item_take(item *it, int32_t entry, unsigned roles) {
  if (roles & ROLE_IDIOM)
    it->valence = entry; /* an idiom's valence replaces the words' */
  else if ((roles & ROLE_VALENCE) && it->valence == NO_ENTRY)
    it->valence = entry;
  if (roles & ROLE_BOOSTER) it->booster = entry;
  if (roles & ROLE_NEGATION) it->negation = entry;
  if (roles & ROLE_NEG_EXCEPTION) it->exception = entry;
  if (roles & ROLE_CONTRAST) it->contrast = entry;
  if (roles & ROLE_IRREALIS) it->irrealis = entry;
}

/* Sentiment hits starting at token `pos` with exactly `len` tokens (0: the
 * longest there) go into `it`; returns the length used. */
static uint32_t take_hits_at(senti *z, item *it, uint32_t pos, uint32_t len) {
  scorer *s = z->s;
  size_t k = z->h;
  while (k < s->n_hits && s->hits[k].first_token < pos) k++;
  for (; k < s->n_hits && s->hits[k].first_token == pos; k++) {
    const tact_hit *h = &s->hits[k];
    const tact_compiled_entry *ce;
    const lex_info *li = hit_lex(s, h, &ce);
    if (!li || !(li->roles & ROLE_SENTIMENT)) continue;
    if (s->tm->standalone[h->entry] && !standalone_ok(s->t, h)) continue;
    if (!len) len = h->n_tokens; /* sorted longest first */
    if (h->n_tokens == len) item_take(it, (int32_t)h->entry, li->roles);
  }
  return len;
}

/* The length of the longest sentiment hit starting at token `pos`, or 0. */
static uint32_t longest_hit_at(senti *z, uint32_t pos) {
  item tmp;
  item_init(&tmp, pos);
  return take_hits_at(z, &tmp, pos, 0);
}

/* Collapses runs of three or more equal letters to `keep` ("goooood" ->
 * "good" or "god"); returns the new length or 0 if nothing collapsed. */
static size_t collapse(const char *w, size_t n, char *out, size_t cap, size_t keep) {
  size_t o = 0, i = 0;
  int changed = 0;
  while (i < n) {
    size_t j = i;
    while (j < n && w[j] == w[i]) j++;
    size_t run = j - i, put = run >= 3 ? keep : run;
    changed |= run >= 3;
    if (o + put > cap) return 0;
    memset(out + o, w[i], put);
    o += put;
    i = j;
  }
  return changed ? o : 0;
}

static void take_fallback(senti *z, item *it, const char *w, size_t n) {
  fb_slot *e = fb_find(z->s->tm, w, n);
  if (!e || !e->key) return;
  it->valence = e->valence;
  it->booster = e->booster;
  it->negation = e->negation;
}

/* Hashtags and elongated words the matcher could not see. */
static void fallback_lookup(senti *z, item *it) {
  const tact_text *t = z->s->t;
  const tact_token *tk = &t->tokens[it->first];
  size_t len;
  const char *w = tact_text_norm(t, it->first, &len);
  if (tk->kind == TACT_TOKEN_HASHTAG && len > 1) {
    take_fallback(z, it, w + 1, len - 1);
  } else if (tk->kind == TACT_TOKEN_WORD) {
    char buf[64];
    for (size_t keep = 2; keep >= 1 && it->valence == NO_ENTRY && it->booster == NO_ENTRY &&
                          it->negation == NO_ENTRY;
         keep--) {
      size_t m = collapse(w, len, buf, sizeof buf, keep);
      if (!m) break;
      take_fallback(z, it, buf, m);
      it->elongated = 1;
    }
  }
}

static int item_has_valence(const item *it) { return it && it->valence != NO_ENTRY; }

static int item_has_role(const item *it) {
  return it->valence != NO_ENTRY || it->booster != NO_ENTRY || it->negation != NO_ENTRY ||
         it->exception != NO_ENTRY || it->contrast != NO_ENTRY || it->irrealis != NO_ENTRY;
}

/* ALL CAPS emphasis counts only when the text mixes case (VADER). */
static int item_caps(const senti *z, const item *it) { return z->cap_diff && it->caps; }

static void tally_add(tally *t, double v) {
  if (v > 0) {
    t->pos += v;
    t->n_pos++;
  } else if (v < 0) {
    t->neg += v;
    t->n_neg++;
  } else {
    t->n_neu++;
  }
}

static void tally_commit(tally *into, tally *from, double f) {
  into->pos += from->pos * f;
  into->neg += from->neg * f;
  into->n_pos += from->n_pos;
  into->n_neg += from->n_neg;
  into->n_neu += from->n_neu;
  memset(from, 0, sizeof *from);
}

static void sentiment_evidence(senti *z, const item *at, double w, const char *source) {
  if (w != 0.0)
    evidence(z->s, TACT_TONE_SENTIMENT, at->first, at->n, w * z->factor * z->qfactor * z->ifactor,
             source);
}

/* Ends the contrast scope: what it held is committed unscaled. */
static void scope_close(senti *z) {
  tally_commit(&z->total, &z->scope, 1.0);
  z->factor = 1.0;
  z->contrasted = 0;
  z->scope_ev = z->s->out->n_evidence;
}

/* "but": what came before in the scope counts half, what follows 1.5x. */
static void contrast(senti *z) {
  if (z->contrasted) return;
  tact_tone *o = z->s->out;
  for (size_t i = z->scope_ev; i < o->n_evidence; i++)
    if (o->evidence[i].dim == TACT_TONE_SENTIMENT) o->evidence[i].weight *= VADER_BEFORE_CONTRAST;
  tally_commit(&z->total, &z->scope, VADER_BEFORE_CONTRAST);
  z->contrasted = 1;
  z->factor = VADER_AFTER_CONTRAST;
}

static const item *ring_at(const senti *z, size_t back) {
  return back < z->ring_n ? &z->ring[(z->ring_head + TONE_RING - back) % TONE_RING] : NULL;
}

static void ring_push(senti *z, const item *it) {
  z->ring_head = (z->ring_head + 1) % TONE_RING;
  z->ring[z->ring_head] = *it;
  if (z->ring_n < TONE_RING) z->ring_n++;
}

/* The valence of a sentiment word after the words before it: boosters and
 * dampeners (decaying with distance), negations, ALL CAPS. Each change is
 * its own evidence item so that the items add up. */
static double modified_valence(senti *z, const item *it) {
  scorer *s = z->s;
  double v = entry_weight(s, it->valence);
  sentiment_evidence(z, it, v, entry_source(s, it->valence));
  if (item_caps(z, it) && v != 0.0) {
    double d = v > 0 ? VADER_C_INCR : -VADER_C_INCR;
    v += d;
    sentiment_evidence(z, it, d, "caps-emphasis");
  }
  if (it->elongated && v != 0.0) {
    double d = v > 0 ? TONE_ELONGATION : -TONE_ELONGATION;
    v += d;
    sentiment_evidence(z, it, d, "elongation-emphasis");
  }
  /* Emoji and emoticons stand outside the clause: nothing modifies them. */
  unsigned kind = s->t->tokens[it->first].kind;
  size_t look = kind == TACT_TOKEN_EMOJI || kind == TACT_TOKEN_EMOTICON ? 0 : z->ring_n;
  for (size_t back = 0; back < look && back < TONE_RING; back++) {
    const item *q = ring_at(z, back);
    if (back >= VADER_BOOST_WINDOW && back >= TONE_NEG_WINDOW) break;
    if (q->scored) break; /* modifiers before it were its own */
    if (back < VADER_BOOST_WINDOW && q->booster != NO_ENTRY && v != 0.0) {
      double b = entry_weight(s, q->booster);
      if (v < 0) b = -b;
      if (item_caps(z, q)) b += v > 0 ? VADER_C_INCR : -VADER_C_INCR;
      b *= BOOST_DECAY[back];
      v += b;
      sentiment_evidence(z, q, b, entry_source(s, q->booster));
    }
    if (back < TONE_NEG_WINDOW && q->exception != NO_ENTRY) {
      double d = v * (entry_weight(s, q->exception) - 1.0);
      v += d;
      sentiment_evidence(z, q, d, entry_source(s, q->exception));
    } else if (back < TONE_NEG_WINDOW && q->negation != NO_ENTRY) {
      double d = v * (VADER_N_SCALAR - 1.0);
      v += d;
      sentiment_evidence(z, q, d, entry_source(s, q->negation));
    }
  }
  return v;
}

/* One fitted politeness contribution: it moves the politeness logit; a
 * strongly impolite strategy (`cue`) also counts towards impoliteness and is
 * listed there, the rest is listed under politeness with its sign unless
 * tiny. */
static void polite(scorer *s, uint32_t first, uint32_t n, double w, const char *source, int cue) {
  if (w == 0.0) return;
  s->polite += w;
  if (cue && w <= -IMPOLITE_MIN_CUE) {
    s->impolite -= w;
    evidence(s, TACT_TONE_IMPOLITENESS, first, n, -w, source);
  } else if (fabs(w) >= POLITE_MIN_EVIDENCE) {
    evidence(s, TACT_TONE_POLITENESS, first, n, w, source);
  }
}

/* Positive and negative words move politeness (a fitted weight each);
 * naming a problem is no impolite strategy. */
static void polite_word(scorer *s, const item *it, double v) {
  polite(s, it->first, it->n, v > 0 ? s->tm->polite_positive : s->tm->polite_negative,
         v > 0 ? "politeness.positive-words" : "politeness.negative-words", 0);
}

/* Scores the pending item now that the next one (or a boundary) is known. */
static void finalize(senti *z, const item *next) {
  if (!z->has_pending) return;
  item *it = &z->pending;
  z->has_pending = 0;
  double v = 0.0;
  if (it->contrast != NO_ENTRY && !item_has_valence(it)) {
    contrast(z);
  } else if (item_has_valence(it)) {
    /* "no", "very", "incredibly" before a sentiment word modify it rather
     * than carry their own valence. */
    int modifier = (it->negation != NO_ENTRY || it->booster != NO_ENTRY) && item_has_valence(next);
    if (!modifier) {
      v = modified_valence(z, it);
      it->scored = v != 0.0;
      if (v != 0.0) polite_word(z->s, it, v);
    }
  }
  tally_add(&z->scope, v * z->factor * z->qfactor * z->ifactor);
  if (it->irrealis != NO_ENTRY) z->ifactor = entry_weight(z->s, it->irrealis);
  z->any_item = 1;
  ring_push(z, it);
}

static void clause_break(senti *z) {
  finalize(z, NULL);
  z->ring_n = 0;
  z->ifactor = 1.0;
}

static int breaks_clause(const tact_text *t, size_t i) {
  size_t len;
  const char *n = tact_text_norm(t, i, &len);
  unsigned char c = (unsigned char)n[0];
  if (c < 0x80) return c && strchr(",;:.!?()[]", c) != NULL;
  return c == 0xE2 && len >= 3 && (unsigned char)n[1] == 0x80; /* dashes, ellipsis */
}

/* Whether sentence `si` ends in a question mark (trailing emoji aside). */
static int is_question(const tact_text *t, uint32_t si) {
  const tact_sentence *se = &t->sentences[si];
  for (uint32_t k = 0; k < se->token_count && k < 8; k++) {
    uint32_t i = se->first_token + se->token_count - 1 - k;
    if (t->tokens[i].kind != TACT_TOKEN_PUNCT) continue;
    size_t len;
    const char *n = tact_text_norm(t, i, &len);
    return memchr(n, '?', len) != NULL;
  }
  return 0;
}

static void sentence_change(senti *z, uint32_t sentence) {
  if (sentence == z->scope_sentence) return;
  finalize(z, NULL);
  z->qfactor = is_question(z->s->t, sentence) ? TONE_QUESTION : 1.0;
  z->ifactor = 1.0;
  z->scope_sentence = sentence;
  scope_close(z);
}

/* Builds the item starting at token i; returns the token after it. */
static uint32_t build_item(senti *z, uint32_t i, item *it) {
  const tact_text *t = z->s->t;
  item_init(it, i);
  uint32_t len = take_hits_at(z, it, i, 0);
  if (!len) len = 1;
  uint32_t end = i + len;
  /* Clitics ("n't", "'ll") stay with their host, unless a phrase starts
   * at one ("doesn't get any better"). */
  while (end < t->n_tokens && (t->tokens[end].flags & TACT_TOKEN_CLITIC) &&
         longest_hit_at(z, end) <= 1) {
    take_hits_at(z, it, end, 1);
    end++;
  }
  it->n = end - i;
  if (!item_has_role(it)) fallback_lookup(z, it);
  it->caps = 1;
  for (uint32_t k = i; k < end; k++)
    if (!(t->tokens[k].flags & TACT_TOKEN_ALL_CAPS)) it->caps = 0;
  return end;
}

/* Whether some but not all white-space-separated items are upper case
 * (VADER's "cap differential"): only then does ALL CAPS mark emphasis. */
static int mixed_case(const tact_text *t) {
  size_t items = 0, upper = 0;
  int words = 0, caps = 1;
  for (uint32_t i = 0; i <= t->n_tokens; i++) {
    if (i == t->n_tokens || (i > 0 && (t->tokens[i].flags & TACT_TOKEN_SPACE_BEFORE))) {
      items++;
      upper += words && caps;
      words = 0;
      caps = 1;
      if (i == t->n_tokens) break;
    }
    const tact_token *tk = &t->tokens[i];
    if (tk->kind == TACT_TOKEN_WORD) {
      words = 1;
      int one_capital = tk->end - tk->start == 1 && (tk->flags & TACT_TOKEN_CAPITALIZED);
      if (!(tk->flags & TACT_TOKEN_ALL_CAPS) && !one_capital) caps = 0;
    } else if (tk->kind == TACT_TOKEN_HASHTAG || tk->kind == TACT_TOKEN_MENTION ||
               tk->kind == TACT_TOKEN_URL || tk->kind == TACT_TOKEN_EMAIL) {
      caps = 0;
    }
  }
  return upper > 0 && upper < items;
}

/* The punctuation emphasis VADER adds to the sum, with one evidence item
 * per run of '!' or '?' that contributed. */
static double punctuation_emphasis(scorer *s, double sum) {
  const tact_text *t = s->t;
  size_t excl = (size_t)t->stats[TACT_STAT_EXCLAMATIONS];
  size_t quest = (size_t)t->stats[TACT_STAT_QUESTIONS];
  double e = (double)(excl < VADER_EXCL_MAX ? excl : VADER_EXCL_MAX) * VADER_EXCL_INCR;
  double q = quest <= 1 ? 0.0 : quest <= 3 ? (double)quest * VADER_QUEST_INCR : VADER_QUEST_MAX;
  if (sum == 0.0 || (e == 0.0 && q == 0.0)) return 0.0;
  double sign = sum > 0 ? 1.0 : -1.0;
  size_t excl_left = VADER_EXCL_MAX;
  for (uint32_t i = 0; i < t->n_tokens; i++) {
    if (t->tokens[i].kind != TACT_TOKEN_PUNCT) continue;
    size_t len, ne = 0, nq = 0;
    const char *n = tact_text_norm(t, i, &len);
    for (size_t k = 0; k < len; k++) {
      ne += n[k] == '!';
      nq += n[k] == '?';
    }
    if (ne > excl_left) ne = excl_left;
    excl_left -= ne;
    if (ne)
      evidence(s, TACT_TONE_SENTIMENT, i, 1, sign * (double)ne * VADER_EXCL_INCR,
               "exclamation-emphasis");
    if (nq && q > 0.0)
      evidence(s, TACT_TONE_SENTIMENT, i, 1, sign * q * (double)nq / (double)quest,
               "question-emphasis");
  }
  return e + q;
}

static double sentiment(scorer *s) {
  const tact_text *t = s->t;
  senti z;
  memset(&z, 0, sizeof z);
  z.s = s;
  z.factor = z.qfactor = z.ifactor = 1.0;
  z.scope_sentence = UINT32_MAX;
  z.cap_diff = mixed_case(t);
  z.scope_ev = s->out->n_evidence;
  uint32_t i = 0;
  while (i < t->n_tokens) {
    const tact_token *tk = &t->tokens[i];
    sentence_change(&z, tk->sentence);
    item next;
    uint32_t end = build_item(&z, i, &next);
    while (z.h < s->n_hits && s->hits[z.h].first_token < end) z.h++;
    if ((tk->kind == TACT_TOKEN_PUNCT || tk->kind == TACT_TOKEN_SYMBOL) && end == i + 1 &&
        !item_has_role(&next)) {
      /* Punctuation is no item unless a lexicon knows it (":-(" as tokens). */
      if (breaks_clause(t, i)) clause_break(&z);
      i++;
      continue;
    }
    finalize(&z, &next);
    z.pending = next;
    z.has_pending = 1;
    i = end;
  }
  finalize(&z, NULL);
  scope_close(&z);
  tally *tt = &z.total;
  double sum = tt->pos + tt->neg;
  double amp = punctuation_emphasis(s, sum);
  double *sc = s->out->scores;
  if (sum > 0)
    sum += amp;
  else if (sum < 0)
    sum -= amp;
  /* Sentiment diluted in a long text reads weaker than the same words in a
   * short one: the sum is scaled by sqrt(reference length / items). */
  double items = (double)(tt->n_pos + tt->n_neg + tt->n_neu);
  if (items < TONE_LENGTH_MIN) items = TONE_LENGTH_MIN;
  sum *= sqrt(TONE_LENGTH_REF / items);
  sc[TACT_TONE_SENTIMENT] = sum == 0.0 ? 0.0 : sum / sqrt(sum * sum + VADER_ALPHA);
  if (!z.any_item) return sc[TACT_TONE_SENTIMENT];
  /* Shares as VADER computes them: each sentiment item counts 1 + |valence|. */
  double pos = tt->pos + (double)tt->n_pos, neg = -tt->neg + (double)tt->n_neg;
  if (pos > neg)
    pos += amp;
  else if (pos < neg)
    neg += amp;
  double total = pos + neg + (double)tt->n_neu;
  if (total > 0) {
    sc[TACT_TONE_POSITIVE] = pos / total;
    sc[TACT_TONE_NEGATIVE] = neg / total;
    sc[TACT_TONE_NEUTRAL] = (double)tt->n_neu / total;
  }
  return sc[TACT_TONE_SENTIMENT];
}

/* ---------------------------------------------------------------------
 * Cue dimensions and politeness (one pass over the hits)
 * --------------------------------------------------------------------- */

/* Index of the first word-like token of sentence `si`. */
static uint32_t sentence_start(const tact_text *t, uint32_t si) {
  const tact_sentence *se = &t->sentences[si];
  uint32_t i = se->first_token, end = se->first_token + se->token_count;
  while (i < end &&
         (t->tokens[i].kind == TACT_TOKEN_PUNCT || t->tokens[i].kind == TACT_TOKEN_SYMBOL))
    i++;
  return i;
}

static int explained(const scorer *s, uint32_t i);

static void cues(scorer *s, double *sums) {
  const tact_text *t = s->t;
  uint32_t last_end[TACT_TONE_DIMS] = {0};
  uint32_t cached_sentence = UINT32_MAX, cached_start = 0;
  for (size_t k = 0; k < s->n_hits; k++) {
    const tact_hit *h = &s->hits[k];
    const tact_compiled_entry *ce;
    const lex_info *li = hit_lex(s, h, &ce);
    if (!li) continue;
    const char *src = s->tm->source[h->entry];
    if (li->dim != NO_DIM) {
      /* Overlapping cues of one dimension count once: the longest, first.
       * A jargon acronym the text spells out is explained. */
      if (h->first_token >= last_end[li->dim] &&
          !(li->dim == TACT_TONE_JARGON && h->n_tokens == 1 && explained(s, h->first_token))) {
        double w = ce->weight * li->scale;
        sums[li->dim] += w;
        last_end[li->dim] = h->first_token + h->n_tokens;
        evidence(s, (tact_tone_dim)li->dim, h->first_token, h->n_tokens, w, src);
      }
    }
    if (li->roles & (ROLE_POLITE | ROLE_POLITE_START)) {
      if (li->roles & ROLE_POLITE_START) {
        uint32_t si = t->tokens[h->first_token].sentence;
        if (si != cached_sentence) {
          cached_sentence = si;
          cached_start = sentence_start(t, si);
        }
        if (h->first_token != cached_start) continue;
      }
      /* A word the fit found more often in impolite requests ("now",
       * "remove") is no impolite strategy: it moves politeness only. */
      polite(s, h->first_token, h->n_tokens, ce->weight, src, !(li->roles & ROLE_POLITE_WORD));
    }
  }
}

/* ---------------------------------------------------------------------
 * Capitals: acronyms, emphasis, shouting
 * --------------------------------------------------------------------- */

/* Whether the text shouts throughout (then capitals are no acronyms). */
static int shouting(const tact_text *t) {
  double words = t->stats[TACT_STAT_WORDS], caps = t->stats[TACT_STAT_ALL_CAPS_WORDS];
  return words >= 3 && caps * 2 >= words;
}

/* How token i, in capitals, reads: 0 an acronym readers know or jargon
 * (neither shouting nor unexplained), 1 a word some lexicon knows ("HELP",
 * "NEVER": shouting), 2 unknown (an acronym, or shouting in a text that
 * shouts throughout). */
static int caps_word_kind(const scorer *s, size_t *h, uint32_t i) {
  int known = 0;
  while (*h < s->n_hits && s->hits[*h].first_token < i) (*h)++;
  for (size_t k = *h; k < s->n_hits && s->hits[k].first_token == i; k++) {
    const tact_compiled_entry *ce;
    const lex_info *li = hit_lex(s, &s->hits[k], &ce);
    if (li && ((li->roles & ROLE_KNOWN_WORD) || li->dim == TACT_TONE_JARGON)) return 0;
    known |= s->hits[k].n_tokens == 1;
  }
  return known ? 1 : 2;
}

typedef struct acro_defs {
  struct {
    const char *s;
    size_t n;
  } d[ACRONYM_MAX_DEFINED];
  size_t n;
} acro_defs;

static int is_acronym_shape(const tact_text *t, size_t i) {
  const tact_token *tk = &t->tokens[i];
  if (tk->kind != TACT_TOKEN_WORD || !(tk->flags & TACT_TOKEN_ALL_CAPS) ||
      (tk->flags & TACT_TOKEN_CLITIC))
    return 0;
  size_t len;
  const char *n = tact_text_norm(t, i, &len);
  if (len < ACRONYM_MIN || len > ACRONYM_MAX) return 0;
  for (size_t k = 0; k < len; k++)
    if (n[k] < 'a' || n[k] > 'z') return 0;
  return 1;
}

/* Function words an expansion may skip ("Bureau of Labor Statistics"). */
static int minor_word(const char *w, size_t n) {
  static const char *const MINOR[] = {"of", "and", "the", "for", "to", "a", "an", "in", "on", "&"};
  for (size_t k = 0; k < sizeof MINOR / sizeof *MINOR; k++)
    if (strlen(MINOR[k]) == n && memcmp(MINOR[k], w, n) == 0) return 1;
  return 0;
}

/* Whether the words from token `from` on, walking backward (dir -1, the
 * acronym's last letter first) or forward (dir 1), spell its letters. */
static int spells(const tact_text *t, const char *acr, size_t alen, long from, int dir) {
  size_t j = 0, skips = 0;
  for (long i = from; i >= 0 && (size_t)i < t->n_tokens && j < alen; i += dir) {
    const tact_token *tk = &t->tokens[i];
    if (tk->kind != TACT_TOKEN_WORD) return 0;
    if (tk->flags & TACT_TOKEN_CLITIC) continue;
    size_t n;
    const char *w = tact_text_norm(t, (size_t)i, &n);
    char want = dir < 0 ? acr[alen - 1 - j] : acr[j];
    if (w[0] == want) {
      j++;
    } else if (minor_word(w, n) && skips < 3) {
      skips++;
    } else {
      return 0;
    }
  }
  return j == alen;
}

/* "Return Merchandise Authorization (RMA)" and "RMA (return merchandise
 * authorization)" define RMA for the whole text. */
static void find_definitions(const tact_text *t, acro_defs *defs) {
  defs->n = 0;
  for (size_t i = 1; i + 1 < t->n_tokens && defs->n < ACRONYM_MAX_DEFINED; i++) {
    size_t len;
    const char *p = tact_text_norm(t, i, &len);
    if (t->tokens[i].kind != TACT_TOKEN_PUNCT || len != 1 || p[0] != '(') continue;
    size_t ai = 0, alen;
    const char *acr;
    int ok = 0;
    if (is_acronym_shape(t, i + 1) && i + 2 < t->n_tokens) {
      ai = i + 1;
      acr = tact_text_norm(t, ai, &alen);
      ok = spells(t, acr, alen, (long)i - 1, -1);
    }
    if (!ok && is_acronym_shape(t, i - 1)) {
      ai = i - 1;
      acr = tact_text_norm(t, ai, &alen);
      ok = spells(t, acr, alen, (long)i + 1, 1);
    }
    if (ok) {
      defs->d[defs->n].s = tact_text_norm(t, ai, &defs->d[defs->n].n);
      defs->n++;
    }
  }
}

static int defined(const acro_defs *defs, const char *w, size_t n) {
  for (size_t k = 0; k < defs->n; k++)
    if (defs->d[k].n == n && memcmp(defs->d[k].s, w, n) == 0) return 1;
  return 0;
}

static int explained(const scorer *s, uint32_t i) {
  size_t len;
  const char *w = tact_text_norm(s->t, i, &len);
  return is_acronym_shape(s->t, i) && defined(s->defs, w, len);
}

/* Returns the jargon weight added by unexplained acronyms. */
static double acronyms(scorer *s) {
  const tact_text *t = s->t;
  if (shouting(t)) return 0.0; /* capitals for emphasis, not acronyms */
  double sum = 0.0;
  size_t h = 0;
  for (uint32_t i = 0; i < t->n_tokens; i++) {
    if (!is_acronym_shape(t, i) || caps_word_kind(s, &h, i) != 2) continue;
    size_t len;
    const char *w = tact_text_norm(t, i, &len);
    if (defined(s->defs, w, len)) continue;
    sum += ACRONYM_WEIGHT;
    evidence(s, TACT_TONE_JARGON, i, 1, ACRONYM_WEIGHT, "unexplained-acronym");
  }
  return sum;
}

/* ---------------------------------------------------------------------
 * Readability and anger
 * --------------------------------------------------------------------- */

static void readability(scorer *s) {
  const tact_text *t = s->t;
  double *sc = s->out->scores;
  double words = t->stats[TACT_STAT_WORDS], sents = t->stats[TACT_STAT_SENTENCES];
  double syl = t->stats[TACT_STAT_SYLLABLES];
  if (words <= 0) {
    sc[TACT_TONE_READABILITY] = 100.0; /* nothing hard to read */
    return;
  }
  if (sents < 1) sents = 1;
  sc[TACT_TONE_READABILITY] = 206.835 - 1.015 * words / sents - 84.6 * syl / words;
  sc[TACT_TONE_WORDS_PER_SENTENCE] = words / sents;
  for (size_t si = 0; si < t->n_sentences; si++) {
    const tact_sentence *se = &t->sentences[si];
    size_t n = 0;
    for (uint32_t i = se->first_token; i < se->first_token + se->token_count; i++)
      n += t->tokens[i].kind == TACT_TOKEN_WORD && !(t->tokens[i].flags & TACT_TOKEN_CLITIC);
    if (n > LONG_SENTENCE_WORDS) {
      sc[TACT_TONE_LONG_SENTENCES] += 1;
      evidence(s, TACT_TONE_LONG_SENTENCES, se->first_token, se->token_count, 1.0, "long-sentence");
    }
  }
}

/* Returns the anger sum before saturation, profanity (found by cues())
 * aside. Capitals and exclamation runs are intensity: they count fully in
 * a neutral or negative text and fade as the text gets positive ("I LOVE
 * IT!!!" is not angry). */
static double anger(scorer *s, double compound) {
  const tact_text *t = s->t;
  double sum = 0.0, words = t->stats[TACT_STAT_WORDS];
  double gate = compound > 0 ? 1.0 - compound : 1.0;
  int all_caps = shouting(t);
  size_t h = 0;
  for (uint32_t i = 0; i < t->n_tokens; i++) {
    const tact_token *tk = &t->tokens[i];
    double w = 0.0;
    const char *rule = NULL;
    if (tk->kind == TACT_TOKEN_WORD && (tk->flags & TACT_TOKEN_ALL_CAPS) &&
        !(tk->flags & TACT_TOKEN_CLITIC) && words > 0) {
      int kind = caps_word_kind(s, &h, i);
      if (kind == 1 || (kind == 2 && all_caps)) {
        w = ANGER_CAPS / words;
        rule = "caps-shouting";
      }
    } else if (tk->kind == TACT_TOKEN_PUNCT) {
      size_t len, ne = 0;
      const char *n = tact_text_norm(t, i, &len);
      for (size_t k = 0; k < len; k++) ne += n[k] == '!';
      if (ne >= 2) {
        w = ANGER_EXCL_RUN * (double)(ne > 4 ? 3 : ne - 1);
        rule = "exclamation-run";
      }
    }
    if (rule && w * gate > 0) {
      sum += w * gate;
      evidence(s, TACT_TONE_ANGER, i, 1, w * gate, rule);
    }
  }
  if (compound < ANGER_NEG_FROM && t->n_tokens) {
    double w = (ANGER_NEG_FROM - compound) * ANGER_NEG_SCALE;
    sum += w;
    evidence(s, TACT_TONE_ANGER, 0, (uint32_t)t->n_tokens, w, "negative-sentiment");
  }
  return sum;
}

/* ---------------------------------------------------------------------
 * Evidence order: text order (stable), by a bottom-up merge sort that uses
 * the list's own spare capacity as scratch.
 * --------------------------------------------------------------------- */

static int ev_before(const tact_tone_evidence *x, const tact_tone_evidence *y) {
  return x->first_token < y->first_token;
}

static int sort_evidence(scorer *s) {
  tact_tone *o = s->out;
  size_t n = o->n_evidence;
  if (n < 2) return 0;
  int sorted = 1;
  for (size_t i = 1; i < n && sorted; i++)
    sorted = !ev_before(&o->evidence[i], &o->evidence[i - 1]);
  if (sorted) return 0;
  if (tact_grow(s->a, (void **)&o->evidence, &o->cap_evidence, 2 * n, sizeof *o->evidence))
    return -1;
  tact_tone_evidence *src = o->evidence, *dst = o->evidence + n;
  for (size_t width = 1; width < n; width *= 2) {
    for (size_t lo = 0; lo < n; lo += 2 * width) {
      size_t mid = lo + width < n ? lo + width : n, hi = lo + 2 * width < n ? lo + 2 * width : n;
      size_t i = lo, j = mid, k = lo;
      while (i < mid && j < hi) dst[k++] = ev_before(&src[j], &src[i]) ? src[j++] : src[i++];
      while (i < mid) dst[k++] = src[i++];
      while (j < hi) dst[k++] = src[j++];
    }
    tact_tone_evidence *tmp = src;
    src = dst;
    dst = tmp;
  }
  if (src != o->evidence) memcpy(o->evidence, src, n * sizeof *src);
  return 0;
}

/* ---------------------------------------------------------------------
 * Entry point
 * --------------------------------------------------------------------- */

static double saturate(double sum, double scale) { return sum > 0 ? 1.0 - exp(-sum / scale) : 0.0; }

tact_status tact_tone_score(const tact_tone_model *tm, const tact_matcher *m, const tact_text *t,
                            const tact_match_state *hits, const tact_allocator *a, tact_tone *out,
                            tact_error *err) {
  if (!out) return tact_fail(err, TACT_E_ARG, "tone output is NULL");
  memset(out->scores, 0, sizeof out->scores);
  out->n_evidence = 0;
  if (!tm || !m || !t || !hits || !a)
    return tact_fail(err, TACT_E_ARG,
                     "tone scoring needs a model, matcher, text, hits and allocator");
  acro_defs defs;
  find_definitions(t, &defs);
  scorer s = {tm, m, t, hits->hits, hits->n_hits, a, out, &defs, 0.0, 0.0, 0};
  double *sc = out->scores;
  double compound = sentiment(&s);
  double sums[TACT_TONE_DIMS] = {0};
  cues(&s, sums);
  /* The model was fitted on requests of one or two sentences: a longer
   * text counts as the average of its two-sentence stretches. */
  double sentences = t->stats[TACT_STAT_SENTENCES];
  double per = sentences > POLITE_SENTENCES ? POLITE_SENTENCES / sentences : 1.0;
  sc[TACT_TONE_POLITENESS] = 1.0 / (1.0 + exp(-(tm->polite_intercept + s.polite * per)));
  sc[TACT_TONE_IMPOLITENESS] = saturate(s.impolite * per, CUE_SCALE);
  for (int d = TACT_TONE_EMPATHY; d <= TACT_TONE_HEDGING; d++)
    if (d != TACT_TONE_JARGON) sc[d] = saturate(sums[d], CUE_SCALE);
  double words = t->stats[TACT_STAT_WORDS];
  double jargon = sums[TACT_TONE_JARGON] + acronyms(&s);
  sc[TACT_TONE_JARGON] = saturate(jargon * JARGON_WORDS_PER_CUE,
                                  words > JARGON_WORDS_PER_CUE ? words : JARGON_WORDS_PER_CUE);
  readability(&s);
  sc[TACT_TONE_ANGER] = saturate(sums[TACT_TONE_ANGER] + anger(&s, compound), 1.0);
  if (s.oom || sort_evidence(&s)) {
    memset(out->scores, 0, sizeof out->scores);
    out->n_evidence = 0;
    return tact_fail(err, TACT_E_NOMEM, "out of memory scoring tone");
  }
  return TACT_OK;
}
