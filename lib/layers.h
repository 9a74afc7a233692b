/* layers.h — resolving a stack of packs into one set of lexicons and rules:
 * later packs override, extend or disable earlier items of the same id.
 * Service policies layer by action id; calendars add holidays (or, with
 * mode="override", replace the lower packs' holidays); models layer by id
 * (a later pack's replaces an earlier one, mode="disable" removes it). */
#ifndef TACT_LAYERS_H
#define TACT_LAYERS_H

#include <stdint.h>

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
  const char *praise;
  double min_confidence;   /* 0 when no pack set it */
  const tact_pack_clause **clauses; /* in pack order; extend appends */
  size_t n_clauses;
  const tact_pack_example **examples;
  const char **example_sources; /* the pack of each example */
  size_t n_examples;
  const char *source;
  unsigned line;
} tact_rule;

/* A service policy after layering: the last pack's for that action. */
typedef struct tact_policy {
  const char *action;
  unsigned min, max;       /* in `unit`, min <= max */
  tact_policy_unit unit;
  const char *source;      /* pack that set it */
  unsigned line;
} tact_policy;

/* A linear model after layering: the last pack's of that id. */
typedef struct tact_model {
  const tact_pack_model *model;
  const char *source;      /* pack that defined it */
} tact_model;

/* A profile after layering: its sets from every pack that defines or
 * extends it, bottom first (review.c applies them in order). */
typedef struct tact_profile {
  const char *id;
  const char *description;
  const tact_pack_profile_set **sets;
  const char **set_sources;
  size_t n_sets;
} tact_profile;

typedef struct tact_layers {
  tact_lexicon *lexicons;
  size_t n_lexicons;
  tact_rule *rules;
  size_t n_rules;
  tact_policy *policies;   /* in order of first appearance */
  size_t n_policies;
  int32_t *holidays;       /* sorted, distinct: days since 1970-01-01 */
  size_t n_holidays;
  tact_model *models;      /* in order of first appearance */
  size_t n_models;
  tact_profile *profiles;  /* in order of first appearance */
  size_t n_profiles;
} tact_layers;

/* Resolves `packs[0..n)` (bottom first) into `out`, allocated from `ar`.
 * Errors name pack and line. What a rule's clauses name is checked when
 * review.c compiles the rules. */
tact_status tact_layers_resolve(tact_pack *const *packs, size_t n, tact_arena *ar,
                                tact_layers *out, tact_error *err);

/* Index of lexicon `id`, or -1. */
long tact_layers_find_lexicon(const tact_layers *l, const char *id);

/* The policy for `action`, or NULL. */
const tact_policy *tact_layers_find_policy(const tact_layers *l, const char *action);

/* The model `id` ("complaint", "category"), or NULL. */
const tact_model *tact_layers_find_model(const tact_layers *l, const char *id);

#endif
