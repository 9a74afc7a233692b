/* promise.h — commitments in a text: who promises what, how surely, under
 * which condition and by when, checked against the pack's service policy.
 * The promise model is compiled from the resolved packs at engine build;
 * finding promises reads the tokens, the matcher's hits and the time
 * expressions, and allocates only when a result's list grows. */
#ifndef TACT_PROMISE_H
#define TACT_PROMISE_H

#include <stdint.h>

#include "alloc.h"
#include "layers.h"
#include "match.h"
#include "tact.h"
#include "text.h"
#include "timex.h"

typedef struct tact_promise {
  uint32_t first_token, n_tokens;   /* the commitment clause */
  uint32_t object_first, object_n;  /* what is promised; object_n 0 = none */
  uint32_t cond_first, cond_n;      /* the condition clause; cond_n 0 = none */
  int32_t time;                     /* index into the time list, -1 = none */
  uint16_t flags;                   /* TACT_PROMISE_* */
  uint8_t actor;                    /* tact_actor */
  uint8_t certainty;                /* tact_certainty */
  const char *action;               /* action id, owned by the engine */
} tact_promise;

typedef struct tact_promise_list {
  tact_promise *items;
  size_t n, cap;
} tact_promise_list;

/* What the packs say about promises: action vocabularies, the service
 * policy per action, the business calendar. Built once per engine. */
typedef struct tact_promise_model tact_promise_model;

tact_status tact_promise_model_build(const tact_layers *layers, const tact_matcher *m,
                                     const tact_allocator *a, tact_promise_model **out,
                                     tact_error *err);
void tact_promise_model_free(tact_promise_model *pm, const tact_allocator *a);
/* Holidays of the layered calendar, for tact_timex_ctx. */
const int32_t *tact_promise_model_holidays(const tact_promise_model *pm, size_t *n);

tact_status tact_promise_find(const tact_promise_model *pm, const tact_matcher *m,
                              const tact_text *t, const tact_match_state *hits,
                              const tact_timex_list *times, const tact_timex_ctx *ctx,
                              const tact_allocator *a, tact_promise_list *out, tact_error *err);

void tact_promise_list_free(tact_promise_list *l, const tact_allocator *a);

#endif
