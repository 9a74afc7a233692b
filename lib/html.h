/* html.h — HTML e-mail bodies to the text that gets analyzed: the visible
 * text with block boundaries as line breaks, without quoted earlier
 * messages or the signature. The tokenizer then works on that text. */
#ifndef TACT_HTML_H
#define TACT_HTML_H

#include "alloc.h"
#include "tact.h"

/* Options (bit set). */
enum {
  TACT_HTML_REPAIR = 1u << 0 /* bad UTF-8 and NUL bytes become U+FFFD instead of an error */
};

/* Buffers kept across calls so a reused result stops allocating (libxml2
 * still allocates its parser per call). Zero-initialize; free with
 * tact_html_scratch_free(). */
typedef struct tact_html_scratch {
  tact_buf repaired; /* the input with bad bytes replaced (repair mode only) */
} tact_html_scratch;

/* Replaces the contents of `out` with the visible text of `len` bytes of
 * HTML. The input must be UTF-8 (a <meta charset> is ignored).
 * Errors: TACT_E_UTF8 / TACT_E_INPUT (invalid byte / NUL, offset into the
 * HTML) unless TACT_HTML_REPAIR, TACT_E_LIMIT (over INT_MAX bytes, what
 * libxml2 accepts), TACT_E_NOMEM. On error `out` is empty. Never prints;
 * keeps no state between calls, so it is safe from several threads. */
tact_status tact_html_to_text(const char *html, size_t len, unsigned options,
                              const tact_allocator *a, tact_html_scratch *scratch, tact_buf *out,
                              tact_error *err);

void tact_html_scratch_free(tact_html_scratch *s, const tact_allocator *a);

#endif
