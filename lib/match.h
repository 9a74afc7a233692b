/* match.h — the compiled phrase matcher: every entry of every resolved
 * lexicon in one token-level automaton, scanned once left to right. */
#ifndef TACT_MATCH_H
#define TACT_MATCH_H

#include <stdint.h>

#include "alloc.h"
#include "layers.h"
#include "text.h"

/* The longest pattern, in tokens. Longer entries are refused at build. */
#define TACT_MATCH_MAX_PATTERN_TOKENS 32
/* Distinct {@lexicon} classes patterns may use. */
#define TACT_MATCH_MAX_LEXICON_CLASSES 16

/* One compiled entry: where it came from and what it weighs. */
typedef struct tact_compiled_entry {
  uint32_t lexicon;       /* index into the resolved lexicons */
  double weight;
  const char *pattern;    /* as written in the pack */
  const char *replace;    /* the entry's suggested rewrite, or NULL */
} tact_compiled_entry;

/* One occurrence: entry `entry` covers tokens [first_token, first_token + n_tokens). */
typedef struct tact_hit {
  uint32_t entry;
  uint32_t first_token;
  uint32_t n_tokens;
} tact_hit;

typedef struct tact_matcher tact_matcher;

/* Per-result working memory, reused across scans (zero-initialize). */
typedef struct tact_match_state {
  tact_hit *hits;
  size_t n_hits, cap_hits;
  uint64_t *active, *next; /* (node << 32 | start token) pairs */
  size_t cap_active, cap_next;
  char *stem;              /* scratch for a token's stem */
  size_t cap_stem;
} tact_match_state;

/* Compiles the resolved lexicons. Patterns are tokenized with the same
 * tokenizer as texts; errors (unknown class, empty or over-long pattern)
 * name the pack and line of the entry. Free with tact_matcher_free(). */
tact_status tact_matcher_compile(const tact_layers *layers, const tact_allocator *a,
                                 tact_matcher **out, tact_error *err);
void tact_matcher_free(tact_matcher *m, const tact_allocator *a);

/* Finds every hit in `t`; results in st->hits sorted by first token, then
 * longest first. TACT_E_NOMEM only when a state array must grow and cannot. */
tact_status tact_matcher_scan(const tact_matcher *m, const tact_text *t, const tact_allocator *a,
                              tact_match_state *st, tact_error *err);

const tact_compiled_entry *tact_matcher_entry(const tact_matcher *m, uint32_t i);
size_t tact_matcher_entry_count(const tact_matcher *m);

/* The matcher's stem of a normalized word (`n` <= TACT_MATCH_MAX_STEM bytes)
 * into `out` (room for n bytes); returns its length. A matching key only. */
#define TACT_MATCH_MAX_STEM 256
size_t tact_stem(const char *w, size_t n, char *out);

void tact_match_state_free(tact_match_state *st, const tact_allocator *a);

#endif
