/* tact-train — trains the linear models libtact's complaint classifier reads
 * (<model id="complaint"> and <model id="category">, docs/complaints.md)
 * from labeled texts, and writes them as a pack that `tact --pack` loads.
 *
 * usage: tact-train [options] FILE
 *   FILE is JSONL (one object per line with a text and a label) or CSV with
 *   a header row (RFC 4180: quoted fields, doubled quotes, newlines inside
 *   quotes). Options:
 *   --model complaint|category  the model to train (default category);
 *                          complaint needs exactly two labels
 *   --positive LABEL       complaint: the label meaning "complaint" (default:
 *                          one of 1, yes, true, complaint, positive)
 *   --text-col NAME        text column / member (default "text")
 *   --label-col NAME       label column (default "label", else "category")
 *   --weight-col NAME      optional per-text weight column (default all 1)
 *   --format jsonl|csv     input format (default: from the file name)
 *   --test FILE            report on this file instead of a held-out split
 *   --holdout F            fraction held out for the report (default 0.2,
 *                          stratified; 0 trains on everything)
 *   --seed N               split and shuffle seed (default 1)
 *   --optimizer sgd|lbfgs  SGD with AdaGrad steps, or L-BFGS (default sgd)
 *   --l2 X                 L2 penalty on the weights (default 1e-4)
 *   --epochs N             SGD epochs, or L-BFGS iterations (default 30 / 200)
 *   --lr X                 SGD (AdaGrad) base learning rate (default 0.5)
 *   --bits N               hash buckets 2^N (default 18)
 *   --features LIST        comma list of unigram,bigram,lexicon,tone
 *                          (default all four)
 *   --min-count N          ignore buckets seen in fewer training texts (default 1)
 *   --balance              weigh classes equally (inverse class frequency)
 *   --calibrate            fit Platt scaling (complaint) or a temperature
 *                          (category) on 5-fold out-of-fold scores
 *   --prior P              complaint: calibrate for a population where a
 *                          share P of texts are complaints (default: the
 *                          training data's share)
 *   --prune X              drop stored rows whose largest |weight| < X
 *                          (default 0.005)
 *   --pack FILE            layer a pack before analyzing (repeatable): the
 *                          features must come from the packs you classify with
 *   --pack-id ID           id of the written pack (default "trained")
 *   --out FILE             write the pack XML here
 *   --predictions FILE     write one JSON line per reported text
 *   --quiet                only errors
 *
 * Features are computed through the public API exactly as lib/complaint.c
 * computes them (tokens, lexicon hits and tone of tact_analyze); see
 * docs/complaints.md. The report is computed with the weights as written
 * (quantized and pruned). Exit status: 0 ok, 1 bad data, 2 bad usage. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "model_features.h"
#include "tact.h"

/* ---------------------------------------------------------------------
 * Small helpers
 * --------------------------------------------------------------------- */

static int quiet;

static void die(const char *fmt, ...) {
  va_list ap;
  va_start(ap, fmt);
  fprintf(stderr, "tact-train: ");
  vfprintf(stderr, fmt, ap);
  fprintf(stderr, "\n");
  va_end(ap);
  exit(1);
}

static void note(const char *fmt, ...) {
  if (quiet) return;
  va_list ap;
  va_start(ap, fmt);
  vfprintf(stderr, fmt, ap);
  va_end(ap);
}

static void *xmalloc(size_t n) {
  void *p = malloc(n ? n : 1);
  if (!p) die("out of memory (%zu bytes)", n);
  return p;
}

static void *xcalloc(size_t n, size_t size) {
  void *p = calloc(n ? n : 1, size ? size : 1);
  if (!p) die("out of memory");
  return p;
}

static void *xrealloc(void *p, size_t n) {
  p = realloc(p, n ? n : 1);
  if (!p) die("out of memory (%zu bytes)", n);
  return p;
}

static char *xstrndup(const char *s, size_t n) {
  char *d = xmalloc(n + 1);
  memcpy(d, s, n);
  d[n] = '\0';
  return d;
}

static double now_seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* splitmix64: the seeded generator behind splits and shuffles. */
static uint64_t rng_next(uint64_t *s) {
  uint64_t z = (*s += 0x9E3779B97F4A7C15u);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
  return z ^ (z >> 31);
}

static size_t rng_below(uint64_t *s, size_t n) { return (size_t)(rng_next(s) % (uint64_t)n); }

static void shuffle(size_t *v, size_t n, uint64_t *s) {
  for (size_t i = n; i > 1; i--) {
    size_t j = rng_below(s, i);
    size_t t = v[i - 1];
    v[i - 1] = v[j];
    v[j] = t;
  }
}

/* ---------------------------------------------------------------------
 * Reading labeled texts: JSONL and CSV
 * --------------------------------------------------------------------- */

typedef struct example {
  char *text;
  char *label;
  double weight;
  int y; /* class index */
} example;

typedef struct dataset {
  example *items;
  size_t n, cap;
} dataset;

static void dataset_push(dataset *d, char *text, char *label, double weight) {
  if (d->n == d->cap) {
    d->cap = d->cap ? d->cap * 2 : 1024;
    d->items = xrealloc(d->items, d->cap * sizeof *d->items);
  }
  d->items[d->n++] = (example){text, label, weight, -1};
}

static char *read_file(const char *path, size_t *len) {
  FILE *f = fopen(path, "rb");
  if (!f) die("cannot open %s: %s", path, strerror(errno));
  size_t cap = 1 << 16, n = 0;
  char *buf = xmalloc(cap);
  for (;;) {
    if (n == cap) buf = xrealloc(buf, cap *= 2);
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) break;
  }
  if (ferror(f)) die("cannot read %s", path);
  fclose(f);
  buf = xrealloc(buf, n + 1);
  buf[n] = '\0';
  *len = n;
  return buf;
}

/* A growable string. */
typedef struct sbuf {
  char *s;
  size_t n, cap;
} sbuf;

static void sb_put(sbuf *b, const char *s, size_t n) {
  if (b->n + n + 1 > b->cap) {
    while (b->n + n + 1 > b->cap) b->cap = b->cap ? b->cap * 2 : 256;
    b->s = xrealloc(b->s, b->cap);
  }
  memcpy(b->s + b->n, s, n);
  b->n += n;
  b->s[b->n] = '\0';
}

static void sb_putc(sbuf *b, char c) { sb_put(b, &c, 1); }

/* --- JSON (just enough: one object per line, string/number/bool values) --- */

typedef struct jparser {
  const char *p, *end;
  const char *path;
  size_t line;
} jparser;

static void jfail(const jparser *j, const char *what) {
  die("%s:%zu: %s", j->path, j->line, what);
}

static void jspace(jparser *j) {
  while (j->p < j->end && (*j->p == ' ' || *j->p == '\t' || *j->p == '\r' || *j->p == '\n'))
    j->p++;
}

static void put_utf8(sbuf *b, unsigned long cp) {
  char o[4];
  size_t n;
  if (cp < 0x80) {
    o[0] = (char)cp;
    n = 1;
  } else if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    n = 2;
  } else if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    n = 3;
  } else {
    o[0] = (char)(0xF0 | (cp >> 18));
    o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[3] = (char)(0x80 | (cp & 0x3F));
    n = 4;
  }
  sb_put(b, o, n);
}

static unsigned long jhex4(jparser *j) {
  unsigned long v = 0;
  for (int i = 0; i < 4; i++) {
    if (j->p >= j->end) jfail(j, "truncated \\u escape");
    char c = *j->p++;
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) jfail(j, "bad \\u escape");
    v = v * 16 + (unsigned long)d;
  }
  return v;
}

/* A string value (j->p at the opening quote) into b. */
static void jstring(jparser *j, sbuf *b) {
  b->n = 0;
  sb_put(b, "", 0);
  j->p++;
  while (j->p < j->end && *j->p != '"') {
    if (*j->p != '\\') {
      sb_putc(b, *j->p++);
      continue;
    }
    if (++j->p >= j->end) break;
    char c = *j->p++;
    switch (c) {
    case 'n': sb_putc(b, '\n'); break;
    case 't': sb_putc(b, '\t'); break;
    case 'r': sb_putc(b, '\r'); break;
    case 'b': sb_putc(b, '\b'); break;
    case 'f': sb_putc(b, '\f'); break;
    case 'u': {
      unsigned long cp = jhex4(j);
      if (cp >= 0xD800 && cp < 0xDC00 && j->end - j->p >= 6 && j->p[0] == '\\' && j->p[1] == 'u') {
        j->p += 2;
        unsigned long lo = jhex4(j);
        if (lo >= 0xDC00 && lo < 0xE000) cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        else cp = 0xFFFD;
      } else if (cp >= 0xD800 && cp < 0xE000) {
        cp = 0xFFFD;
      }
      put_utf8(b, cp);
      break;
    }
    default: sb_putc(b, c); break; /* \" \\ \/ */
    }
  }
  if (j->p >= j->end) jfail(j, "unterminated string");
  j->p++;
}

/* Skips any value; copies a scalar's text (string content, number, true,
 * false) into b when b is not NULL. Returns 0 for null/objects/arrays. */
static int jvalue(jparser *j, sbuf *b, int depth) {
  jspace(j);
  if (j->p >= j->end) jfail(j, "value expected");
  if (depth > 64) jfail(j, "nested too deeply");
  char c = *j->p;
  if (c == '"') {
    sbuf tmp = {0};
    jstring(j, b ? b : &tmp);
    free(tmp.s);
    return 1;
  }
  if (c == '{' || c == '[') {
    char close = c == '{' ? '}' : ']';
    j->p++;
    jspace(j);
    if (j->p < j->end && *j->p == close) {
      j->p++;
      return 0;
    }
    for (;;) {
      if (close == '}') {
        jspace(j);
        if (j->p >= j->end || *j->p != '"') jfail(j, "member name expected");
        sbuf key = {0};
        jstring(j, &key);
        free(key.s);
        jspace(j);
        if (j->p >= j->end || *j->p != ':') jfail(j, "':' expected");
        j->p++;
      }
      jvalue(j, NULL, depth + 1);
      jspace(j);
      if (j->p < j->end && *j->p == ',') {
        j->p++;
        continue;
      }
      if (j->p < j->end && *j->p == close) {
        j->p++;
        return 0;
      }
      jfail(j, "',' or end of object/array expected");
    }
  }
  const char *start = j->p;
  while (j->p < j->end && (isalnum((unsigned char)*j->p) || *j->p == '-' || *j->p == '+' ||
                           *j->p == '.'))
    j->p++;
  if (j->p == start) jfail(j, "value expected");
  size_t n = (size_t)(j->p - start);
  if (n == 4 && memcmp(start, "null", 4) == 0) return 0;
  if (b) {
    b->n = 0;
    sb_put(b, start, n);
  }
  return 1;
}

typedef struct columns {
  const char *text, *label, *weight;
  int label_is_default; /* no --label-col: "label", else "category" */
} columns;

static double parse_weight(const char *s, const char *path, size_t line) {
  char *end;
  double w = strtod(s, &end);
  if (end == s || *end || !isfinite(w) || w < 0) die("%s:%zu: bad weight '%s'", path, line, s);
  return w;
}

static void read_jsonl(const char *path, const columns *cols, dataset *d) {
  size_t len;
  char *buf = read_file(path, &len);
  jparser j = {buf, buf + len, path, 0};
  sbuf text = {0}, label = {0}, weight = {0}, key = {0}, value = {0};
  const char *line = buf;
  while (line < buf + len) {
    const char *eol = memchr(line, '\n', (size_t)(buf + len - line));
    if (!eol) eol = buf + len;
    j.line++;
    j.p = line;
    j.end = eol;
    line = eol + 1;
    jspace(&j);
    if (j.p == j.end) continue;
    if (*j.p != '{') jfail(&j, "a JSON object expected");
    j.p++;
    int have_text = 0, have_label = 0, have_weight = 0;
    jspace(&j);
    if (j.p < j.end && *j.p == '}') jfail(&j, "empty object");
    for (;;) {
      jspace(&j);
      if (j.p >= j.end || *j.p != '"') jfail(&j, "member name expected");
      jstring(&j, &key);
      jspace(&j);
      if (j.p >= j.end || *j.p != ':') jfail(&j, "':' expected");
      j.p++;
      int scalar = jvalue(&j, &value, 0);
      if (scalar && strcmp(key.s, cols->text) == 0) {
        text.n = 0;
        sb_put(&text, value.s, value.n);
        have_text = 1;
      } else if (scalar && strcmp(key.s, cols->label) == 0) {
        label.n = 0;
        sb_put(&label, value.s, value.n);
        have_label = 1;
      } else if (scalar && !have_label && cols->label_is_default &&
                 strcmp(key.s, "category") == 0) {
        label.n = 0;
        sb_put(&label, value.s, value.n);
        have_label = 2; /* a "label" member, if any, still wins */
      } else if (scalar && cols->weight && strcmp(key.s, cols->weight) == 0) {
        weight.n = 0;
        sb_put(&weight, value.s, value.n);
        have_weight = 1;
      }
      jspace(&j);
      if (j.p < j.end && *j.p == ',') {
        j.p++;
        continue;
      }
      if (j.p < j.end && *j.p == '}') break;
      jfail(&j, "',' or '}' expected");
    }
    if (!have_text) jfail(&j, "no text member");
    if (!have_label) jfail(&j, "no label member");
    double w = have_weight ? parse_weight(weight.s, path, j.line) : 1.0;
    dataset_push(d, xstrndup(text.s, text.n), xstrndup(label.s, label.n), w);
  }
  free(text.s), free(label.s), free(weight.s), free(key.s), free(value.s);
  free(buf);
}

/* --- CSV (RFC 4180) --- */

typedef struct csv_reader {
  const char *p, *end;
  size_t line;
} csv_reader;

/* Reads one record into fields (reusing their buffers); 0 at the end. */
static int csv_record(csv_reader *r, sbuf **fields, size_t *n_fields, size_t *cap_fields,
                      const char *path) {
  if (r->p >= r->end) return 0;
  size_t n = 0;
  for (;;) {
    if (n == *cap_fields) {
      *cap_fields = *cap_fields ? *cap_fields * 2 : 16;
      *fields = xrealloc(*fields, *cap_fields * sizeof **fields);
      memset(*fields + n, 0, (*cap_fields - n) * sizeof **fields);
    }
    sbuf *f = &(*fields)[n++];
    f->n = 0;
    sb_put(f, "", 0);
    if (r->p < r->end && *r->p == '"') {
      size_t start_line = r->line;
      r->p++;
      for (;;) {
        if (r->p >= r->end) die("%s:%zu: unterminated quoted field", path, start_line);
        if (*r->p == '"') {
          if (r->p + 1 < r->end && r->p[1] == '"') {
            sb_putc(f, '"');
            r->p += 2;
            continue;
          }
          r->p++;
          break;
        }
        if (*r->p == '\n') r->line++;
        sb_putc(f, *r->p++);
      }
    } else {
      while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') sb_putc(f, *r->p++);
    }
    if (r->p < r->end && *r->p == ',') {
      r->p++;
      continue;
    }
    if (r->p < r->end && *r->p == '\r') r->p++;
    if (r->p < r->end && *r->p == '\n') {
      r->p++;
      r->line++;
    } else if (r->p < r->end) {
      die("%s:%zu: unexpected character after a quoted field", path, r->line);
    }
    *n_fields = n;
    return 1;
  }
}

static long find_column(sbuf *fields, size_t n, const char *name) {
  for (size_t i = 0; i < n; i++)
    if (strcmp(fields[i].s, name) == 0) return (long)i;
  return -1;
}

static void read_csv(const char *path, columns *cols, dataset *d) {
  size_t len;
  char *buf = read_file(path, &len);
  csv_reader r = {buf, buf + len, 1};
  if (len >= 3 && memcmp(buf, "\xEF\xBB\xBF", 3) == 0) r.p += 3;
  sbuf *fields = NULL;
  size_t n = 0, cap = 0;
  if (!csv_record(&r, &fields, &n, &cap, path)) die("%s: empty file", path);
  long ct = find_column(fields, n, cols->text);
  long cl = find_column(fields, n, cols->label);
  if (cl < 0 && cols->label_is_default) {
    cl = find_column(fields, n, "category");
    if (cl >= 0) cols->label = "category";
  }
  long cw = cols->weight ? find_column(fields, n, cols->weight) : -1;
  if (ct < 0) die("%s: no column '%s' in the header", path, cols->text);
  if (cl < 0) die("%s: no column '%s' in the header", path, cols->label);
  if (cols->weight && cw < 0) die("%s: no column '%s' in the header", path, cols->weight);
  for (;;) {
    size_t line = r.line;
    if (!csv_record(&r, &fields, &n, &cap, path)) break;
    if (n == 1 && fields[0].n == 0) continue; /* blank line */
    if ((size_t)ct >= n || (size_t)cl >= n || (cw >= 0 && (size_t)cw >= n))
      die("%s:%zu: record has %zu fields, fewer than the header names", path, line, n);
    double w = cw >= 0 ? parse_weight(fields[cw].s, path, line) : 1.0;
    dataset_push(d, xstrndup(fields[ct].s, fields[ct].n), xstrndup(fields[cl].s, fields[cl].n), w);
  }
  for (size_t i = 0; i < cap; i++) free(fields[i].s);
  free(fields);
  free(buf);
}

static int ends_with(const char *s, const char *suffix) {
  size_t n = strlen(s), k = strlen(suffix);
  return n >= k && strcmp(s + n - k, suffix) == 0;
}

static void read_data(const char *path, const char *format, columns *cols, dataset *d) {
  int csv = format ? strcmp(format, "csv") == 0 : ends_with(path, ".csv") || ends_with(path, ".CSV");
  if (csv) {
    read_csv(path, cols, d);
  } else {
    read_jsonl(path, cols, d);
  }
  if (d->n == 0) die("%s: no labeled texts", path);
}

/* ---------------------------------------------------------------------
 * Classes
 * --------------------------------------------------------------------- */

typedef struct classes {
  char **label; /* as in the data */
  char **id;    /* as written in the pack: [a-z0-9][a-z0-9._-]* */
  size_t n;
} classes;

static int cmp_str(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* A pack id for a label: lower case; anything else not allowed becomes '-'. */
static char *label_id(const char *label) {
  size_t n = strlen(label);
  if (n > 64) n = 64;
  char *id = xmalloc(n + 2);
  size_t k = 0;
  for (size_t i = 0; i < n; i++) {
    char c = (char)tolower((unsigned char)label[i]);
    int ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (k > 0 && (c == '.' || c == '_' || c == '-'));
    char put = ok ? c : (k == 0 ? 'x' : '-');
    id[k++] = put;
  }
  if (k == 0) id[k++] = 'x';
  id[k] = '\0';
  return id;
}

static int is_positive_word(const char *s) {
  static const char *const yes[] = {"1", "yes", "true", "complaint", "positive", "y", "pos", NULL};
  for (int i = 0; yes[i]; i++)
    if (strcmp(s, yes[i]) == 0) return 1;
  return 0;
}

static long class_of(const classes *c, const char *label) {
  for (size_t i = 0; i < c->n; i++)
    if (strcmp(c->label[i], label) == 0) return (long)i;
  return -1;
}

/* The sorted distinct labels of the training data (complaint: negative
 * class first, then the positive one). */
static void make_classes(dataset *d, int binary, const char *positive, classes *c) {
  char **all = xmalloc(d->n * sizeof *all);
  for (size_t i = 0; i < d->n; i++) all[i] = d->items[i].label;
  qsort(all, d->n, sizeof *all, cmp_str);
  c->label = xmalloc(d->n * sizeof *c->label);
  c->n = 0;
  for (size_t i = 0; i < d->n; i++)
    if (c->n == 0 || strcmp(c->label[c->n - 1], all[i]) != 0) c->label[c->n++] = all[i];
  free(all);
  if (c->n < 2) die("the data has only one label ('%s'); a model needs two or more", c->label[0]);
  if (c->n > 256) die("the data has %zu labels; a model has at most 256 classes", c->n);
  if (binary) {
    if (c->n != 2) die("--model complaint needs exactly two labels, the data has %zu", c->n);
    long pos = -1;
    for (size_t i = 0; i < 2; i++)
      if (positive ? strcmp(c->label[i], positive) == 0 : is_positive_word(c->label[i]))
        pos = (long)i;
    if (pos < 0)
      die("cannot tell which label means complaint ('%s' or '%s'); use --positive", c->label[0],
          c->label[1]);
    if (pos == 0) {
      char *t = c->label[0];
      c->label[0] = c->label[1];
      c->label[1] = t;
    }
  }
  c->id = xmalloc(c->n * sizeof *c->id);
  for (size_t i = 0; i < c->n; i++) {
    c->id[i] = label_id(c->label[i]);
    for (size_t k = 0; k < i; k++)
      if (strcmp(c->id[k], c->id[i]) == 0)
        die("labels '%s' and '%s' both become the class id '%s'", c->label[k], c->label[i],
            c->id[i]);
  }
  for (size_t i = 0; i < d->n; i++) d->items[i].y = (int)class_of(c, d->items[i].label);
}

/* ---------------------------------------------------------------------
 * Features, exactly as lib/complaint.c computes them
 * --------------------------------------------------------------------- */

enum { F_UNIGRAM = 1, F_BIGRAM = 2, F_LEXICON = 4, F_TONE = 8 };

static const tact_tone_dim TONE_DIMS[] = {TACT_TONE_SENTIMENT,  TACT_TONE_POSITIVE,
                                          TACT_TONE_NEGATIVE,   TACT_TONE_POLITENESS,
                                          TACT_TONE_NEGATIVE_LANGUAGE, TACT_TONE_ANGER};
#define N_TONE (sizeof TONE_DIMS / sizeof TONE_DIMS[0])

/* The same feature keys and hash as the library's inference (lib/model_features.h). */
#define key_hash tact_feature_hash
#define WORD_NORM_FLOOR TACT_FEATURE_WORD_NORM_FLOOR

static const char *token_key(const tact_result *res, size_t i, size_t *len) {
  size_t n;
  const char *norm = tact_token_norm(res, i, &n);
  return tact_feature_token_key(tact_token_kind_of(res, i), norm, n, len);
}

static int cmp_u32(const void *a, const void *b) {
  uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
  return x < y ? -1 : x > y;
}

static size_t sort_unique(uint32_t *v, size_t n) {
  qsort(v, n, sizeof *v, cmp_u32);
  size_t k = 0;
  for (size_t i = 0; i < n; i++)
    if (k == 0 || v[k - 1] != v[i]) v[k++] = v[i];
  return k;
}

/* One text's features before bucketing: (hash, value) pairs. */
typedef struct raw_features {
  uint32_t *hash;
  double *value;
  size_t n, cap;
  uint32_t *tmp;
  size_t cap_tmp;
} raw_features;

static void rf_push(raw_features *rf, uint32_t h, double v) {
  if (rf->n == rf->cap) {
    rf->cap = rf->cap ? rf->cap * 2 : 256;
    rf->hash = xrealloc(rf->hash, rf->cap * sizeof *rf->hash);
    rf->value = xrealloc(rf->value, rf->cap * sizeof *rf->value);
  }
  rf->hash[rf->n] = h;
  rf->value[rf->n++] = v;
}

static void rf_tmp(raw_features *rf, size_t need) {
  if (need > rf->cap_tmp) {
    rf->cap_tmp = need * 2;
    rf->tmp = xrealloc(rf->tmp, rf->cap_tmp * sizeof *rf->tmp);
  }
}

static void text_features(const tact_result *res, unsigned fam, raw_features *rf) {
  rf->n = 0;
  size_t n_tok = tact_result_token_count(res), n_hits = tact_result_match_count(res);
  rf_tmp(rf, 2 * n_tok + n_hits + 1);
  uint32_t *f = rf->tmp;
  size_t n_uni = 0, n_bi = 0, n_lex = 0;
  if (fam & F_UNIGRAM) {
    for (size_t i = 0; i < n_tok; i++) {
      size_t len;
      const char *k = token_key(res, i, &len);
      if (k) f[n_uni++] = key_hash("u:", k, len);
    }
    n_uni = sort_unique(f, n_uni);
  }
  uint32_t *bi = f + n_uni;
  if (fam & F_BIGRAM) {
    const char *k1 = NULL;
    size_t l1 = 0, s1 = 0;
    for (size_t i = 0; i < n_tok; i++) {
      size_t l2;
      const char *k2 = token_key(res, i, &l2);
      if (!k2) continue;
      size_t s2 = tact_token_sentence(res, i);
      if (k1 && s1 == s2)
        bi[n_bi++] = tact_feature_bigram_hash(k1, l1, k2, l2);
      k1 = k2, l1 = l2, s1 = s2;
    }
    n_bi = sort_unique(bi, n_bi);
  }
  uint32_t *lex = bi + n_bi;
  if (fam & F_LEXICON) {
    for (size_t h = 0; h < n_hits; h++) {
      const char *id = tact_match_lexicon(res, h);
      if (id) lex[n_lex++] = key_hash("l:", id, strlen(id));
    }
    n_lex = sort_unique(lex, n_lex);
  }
  size_t n_words = n_uni + n_bi;
  double v = 1.0 / sqrt((double)(n_words > WORD_NORM_FLOOR ? n_words : WORD_NORM_FLOOR));
  for (size_t i = 0; i < n_words; i++) rf_push(rf, f[i], v);
  for (size_t i = 0; i < n_lex; i++) rf_push(rf, lex[i], 1.0);
  if (fam & F_TONE) {
    for (size_t i = 0; i < N_TONE; i++) {
      const char *name = tact_tone_dim_name(TONE_DIMS[i]);
      double x = tact_result_tone(res, TONE_DIMS[i]);
      if (name && x != 0.0 && isfinite(x)) rf_push(rf, key_hash("t:", name, strlen(name)), x);
    }
  }
}

/* All texts' features, bucketed: a sparse matrix of (bucket, value) rows. */
typedef struct matrix {
  size_t n;          /* rows (texts) */
  size_t *start;     /* n + 1 offsets */
  uint32_t *bucket;
  double *value;
  size_t nnz, cap;
} matrix;

static int cmp_pair(const void *a, const void *b) {
  const uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
  return x < y ? -1 : x > y;
}

static void analyze_all(const tact_engine *eng, const dataset *d, unsigned fam, unsigned bits,
                        matrix *mx) {
  tact_error err;
  tact_result *res = tact_result_new(eng, &err);
  if (!res) die("%s", err.message);
  raw_features rf = {0};
  uint32_t mask = (uint32_t)(((uint64_t)1 << bits) - 1);
  mx->n = d->n;
  mx->start = xmalloc((d->n + 1) * sizeof *mx->start);
  mx->nnz = 0;
  uint64_t *pairs = NULL;
  size_t cap_pairs = 0;
  for (size_t i = 0; i < d->n; i++) {
    tact_input in;
    tact_input_init(&in);
    in.text = d->items[i].text;
    in.length = strlen(d->items[i].text);
    in.role = TACT_ROLE_CUSTOMER;
    in.now = 1767225600; /* fixed: features do not depend on it, but keep runs identical */
    mx->start[i] = mx->nnz;
    if (tact_analyze_into(eng, &in, res, &err) != TACT_OK) {
      note("tact-train: text %zu skipped: %s\n", i + 1, err.message);
      continue;
    }
    text_features(res, fam, &rf);
    /* Bucket, then merge features that share a bucket (their values add
     * up, as they do in complaint.c). Values are kept beside the bucket
     * through an index packed into the sort key. */
    if (rf.n > cap_pairs) {
      cap_pairs = rf.n * 2;
      pairs = xrealloc(pairs, cap_pairs * sizeof *pairs);
    }
    for (size_t k = 0; k < rf.n; k++) pairs[k] = ((uint64_t)(rf.hash[k] & mask) << 32) | k;
    qsort(pairs, rf.n, sizeof *pairs, cmp_pair);
    if (mx->nnz + rf.n > mx->cap) {
      mx->cap = (mx->nnz + rf.n) * 2;
      mx->bucket = xrealloc(mx->bucket, mx->cap * sizeof *mx->bucket);
      mx->value = xrealloc(mx->value, mx->cap * sizeof *mx->value);
    }
    for (size_t k = 0; k < rf.n; k++) {
      uint32_t b = (uint32_t)(pairs[k] >> 32);
      double v = rf.value[(size_t)(pairs[k] & 0xFFFFFFFFu)];
      if (mx->nnz > mx->start[i] && mx->bucket[mx->nnz - 1] == b) mx->value[mx->nnz - 1] += v;
      else {
        mx->bucket[mx->nnz] = b;
        mx->value[mx->nnz++] = v;
      }
    }
  }
  mx->start[d->n] = mx->nnz;
  free(pairs);
  free(rf.hash), free(rf.value), free(rf.tmp);
  tact_result_free(res);
}

/* ---------------------------------------------------------------------
 * The model: multinomial logistic regression over the columns (buckets
 * seen in training), trained by L-BFGS or SGD with an L2 penalty.
 * --------------------------------------------------------------------- */

typedef struct problem {
  const matrix *mx;
  const dataset *d;
  const size_t *rows;   /* training rows */
  size_t n_rows;
  const int32_t *col;   /* bucket -> column, or -1 */
  size_t n_cols, n_classes;
  double l2;
  const double *sw;     /* per-row weight (data weight x class balance) */
  double sw_sum;
} problem;

/* Parameters: W (n_cols x C, row-major) then the C biases. */
static size_t n_params(const problem *pb) { return (pb->n_cols + 1) * pb->n_classes; }

static void scores_of(const problem *pb, const double *theta, size_t row, double *s) {
  size_t C = pb->n_classes;
  const double *bias = theta + pb->n_cols * C;
  memcpy(s, bias, C * sizeof *s);
  const matrix *mx = pb->mx;
  for (size_t k = mx->start[row]; k < mx->start[row + 1]; k++) {
    int32_t c = pb->col[mx->bucket[k]];
    if (c < 0) continue;
    const double *w = theta + (size_t)c * C;
    double v = mx->value[k];
    for (size_t j = 0; j < C; j++) s[j] += v * w[j];
  }
}

/* Softmax in place; returns log(sum exp) for the loss. */
static double softmax(double *s, size_t n) {
  double top = s[0];
  for (size_t i = 1; i < n; i++)
    if (s[i] > top) top = s[i];
  double sum = 0;
  for (size_t i = 0; i < n; i++) sum += (s[i] = exp(s[i] - top));
  for (size_t i = 0; i < n; i++) s[i] /= sum;
  return top + log(sum);
}

/* Mean weighted cross-entropy + l2/2 |W|^2, and its gradient. */
static double loss_grad(const problem *pb, const double *theta, double *grad) {
  size_t C = pb->n_classes, P = n_params(pb);
  memset(grad, 0, P * sizeof *grad);
  double *s = xmalloc(C * sizeof *s), loss = 0;
  const matrix *mx = pb->mx;
  for (size_t r = 0; r < pb->n_rows; r++) {
    size_t row = pb->rows[r];
    double w = pb->sw[row] / pb->sw_sum;
    if (w == 0) continue;
    int y = pb->d->items[row].y;
    scores_of(pb, theta, row, s);
    double raw_y = s[y];
    double lse = softmax(s, C);
    loss += w * (lse - raw_y);
    s[y] -= 1.0;
    for (size_t j = 0; j < C; j++) s[j] *= w;
    for (size_t k = mx->start[row]; k < mx->start[row + 1]; k++) {
      int32_t c = pb->col[mx->bucket[k]];
      if (c < 0) continue;
      double *g = grad + (size_t)c * C, v = mx->value[k];
      for (size_t j = 0; j < C; j++) g[j] += v * s[j];
    }
    double *gb = grad + pb->n_cols * C;
    for (size_t j = 0; j < C; j++) gb[j] += s[j];
  }
  size_t nw = pb->n_cols * C;
  for (size_t i = 0; i < nw; i++) {
    loss += 0.5 * pb->l2 * theta[i] * theta[i];
    grad[i] += pb->l2 * theta[i];
  }
  free(s);
  return loss;
}

static double dot(const double *a, const double *b, size_t n) {
  double s = 0;
  for (size_t i = 0; i < n; i++) s += a[i] * b[i];
  return s;
}

/* L-BFGS (memory 10) with a backtracking Armijo line search. */
static void train_lbfgs(const problem *pb, double *theta, int max_iter) {
  enum { M = 10 };
  size_t P = n_params(pb);
  double *g = xcalloc(P, sizeof *g), *gn = xcalloc(P, sizeof *gn), *dir = xcalloc(P, sizeof *dir);
  double *xn = xcalloc(P, sizeof *xn), *S[M], *Y[M], rho[M], alpha[M];
  for (int i = 0; i < M; i++) {
    S[i] = xcalloc(P, sizeof **S);
    Y[i] = xcalloc(P, sizeof **Y);
  }
  double f = loss_grad(pb, theta, g);
  int stored = 0, head = 0;
  for (int it = 0; it < max_iter; it++) {
    /* two-loop recursion: dir = -H g */
    memcpy(dir, g, P * sizeof *dir);
    for (int k = 0; k < stored; k++) {
      int i = (head - 1 - k + M) % M;
      alpha[i] = rho[i] * dot(S[i], dir, P);
      for (size_t j = 0; j < P; j++) dir[j] -= alpha[i] * Y[i][j];
    }
    double gamma = 1.0;
    if (stored) {
      int last = (head - 1 + M) % M;
      gamma = dot(S[last], Y[last], P) / dot(Y[last], Y[last], P);
    } else {
      double gn2 = sqrt(dot(g, g, P));
      gamma = gn2 > 0 ? 1.0 / gn2 : 1.0;
    }
    for (size_t j = 0; j < P; j++) dir[j] *= gamma;
    for (int k = stored - 1; k >= 0; k--) {
      int i = (head - 1 - k + M) % M;
      double beta = rho[i] * dot(Y[i], dir, P);
      for (size_t j = 0; j < P; j++) dir[j] += S[i][j] * (alpha[i] - beta);
    }
    for (size_t j = 0; j < P; j++) dir[j] = -dir[j];
    double slope = dot(g, dir, P);
    if (slope >= 0) { /* not a descent direction: restart from the gradient */
      for (size_t j = 0; j < P; j++) dir[j] = -g[j];
      slope = -dot(g, g, P);
      stored = 0;
    }
    double step = 1.0, fn = f;
    int ok = 0;
    for (int ls = 0; ls < 30; ls++) {
      for (size_t j = 0; j < P; j++) xn[j] = theta[j] + step * dir[j];
      fn = loss_grad(pb, xn, gn);
      if (fn <= f + 1e-4 * step * slope) {
        ok = 1;
        break;
      }
      step *= 0.5;
    }
    if (!ok) break;
    int i = head;
    for (size_t j = 0; j < P; j++) {
      S[i][j] = xn[j] - theta[j];
      Y[i][j] = gn[j] - g[j];
    }
    double sy = dot(S[i], Y[i], P);
    memcpy(theta, xn, P * sizeof *theta);
    memcpy(g, gn, P * sizeof *g);
    double df = f - fn;
    f = fn;
    if (sy > 1e-12) {
      rho[i] = 1.0 / sy;
      head = (head + 1) % M;
      if (stored < M) stored++;
    }
    if (df < 1e-9 * (fabs(f) > 1 ? fabs(f) : 1)) break;
    if (sqrt(dot(g, g, P)) < 1e-6) break;
  }
  for (int i = 0; i < M; i++) free(S[i]), free(Y[i]);
  free(g), free(gn), free(dir), free(xn);
}

/* SGD with AdaGrad step sizes (each weight's rate shrinks with the sum of
 * its squared gradients, so rare words learn as fast as common ones), the
 * examples in a new seeded order each epoch; the L2 penalty is applied to
 * the weights an example touches, scaled by 1/n so that an epoch applies
 * it once. Fast and close to L-BFGS on large data. */
static void train_sgd(const problem *pb, double *theta, int epochs, double lr, uint64_t seed) {
  size_t C = pb->n_classes, P = n_params(pb);
  size_t *order = xmalloc(pb->n_rows * sizeof *order);
  memcpy(order, pb->rows, pb->n_rows * sizeof *order);
  double *s = xmalloc(C * sizeof *s), *G = xcalloc(P, sizeof *G);
  double mean_w = pb->sw_sum / (double)pb->n_rows;
  double l2 = pb->l2 * (double)pb->n_rows; /* per-example share of the mean-loss penalty */
  const matrix *mx = pb->mx;
  uint64_t rng = seed ^ 0x5EEDu;
  for (int e = 0; e < epochs; e++) {
    shuffle(order, pb->n_rows, &rng);
    for (size_t r = 0; r < pb->n_rows; r++) {
      size_t row = order[r];
      double w = pb->sw[row] / mean_w;
      int y = pb->d->items[row].y;
      scores_of(pb, theta, row, s);
      softmax(s, C);
      s[y] -= 1.0;
      for (size_t k = mx->start[row]; k < mx->start[row + 1]; k++) {
        int32_t c = pb->col[mx->bucket[k]];
        if (c < 0) continue;
        size_t at = (size_t)c * C;
        double v = mx->value[k];
        for (size_t j = 0; j < C; j++) {
          double g = w * v * s[j] + l2 * theta[at + j] / (double)pb->n_rows;
          G[at + j] += g * g;
          theta[at + j] -= lr * g / (sqrt(G[at + j]) + 1e-8);
        }
      }
      size_t at = pb->n_cols * C;
      for (size_t j = 0; j < C; j++) {
        double g = w * s[j];
        G[at + j] += g * g;
        theta[at + j] -= lr * g / (sqrt(G[at + j]) + 1e-8);
      }
    }
  }
  free(order);
  free(s);
  free(G);
}

typedef struct options {
  const char *model, *positive, *format, *test, *optimizer, *pack_id, *out, *predictions;
  columns cols;
  double holdout, l2, lr, prune, prior;
  int epochs, min_count, balance, calibrate;
  unsigned bits, features;
  uint64_t seed;
  const char **packs;
  size_t n_packs;
} options;

/* Trains on `rows`: picks the columns, weighs the rows, optimizes. */
typedef struct fitted {
  int32_t *col;    /* bucket -> column */
  uint32_t *bucket_of; /* column -> bucket */
  size_t n_cols, n_classes;
  double *theta;
} fitted;

static void fit(const options *o, const matrix *mx, const dataset *d, size_t n_classes,
                const size_t *rows, size_t n_rows, fitted *out) {
  size_t buckets = (size_t)1 << o->bits;
  uint32_t *count = xcalloc(buckets, sizeof *count);
  for (size_t r = 0; r < n_rows; r++)
    for (size_t k = mx->start[rows[r]]; k < mx->start[rows[r] + 1]; k++) count[mx->bucket[k]]++;
  out->col = xmalloc(buckets * sizeof *out->col);
  out->n_cols = 0;
  for (size_t b = 0; b < buckets; b++)
    out->col[b] = count[b] >= (uint32_t)o->min_count && count[b] > 0 ? (int32_t)out->n_cols++ : -1;
  out->bucket_of = xmalloc((out->n_cols ? out->n_cols : 1) * sizeof *out->bucket_of);
  for (size_t b = 0; b < buckets; b++)
    if (out->col[b] >= 0) out->bucket_of[out->col[b]] = (uint32_t)b;
  free(count);
  out->n_classes = n_classes;
  double *sw = xcalloc(d->n, sizeof *sw), *class_w = xcalloc(n_classes, sizeof *class_w);
  for (size_t r = 0; r < n_rows; r++) class_w[d->items[rows[r]].y] += d->items[rows[r]].weight;
  double sum = 0;
  for (size_t r = 0; r < n_rows; r++) {
    const example *e = &d->items[rows[r]];
    double w = e->weight;
    if (o->balance && class_w[e->y] > 0) w *= (double)n_rows / ((double)n_classes * class_w[e->y]);
    sw[rows[r]] = w;
    sum += w;
  }
  if (!(sum > 0)) die("the training texts all have weight 0");
  problem pb = {mx, d, rows, n_rows, out->col, out->n_cols, n_classes, o->l2, sw, sum};
  out->theta = xcalloc(n_params(&pb), sizeof *out->theta);
  if (strcmp(o->optimizer, "sgd") == 0) train_sgd(&pb, out->theta, o->epochs, o->lr, o->seed);
  else train_lbfgs(&pb, out->theta, o->epochs);
  free(sw);
  free(class_w);
}

static void fitted_free(fitted *f) {
  free(f->col), free(f->bucket_of), free(f->theta);
  memset(f, 0, sizeof *f);
}

/* ---------------------------------------------------------------------
 * Writing: quantize, prune, encode (base64 of LEB128 records)
 * --------------------------------------------------------------------- */

#define SCALE (1.0 / 256.0)

/* The model as written: stored rows with quantized weights. */
typedef struct written {
  uint32_t *bucket;  /* sorted */
  int32_t *q;        /* n_rows x C */
  size_t n_rows, n_classes;
  double *bias;
  double cal_a, cal_b;
  unsigned bits;
} written;

static void quantize(const options *o, const fitted *f, written *w) {
  size_t C = f->n_classes;
  w->n_classes = C;
  w->bits = o->bits;
  w->bucket = xmalloc((f->n_cols ? f->n_cols : 1) * sizeof *w->bucket);
  w->q = xmalloc((f->n_cols ? f->n_cols : 1) * C * sizeof *w->q);
  w->bias = xmalloc(C * sizeof *w->bias);
  w->n_rows = 0;
  w->cal_a = 1;
  w->cal_b = 0;
  /* Columns are in bucket order already (assigned by increasing bucket). */
  for (size_t c = 0; c < f->n_cols; c++) {
    const double *row = f->theta + c * C;
    double top = 0;
    for (size_t j = 0; j < C; j++)
      if (fabs(row[j]) > top) top = fabs(row[j]);
    if (top < o->prune || top < SCALE / 2) continue;
    int32_t *q = w->q + w->n_rows * C;
    for (size_t j = 0; j < C; j++) {
      double x = row[j] / SCALE;
      if (x > 2e9) x = 2e9;
      if (x < -2e9) x = -2e9;
      q[j] = (int32_t)lround(x);
    }
    w->bucket[w->n_rows++] = f->bucket_of[c];
  }
  for (size_t j = 0; j < C; j++) w->bias[j] = f->theta[f->n_cols * C + j];
}

static void written_free(written *w) {
  free(w->bucket), free(w->q), free(w->bias);
  memset(w, 0, sizeof *w);
}

/* Class scores of row `row` of mx under the written model. */
static void written_scores(const written *w, const matrix *mx, size_t row, double *s) {
  size_t C = w->n_classes;
  memcpy(s, w->bias, C * sizeof *s);
  for (size_t k = mx->start[row]; k < mx->start[row + 1]; k++) {
    uint32_t b = mx->bucket[k];
    size_t lo = 0, hi = w->n_rows;
    while (lo < hi) {
      size_t mid = lo + (hi - lo) / 2;
      if (w->bucket[mid] < b) lo = mid + 1;
      else hi = mid;
    }
    if (lo == w->n_rows || w->bucket[lo] != b) continue;
    for (size_t j = 0; j < C; j++) s[j] += mx->value[k] * (double)w->q[lo * C + j] * SCALE;
  }
}

/* Calibrated probabilities from raw scores (as complaint.c computes them). */
static void calibrated(const written *w, double *s) {
  size_t C = w->n_classes;
  if (C == 2) {
    double z = w->cal_a * (s[1] - s[0]) + w->cal_b;
    double p = z >= 0 ? 1.0 / (1.0 + exp(-z)) : exp(z) / (1.0 + exp(z));
    s[0] = 1 - p;
    s[1] = p;
    return;
  }
  for (size_t j = 0; j < C; j++) s[j] *= w->cal_a;
  softmax(s, C);
}

static void put_varint(sbuf *b, uint32_t v) {
  while (v >= 0x80) {
    sb_putc(b, (char)(unsigned char)(0x80 | (v & 0x7F)));
    v >>= 7;
  }
  sb_putc(b, (char)(unsigned char)v);
}

static void base64(const unsigned char *in, size_t n, FILE *out, const char *indent) {
  static const char A[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  size_t col = 0;
  fputs(indent, out);
  for (size_t i = 0; i < n; i += 3) {
    uint32_t v = (uint32_t)in[i] << 16;
    if (i + 1 < n) v |= (uint32_t)in[i + 1] << 8;
    if (i + 2 < n) v |= in[i + 2];
    char q[4] = {A[(v >> 18) & 63], A[(v >> 12) & 63], i + 1 < n ? A[(v >> 6) & 63] : '=',
                 i + 2 < n ? A[v & 63] : '='};
    if (col == 76) {
      fputc('\n', out);
      fputs(indent, out);
      col = 0;
    }
    fwrite(q, 1, 4, out);
    col += 4;
  }
  fputc('\n', out);
}

static const char *family_names(unsigned fam, char *buf, size_t cap) {
  static const char *const names[] = {"unigram", "bigram", "lexicon", "tone"};
  buf[0] = '\0';
  for (int i = 0; i < 4; i++)
    if (fam & (1u << i)) {
      if (buf[0]) strncat(buf, " ", cap - strlen(buf) - 1);
      strncat(buf, names[i], cap - strlen(buf) - 1);
    }
  return buf;
}

/* %.17g in the C locale, which a C program has until it calls setlocale. */
static void write_model(FILE *out, const options *o, const written *w, const classes *cl) {
  char fam[64];
  fprintf(out, "  <model id=\"%s\" classes=\"", o->model);
  for (size_t j = 0; j < cl->n; j++) fprintf(out, "%s%s", j ? " " : "", cl->id[j]);
  fprintf(out, "\" bits=\"%u\" features=\"%s\" calibration=\"%.6g %.6g\">\n", w->bits,
          family_names(o->features, fam, sizeof fam), w->cal_a, w->cal_b);
  fprintf(out, "    <bias>");
  for (size_t j = 0; j < w->n_classes; j++) fprintf(out, "%s%.6g", j ? " " : "", w->bias[j]);
  fprintf(out, "</bias>\n");
  sbuf b = {0};
  sb_put(&b, "", 0);
  for (size_t r = 0; r < w->n_rows; r++) {
    put_varint(&b, r == 0 ? w->bucket[0] : w->bucket[r] - w->bucket[r - 1] - 1);
    for (size_t j = 0; j < w->n_classes; j++) {
      int32_t q = w->q[r * w->n_classes + j];
      put_varint(&b, ((uint32_t)q << 1) ^ (uint32_t)(q >> 31));
    }
  }
  fprintf(out, "    <weights rows=\"%zu\" scale=\"%.17g\">\n", w->n_rows, SCALE);
  if (b.n) base64((const unsigned char *)b.s, b.n, out, "      ");
  fprintf(out, "    </weights>\n  </model>\n");
  free(b.s);
}

static void write_pack(const options *o, const written *w, const classes *cl, const char *input,
                       size_t n_train) {
  FILE *out = fopen(o->out, "w");
  if (!out) die("cannot write %s: %s", o->out, strerror(errno));
  fprintf(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  fprintf(out, "<!-- Written by tact-train from %zu texts of %s (model %s, %s, l2 %g, bits %u, "
               "min-count %d, prune %g%s%s). -->\n",
          n_train, input, o->model, o->optimizer, o->l2, o->bits, o->min_count, o->prune,
          o->balance ? ", balanced" : "", o->calibrate ? ", calibrated" : "");
  fprintf(out, "<pack id=\"%s\" version=\"1\">\n", o->pack_id);
  write_model(out, o, w, cl);
  fprintf(out, "</pack>\n");
  if (fclose(out) != 0) die("cannot write %s", o->out);
}

/* ---------------------------------------------------------------------
 * Calibration: Platt scaling (two classes) or a temperature (more), fitted
 * by Newton's method on out-of-fold scores.
 * --------------------------------------------------------------------- */

/* Minimizes sum w_i * logloss(sigmoid(a z_i + b), y_i). */
static void fit_platt(const double *z, const int *y, const double *w, size_t n, double *a,
                      double *b) {
  double A = 1, B = 0;
  for (int it = 0; it < 100; it++) {
    double g0 = 0, g1 = 0, h00 = 1e-9, h01 = 0, h11 = 1e-9;
    for (size_t i = 0; i < n; i++) {
      double t = A * z[i] + B;
      double p = t >= 0 ? 1 / (1 + exp(-t)) : exp(t) / (1 + exp(t));
      double d = w[i] * (p - y[i]), h = w[i] * p * (1 - p);
      g0 += d * z[i];
      g1 += d;
      h00 += h * z[i] * z[i];
      h01 += h * z[i];
      h11 += h;
    }
    double det = h00 * h11 - h01 * h01;
    if (fabs(det) < 1e-18) break;
    double dA = (h11 * g0 - h01 * g1) / det, dB = (h00 * g1 - h01 * g0) / det;
    A -= dA;
    B -= dB;
    if (fabs(dA) + fabs(dB) < 1e-9) break;
  }
  if (!(A > 0) || !isfinite(A) || !isfinite(B)) A = 1, B = 0;
  *a = A;
  *b = B;
}

/* Minimizes the weighted log loss of softmax(a * s) over a by golden section. */
static void fit_temperature(const double *s, const int *y, const double *w, size_t n, size_t C,
                            double *a) {
  double *t = xmalloc(C * sizeof *t);
  double lo = 0.05, hi = 20;
  for (int it = 0; it < 80; it++) {
    double m1 = lo + (hi - lo) * 0.382, m2 = lo + (hi - lo) * 0.618, f[2];
    double ms[2] = {m1, m2};
    for (int k = 0; k < 2; k++) {
      f[k] = 0;
      for (size_t i = 0; i < n; i++) {
        for (size_t j = 0; j < C; j++) t[j] = ms[k] * s[i * C + j];
        double raw = t[y[i]], lse = softmax(t, C);
        f[k] += w[i] * (lse - raw);
      }
    }
    if (f[0] < f[1]) hi = m2;
    else lo = m1;
  }
  *a = (lo + hi) / 2;
  free(t);
}

static void calibrate(const options *o, const matrix *mx, const dataset *d, size_t C,
                      const size_t *rows, size_t n_rows, written *w) {
  enum { K = 5 };
  size_t *fold_rows = xmalloc(n_rows * sizeof *fold_rows), *perm = xmalloc(n_rows * sizeof *perm);
  memcpy(perm, rows, n_rows * sizeof *perm);
  uint64_t rng = o->seed * 31 + 7;
  shuffle(perm, n_rows, &rng);
  double *scores = xmalloc(n_rows * C * sizeof *scores), *z = xmalloc(n_rows * sizeof *z);
  double *wt = xmalloc(n_rows * sizeof *wt);
  int *y = xmalloc(n_rows * sizeof *y);
  for (int k = 0; k < K; k++) {
    size_t nt = 0;
    for (size_t i = 0; i < n_rows; i++)
      if ((int)(i % K) != k) fold_rows[nt++] = perm[i];
    fitted f;
    fit(o, mx, d, C, fold_rows, nt, &f);
    written fw;
    quantize(o, &f, &fw);
    for (size_t i = 0; i < n_rows; i++)
      if ((int)(i % K) == k) written_scores(&fw, mx, perm[i], scores + i * C);
    written_free(&fw);
    fitted_free(&f);
    note("  calibration fold %d/%d done\n", k + 1, K);
  }
  double class_w[2] = {0, 0};
  for (size_t i = 0; i < n_rows; i++) {
    y[i] = d->items[perm[i]].y;
    wt[i] = d->items[perm[i]].weight;
    z[i] = C == 2 ? scores[i * C + 1] - scores[i * C] : 0;
    if (C == 2) class_w[y[i]] += wt[i];
  }
  /* --prior: calibrate for a population with that share of complaints. */
  if (C == 2 && o->prior > 0 && class_w[0] > 0 && class_w[1] > 0)
    for (size_t i = 0; i < n_rows; i++)
      wt[i] *= (y[i] ? o->prior : 1 - o->prior) / class_w[y[i]];
  if (C == 2) fit_platt(z, y, wt, n_rows, &w->cal_a, &w->cal_b);
  else fit_temperature(scores, y, wt, n_rows, C, &w->cal_a);
  note("  calibration: a %.4g b %.4g\n", w->cal_a, w->cal_b);
  free(fold_rows), free(perm), free(scores), free(z), free(wt), free(y);
}

/* ---------------------------------------------------------------------
 * The report: accuracy, macro-F1, confusion matrix, calibration error
 * --------------------------------------------------------------------- */

static void json_string_out(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') fprintf(f, "\\%c", c);
    else if (c < 0x20) fprintf(f, "\\u%04x", c);
    else fputc(c, f);
  }
  fputc('"', f);
}

static void report(const options *o, const written *w, const classes *cl, const matrix *mx,
                   const dataset *d, const size_t *rows, size_t n_rows) {
  size_t C = w->n_classes;
  size_t *conf = xcalloc(C * C, sizeof *conf);
  double *s = xmalloc(C * sizeof *s);
  enum { BINS = 10 };
  double bin_p[BINS] = {0}, bin_y[BINS] = {0}, bin_n[BINS] = {0}, logloss = 0;
  FILE *pred = NULL;
  if (o->predictions && !(pred = fopen(o->predictions, "w")))
    die("cannot write %s: %s", o->predictions, strerror(errno));
  size_t correct = 0;
  for (size_t r = 0; r < n_rows; r++) {
    size_t row = rows[r];
    written_scores(w, mx, row, s);
    calibrated(w, s);
    size_t best = 0;
    for (size_t j = 1; j < C; j++)
      if (s[j] > s[best]) best = j;
    int y = d->items[row].y;
    if (C == 2) best = s[1] >= 0.5;
    conf[(size_t)y * C + best]++;
    correct += (size_t)y == best;
    logloss -= log(s[y] > 1e-15 ? s[y] : 1e-15);
    if (C == 2) {
      int bin = (int)(s[1] * BINS);
      if (bin >= BINS) bin = BINS - 1;
      bin_p[bin] += s[1];
      bin_y[bin] += y;
      bin_n[bin] += 1;
    }
    if (pred) {
      fprintf(pred, "{\"text\":");
      json_string_out(pred, d->items[row].text);
      fprintf(pred, ",\"label\":");
      json_string_out(pred, d->items[row].label);
      fprintf(pred, ",\"predicted\":");
      json_string_out(pred, cl->label[best]);
      fprintf(pred, ",\"p\":%.6f}\n", s[best]);
    }
  }
  if (pred) fclose(pred);
  double macro = 0;
  printf("held-out texts: %zu\n", n_rows);
  printf("accuracy: %.4f\n", n_rows ? (double)correct / (double)n_rows : 0.0);
  printf("%-28s %9s %9s %9s %7s\n", "class", "precision", "recall", "f1", "n");
  for (size_t j = 0; j < C; j++) {
    size_t tp = conf[j * C + j], pred_n = 0, true_n = 0;
    for (size_t k = 0; k < C; k++) {
      pred_n += conf[k * C + j];
      true_n += conf[j * C + k];
    }
    double p = pred_n ? (double)tp / (double)pred_n : 0, rc = true_n ? (double)tp / (double)true_n : 0;
    double f1 = p + rc > 0 ? 2 * p * rc / (p + rc) : 0;
    macro += f1;
    printf("%-28.28s %9.4f %9.4f %9.4f %7zu\n", cl->label[j], p, rc, f1, true_n);
  }
  printf("macro-F1: %.4f\n", macro / (double)C);
  printf("log loss: %.4f\n", n_rows ? logloss / (double)n_rows : 0.0);
  if (C == 2) {
    double ece = 0;
    for (int b = 0; b < BINS; b++)
      if (bin_n[b] > 0) ece += bin_n[b] / (double)n_rows * fabs(bin_p[b] / bin_n[b] - bin_y[b] / bin_n[b]);
    printf("ECE (10 bins): %.4f\n", ece);
    if (o->prior > 0) { /* the held-out texts reweighted to the calibration prior */
      double n_pos = 0, ece_p = 0, wp[BINS] = {0}, wy[BINS] = {0}, wn[BINS] = {0};
      for (size_t r = 0; r < n_rows; r++) n_pos += d->items[rows[r]].y == 1;
      for (size_t r = 0; r < n_rows && n_pos > 0 && n_pos < (double)n_rows; r++) {
        int y = d->items[rows[r]].y;
        double wt = y ? o->prior / n_pos : (1 - o->prior) / ((double)n_rows - n_pos);
        written_scores(w, mx, rows[r], s);
        calibrated(w, s);
        int bin = (int)(s[1] * BINS);
        if (bin >= BINS) bin = BINS - 1;
        wp[bin] += wt * s[1];
        wy[bin] += wt * y;
        wn[bin] += wt;
      }
      for (int b = 0; b < BINS; b++)
        if (wn[b] > 0) ece_p += wn[b] * fabs(wp[b] / wn[b] - wy[b] / wn[b]);
      printf("ECE (10 bins) with the held-out texts reweighted to %.0f%% complaints: %.4f\n",
             100 * o->prior, ece_p);
      printf("reliability at that prior (bin: mean p, share positive, weight):");
      for (int b = 0; b < BINS; b++)
        if (wn[b] > 0)
          printf(" [%.1f-%.1f: %.2f %.2f %.3f]", b / 10.0, (b + 1) / 10.0, wp[b] / wn[b],
                 wy[b] / wn[b], wn[b]);
      printf("\n");
    }
    printf("reliability (bin: mean p, share positive, n):");
    for (int b = 0; b < BINS; b++)
      if (bin_n[b] > 0)
        printf(" [%.1f-%.1f: %.2f %.2f %.0f]", b / 10.0, (b + 1) / 10.0, bin_p[b] / bin_n[b],
               bin_y[b] / bin_n[b], bin_n[b]);
    printf("\n");
  }
  if (C <= 12) {
    printf("confusion (rows: true, columns: predicted):\n%-14s", "");
    for (size_t j = 0; j < C; j++) printf(" %8.8s", cl->id[j]);
    printf("\n");
    for (size_t i = 0; i < C; i++) {
      printf("%-14.14s", cl->id[i]);
      for (size_t j = 0; j < C; j++) printf(" %8zu", conf[i * C + j]);
      printf("\n");
    }
  } else {
    printf("most frequent confusions (true -> predicted: n):\n");
    for (int k = 0; k < 10; k++) {
      size_t bi = 0, bj = 0, bn = 0;
      for (size_t i = 0; i < C; i++)
        for (size_t j = 0; j < C; j++)
          if (i != j && conf[i * C + j] > bn) bn = conf[i * C + j], bi = i, bj = j;
      if (!bn) break;
      printf("  %s -> %s: %zu\n", cl->label[bi], cl->label[bj], bn);
      conf[bi * C + bj] = 0;
    }
  }
  free(conf);
  free(s);
}

/* ---------------------------------------------------------------------
 * Splits and main
 * --------------------------------------------------------------------- */

/* Stratified: each class gives round(holdout * its size) texts to the test. */
static void split(const dataset *d, size_t C, double holdout, uint64_t seed, size_t **train,
                  size_t *n_train, size_t **test, size_t *n_test) {
  *train = xmalloc(d->n * sizeof **train);
  *test = xmalloc(d->n * sizeof **test);
  *n_train = *n_test = 0;
  size_t *members = xmalloc(d->n * sizeof *members);
  uint64_t rng = seed;
  for (size_t c = 0; c < C; c++) {
    size_t n = 0;
    for (size_t i = 0; i < d->n; i++)
      if ((size_t)d->items[i].y == c) members[n++] = i;
    shuffle(members, n, &rng);
    size_t k = (size_t)floor(holdout * (double)n + 0.5);
    for (size_t i = 0; i < n; i++) {
      if (i < k) (*test)[(*n_test)++] = members[i];
      else (*train)[(*n_train)++] = members[i];
    }
  }
  free(members);
}

static void usage(void) {
  fprintf(stderr,
          "usage: tact-train [--model complaint|category] [--positive LABEL] [--text-col NAME]\n"
          "                  [--label-col NAME] [--weight-col NAME] [--format jsonl|csv]\n"
          "                  [--test FILE | --holdout F] [--seed N] [--optimizer sgd|lbfgs]\n"
          "                  [--l2 X] [--epochs N] [--lr X] [--bits N] [--features LIST]\n"
          "                  [--min-count N] [--balance] [--calibrate [--prior P]] [--prune X]\n"
          "                  [--pack FILE]... [--pack-id ID] [--out FILE]\n"
          "                  [--predictions FILE] [--quiet] FILE\n");
  exit(2);
}

static double num_arg(const char *opt, const char *v) {
  char *end;
  double x = strtod(v, &end);
  if (end == v || *end || !isfinite(x)) {
    fprintf(stderr, "tact-train: %s wants a number, not '%s'\n", opt, v);
    exit(2);
  }
  return x;
}

static unsigned parse_families(const char *v) {
  unsigned fam = 0;
  char buf[128];
  snprintf(buf, sizeof buf, "%s", v);
  for (char *tok = strtok(buf, ", "); tok; tok = strtok(NULL, ", ")) {
    if (strcmp(tok, "unigram") == 0) fam |= F_UNIGRAM;
    else if (strcmp(tok, "bigram") == 0) fam |= F_BIGRAM;
    else if (strcmp(tok, "lexicon") == 0) fam |= F_LEXICON;
    else if (strcmp(tok, "tone") == 0) fam |= F_TONE;
    else {
      fprintf(stderr, "tact-train: unknown feature family '%s'\n", tok);
      exit(2);
    }
  }
  if (!fam) usage();
  return fam;
}

static int valid_pack_id(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > 64) return 0;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || (i && (c == '.' || c == '_' || c == '-'))))
      return 0;
  }
  return 1;
}

static void parse_args(int argc, char **argv, options *o, const char **input) {
  *o = (options){.model = "category", .optimizer = "sgd", .pack_id = "trained",
                 .cols = {"text", "label", NULL, 1}, .holdout = 0.2, .l2 = 1e-4, .lr = 0.5,
                 .prune = 0.005, .epochs = -1, .min_count = 1, .bits = 18,
                 .features = F_UNIGRAM | F_BIGRAM | F_LEXICON | F_TONE, .seed = 1};
  o->packs = xmalloc((size_t)argc * sizeof *o->packs);
  *input = NULL;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
#define VALUE() (i + 1 < argc ? argv[++i] : (usage(), ""))
    if (strcmp(a, "--model") == 0) o->model = VALUE();
    else if (strcmp(a, "--positive") == 0) o->positive = VALUE();
    else if (strcmp(a, "--text-col") == 0) o->cols.text = VALUE();
    else if (strcmp(a, "--label-col") == 0) {
      o->cols.label = VALUE();
      o->cols.label_is_default = 0;
    }
    else if (strcmp(a, "--weight-col") == 0) o->cols.weight = VALUE();
    else if (strcmp(a, "--format") == 0) o->format = VALUE();
    else if (strcmp(a, "--test") == 0) o->test = VALUE();
    else if (strcmp(a, "--holdout") == 0) o->holdout = num_arg(a, VALUE());
    else if (strcmp(a, "--seed") == 0) o->seed = (uint64_t)num_arg(a, VALUE());
    else if (strcmp(a, "--optimizer") == 0) o->optimizer = VALUE();
    else if (strcmp(a, "--l2") == 0) o->l2 = num_arg(a, VALUE());
    else if (strcmp(a, "--epochs") == 0) o->epochs = (int)num_arg(a, VALUE());
    else if (strcmp(a, "--lr") == 0) o->lr = num_arg(a, VALUE());
    else if (strcmp(a, "--bits") == 0) o->bits = (unsigned)num_arg(a, VALUE());
    else if (strcmp(a, "--features") == 0) o->features = parse_families(VALUE());
    else if (strcmp(a, "--min-count") == 0) o->min_count = (int)num_arg(a, VALUE());
    else if (strcmp(a, "--balance") == 0) o->balance = 1;
    else if (strcmp(a, "--calibrate") == 0) o->calibrate = 1;
    else if (strcmp(a, "--prune") == 0) o->prune = num_arg(a, VALUE());
    else if (strcmp(a, "--prior") == 0) o->prior = num_arg(a, VALUE());
    else if (strcmp(a, "--pack") == 0) o->packs[o->n_packs++] = VALUE();
    else if (strcmp(a, "--pack-id") == 0) o->pack_id = VALUE();
    else if (strcmp(a, "--out") == 0) o->out = VALUE();
    else if (strcmp(a, "--predictions") == 0) o->predictions = VALUE();
    else if (strcmp(a, "--quiet") == 0) quiet = 1;
    else if (a[0] == '-' && a[1]) usage();
    else if (*input) usage();
    else *input = a;
#undef VALUE
  }
  if (!*input) usage();
  if (strcmp(o->model, "complaint") != 0 && strcmp(o->model, "category") != 0) usage();
  if (strcmp(o->optimizer, "lbfgs") != 0 && strcmp(o->optimizer, "sgd") != 0) usage();
  if (o->format && strcmp(o->format, "csv") != 0 && strcmp(o->format, "jsonl") != 0) usage();
  if (o->bits < 1 || o->bits > 24) {
    fprintf(stderr, "tact-train: --bits is 1 to 24\n");
    exit(2);
  }
  if (!(o->holdout >= 0 && o->holdout < 1) || o->l2 < 0 || o->lr <= 0 || o->min_count < 1 ||
      o->prune < 0 || !(o->prior >= 0 && o->prior < 1)) {
    fprintf(stderr, "tact-train: --holdout and --prior are in [0, 1), --l2 and --prune >= 0, "
                    "--lr > 0, --min-count >= 1\n");
    exit(2);
  }
  if (!valid_pack_id(o->pack_id)) {
    fprintf(stderr, "tact-train: --pack-id must be [a-z0-9][a-z0-9._-]*\n");
    exit(2);
  }
  if (o->epochs < 0) o->epochs = strcmp(o->optimizer, "sgd") == 0 ? 30 : 200;
}

static tact_engine *make_engine(const options *o) {
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  if (!eng) die("%s", err.message);
  for (size_t i = 0; i < o->n_packs; i++)
    if (tact_engine_add_pack_file(eng, o->packs[i], &err) != TACT_OK) die("%s", err.message);
  if (tact_engine_build(eng, &err) != TACT_OK) die("%s", err.message);
  return eng;
}

int main(int argc, char **argv) {
  options o;
  const char *input;
  parse_args(argc, argv, &o, &input);
  double t0 = now_seconds();
  dataset train_set = {0}, test_set = {0};
  columns cols = o.cols;
  read_data(input, o.format, &cols, &train_set);
  int binary = strcmp(o.model, "complaint") == 0;
  classes cl;
  make_classes(&train_set, binary, o.positive, &cl);
  size_t C = cl.n;
  /* One data set: the training texts, then the test file's (if any). */
  size_t *train = NULL, *test = NULL, n_train = 0, n_test = 0;
  if (o.test) {
    columns tcols = o.cols;
    read_data(o.test, o.format, &tcols, &test_set);
    size_t base = train_set.n;
    for (size_t i = 0; i < test_set.n; i++) {
      long y = class_of(&cl, test_set.items[i].label);
      if (y < 0) die("%s: label '%s' does not occur in the training data", o.test, test_set.items[i].label);
      dataset_push(&train_set, test_set.items[i].text, test_set.items[i].label, test_set.items[i].weight);
      train_set.items[train_set.n - 1].y = (int)y;
    }
    train = xmalloc(base * sizeof *train);
    test = xmalloc(test_set.n * sizeof *test);
    for (size_t i = 0; i < base; i++) train[n_train++] = i;
    for (size_t i = 0; i < test_set.n; i++) test[n_test++] = base + i;
  } else if (o.holdout > 0) {
    split(&train_set, C, o.holdout, o.seed, &train, &n_train, &test, &n_test);
  } else {
    train = xmalloc(train_set.n * sizeof *train);
    for (size_t i = 0; i < train_set.n; i++) train[n_train++] = i;
  }
  note("tact-train: %zu texts, %zu classes, %zu for training, %zu held out\n", train_set.n, C,
       n_train, n_test);
  tact_engine *eng = make_engine(&o);
  matrix mx = {0};
  analyze_all(eng, &train_set, o.features, o.bits, &mx);
  double t1 = now_seconds();
  note("tact-train: features in %.2f s (%zu non-zero)\n", t1 - t0, mx.nnz);
  fitted f;
  fit(&o, &mx, &train_set, C, train, n_train, &f);
  written w;
  quantize(&o, &f, &w);
  double t2 = now_seconds();
  note("tact-train: trained in %.2f s: %zu columns, %zu rows stored\n", t2 - t1, f.n_cols, w.n_rows);
  if (o.calibrate) calibrate(&o, &mx, &train_set, C, train, n_train, &w);
  if (n_test) report(&o, &w, &cl, &mx, &train_set, test, n_test);
  if (o.out) {
    write_pack(&o, &w, &cl, input, n_train);
    note("tact-train: wrote %s\n", o.out);
  }
  note("tact-train: done in %.2f s\n", now_seconds() - t0);
  written_free(&w);
  fitted_free(&f);
  tact_engine_free(eng);
  free(mx.start), free(mx.bucket), free(mx.value);
  for (size_t i = 0; i < train_set.n; i++) {
    free(train_set.items[i].text);
    free(train_set.items[i].label);
  }
  for (size_t i = 0; i < cl.n; i++) free(cl.id[i]);
  free(cl.id), free(cl.label);
  free(train_set.items), free(test_set.items);
  free(train), free(test);
  free(o.packs);
  return 0;
}
