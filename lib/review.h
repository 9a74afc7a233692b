/* review.h — findings for an agent's reply in its conversation. The review
 * model is compiled from the layered rules at engine build; a review reads
 * what the other stages found in the reply and the customer's message
 * (hits, tone, times, promises, complaint) and never rescans the text. */
#ifndef TACT_REVIEW_H
#define TACT_REVIEW_H

#include <stdint.h>

#include "alloc.h"
#include "complaint.h"
#include "layers.h"
#include "match.h"
#include "promise.h"
#include "tact.h"
#include "text.h"
#include "timex.h"
#include "tone.h"

typedef struct tact_review_model tact_review_model;

tact_status tact_review_model_build(const tact_layers *layers, const tact_matcher *m,
                                    const tact_allocator *a, tact_review_model **out,
                                    tact_error *err);
void tact_review_model_free(tact_review_model *rm, const tact_allocator *a);

/* Index of rule `id` (as layered), or -1. */
long tact_review_model_find_rule(const tact_review_model *rm, const char *id);
size_t tact_review_model_rule_count(const tact_review_model *rm);
const tact_rule *tact_review_model_rule(const tact_review_model *rm, size_t i);
/* Index of profile `id`, or -1. */
long tact_review_model_find_profile(const tact_review_model *rm, const char *id);

/* One analyzed message as the review reads it. */
typedef struct tact_review_message {
  const char *text;
  size_t len;
  const tact_text *t;
  const tact_match_state *hits;
  const tact_tone *tone;
  const tact_timex_list *times;
  const tact_promise_list *promises;
  const tact_complaint *complaint; /* computed only for the customer */
} tact_review_message;

/* The caller's context, checked: rule switches resolved to indices. */
typedef struct tact_review_options {
  const char *customer_name;       /* NULL: found in the customer's message */
  long profile;                    /* -1 = none */
  const unsigned char *rule_off;   /* per rule: 1 = do not run; NULL = all run */
  int only_mode;                   /* rule_off came from an `only` list: it overrides the profile */
} tact_review_options;

typedef struct tact_finding_rec {
  uint32_t rule;
  uint8_t kind;                    /* tact_finding_kind */
  uint8_t severity;                /* tact_severity */
  uint8_t has_span, has_fix;
  uint32_t start, end;             /* bytes in the reply */
  uint32_t fix_start, fix_end;     /* what the fix replaces (may reach past end) */
  size_t evidence;                 /* offset into strings */
  size_t replace;                  /* the fix text: offset into strings, when has_fix */
  double confidence;
} tact_finding_rec;

typedef struct tact_trigger tact_trigger; /* review.c */

/* Findings and the review's working memory; reused across reviews. */
typedef struct tact_review_out {
  tact_finding_rec *items;
  size_t n, cap;
  tact_buf strings;                /* evidence texts, NUL-separated */
  int score;
  /* scratch */
  uint64_t *masks[2];              /* per sentence: watched lexicons with a hit; [0] reply, [1] customer */
  size_t cap_masks[2];
  tact_trigger *trig;
  size_t n_trig, cap_trig;
  uint32_t *stems;                 /* hash set of the reply's word stems */
  size_t cap_stems;
  uint32_t *lex_first;             /* the reply's hits by lexicon: lex_hits[lex_first[l] ..
                                    * lex_first[l + 1]) index the hits of lexicon l */
  uint32_t *lex_hits;
  size_t cap_lex_first, cap_lex_hits;
  unsigned char *rule_off;         /* the caller's rule switches (tact_review_options) */
  size_t cap_rule_off;
} tact_review_out;

/* Reviews `reply` answering `customer` (NULL when none) into `out`. */
tact_status tact_review_run(const tact_review_model *rm, const tact_matcher *m,
                            const tact_review_message *reply,
                            const tact_review_message *customer,
                            const tact_review_options *opt, const tact_allocator *a,
                            tact_review_out *out, tact_error *err);

void tact_review_out_free(tact_review_out *out, const tact_allocator *a);

#endif
