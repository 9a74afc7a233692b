/* jsonl.c — reads one string member out of a one-line JSON object, for the
 * examples' batch modes (tact --jsonl, tact-guard). Only what they need:
 * string values with every escape, other values skipped, no allocation
 * besides the returned string. */
#include "jsonl.h"

#include <stdlib.h>
#include <string.h>

static const char *skip_ws(const char *p) {
  while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n') p++;
  return p;
}

static int hex4(const char *p, unsigned *out) {
  *out = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    unsigned v = c >= '0' && c <= '9' ? (unsigned)(c - '0')
                 : c >= 'a' && c <= 'f' ? (unsigned)(c - 'a' + 10)
                 : c >= 'A' && c <= 'F' ? (unsigned)(c - 'A' + 10)
                                        : 16u;
    if (v > 15) return -1;
    *out = *out * 16 + v;
  }
  return 0;
}

static size_t put_utf8(char *o, unsigned cp) {
  if (cp < 0x80) { o[0] = (char)cp; return 1; }
  if (cp < 0x800) { o[0] = (char)(0xC0 | cp >> 6); o[1] = (char)(0x80 | (cp & 63)); return 2; }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | cp >> 12); o[1] = (char)(0x80 | (cp >> 6 & 63));
    o[2] = (char)(0x80 | (cp & 63));
    return 3;
  }
  o[0] = (char)(0xF0 | cp >> 18); o[1] = (char)(0x80 | (cp >> 12 & 63));
  o[2] = (char)(0x80 | (cp >> 6 & 63)); o[3] = (char)(0x80 | (cp & 63));
  return 4;
}

/* Parses the JSON string at *pp (at its opening quote) into out (may be
 * NULL to skip); returns its length or -1. Lone surrogates become U+FFFD. */
static long json_string(const char **pp, char *out) {
  const char *p = *pp + 1;
  size_t n = 0;
  while (*p && *p != '"') {
    char tmp[4];
    size_t k = 1;
    if (*p != '\\') {
      tmp[0] = *p++;
    } else {
      char e = p[1];
      p += 2;
      if (e == 'u') {
        unsigned cp, lo;
        if (hex4(p, &cp)) return -1;
        p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && p[0] == '\\' && p[1] == 'u' && !hex4(p + 2, &lo) &&
            lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          p += 6;
        } else if (cp >= 0xD800 && cp < 0xE000) {
          cp = 0xFFFD;
        }
        k = put_utf8(tmp, cp);
      } else {
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *at = e ? strchr(from, e) : NULL;
        if (!at) return -1;
        tmp[0] = to[at - from];
      }
    }
    if (out) memcpy(out + n, tmp, k);
    n += k;
  }
  if (*p != '"') return -1;
  *pp = p + 1;
  return (long)n;
}

/* Skips one JSON value of any kind; NULL on malformed input. */
static const char *skip_value(const char *p, int depth) {
  p = skip_ws(p);
  if (*p == '"') return json_string(&p, NULL) < 0 ? NULL : p;
  if (*p == '{' || *p == '[') {
    if (depth > 64) return NULL;
    char close = *p == '{' ? '}' : ']';
    p = skip_ws(p + 1);
    if (*p == close) return p + 1;
    for (;;) {
      if (close == '}') {
        if (*p != '"' || json_string(&p, NULL) < 0) return NULL;
        p = skip_ws(p);
        if (*p++ != ':') return NULL;
      }
      if (!(p = skip_value(p, depth + 1))) return NULL;
      p = skip_ws(p);
      if (*p == close) return p + 1;
      if (*p++ != ',') return NULL;
      p = skip_ws(p);
    }
  }
  const char *start = p;
  while (*p && !strchr(",}] \t\r\n", *p)) p++;
  return p > start ? p : NULL;
}

char *jsonl_member(const char *line, const char *key, size_t *len) {
  const char *p = skip_ws(line);
  if (*p++ != '{') return NULL;
  for (p = skip_ws(p); *p == '"';) {
    const char *name = p;
    long nlen = json_string(&p, NULL);
    if (nlen < 0) return NULL;
    p = skip_ws(p);
    if (*p++ != ':') return NULL;
    p = skip_ws(p);
    int match = (size_t)nlen == strlen(key) && !strncmp(name + 1, key, (size_t)nlen);
    if (match && *p == '"') {
      const char *q = p;
      long vlen = json_string(&q, NULL);
      char *out = vlen < 0 ? NULL : malloc((size_t)vlen + 1);
      if (!out) return NULL;
      json_string(&p, out);
      out[vlen] = '\0';
      *len = (size_t)vlen;
      return out;
    }
    if (!(p = skip_value(p, 0))) return NULL;
    p = skip_ws(p);
    if (*p == ',') p = skip_ws(p + 1);
  }
  return NULL;
}

