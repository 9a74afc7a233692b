/* engine.c — the engine's life cycle: configuration, layering packs on top
 * of the compiled-in default pack, and the build that freezes it all into
 * resolved lexicons and one compiled matcher. */
#include "engine.h"

#include <string.h>

#include "error.h"

int tact_version(void) { return TACT_VERSION_NUMBER; }
const char *tact_version_string(void) { return TACT_VERSION_STRING; }

void tact_config_init(tact_config *cfg) {
  if (!cfg) return;
  memset(cfg, 0, sizeof *cfg);
  cfg->size = sizeof *cfg;
  cfg->max_input_bytes = TACT_DEFAULT_MAX_INPUT_BYTES;
  cfg->max_pack_bytes = TACT_DEFAULT_MAX_PACK_BYTES;
  cfg->max_pack_depth = TACT_DEFAULT_MAX_PACK_DEPTH;
}

/* Copies the caller's config, honouring only the fields its `size` covers. */
static tact_status read_config(const tact_config *in, tact_config *out, tact_error *err) {
  tact_config_init(out);
  if (!in) return TACT_OK;
  if (in->size < offsetof(tact_config, allocator) + sizeof(tact_allocator) || in->size > (1u << 16))
    return tact_fail(err, TACT_E_ARG,
                     "tact_config.size is %zu; initialize the config with tact_config_init()",
                     in->size);
  memcpy(out, in, in->size < sizeof *out ? in->size : sizeof *out);
  const tact_allocator *a = &out->allocator;
  int set = !!a->malloc_fn + !!a->realloc_fn + !!a->free_fn;
  if (set != 0 && set != 3)
    return tact_fail(err, TACT_E_ARG,
                     "tact_config.allocator: set all of malloc_fn, realloc_fn and free_fn, or none");
  if (!out->max_input_bytes) out->max_input_bytes = TACT_DEFAULT_MAX_INPUT_BYTES;
  if (!out->max_pack_bytes) out->max_pack_bytes = TACT_DEFAULT_MAX_PACK_BYTES;
  if (!out->max_pack_depth) out->max_pack_depth = TACT_DEFAULT_MAX_PACK_DEPTH;
  if (out->flags & ~(unsigned)(TACT_CONFIG_REPAIR_UTF8 | TACT_CONFIG_NO_DEFAULT_PACK |
                             TACT_CONFIG_STRICT_PACKS))
    return tact_fail(err, TACT_E_ARG, "tact_config.flags has unknown bits 0x%x", out->flags);
  return TACT_OK;
}

static tact_status push_pack(tact_engine *eng, tact_pack *p, tact_error *err) {
  if (tact_grow(&eng->alloc, (void **)&eng->packs, &eng->cap_packs, eng->n_packs + 1,
                sizeof *eng->packs)) {
    tact_pack_free(p);
    return tact_fail(err, TACT_E_NOMEM, "out of memory adding a pack");
  }
  eng->packs[eng->n_packs++] = p;
  return TACT_OK;
}

/* The default layer: general lexicons, the sentiment lexicon, tone cues,
 * the complaint model. They were loaded and validated when libtact was
 * built (lib/packs/mkimage.c) and are static data here, so creating an
 * engine parses no XML. */
static tact_status use_builtin_packs(tact_engine *eng, tact_error *err) {
  if (tact_grow(&eng->alloc, (void **)&eng->packs, &eng->cap_packs, tact_builtin_pack_count,
                sizeof *eng->packs))
    return tact_fail(err, TACT_E_NOMEM, "out of memory adding the built-in packs");
  /* const only in the table: layering reads packs and never writes them */
  for (size_t i = 0; i < tact_builtin_pack_count; i++)
    eng->packs[i] = (tact_pack *)tact_builtin_packs[i];
  eng->n_packs = eng->n_builtin = tact_builtin_pack_count;
  return TACT_OK;
}

tact_engine *tact_engine_new(const tact_config *cfg, tact_error *err) {
  tact_config c;
  if (read_config(cfg, &c, err) != TACT_OK) return NULL;
  tact_allocator a;
  tact_alloc_resolve(&a, &c.allocator);
  tact_engine *eng = tact_malloc(&a, sizeof *eng);
  if (!eng) {
    tact_fail(err, TACT_E_NOMEM, "out of memory creating an engine");
    return NULL;
  }
  memset(eng, 0, sizeof *eng);
  eng->alloc = a;
  eng->max_input_bytes = c.max_input_bytes < TACT_TEXT_MAX_BYTES ? c.max_input_bytes
                                                                  : TACT_TEXT_MAX_BYTES;
  eng->pack_limits.max_bytes = c.max_pack_bytes;
  eng->pack_limits.max_depth = c.max_pack_depth;
  eng->flags = c.flags;
  tact_arena_init(&eng->arena, &eng->alloc);
  eng->loader = tact_pack_loader_new(&eng->alloc, &eng->pack_limits, err);
  if (!eng->loader) {
    tact_engine_free(eng);
    return NULL;
  }
  if (!(c.flags & TACT_CONFIG_NO_DEFAULT_PACK) && use_builtin_packs(eng, err) != TACT_OK) {
    tact_engine_free(eng);
    return NULL;
  }
  return eng;
}

static tact_status check_open(tact_engine *eng, tact_error *err) {
  if (!eng) return tact_fail(err, TACT_E_ARG, "engine is NULL");
  if (eng->built || eng->broken)
    return tact_fail(err, TACT_E_STATE, "packs can only be added before tact_engine_build()");
  return TACT_OK;
}

tact_status tact_engine_add_pack_file(tact_engine *eng, const char *path, tact_error *err) {
  tact_status st = check_open(eng, err);
  if (st != TACT_OK) return st;
  if (!path) return tact_fail(err, TACT_E_ARG, "pack path is NULL");
  tact_pack *p;
  st = tact_pack_loader_parse_file(eng->loader, path, &p, err);
  return st == TACT_OK ? push_pack(eng, p, err) : st;
}

tact_status tact_engine_add_pack_memory(tact_engine *eng, const char *xml, size_t length,
                                        const char *name, tact_error *err) {
  tact_status st = check_open(eng, err);
  if (st != TACT_OK) return st;
  if (!xml && length) return tact_fail(err, TACT_E_ARG, "pack buffer is NULL");
  tact_pack *p;
  st = tact_pack_loader_parse(eng->loader, xml ? xml : "", length, name ? name : "(memory)", 1,
                              &p, err);
  return st == TACT_OK ? push_pack(eng, p, err) : st;
}

tact_status tact_engine_build(tact_engine *eng, tact_error *err) {
  tact_status st = check_open(eng, err);
  if (st != TACT_OK) {
    if (eng && eng->built) return tact_fail(err, TACT_E_STATE, "engine is already built");
    return st;
  }
  st = tact_layers_resolve(eng->packs, eng->n_packs, &eng->arena, &eng->layers, err);
  if (st == TACT_OK) st = tact_matcher_compile(&eng->layers, &eng->alloc, &eng->matcher, err);
  if (st == TACT_OK)
    st = tact_tone_model_build(&eng->layers, eng->matcher, &eng->alloc, &eng->tone, err);
  if (st == TACT_OK)
    st = tact_promise_model_build(&eng->layers, eng->matcher, &eng->alloc, &eng->promises, err);
  if (st == TACT_OK)
    st = tact_complaint_model_build(&eng->layers, eng->matcher, &eng->alloc, &eng->complaint, err);
  if (st == TACT_OK)
    st = tact_review_model_build(&eng->layers, eng->matcher, &eng->alloc, &eng->review, err);
  if (st != TACT_OK) {
    eng->broken = 1;
    return st;
  }
  tact_pack_loader_free(eng->loader);
  eng->loader = NULL;
  eng->built = 1;
  if (eng->flags & TACT_CONFIG_STRICT_PACKS) {
    size_t n = tact_engine_example_count(eng);
    for (size_t i = 0; i < n; i++) {
      st = tact_engine_run_example(eng, i, err);
      if (st != TACT_OK) {
        eng->built = 0;
        eng->broken = 1;
        return st;
      }
    }
  }
  return TACT_OK;
}

size_t tact_engine_pack_count(const tact_engine *eng) { return eng ? eng->n_packs : 0; }

const char *tact_engine_pack_id(const tact_engine *eng, size_t i) {
  return eng && i < eng->n_packs ? eng->packs[i]->id : NULL;
}

void tact_engine_free(tact_engine *eng) {
  if (!eng) return;
  tact_allocator a = eng->alloc;
  for (size_t i = eng->n_builtin; i < eng->n_packs; i++) tact_pack_free(eng->packs[i]);
  tact_free(&a, eng->packs);
  tact_pack_loader_free(eng->loader);
  tact_promise_model_free(eng->promises, &a);
  tact_tone_model_free(eng->tone, &a);
  tact_complaint_model_free(eng->complaint, &a);
  tact_review_model_free(eng->review, &a);
  tact_matcher_free(eng->matcher, &a);
  tact_arena_free(&eng->arena);
  tact_free(&a, eng);
}
