/* layers.h — resolving a stack of packs into one set of lexicons and rules:
 * later packs override, extend or disable earlier items of the same id. */
#ifndef TACT_LAYERS_H
#define TACT_LAYERS_H

#include "alloc.h"
#include "pack.h"

/* An entry together with the pack it came from (for messages). */
typedef struct tact_layer_entry {
  const tact_pack_entry *entry;
  const char *source;
} tact_layer_entry;

typedef struct tact_lexicon {
  const char *id;
  double weight;
  int has_weight;
  tact_layer_entry *entries;
  size_t n_entries;
  const char *source;      /* pack that last defined it */
  unsigned line;
} tact_lexicon;

/* A rule after layering: fields from the last pack that set them. */
typedef struct tact_rule {
  const char *id;
  const char *type;
  const char *kind;
  const char *severity;
  const char *message;
  const char *suggestion;
  const char **lexicons;
  size_t n_lexicons;
  const tact_pack_example **examples;
  size_t n_examples;
  const char *source;
  unsigned line;
} tact_rule;

typedef struct tact_layers {
  tact_lexicon *lexicons;
  size_t n_lexicons;
  tact_rule *rules;
  size_t n_rules;
} tact_layers;

/* Resolves `packs[0..n)` (bottom first) into `out`, allocated from `ar`.
 * Checks that every lexicon a rule uses exists. Errors name pack and line. */
tact_status tact_layers_resolve(tact_pack *const *packs, size_t n, tact_arena *ar,
                                tact_layers *out, tact_error *err);

/* Index of lexicon `id`, or -1. */
long tact_layers_find_lexicon(const tact_layers *l, const char *id);

#endif
