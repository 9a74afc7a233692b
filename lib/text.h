/* text.h — the tokenizer's interface: UTF-8 validation, normalized tokens
 * with byte spans into the original text, sentences and whole-text
 * statistics. Phrase matching and everything after it read only this. */
#ifndef TACT_TEXT_H
#define TACT_TEXT_H

#include <stdint.h>

#include "alloc.h"
#include "tact.h"

/* Texts and their normalized forms are limited to 4 GiB - 1 so that token
 * fields fit in 32 bits (tokens stay 24 bytes; cache matters more). */
#define TACT_TEXT_MAX_BYTES ((size_t)UINT32_MAX)

typedef struct tact_token {
  uint32_t start, end;          /* byte span in the original text */
  uint32_t norm_off, norm_len;  /* normalized form in tact_text.norm */
  uint32_t sentence;            /* index into tact_text.sentences */
  uint8_t kind;                 /* tact_token_kind */
  uint8_t flags;                /* TACT_TOKEN_* */
  uint16_t reserved;
} tact_token;

typedef struct tact_sentence {
  uint32_t first_token, token_count;
  uint32_t start, end;          /* byte span: first token start .. last token end */
} tact_sentence;

#define TACT_STAT_COUNT 14 /* one past the last tact_stat */

/* Everything the tokenizer produces for one text. Owned by a result and
 * reused across calls: arrays keep their capacity. Zero-initialize before
 * first use; free with tact_text_free(). */
typedef struct tact_text {
  tact_token *tokens;
  size_t n_tokens, cap_tokens;
  tact_sentence *sentences;
  size_t n_sentences, cap_sentences;
  tact_buf norm;               /* normalized forms back to back, not NUL-separated */
  int32_t *scratch;            /* utf8proc work buffer (code points) */
  size_t cap_scratch;
  double stats[TACT_STAT_COUNT]; /* indexed by tact_stat */
} tact_text;

/* Tokenizer options (bit set). */
enum {
  TACT_TEXT_REPAIR = 1u << 0 /* bad bytes become U+FFFD symbol tokens instead of an error */
};

/* Tokenizes `len` bytes of `text` into `t`, replacing its contents.
 * Errors: TACT_E_UTF8 (offset of the first invalid byte), TACT_E_INPUT (a NUL
 * byte, with offset), TACT_E_LIMIT (over TACT_TEXT_MAX_BYTES), TACT_E_NOMEM.
 * On error `t` holds zero tokens. Allocates only when an array must grow. */
tact_status tact_text_analyze(tact_text *t, const tact_allocator *a, const char *text, size_t len,
                              unsigned options, tact_error *err);

void tact_text_free(tact_text *t, const tact_allocator *a);

/* Whether tact_text_analyze() makes exactly one word token of s[0..n) whose
 * normal form is s itself: ASCII lowercase letters that are no contraction.
 * Pattern compilers use it to skip tokenizing the many plain-word entries. */
int tact_text_is_plain_word(const char *s, size_t n);

/* The normalized form of token i (not NUL-terminated). */
static inline const char *tact_text_norm(const tact_text *t, size_t i, size_t *len) {
  *len = t->tokens[i].norm_len;
  return t->norm.data + t->tokens[i].norm_off;
}

#endif
