/* json.c — the JSON writer. Output is always valid JSON and valid UTF-8:
 * bytes that are not UTF-8 (only possible in repair mode) become \ufffd;
 * control characters and U+2028/U+2029 are escaped so the output can also be
 * embedded in JavaScript. */
#include "json.h"

#include <math.h>
#include <string.h>

void tact_json_init(tact_json *j, const tact_allocator *a, tact_buf *out) {
  memset(j, 0, sizeof *j);
  j->alloc = a;
  j->out = out;
  out->len = 0;
  if (out->data) out->data[0] = '\0';
}

static void raw(tact_json *j, const char *s, size_t n) {
  if (!j->failed && tact_buf_append(j->alloc, j->out, s, n)) j->failed = 1;
}

/* Writes the comma owed before a value, unless a key just wrote its colon. */
static void before_value(tact_json *j) {
  if (j->depth > 0 && j->depth <= TACT_JSON_MAX_DEPTH) {
    if (j->has_item[j->depth - 1] == 2) {
      j->has_item[j->depth - 1] = 1; /* the key already wrote the comma */
      return;
    }
    if (j->has_item[j->depth - 1]) raw(j, ",", 1);
    j->has_item[j->depth - 1] = 1;
  }
}

static void open_container(tact_json *j, char c) {
  before_value(j);
  raw(j, &c, 1);
  j->depth++;
  if (j->depth <= TACT_JSON_MAX_DEPTH) j->has_item[j->depth - 1] = 0;
  else j->failed = 1;
}

static void close_container(tact_json *j, char c) {
  raw(j, &c, 1);
  if (j->depth > 0) j->depth--;
}

void tact_json_object_begin(tact_json *j) { open_container(j, '{'); }
void tact_json_object_end(tact_json *j) { close_container(j, '}'); }
void tact_json_array_begin(tact_json *j) { open_container(j, '['); }
void tact_json_array_end(tact_json *j) { close_container(j, ']'); }

/* Length of the valid UTF-8 sequence at s[0..len), or 0 if it is not one.
 * Text reaching here was validated, except in repair mode, where a token's
 * original bytes may be the invalid ones it replaced. */
static size_t utf8_seq(const unsigned char *s, size_t len) {
  unsigned c = s[0];
  size_t n = c < 0xc2 ? 0 : c < 0xe0 ? 2 : c < 0xf0 ? 3 : c < 0xf5 ? 4 : 0;
  if (!n || n > len) return 0;
  for (size_t i = 1; i < n; i++)
    if ((s[i] & 0xc0) != 0x80) return 0;
  if (c == 0xe0 && s[1] < 0xa0) return 0; /* overlong */
  if (c == 0xed && s[1] >= 0xa0) return 0; /* surrogate */
  if (c == 0xf0 && s[1] < 0x90) return 0; /* overlong */
  if (c == 0xf4 && s[1] >= 0x90) return 0; /* > U+10FFFF */
  return n;
}

/* The escape for byte(s) at s[i], or NULL to copy them; *used = bytes consumed. */
static const char *escape_for(const unsigned char *s, size_t len, size_t i, size_t *used,
                              char ubuf[8]) {
  static const char hex[] = "0123456789abcdef";
  unsigned c = s[i];
  *used = 1;
  switch (c) {
  case '"': return "\\\"";
  case '\\': return "\\\\";
  case '\n': return "\\n";
  case '\r': return "\\r";
  case '\t': return "\\t";
  default: break;
  }
  if (c < 0x20 || c == 0x7f) {
    memcpy(ubuf, "\\u00", 4);
    ubuf[4] = hex[c >> 4];
    ubuf[5] = hex[c & 15];
    ubuf[6] = '\0';
    return ubuf;
  }
  if (c < 0x80) return NULL;
  size_t n = utf8_seq(s + i, len - i);
  if (!n) return "\\ufffd";
  *used = n;
  if (n == 3 && c == 0xe2 && s[i + 1] == 0x80 && (s[i + 2] == 0xa8 || s[i + 2] == 0xa9))
    return s[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
  return NULL;
}

static void escaped(tact_json *j, const char *str, size_t len) {
  const unsigned char *s = (const unsigned char *)str;
  raw(j, "\"", 1);
  size_t run = 0, i = 0;
  while (i < len) {
    size_t used;
    char ubuf[8];
    const char *esc = escape_for(s, len, i, &used, ubuf);
    if (esc) {
      raw(j, str + i - run, run);
      run = 0;
      raw(j, esc, strlen(esc));
    } else {
      run += used;
    }
    i += used;
  }
  raw(j, str + len - run, run);
  raw(j, "\"", 1);
}

void tact_json_key(tact_json *j, const char *key) {
  before_value(j);
  escaped(j, key, strlen(key));
  raw(j, ":", 1);
  if (j->depth > 0 && j->depth <= TACT_JSON_MAX_DEPTH) j->has_item[j->depth - 1] = 2;
}

void tact_json_string(tact_json *j, const char *s, size_t len) {
  before_value(j);
  escaped(j, s ? s : "", s ? len : 0);
}

void tact_json_cstring(tact_json *j, const char *s) {
  if (!s) {
    tact_json_null(j);
    return;
  }
  tact_json_string(j, s, strlen(s));
}

void tact_json_uint(tact_json *j, uint64_t v) {
  char buf[24];
  size_t n = sizeof buf;
  do {
    buf[--n] = (char)('0' + v % 10);
    v /= 10;
  } while (v);
  before_value(j);
  raw(j, buf + n, sizeof buf - n);
}

void tact_json_int(tact_json *j, int64_t v) {
  if (v < 0) {
    before_value(j);
    raw(j, "-", 1);
    /* The sign is written; the digits must not owe a comma again. */
    if (j->depth > 0 && j->depth <= TACT_JSON_MAX_DEPTH) j->has_item[j->depth - 1] = 2;
    tact_json_uint(j, (uint64_t)(-(v + 1)) + 1u);
  } else {
    tact_json_uint(j, (uint64_t)v);
  }
}

size_t tact_format_double(double v, char *buf) {
  size_t n = 0;
  if (v < 0) {
    buf[n++] = '-';
    v = -v;
  }
  int exp10 = 0;
  while (v >= 1e18) { /* far beyond any count or score: keep 3 digits of exponent form */
    v /= 10;
    exp10++;
  }
  if (v >= 1e12) { /* whole numbers only: the fraction would overflow 64 bits */
    uint64_t whole = (uint64_t)v;
    char digits[24];
    size_t d = sizeof digits;
    do {
      digits[--d] = (char)('0' + whole % 10);
      whole /= 10;
    } while (whole);
    memcpy(buf + n, digits + d, sizeof digits - d);
    n += sizeof digits - d;
    if (exp10) { /* v was divided by 10^exp10 (at most ~290) */
      buf[n++] = 'e';
      if (exp10 >= 100) buf[n++] = (char)('0' + exp10 / 100);
      if (exp10 >= 10) buf[n++] = (char)('0' + exp10 / 10 % 10);
      buf[n++] = (char)('0' + exp10 % 10);
    }
    buf[n] = '\0';
    return n;
  }
  uint64_t scaled = (uint64_t)(v * 1e6 + 0.5);
  uint64_t ip = scaled / 1000000u, fp = scaled % 1000000u;
  char digits[24];
  size_t d = sizeof digits;
  do {
    digits[--d] = (char)('0' + ip % 10);
    ip /= 10;
  } while (ip);
  memcpy(buf + n, digits + d, sizeof digits - d);
  n += sizeof digits - d;
  if (fp) {
    buf[n++] = '.';
    char frac[6];
    for (int i = 5; i >= 0; i--) {
      frac[i] = (char)('0' + fp % 10);
      fp /= 10;
    }
    int last = 5;
    while (frac[last] == '0') last--;
    memcpy(buf + n, frac, (size_t)last + 1);
    n += (size_t)last + 1;
  }
  if (n == 2 && buf[0] == '-' && buf[1] == '0') { /* -0 */
    buf[0] = '0';
    n = 1;
  }
  buf[n] = '\0';
  return n;
}

void tact_json_double(tact_json *j, double v) {
  if (!isfinite(v)) {
    tact_json_null(j);
    return;
  }
  char buf[48];
  size_t n = tact_format_double(v, buf);
  before_value(j);
  raw(j, buf, n);
}

void tact_json_bool(tact_json *j, int v) {
  before_value(j);
  raw(j, v ? "true" : "false", v ? 4 : 5);
}

void tact_json_null(tact_json *j) {
  before_value(j);
  raw(j, "null", 4);
}
