/* complaint.h — complaint classification of customer messages: pack rules
 * for threats, outcome and evidence, plus a linear model (multinomial
 * logistic regression over hashed word and bigram features of normalized
 * tokens and a few tone features) whose weights live in the pack. The
 * model is compiled at engine build; classification reads tokens, hits and
 * tone, and allocates nothing per token. */
#ifndef TACT_COMPLAINT_H
#define TACT_COMPLAINT_H

#include <stdint.h>

#include "alloc.h"
#include "layers.h"
#include "match.h"
#include "tact.h"
#include "text.h"
#include "tone.h"

#define TACT_MAX_CATEGORIES 32

typedef struct tact_complaint {
  int computed;                  /* 0 when the role is not CUSTOMER */
  double probability;            /* P(complaint) */
  size_t n_categories;
  const char *category[TACT_MAX_CATEGORIES]; /* engine-owned names, best first */
  double category_score[TACT_MAX_CATEGORIES];
  const char *outcome;           /* engine-owned; "none" when nothing asked */
  int threat[3];                 /* indexed by tact_threat */
  uint32_t threat_first[3], threat_n[3]; /* evidence tokens */
  int severity;                  /* 0..3 */
} tact_complaint;

typedef struct tact_complaint_model tact_complaint_model;

tact_status tact_complaint_model_build(const tact_layers *layers, const tact_matcher *m,
                                       const tact_allocator *a, tact_complaint_model **out,
                                       tact_error *err);
void tact_complaint_model_free(tact_complaint_model *cm, const tact_allocator *a);

/* Classifies `t` into `out`. `scratch` is per-result working memory for the
 * feature vector (zero-initialize; grown once, then reused). */
typedef struct tact_complaint_scratch {
  uint32_t *features;
  size_t n, cap;
  uint32_t *set; /* deduplication slots */
  size_t set_cap;
} tact_complaint_scratch;

tact_status tact_complaint_classify(const tact_complaint_model *cm, const tact_matcher *m,
                                    const tact_text *t, const tact_match_state *hits,
                                    const tact_tone *tone, const tact_allocator *a,
                                    tact_complaint_scratch *scratch, tact_complaint *out,
                                    tact_error *err);

void tact_complaint_scratch_free(tact_complaint_scratch *s, const tact_allocator *a);

#endif
