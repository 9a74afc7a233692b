/* hash.h — the string hash of libtact's in-memory tables (interned
 * symbols, id maps, duplicate checks, tone cue lookups). FNV-1a over the
 * bytes, with a final xor-shift so the low bits that pick a bucket depend
 * on every byte. Not a stored format: model features hash with
 * model_features.h, which must never change. */
#ifndef TACT_HASH_H
#define TACT_HASH_H

#include <stddef.h>
#include <stdint.h>

static inline uint64_t tact_hash(const char *s, size_t n) {
  uint64_t h = 1469598103934665603ull;
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
  return h ^ (h >> 29);
}

#endif
