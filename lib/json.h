/* json.h — a small JSON writer into a growable buffer: escaping, commas and
 * locale-independent numbers. Used by result.c and every stage that adds a
 * block to a result's JSON. */
#ifndef TACT_JSON_H
#define TACT_JSON_H

#include "alloc.h"

#define TACT_JSON_MAX_DEPTH 32

typedef struct tact_json {
  const tact_allocator *alloc;
  tact_buf *out;
  int failed;                      /* an append ran out of memory */
  int depth;
  unsigned char has_item[TACT_JSON_MAX_DEPTH]; /* per open container: needs a comma */
} tact_json;

void tact_json_init(tact_json *j, const tact_allocator *a, tact_buf *out);
void tact_json_object_begin(tact_json *j);
void tact_json_object_end(tact_json *j);
void tact_json_array_begin(tact_json *j);
void tact_json_array_end(tact_json *j);
/* A member name inside an object; the next value call writes its value. */
void tact_json_key(tact_json *j, const char *key);
void tact_json_string(tact_json *j, const char *s, size_t len);
void tact_json_cstring(tact_json *j, const char *s); /* NULL writes null */
void tact_json_uint(tact_json *j, uint64_t v);
void tact_json_int(tact_json *j, int64_t v);
void tact_json_double(tact_json *j, double v);       /* non-finite writes null */
void tact_json_bool(tact_json *j, int v);
void tact_json_null(tact_json *j);

/* Formats a double with up to 6 decimals, no exponent, '.' as separator
 * whatever the locale; returns the length written (buf >= 32 bytes). */
size_t tact_format_double(double v, char *buf);

#endif
