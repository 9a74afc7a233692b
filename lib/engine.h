/* engine.h — the engine's insides, shared by engine.c (life cycle, packs)
 * and result.c (analysis). Nothing outside lib/ sees this. */
#ifndef TACT_ENGINE_H
#define TACT_ENGINE_H

#include "alloc.h"
#include "layers.h"
#include "match.h"
#include "pack.h"
#include "pack_image.h"
#include "promise.h"
#include "tone.h"
#include "complaint.h"
#include "review.h"

struct tact_engine {
  tact_allocator alloc;
  size_t max_input_bytes;
  tact_pack_limits pack_limits;
  unsigned flags;             /* TACT_CONFIG_* */
  tact_pack_loader *loader;   /* only until build */
  tact_pack **packs;          /* bottom layer first */
  size_t n_packs, cap_packs;
  size_t n_builtin;           /* packs[0..n_builtin): the static built-in image, never freed */
  int built;                  /* immutable from here on */
  int broken;                 /* build failed: only free is allowed */
  tact_arena arena;           /* resolved layers */
  tact_layers layers;
  tact_matcher *matcher;
  tact_promise_model *promises;
  tact_tone_model *tone;
  tact_complaint_model *complaint;
  tact_review_model *review;
};

#endif
