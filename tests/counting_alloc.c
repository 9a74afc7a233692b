/* counting_alloc.c — see counting_alloc.h. */
#include "counting_alloc.h"

#include <stdlib.h>

static int should_fail(counting_alloc *c) {
  if (c->fail_after < 0) return 0;
  if (c->fail_after == 0) return 1;
  c->fail_after--;
  return 0;
}

static void *c_malloc(void *user, size_t size) {
  counting_alloc *c = user;
  if (should_fail(c)) return NULL;
  void *p = malloc(size);
  if (p) {
    c->mallocs++;
    c->live++;
  }
  return p;
}

static void *c_realloc(void *user, void *ptr, size_t size) {
  counting_alloc *c = user;
  if (should_fail(c)) return NULL;
  void *p = realloc(ptr, size);
  if (p) {
    c->reallocs++;
    if (!ptr) c->live++;
  }
  return p;
}

static void c_free(void *user, void *ptr) {
  counting_alloc *c = user;
  if (ptr) {
    c->frees++;
    c->live--;
  }
  free(ptr);
}

void counting_alloc_init(counting_alloc *c, tact_allocator *a) {
  c->mallocs = c->reallocs = c->frees = 0;
  c->live = 0;
  c->fail_after = -1;
  a->malloc_fn = c_malloc;
  a->realloc_fn = c_realloc;
  a->free_fn = c_free;
  a->user = c;
}

size_t counting_alloc_calls(const counting_alloc *c) { return c->mallocs + c->reallocs; }
