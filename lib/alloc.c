/* alloc.c — allocation through the caller's hooks, growable arrays and the
 * bump arena. Nothing else in libtact calls malloc directly. */
#include "alloc.h"

#include <stdalign.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

static void *std_malloc(void *user, size_t size) {
  (void)user;
  return malloc(size);
}
static void *std_realloc(void *user, void *ptr, size_t size) {
  (void)user;
  return realloc(ptr, size);
}
static void std_free(void *user, void *ptr) {
  (void)user;
  free(ptr);
}

void tact_alloc_resolve(tact_allocator *out, const tact_allocator *in) {
  if (in && in->malloc_fn && in->realloc_fn && in->free_fn) {
    *out = *in;
  } else {
    out->malloc_fn = std_malloc;
    out->realloc_fn = std_realloc;
    out->free_fn = std_free;
    out->user = NULL;
  }
}

void *tact_malloc(const tact_allocator *a, size_t size) {
  return a->malloc_fn(a->user, size ? size : 1);
}

void *tact_realloc(const tact_allocator *a, void *ptr, size_t size) {
  return a->realloc_fn(a->user, ptr, size ? size : 1);
}

void tact_free(const tact_allocator *a, void *ptr) {
  if (ptr) a->free_fn(a->user, ptr);
}

char *tact_strndup(const tact_allocator *a, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *p = tact_malloc(a, len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

int tact_grow(const tact_allocator *a, void **data, size_t *cap, size_t need, size_t elem) {
  if (need <= *cap) return 0;
  size_t ncap = *cap ? *cap : 16;
  while (ncap < need) {
    if (ncap > SIZE_MAX / 2) return -1;
    ncap *= 2;
  }
  if (elem && ncap > SIZE_MAX / elem) return -1;
  void *p = tact_realloc(a, *data, ncap * elem);
  if (!p) return -1;
  *data = p;
  *cap = ncap;
  return 0;
}

int tact_buf_append(const tact_allocator *a, tact_buf *b, const char *s, size_t len) {
  if (len > SIZE_MAX - b->len - 1) return -1;
  if (tact_grow(a, (void **)&b->data, &b->cap, b->len + len + 1, 1)) return -1;
  if (len) memcpy(b->data + b->len, s, len);
  b->len += len;
  b->data[b->len] = '\0';
  return 0;
}

void tact_buf_free(const tact_allocator *a, tact_buf *b) {
  tact_free(a, b->data);
  b->data = NULL;
  b->len = b->cap = 0;
}

struct tact_arena_chunk {
  tact_arena_chunk *next;
  size_t size;
  alignas(max_align_t) unsigned char data[];
};

#define ARENA_CHUNK (64u * 1024u)

void tact_arena_init(tact_arena *ar, const tact_allocator *a) {
  ar->alloc = a;
  ar->head = NULL;
  ar->used = ar->avail = 0;
}

void *tact_arena_alloc(tact_arena *ar, size_t size) {
  const size_t align = alignof(max_align_t);
  if (size > SIZE_MAX - align) return NULL;
  size = (size + align - 1) & ~(align - 1);
  if (!size) size = align;
  if (size > ar->avail - ar->used || !ar->head) {
    size_t csize = size > ARENA_CHUNK ? size : ARENA_CHUNK;
    if (csize > SIZE_MAX - sizeof(tact_arena_chunk)) return NULL;
    tact_arena_chunk *c = tact_malloc(ar->alloc, sizeof(tact_arena_chunk) + csize);
    if (!c) return NULL;
    c->size = csize;
    c->next = ar->head;
    ar->head = c;
    ar->used = 0;
    ar->avail = csize;
  }
  void *p = ar->head->data + ar->used;
  ar->used += size;
  return p;
}

void *tact_arena_calloc(tact_arena *ar, size_t n, size_t elem) {
  if (elem && n > SIZE_MAX / elem) return NULL;
  void *p = tact_arena_alloc(ar, n * elem);
  if (p) memset(p, 0, n * elem);
  return p;
}

char *tact_arena_strndup(tact_arena *ar, const char *s, size_t len) {
  if (len == SIZE_MAX) return NULL;
  char *p = tact_arena_alloc(ar, len + 1);
  if (!p) return NULL;
  if (len) memcpy(p, s, len);
  p[len] = '\0';
  return p;
}

void tact_arena_free(tact_arena *ar) {
  tact_arena_chunk *c = ar->head;
  while (c) {
    tact_arena_chunk *next = c->next;
    tact_free(ar->alloc, c);
    c = next;
  }
  ar->head = NULL;
  ar->used = ar->avail = 0;
}
