/* alloc.h — the allocator every part of libtact goes through, and growable
 * arrays that keep their capacity so reused results stop allocating. */
#ifndef TACT_ALLOC_H
#define TACT_ALLOC_H

#include "tact.h"

/* The caller's hooks, or malloc/realloc/free. */
void tact_alloc_resolve(tact_allocator *out, const tact_allocator *in);
void *tact_malloc(const tact_allocator *a, size_t size);
void *tact_realloc(const tact_allocator *a, void *ptr, size_t size);
void tact_free(const tact_allocator *a, void *ptr);
/* Copies `len` bytes and adds a NUL; NULL on overflow or OOM. */
char *tact_strndup(const tact_allocator *a, const char *s, size_t len);

/* Makes room for at least `need` elements of `elem` bytes in *data, growing
 * geometrically. Returns 0 on success, -1 on overflow or OOM (the old array
 * is kept). */
int tact_grow(const tact_allocator *a, void **data, size_t *cap, size_t need, size_t elem);

/* Appends `len` bytes to a growable byte buffer; -1 on OOM. */
typedef struct tact_buf {
  char *data;
  size_t len, cap;
} tact_buf;
int tact_buf_append(const tact_allocator *a, tact_buf *b, const char *s, size_t len);
void tact_buf_free(const tact_allocator *a, tact_buf *b);

/* A bump allocator for data that lives and dies together (a parsed pack,
 * an engine's compiled tables). Chunks are never moved, so pointers into
 * an arena stay valid until tact_arena_free(). */
typedef struct tact_arena_chunk tact_arena_chunk;
typedef struct tact_arena {
  const tact_allocator *alloc;
  tact_arena_chunk *head;
  size_t used, avail; /* in the head chunk */
} tact_arena;
void tact_arena_init(tact_arena *ar, const tact_allocator *a);
/* `size` bytes aligned for any type; NULL on overflow or OOM. */
void *tact_arena_alloc(tact_arena *ar, size_t size);
void *tact_arena_calloc(tact_arena *ar, size_t n, size_t elem);
char *tact_arena_strndup(tact_arena *ar, const char *s, size_t len);
void tact_arena_free(tact_arena *ar);

#endif
