/* counting_alloc.h — a tact_allocator that counts calls and can be told to
 * fail after N allocations: for zero-allocation and OOM-path tests. */
#ifndef TACT_COUNTING_ALLOC_H
#define TACT_COUNTING_ALLOC_H

#include <stddef.h>
#include "tact.h"

typedef struct counting_alloc {
  size_t mallocs, reallocs, frees;
  long live; /* blocks allocated and not yet freed */
  long fail_after; /* -1: never fail; else fail once this many (re)allocs succeeded */
} counting_alloc;

void counting_alloc_init(counting_alloc *c, tact_allocator *a);
size_t counting_alloc_calls(const counting_alloc *c); /* mallocs + reallocs */

#endif
