/* model_features.h — how a text becomes hashed model features: the key of a
 * token and the hash of a key. The complaint model's inference
 * (complaint.c) and its trainer (examples/tact-train.c) both include this
 * one definition, so a trained pack can never see other features than the
 * ones it was trained on. Depends on the public header only. */
#ifndef TACT_MODEL_FEATURES_H
#define TACT_MODEL_FEATURES_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "tact.h"

/* Word features see short texts as if they had this many words: one word
 * of a one-word message must not weigh as much as a whole sentence. */
#define TACT_FEATURE_WORD_NORM_FLOOR 16

/* FNV-1a (32 bit) over the key's bytes, then the MurmurHash3 finalizer; a
 * model uses the low `bits` bits as the bucket. Keys are a two-byte family
 * prefix ("u:" unigram, "b:" bigram, "l:" lexicon id, "t:" tone name) and
 * the text; a bigram's text is its two token keys joined by one space. */
static inline uint32_t tact_feature_fnv(uint32_t h, const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) h = (h ^ (unsigned char)s[i]) * 16777619u;
  return h;
}

static inline uint32_t tact_feature_mix(uint32_t h) {
  h ^= h >> 16;
  h *= 0x85EBCA6Bu;
  h ^= h >> 13;
  h *= 0xC2B2AE35u;
  h ^= h >> 16;
  return h;
}

static inline uint32_t tact_feature_hash(const char *prefix, const char *s, size_t n) {
  return tact_feature_mix(tact_feature_fnv(tact_feature_fnv(2166136261u, prefix, 2), s, n));
}

static inline uint32_t tact_feature_bigram_hash(const char *k1, size_t l1, const char *k2,
                                                size_t l2) {
  uint32_t h = tact_feature_fnv(tact_feature_fnv(2166136261u, "b:", 2), k1, l1);
  return tact_feature_mix(tact_feature_fnv(tact_feature_fnv(h, " ", 1), k2, l2));
}

/* The form a token takes in features: numbers, URLs and e-mail addresses
 * become a placeholder, @mentions are skipped (NULL: a handle says whom a
 * message is for, not what it says), everything else is its normalized form. */
static inline const char *tact_feature_token_key(tact_token_kind kind, const char *norm,
                                                 size_t norm_len, size_t *len) {
  const char *ph = kind == TACT_TOKEN_NUMBER  ? "<num>"
                   : kind == TACT_TOKEN_URL   ? "<url>"
                   : kind == TACT_TOKEN_EMAIL ? "<email>"
                                              : NULL;
  if (kind == TACT_TOKEN_MENTION) return NULL;
  if (ph) {
    *len = strlen(ph);
    return ph;
  }
  *len = norm_len;
  return norm;
}

#endif
