/* layers.c — resolves a stack of parsed packs (bottom first) into the one
 * set of lexicons and rules an engine uses. Items are matched by id: a later
 * pack's item overrides (default), extends or disables an earlier one. The
 * result keeps the order in which ids first appeared. Service policies are
 * matched by action the same way; calendars add up to one sorted list of
 * holidays; linear models are matched by id. */
#include "layers.h"

#include <string.h>

#include "error.h"
#include "hash.h"

/* Open-addressing map from id to slot index, sized once for all items. */
typedef struct id_map {
  const char **keys;
  size_t *vals;
  size_t cap;
} id_map;

static int map_init(id_map *m, tact_arena *ar, size_t n) {
  m->cap = 16;
  while (m->cap < n * 2) m->cap *= 2;
  m->keys = tact_arena_calloc(ar, m->cap, sizeof *m->keys);
  m->vals = tact_arena_calloc(ar, m->cap, sizeof *m->vals);
  return m->keys && m->vals ? 0 : -1;
}

/* Slot for `key`: either holding it or empty. */
static size_t map_slot(const id_map *m, const char *key) {
  size_t i = (size_t)tact_hash(key, strlen(key)) & (m->cap - 1);
  while (m->keys[i] && strcmp(m->keys[i], key) != 0) i = (i + 1) & (m->cap - 1);
  return i;
}

/* Growable list of pointers used while layering; lives in the arena, so a
 * grown list simply abandons its old copy (packs are small next to that). */
typedef struct ptr_list {
  const void **items;
  size_t n, cap;
} ptr_list;

static int list_push(tact_arena *ar, ptr_list *l, const void *p) {
  if (l->n == l->cap) {
    size_t ncap = l->cap ? l->cap * 2 : 8;
    const void **items = tact_arena_alloc(ar, ncap * sizeof *items);
    if (!items) return -1;
    if (l->n) memcpy(items, l->items, l->n * sizeof *items);
    l->items = items;
    l->cap = ncap;
  }
  l->items[l->n++] = p;
  return 0;
}

typedef struct lex_slot {
  tact_lexicon lex;
  ptr_list entries, sources;
  int dead;
} lex_slot;

typedef struct rule_slot {
  tact_rule rule;
  ptr_list clauses, examples, example_sources;
  int dead;
} rule_slot;

static int apply_lexicon(tact_arena *ar, lex_slot *s, const tact_pack_lexicon *pl,
                         const char *source) {
  if (pl->mode == TACT_LAYER_DISABLE) {
    s->dead = 1;
    return 0;
  }
  if (pl->mode == TACT_LAYER_OVERRIDE || s->dead) {
    s->entries.n = s->sources.n = 0;
    s->lex.has_weight = 0;
  }
  s->dead = 0;
  s->lex.id = pl->id;
  s->lex.source = source;
  s->lex.line = pl->line;
  if (pl->has_weight) {
    s->lex.weight = pl->weight;
    s->lex.has_weight = 1;
  }
  for (size_t i = 0; i < pl->n_entries; i++) {
    if (list_push(ar, &s->entries, &pl->entries[i]) || list_push(ar, &s->sources, source))
      return -1;
  }
  return 0;
}

static int apply_rule(tact_arena *ar, rule_slot *s, const tact_pack_rule *pr, const char *source) {
  if (pr->mode == TACT_LAYER_DISABLE) {
    s->dead = 1;
    return 0;
  }
  if (pr->mode == TACT_LAYER_OVERRIDE || s->dead) {
    memset(&s->rule, 0, sizeof s->rule);
    s->clauses.n = s->examples.n = s->example_sources.n = 0;
  }
  s->dead = 0;
  tact_rule *r = &s->rule;
  r->id = pr->id;
  r->source = source;
  r->line = pr->line;
  if (pr->type) r->type = pr->type;
  if (pr->kind) r->kind = pr->kind;
  if (pr->severity) r->severity = pr->severity;
  if (pr->message) r->message = pr->message;
  if (pr->suggestion) r->suggestion = pr->suggestion;
  if (pr->praise) r->praise = pr->praise;
  if (pr->has_min_confidence) r->min_confidence = pr->min_confidence;
  for (size_t i = 0; i < pr->n_clauses; i++)
    if (list_push(ar, &s->clauses, &pr->clauses[i])) return -1;
  for (size_t i = 0; i < pr->n_examples; i++)
    if (list_push(ar, &s->examples, &pr->examples[i]) ||
        list_push(ar, &s->example_sources, (void *)source))
      return -1;
  return 0;
}

static tact_status collect(tact_pack *const *packs, size_t n, tact_arena *ar, lex_slot *lex,
                           size_t *n_lex, rule_slot *rules, size_t *n_rules, id_map *lmap,
                           id_map *rmap, tact_error *err) {
  for (size_t p = 0; p < n; p++) {
    const tact_pack *pk = packs[p];
    for (size_t i = 0; i < pk->n_lexicons; i++) {
      const tact_pack_lexicon *pl = &pk->lexicons[i];
      size_t slot = map_slot(lmap, pl->id);
      if (!lmap->keys[slot]) {
        if (pl->mode == TACT_LAYER_DISABLE) continue;
        lmap->keys[slot] = pl->id;
        lmap->vals[slot] = (*n_lex)++;
      }
      if (apply_lexicon(ar, &lex[lmap->vals[slot]], pl, pk->source))
        return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
    }
    for (size_t i = 0; i < pk->n_rules; i++) {
      const tact_pack_rule *pr = &pk->rules[i];
      size_t slot = map_slot(rmap, pr->id);
      if (!rmap->keys[slot]) {
        if (pr->mode == TACT_LAYER_DISABLE) continue;
        if (pr->mode == TACT_LAYER_EXTEND)
          return tact_fail_pack(err, TACT_E_PACK, pk->source, pr->line, 0,
                                "%s:%u: rule '%s' has mode=\"extend\" but no earlier pack defines it",
                                pk->source, pr->line, pr->id);
        rmap->keys[slot] = pr->id;
        rmap->vals[slot] = (*n_rules)++;
      }
      if (apply_rule(ar, &rules[rmap->vals[slot]], pr, pk->source))
        return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
    }
  }
  return TACT_OK;
}

/* What a rule's clauses name (lexicons, signals, facts) is resolved, and
 * checked, when review.c compiles the rule. */
static tact_status check_rule(const tact_rule *r, tact_error *err) {
  if (!r->type || !r->kind)
    return tact_fail_pack(err, TACT_E_PACK, r->source, r->line, 0,
                          "%s:%u: rule '%s' has no %s", r->source, r->line, r->id,
                          r->type ? "kind" : "type");
  return TACT_OK;
}

static tact_status finish(tact_arena *ar, lex_slot *lex, size_t n_lex, rule_slot *rules,
                          size_t n_rules, tact_layers *out, tact_error *err) {
  out->lexicons = tact_arena_calloc(ar, n_lex, sizeof *out->lexicons);
  out->rules = tact_arena_calloc(ar, n_rules, sizeof *out->rules);
  if ((n_lex && !out->lexicons) || (n_rules && !out->rules))
    return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
  out->n_lexicons = out->n_rules = 0;
  for (size_t i = 0; i < n_lex; i++) {
    if (lex[i].dead) continue;
    tact_lexicon *l = &out->lexicons[out->n_lexicons++];
    *l = lex[i].lex;
    l->n_entries = lex[i].entries.n;
    l->entries = tact_arena_calloc(ar, l->n_entries, sizeof *l->entries);
    if (l->n_entries && !l->entries) return tact_fail(err, TACT_E_NOMEM, "out of memory");
    for (size_t e = 0; e < l->n_entries; e++) {
      l->entries[e].entry = lex[i].entries.items[e];
      l->entries[e].source = lex[i].sources.items[e];
    }
  }
  for (size_t i = 0; i < n_rules; i++) {
    if (rules[i].dead) continue;
    tact_rule *r = &out->rules[out->n_rules++];
    *r = rules[i].rule;
    r->clauses = (const tact_pack_clause **)rules[i].clauses.items;
    r->n_clauses = rules[i].clauses.n;
    r->examples = (const tact_pack_example **)rules[i].examples.items;
    r->example_sources = (const char **)rules[i].example_sources.items;
    r->n_examples = rules[i].examples.n;
    tact_status st = check_rule(r, err);
    if (st != TACT_OK) return st;
  }
  return TACT_OK;
}

/* Policies by action: a later pack's replaces an earlier one (keeping the
 * place where the action first appeared); mode="disable" removes it. */
static tact_status resolve_policies(tact_pack *const *packs, size_t n, tact_arena *ar,
                                    tact_layers *out, tact_error *err) {
  size_t total = 0;
  for (size_t p = 0; p < n; p++) total += packs[p]->n_policies;
  out->policies = NULL;
  out->n_policies = 0;
  if (!total) return TACT_OK;
  id_map map;
  tact_policy *slots = tact_arena_calloc(ar, total, sizeof *slots);
  char *dead = tact_arena_calloc(ar, total, 1);
  out->policies = tact_arena_calloc(ar, total, sizeof *out->policies);
  if (!slots || !dead || !out->policies || map_init(&map, ar, total))
    return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
  size_t used = 0;
  for (size_t p = 0; p < n; p++) {
    for (size_t i = 0; i < packs[p]->n_policies; i++) {
      const tact_pack_policy *pp = &packs[p]->policies[i];
      size_t slot = map_slot(&map, pp->action);
      if (!map.keys[slot]) {
        if (pp->mode == TACT_LAYER_DISABLE) continue;
        map.keys[slot] = pp->action;
        map.vals[slot] = used++;
      }
      size_t k = map.vals[slot];
      dead[k] = pp->mode == TACT_LAYER_DISABLE;
      slots[k] = (tact_policy){pp->action, pp->min, pp->max, pp->unit, packs[p]->source, pp->line};
    }
  }
  for (size_t k = 0; k < used; k++)
    if (!dead[k]) out->policies[out->n_policies++] = slots[k];
  return TACT_OK;
}

/* Models by id, like policies: a later pack's replaces an earlier one
 * (keeping the place where the id first appeared); mode="disable" removes
 * it. */
static tact_status resolve_models(tact_pack *const *packs, size_t n, tact_arena *ar,
                                  tact_layers *out, tact_error *err) {
  size_t total = 0;
  for (size_t p = 0; p < n; p++) total += packs[p]->n_models;
  out->models = NULL;
  out->n_models = 0;
  if (!total) return TACT_OK;
  id_map map;
  tact_model *slots = tact_arena_calloc(ar, total, sizeof *slots);
  char *dead = tact_arena_calloc(ar, total, 1);
  out->models = tact_arena_calloc(ar, total, sizeof *out->models);
  if (!slots || !dead || !out->models || map_init(&map, ar, total))
    return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
  size_t used = 0;
  for (size_t p = 0; p < n; p++) {
    for (size_t i = 0; i < packs[p]->n_models; i++) {
      const tact_pack_model *pm = &packs[p]->models[i];
      size_t slot = map_slot(&map, pm->id);
      if (!map.keys[slot]) {
        if (pm->mode == TACT_LAYER_DISABLE) continue;
        map.keys[slot] = pm->id;
        map.vals[slot] = used++;
      }
      size_t k = map.vals[slot];
      dead[k] = pm->mode == TACT_LAYER_DISABLE;
      slots[k] = (tact_model){pm, packs[p]->source};
    }
  }
  for (size_t k = 0; k < used; k++)
    if (!dead[k]) out->models[out->n_models++] = slots[k];
  return TACT_OK;
}

/* Profiles by id, in one pass like lexicons and rules: sets accumulate
 * (extend) or restart (override, or after a disable); mode="disable"
 * removes the profile. A set for a rule some pack switched off has nothing
 * to change and is dropped; one for a rule no pack ever defined is an error. */
typedef struct profile_slot {
  tact_profile profile;
  ptr_list sets, sources;
  int dead;
} profile_slot;

static tact_status resolve_profiles(tact_pack *const *packs, size_t n, tact_arena *ar,
                                    const id_map *rmap, const rule_slot *rules,
                                    tact_layers *out, tact_error *err) {
  size_t total = 0;
  for (size_t p = 0; p < n; p++) total += packs[p]->n_profiles;
  out->profiles = NULL;
  out->n_profiles = 0;
  if (!total) return TACT_OK;
  id_map map;
  profile_slot *slots = tact_arena_calloc(ar, total, sizeof *slots);
  out->profiles = tact_arena_calloc(ar, total, sizeof *out->profiles);
  if (!slots || !out->profiles || map_init(&map, ar, total))
    return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
  size_t used = 0;
  for (size_t p = 0; p < n; p++) {
    for (size_t i = 0; i < packs[p]->n_profiles; i++) {
      const tact_pack_profile *pp = &packs[p]->profiles[i];
      size_t slot = map_slot(&map, pp->id);
      if (!map.keys[slot]) {
        if (pp->mode == TACT_LAYER_DISABLE) continue;
        map.keys[slot] = pp->id;
        map.vals[slot] = used++;
      }
      profile_slot *ps = &slots[map.vals[slot]];
      if (pp->mode != TACT_LAYER_EXTEND || ps->dead) ps->sets.n = ps->sources.n = 0;
      ps->dead = pp->mode == TACT_LAYER_DISABLE;
      ps->profile.id = pp->id;
      if (pp->description) ps->profile.description = pp->description;
      for (size_t j = 0; j < pp->n_sets; j++) {
        size_t rs = map_slot(rmap, pp->sets[j].rule);
        if (!rmap->keys[rs])
          return tact_fail_pack(err, TACT_E_PACK, packs[p]->source, pp->sets[j].line, 0,
                                "%s:%u: profile '%s' sets rule '%s', which no pack defines",
                                packs[p]->source, pp->sets[j].line, pp->id, pp->sets[j].rule);
        if (rules[rmap->vals[rs]].dead) continue;
        if (list_push(ar, &ps->sets, &pp->sets[j]) || list_push(ar, &ps->sources, packs[p]->source))
          return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
      }
    }
  }
  for (size_t k = 0; k < used; k++) {
    if (slots[k].dead) continue;
    tact_profile *pr = &out->profiles[out->n_profiles++];
    *pr = slots[k].profile;
    pr->sets = (const tact_pack_profile_set **)slots[k].sets.items;
    pr->set_sources = (const char **)slots[k].sources.items;
    pr->n_sets = slots[k].sets.n;
  }
  return TACT_OK;
}

/* Heap sort: qsort may allocate. */
static void sift_days(int32_t *d, size_t root, size_t n) {
  for (;;) {
    size_t c = 2 * root + 1;
    if (c >= n) return;
    if (c + 1 < n && d[c] < d[c + 1]) c++;
    if (d[root] >= d[c]) return;
    int32_t t = d[root];
    d[root] = d[c];
    d[c] = t;
    root = c;
  }
}

/* Holidays of every calendar from the last one with mode="override" up,
 * sorted and without repeats. */
static tact_status resolve_calendar(tact_pack *const *packs, size_t n, tact_arena *ar,
                                    tact_layers *out, tact_error *err) {
  size_t from = 0, total = 0;
  for (size_t p = 0; p < n; p++)
    if (packs[p]->has_calendar && packs[p]->calendar_mode == TACT_LAYER_OVERRIDE) from = p;
  for (size_t p = from; p < n; p++) total += packs[p]->n_holidays;
  out->holidays = NULL;
  out->n_holidays = 0;
  if (!total) return TACT_OK;
  int32_t *d = tact_arena_calloc(ar, total, sizeof *d);
  if (!d) return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
  size_t k = 0;
  for (size_t p = from; p < n; p++)
    for (size_t i = 0; i < packs[p]->n_holidays; i++) d[k++] = packs[p]->holidays[i].day;
  for (size_t i = k / 2; i-- > 0;) sift_days(d, i, k);
  for (size_t end = k; end > 1; end--) {
    int32_t t = d[0];
    d[0] = d[end - 1];
    d[end - 1] = t;
    sift_days(d, 0, end - 1);
  }
  size_t m = 0;
  for (size_t i = 0; i < k; i++)
    if (m == 0 || d[m - 1] != d[i]) d[m++] = d[i];
  out->holidays = d;
  out->n_holidays = m;
  return TACT_OK;
}

tact_status tact_layers_resolve(tact_pack *const *packs, size_t n, tact_arena *ar,
                                tact_layers *out, tact_error *err) {
  size_t total_lex = 0, total_rules = 0;
  for (size_t p = 0; p < n; p++) {
    total_lex += packs[p]->n_lexicons;
    total_rules += packs[p]->n_rules;
  }
  id_map lmap, rmap;
  lex_slot *lex = tact_arena_calloc(ar, total_lex ? total_lex : 1, sizeof *lex);
  rule_slot *rules = tact_arena_calloc(ar, total_rules ? total_rules : 1, sizeof *rules);
  if (!lex || !rules || map_init(&lmap, ar, total_lex) || map_init(&rmap, ar, total_rules))
    return tact_fail(err, TACT_E_NOMEM, "out of memory while layering packs");
  size_t n_lex = 0, n_rules = 0;
  tact_status st = collect(packs, n, ar, lex, &n_lex, rules, &n_rules, &lmap, &rmap, err);
  if (st != TACT_OK) return st;
  st = finish(ar, lex, n_lex, rules, n_rules, out, err);
  if (st == TACT_OK) st = resolve_policies(packs, n, ar, out, err);
  if (st == TACT_OK) st = resolve_calendar(packs, n, ar, out, err);
  if (st == TACT_OK) st = resolve_models(packs, n, ar, out, err);
  if (st == TACT_OK) st = resolve_profiles(packs, n, ar, &rmap, rules, out, err);
  return st;
}

long tact_layers_find_lexicon(const tact_layers *l, const char *id) {
  for (size_t i = 0; i < l->n_lexicons; i++)
    if (strcmp(l->lexicons[i].id, id) == 0) return (long)i;
  return -1;
}

const tact_policy *tact_layers_find_policy(const tact_layers *l, const char *action) {
  for (size_t i = 0; i < l->n_policies; i++)
    if (strcmp(l->policies[i].action, action) == 0) return &l->policies[i];
  return NULL;
}

const tact_model *tact_layers_find_model(const tact_layers *l, const char *id) {
  for (size_t i = 0; i < l->n_models; i++)
    if (strcmp(l->models[i].model->id, id) == 0) return &l->models[i];
  return NULL;
}
