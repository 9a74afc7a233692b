/* error.c — status names and the formatting of tact_error. Messages are
 * always NUL-terminated and truncated to fit, never overflowing. */
#include "error.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

const char *tact_status_str(tact_status status) {
  switch (status) {
  case TACT_OK: return "ok";
  case TACT_E_ARG: return "invalid argument";
  case TACT_E_NOMEM: return "out of memory";
  case TACT_E_UTF8: return "invalid UTF-8";
  case TACT_E_INPUT: return "unusable input";
  case TACT_E_LIMIT: return "limit exceeded";
  case TACT_E_PACK: return "invalid rule pack";
  case TACT_E_IO: return "cannot read file";
  case TACT_E_STATE: return "call not allowed in this state";
  case TACT_E_INTERNAL: return "internal error";
  }
  return "unknown status";
}

static void fill(tact_error *err, tact_status code, size_t offset, const char *source,
                 unsigned line, unsigned column, const char *fmt, va_list ap) {
  err->code = code;
  err->offset = offset;
  err->line = line;
  err->column = column;
  err->source[0] = '\0';
  if (source) snprintf(err->source, sizeof err->source, "%s", source);
  vsnprintf(err->message, sizeof err->message, fmt, ap);
}

tact_status tact_fail(tact_error *err, tact_status code, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    fill(err, code, TACT_NO_OFFSET, NULL, 0, 0, fmt, ap);
    va_end(ap);
  }
  return code;
}

tact_status tact_fail_at(tact_error *err, tact_status code, size_t offset, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    fill(err, code, offset, NULL, 0, 0, fmt, ap);
    va_end(ap);
  }
  return code;
}

tact_status tact_fail_pack(tact_error *err, tact_status code, const char *source, unsigned line,
                           unsigned column, const char *fmt, ...) {
  if (err) {
    va_list ap;
    va_start(ap, fmt);
    fill(err, code, TACT_NO_OFFSET, source, line, column, fmt, ap);
    va_end(ap);
  }
  return code;
}
