/* tone.h — tone scores of a text: VADER-style sentiment and the seeds' tone
 * dimensions (politeness, empathy, negative language, rudeness, blame, ...),
 * each with evidence. The model (valences, cue weights, rule constants) is
 * compiled from the resolved packs at engine build; scoring reads tokens
 * and matcher hits only and allocates only when a result's list grows. */
#ifndef TACT_TONE_H
#define TACT_TONE_H

#include <stdint.h>

#include "alloc.h"
#include "layers.h"
#include "match.h"
#include "tact.h"
#include "text.h"

#define TACT_TONE_DIMS 21 /* one past TACT_TONE_ANGER */

typedef struct tact_tone_evidence {
  uint32_t first_token, n_tokens;
  uint8_t dim;              /* tact_tone_dim */
  double weight;            /* signed contribution */
  const char *source;       /* "lexicon:entry" (engine-owned) or a static rule name */
} tact_tone_evidence;

typedef struct tact_tone {
  double scores[TACT_TONE_DIMS];
  tact_tone_evidence *evidence;
  size_t n_evidence, cap_evidence;
} tact_tone;

typedef struct tact_tone_model tact_tone_model;

tact_status tact_tone_model_build(const tact_layers *layers, const tact_matcher *m,
                                  const tact_allocator *a, tact_tone_model **out, tact_error *err);
void tact_tone_model_free(tact_tone_model *tm, const tact_allocator *a);

/* Scores `t` (with its hits) into `out`, replacing its contents. */
tact_status tact_tone_score(const tact_tone_model *tm, const tact_matcher *m, const tact_text *t,
                            const tact_match_state *hits, const tact_allocator *a, tact_tone *out,
                            tact_error *err);

void tact_tone_free(tact_tone *tone, const tact_allocator *a);

#endif
