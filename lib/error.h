/* error.h — filling a caller's tact_error with a code, a location and a
 * formatted message. Every failing path in libtact goes through here. */
#ifndef TACT_ERROR_H
#define TACT_ERROR_H

#include "tact.h"

#if defined(__GNUC__)
#define TACT_PRINTF(a, b) __attribute__((format(printf, a, b)))
#else
#define TACT_PRINTF(a, b)
#endif

/* Sets `err` (if not NULL) and returns `code`, so callers can write
 * `return tact_fail(err, TACT_E_ARG, "...")`. offset/line are left unset. */
tact_status tact_fail(tact_error *err, tact_status code, const char *fmt, ...) TACT_PRINTF(3, 4);
/* Same, with a byte offset into the input text. */
tact_status tact_fail_at(tact_error *err, tact_status code, size_t offset, const char *fmt, ...)
    TACT_PRINTF(4, 5);
/* Same, with a pack name and line/column. */
tact_status tact_fail_pack(tact_error *err, tact_status code, const char *source, unsigned line,
                           unsigned column, const char *fmt, ...) TACT_PRINTF(6, 7);

#endif
