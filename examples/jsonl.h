/* jsonl.h — one string member of a one-line JSON object (jsonl.c). */
#ifndef TACT_EXAMPLES_JSONL_H
#define TACT_EXAMPLES_JSONL_H

#include <stddef.h>

/* The string member `key` of the JSON object `line`, as a new
 * NUL-terminated buffer of *len bytes (it may hold NUL escapes; free()
 * it); NULL when the member is missing, not a string, or the line is not a
 * JSON object. */
char *jsonl_member(const char *line, const char *key, size_t *len);

#endif
