/* tz.c — time zones without the C library's global state: a reader for
 * TZif files (RFC 8536, versions 1 to 4; the 64-bit section when present)
 * and fixed UTC offsets. A loaded zone is an immutable list of transitions,
 * so one zone may be read from any number of threads; nothing here calls
 * setenv, tzset or localtime.
 *
 * Instants after the last transition of the file follow the POSIX TZ rule
 * of the file's footer ("CET-1CEST,M3.5.0,M10.5.0/3"), so "slim" zoneinfo
 * files that stop listing transitions early still give daylight saving
 * time. A footer we cannot read (or none, as in version 1 files) leaves the
 * last offset in force. Leap-second records are skipped: Unix time has none.
 *
 * What is left to others: naming the zone (tact_input.time_zone) and every
 * calendar computation on the local wall clock (timex.c). */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "timex.h"

#define TZ_NAME_MAX 255
#define TZ_FILE_MAX ((size_t)1 << 20) /* real files are under 4 KiB */
#define TZ_SPAN (48 * 3600)           /* look this far around a wall-clock time */

/* One DST switch of a POSIX rule: month-week-weekday, Julian day without
 * (J) or with Feb 29 (plain n), and the local time of day it happens. */
typedef struct tz_rule_date {
  char type;          /* 'M', 'J' or 'n' */
  int m, w, d;        /* M: month 1-12, week 1-5, weekday 0-6; J/n: day in d */
  int32_t time;       /* seconds after local midnight (may be negative or > 24h) */
} tz_rule_date;

typedef struct tz_rule {
  int32_t std_off, dst_off; /* seconds east of UTC */
  bool has_dst;
  tz_rule_date start, end;
} tz_rule;

struct tact_tz {
  char name[TZ_NAME_MAX + 1];
  size_t n;         /* transitions */
  int64_t *when;    /* n instants, ascending */
  int32_t *off;     /* offset in force from when[i] on */
  int32_t off0;     /* before the first transition (or always, when n == 0) */
  bool has_rule;    /* after the last transition, `rule` applies */
  tz_rule rule;
};

/* ---------------------------------------------------------------------
 * Names and fixed offsets
 * --------------------------------------------------------------------- */

static bool name_ok(const char *s) {
  size_t n = strlen(s);
  if (n == 0 || n > TZ_NAME_MAX || s[0] == '/' || strstr(s, "..")) return false;
  for (size_t i = 0; i < n; i++) {
    char c = s[i];
    bool ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '+' || c == '-' || c == '/';
    if (!ok) return false;
  }
  return true;
}

/* "+2", "-05", "+0530", "+05:30", "-2:00"; hours up to 18. Returns false when
 * `s` is not such an offset. */
static bool parse_fixed(const char *s, int32_t *off) {
  if (s[0] != '+' && s[0] != '-') return false;
  int sign = s[0] == '-' ? -1 : 1;
  const char *p = s + 1;
  int digits[4], nd = 0;
  bool colon = false;
  size_t colon_at = 0;
  for (; *p; p++) {
    if (*p >= '0' && *p <= '9') {
      if (nd == 4) return false;
      digits[nd++] = *p - '0';
    } else if (*p == ':' && !colon && nd > 0) {
      colon = true;
      colon_at = (size_t)nd;
    } else {
      return false;
    }
  }
  int h, m = 0;
  if (colon) {
    if (colon_at > 2 || nd - (int)colon_at != 2) return false;
    h = colon_at == 1 ? digits[0] : digits[0] * 10 + digits[1];
    m = digits[colon_at] * 10 + digits[colon_at + 1];
  } else if (nd == 1 || nd == 2) {
    h = nd == 1 ? digits[0] : digits[0] * 10 + digits[1];
  } else if (nd == 4) {
    h = digits[0] * 10 + digits[1];
    m = digits[2] * 10 + digits[3];
  } else {
    return false;
  }
  if (h > 18 || m > 59) return false;
  *off = sign * (h * 3600 + m * 60);
  return true;
}

/* ---------------------------------------------------------------------
 * The POSIX TZ footer
 * --------------------------------------------------------------------- */

static const char *posix_name(const char *p) {
  if (*p == '<') {
    while (*p && *p != '>') p++;
    return *p == '>' ? p + 1 : NULL;
  }
  const char *s = p;
  while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z')) p++;
  return p - s >= 3 ? p : NULL;
}

/* [+-]hh[:mm[:ss]]; hours up to 167 as POSIX extensions allow. */
static const char *posix_hms(const char *p, int32_t *secs) {
  int sign = 1;
  if (*p == '+' || *p == '-') sign = *p++ == '-' ? -1 : 1;
  int32_t part[3] = {0, 0, 0};
  for (int k = 0; k < 3; k++) {
    if (*p < '0' || *p > '9') return NULL;
    int32_t v = 0;
    for (int dig = 0; *p >= '0' && *p <= '9'; dig++, p++) {
      if (dig == 3) return NULL;
      v = v * 10 + (*p - '0');
    }
    part[k] = v;
    if (*p != ':' || k == 2) break;
    p++;
  }
  if (part[0] > 167 || part[1] > 59 || part[2] > 59) return NULL;
  *secs = sign * (part[0] * 3600 + part[1] * 60 + part[2]);
  return p;
}

static const char *posix_num(const char *p, int lo, int hi, int *v) {
  if (*p < '0' || *p > '9') return NULL;
  int x = 0;
  for (int dig = 0; *p >= '0' && *p <= '9'; dig++, p++) {
    if (dig == 3) return NULL;
    x = x * 10 + (*p - '0');
  }
  if (x < lo || x > hi) return NULL;
  *v = x;
  return p;
}

static const char *posix_date(const char *p, tz_rule_date *r) {
  r->time = 7200;
  if (*p == 'M') {
    r->type = 'M';
    if (!(p = posix_num(p + 1, 1, 12, &r->m)) || *p++ != '.') return NULL;
    if (!(p = posix_num(p, 1, 5, &r->w)) || *p++ != '.') return NULL;
    if (!(p = posix_num(p, 0, 6, &r->d))) return NULL;
  } else if (*p == 'J') {
    r->type = 'J';
    if (!(p = posix_num(p + 1, 1, 365, &r->d))) return NULL;
  } else {
    r->type = 'n';
    if (!(p = posix_num(p, 0, 365, &r->d))) return NULL;
  }
  if (*p == '/' && !(p = posix_hms(p + 1, &r->time))) return NULL;
  return p;
}

/* Parses "std offset [dst [offset] [,start[/time],end[/time]]]". POSIX
 * offsets are west of UTC; ours are east. Without a rule the US default
 * (M3.2.0,M11.1.0) applies, as in glibc. */
static bool posix_parse(const char *p, tz_rule *r) {
  int32_t v;
  memset(r, 0, sizeof *r);
  if (!(p = posix_name(p)) || !(p = posix_hms(p, &v))) return false;
  r->std_off = -v;
  if (!*p) return true;
  if (!(p = posix_name(p))) return false;
  r->has_dst = true;
  r->dst_off = r->std_off + 3600;
  if (*p && *p != ',') {
    if (!(p = posix_hms(p, &v))) return false;
    r->dst_off = -v;
  }
  if (!*p) {
    r->start = (tz_rule_date){'M', 3, 2, 0, 7200};
    r->end = (tz_rule_date){'M', 11, 1, 0, 7200};
    return true;
  }
  if (*p++ != ',' || !(p = posix_date(p, &r->start)) || *p++ != ',' ||
      !(p = posix_date(p, &r->end)))
    return false;
  return *p == '\0';
}

static bool leap_year(int64_t y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

/* The local time (seconds since the epoch as if local were UTC) at which a
 * rule date falls in year y. */
static int64_t rule_local(const tz_rule_date *r, int64_t y) {
  int64_t day;
  if (r->type == 'J') {
    int d = r->d;
    if (leap_year(y) && d >= 60) d++; /* J never counts Feb 29 */
    day = tact_days_from_civil(y, 1, 1) + d - 1;
  } else if (r->type == 'n') {
    day = tact_days_from_civil(y, 1, 1) + r->d;
  } else {
    int64_t first = tact_days_from_civil(y, (unsigned)r->m, 1);
    int wd1 = (int)(((first % 7) + 11) % 7); /* 1970-01-01 was a Thursday (4) */
    int64_t d = first + ((r->d - wd1 + 7) % 7) + 7 * (r->w - 1);
    static const int mdays[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int len = mdays[r->m - 1] + (r->m == 2 && leap_year(y));
    while (d >= first + len) d -= 7;
    day = d;
  }
  return day * 86400 + r->time;
}

/* The two switches of year y as UTC instants with the offsets they start. */
static void rule_year(const tz_rule *r, int64_t y, int64_t when[2], int32_t off[2]) {
  when[0] = rule_local(&r->start, y) - r->std_off; /* DST starts: std time in force */
  off[0] = r->dst_off;
  when[1] = rule_local(&r->end, y) - r->dst_off;
  off[1] = r->std_off;
  if (when[1] < when[0]) { /* southern hemisphere: DST spans New Year */
    int64_t tw = when[0];
    int32_t to = off[0];
    when[0] = when[1];
    off[0] = off[1];
    when[1] = tw;
    off[1] = to;
  }
}

static int64_t year_of(int64_t utc) {
  int64_t y;
  unsigned m, d;
  int64_t days = utc >= 0 ? utc / 86400 : -((-utc + 86399) / 86400);
  tact_civil_from_days(days, &y, &m, &d);
  return y;
}

static int32_t rule_offset(const tz_rule *r, int64_t utc) {
  if (!r->has_dst) return r->std_off;
  int64_t y = year_of(utc), when[2];
  int32_t off[2];
  rule_year(r, y, when, off);
  if (utc < when[0]) return off[1]; /* before the year's first switch: the second's offset */
  return utc < when[1] ? off[0] : off[1];
}

/* ---------------------------------------------------------------------
 * TZif
 * --------------------------------------------------------------------- */

static uint32_t be32(const unsigned char *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}
static int64_t be64(const unsigned char *p) {
  return (int64_t)((uint64_t)be32(p) << 32 | be32(p + 4));
}

typedef struct tzif_counts {
  uint32_t isut, isstd, leap, time, type, chars;
} tzif_counts;

static bool tzif_header(const unsigned char *p, size_t len, tzif_counts *c, int *version) {
  if (len < 44 || memcmp(p, "TZif", 4) != 0) return false;
  *version = p[4] ? p[4] - '0' : 1;
  c->isut = be32(p + 20);
  c->isstd = be32(p + 24);
  c->leap = be32(p + 28);
  c->time = be32(p + 32);
  c->type = be32(p + 36);
  c->chars = be32(p + 40);
  if (c->type == 0 || c->type > 256 || c->time > 100000 || c->leap > 100000 ||
      c->chars > 100000 || (c->isut && c->isut != c->type) || (c->isstd && c->isstd != c->type))
    return false;
  return true;
}

static size_t tzif_body_len(const tzif_counts *c, size_t tsize) {
  return c->time * tsize + c->time + c->type * 6u + c->chars + c->leap * (tsize + 4) + c->isstd +
         c->isut;
}

/* Fills `z` from the file's bytes. Allocates z->when/off through `a`. */
static bool tzif_parse(tact_tz *z, const unsigned char *p, size_t len, const tact_allocator *a) {
  tzif_counts c;
  int version;
  if (!tzif_header(p, len, &c, &version)) return false;
  size_t tsize = 4, body = tzif_body_len(&c, 4);
  if (44 + body > len) return false;
  if (version >= 2) { /* skip the 32-bit part: the 64-bit one follows */
    p += 44 + body;
    len -= 44 + body;
    if (!tzif_header(p, len, &c, &version)) return false;
    tsize = 8;
    body = tzif_body_len(&c, 8);
    if (44 + body > len) return false;
  }
  const unsigned char *times = p + 44, *idx = times + c.time * tsize, *types = idx + c.time;
  for (uint32_t i = 0; i < c.time; i++)
    if (idx[i] >= c.type) return false;
  z->off0 = (int32_t)be32(types);
  z->n = c.time;
  if (c.time) {
    z->when = tact_malloc(a, c.time * sizeof *z->when);
    z->off = tact_malloc(a, c.time * sizeof *z->off);
    if (!z->when || !z->off) return false;
    for (uint32_t i = 0; i < c.time; i++) {
      z->when[i] = tsize == 8 ? be64(times + 8 * i) : (int64_t)(int32_t)be32(times + 4 * i);
      z->off[i] = (int32_t)be32(types + 6u * idx[i]);
      if (i && z->when[i] <= z->when[i - 1]) return false;
    }
  }
  for (uint32_t i = 0; i < c.type; i++) {
    int32_t o = (int32_t)be32(types + 6u * i);
    if (o < -26 * 3600 || o > 26 * 3600) return false;
  }
  /* Footer: "\n<POSIX TZ>\n" after the 64-bit body. */
  const unsigned char *f = p + 44 + body, *e = p + len;
  if (version >= 2 && f < e && *f == '\n') {
    const unsigned char *nl = memchr(f + 1, '\n', (size_t)(e - f - 1));
    char rule[128];
    size_t rl = nl ? (size_t)(nl - f - 1) : 0;
    if (nl && rl > 0 && rl < sizeof rule) {
      memcpy(rule, f + 1, rl);
      rule[rl] = '\0';
      z->has_rule = posix_parse(rule, &z->rule);
    }
  }
  return true;
}

/* Reads at most TZ_FILE_MAX bytes of `path` into *buf. */
static tact_status read_file(const char *path, const tact_allocator *a, unsigned char **buf,
                             size_t *len, tact_error *err, const char *name) {
  FILE *fp = fopen(path, "rb");
  if (!fp) return tact_fail(err, TACT_E_ARG, "unknown time zone \"%s\"", name);
  size_t cap = 0, n = 0;
  *buf = NULL;
  for (;;) {
    if (tact_grow(a, (void **)buf, &cap, n + 4096, 1)) {
      fclose(fp);
      return tact_fail(err, TACT_E_NOMEM, "out of memory reading time zone \"%s\"", name);
    }
    size_t got = fread(*buf + n, 1, cap - n, fp);
    n += got;
    if (got == 0 || n > TZ_FILE_MAX) break;
  }
  bool bad = ferror(fp) || n > TZ_FILE_MAX;
  fclose(fp);
  if (bad) return tact_fail(err, TACT_E_ARG, "time zone \"%s\" is not a readable TZif file", name);
  *len = n;
  return TACT_OK;
}

/* ---------------------------------------------------------------------
 * Public interface
 * --------------------------------------------------------------------- */

static void tz_clear(tact_tz *z, const tact_allocator *a) {
  tact_free(a, z->when);
  tact_free(a, z->off);
  z->when = NULL;
  z->off = NULL;
  z->n = 0;
  z->off0 = 0;
  z->has_rule = false;
  z->name[0] = '\0';
}

tact_status tact_tz_load(tact_tz **tz, const char *name, const tact_allocator *alloc,
                         tact_error *err) {
  tact_allocator a;
  tact_alloc_resolve(&a, alloc);
  if (!tz || !name) return tact_fail(err, TACT_E_ARG, "time zone: NULL argument");
  if (*tz && strcmp((*tz)->name, name) == 0) return TACT_OK;
  int32_t fixed = 0;
  bool is_fixed = parse_fixed(name, &fixed) || strcmp(name, "UTC") == 0 || strcmp(name, "Z") == 0;
  if (!is_fixed && !name_ok(name))
    return tact_fail(err, TACT_E_ARG, "invalid time zone name \"%.64s\"", name);
  tact_tz *z = *tz;
  if (!z) {
    z = tact_malloc(&a, sizeof *z);
    if (!z) return tact_fail(err, TACT_E_NOMEM, "out of memory loading time zone");
    memset(z, 0, sizeof *z);
  } else {
    tz_clear(z, &a);
  }
  tact_status st = TACT_OK;
  if (is_fixed) {
    z->off0 = fixed;
  } else {
    const char *dir = getenv("TZDIR");
    if (!dir || !*dir) dir = "/usr/share/zoneinfo";
    char path[4096];
    int pl = snprintf(path, sizeof path, "%s/%s", dir, name);
    unsigned char *buf = NULL;
    size_t len = 0;
    if (pl < 0 || (size_t)pl >= sizeof path) {
      st = tact_fail(err, TACT_E_ARG, "time zone path too long for \"%.64s\"", name);
    } else if ((st = read_file(path, &a, &buf, &len, err, name)) == TACT_OK &&
               !tzif_parse(z, buf, len, &a)) {
      st = tact_fail(err, TACT_E_ARG, "time zone \"%.64s\" is not a valid TZif file", name);
    }
    tact_free(&a, buf);
  }
  if (st != TACT_OK) {
    tz_clear(z, &a);
    tact_free(&a, z);
    *tz = NULL;
    return st;
  }
  snprintf(z->name, sizeof z->name, "%s", name);
  *tz = z;
  return TACT_OK;
}

void tact_tz_free(tact_tz *tz, const tact_allocator *alloc) {
  if (!tz) return;
  tact_allocator a;
  tact_alloc_resolve(&a, alloc);
  tz_clear(tz, &a);
  tact_free(&a, tz);
}

/* Index of the last transition at or before `utc`, or -1. */
static ptrdiff_t find(const tact_tz *z, int64_t utc) {
  size_t lo = 0, hi = z->n;
  while (lo < hi) {
    size_t mid = lo + (hi - lo) / 2;
    if (z->when[mid] <= utc) lo = mid + 1;
    else hi = mid;
  }
  return (ptrdiff_t)lo - 1;
}

int32_t tact_tz_offset(const tact_tz *z, int64_t utc) {
  if (!z) return 0;
  if (z->n == 0) return z->has_rule ? rule_offset(&z->rule, utc) : z->off0;
  ptrdiff_t i = find(z, utc);
  if (i < 0) return z->off0;
  if ((size_t)i == z->n - 1 && z->has_rule) return rule_offset(&z->rule, utc);
  return z->off[i];
}

/* Collects the offset changes within [from, to] (UTC) into when/off, plus the
 * offset in force at `from` in *first. At most `cap` changes. */
static size_t changes(const tact_tz *z, int64_t from, int64_t to, int32_t *first, int64_t *when,
                      int32_t *off, size_t cap) {
  size_t k = 0;
  *first = tact_tz_offset(z, from);
  if (z->n) {
    ptrdiff_t i = find(z, from);
    for (size_t j = (size_t)(i + 1); j < z->n && z->when[j] <= to && k < cap; j++) {
      when[k] = z->when[j];
      off[k++] = z->off[j];
    }
  }
  bool rule_zone = z->has_rule && z->rule.has_dst && (z->n == 0 || to > z->when[z->n - 1]);
  if (rule_zone) {
    int64_t lim = z->n ? z->when[z->n - 1] : INT64_MIN;
    for (int64_t y = year_of(from); y <= year_of(to) && k < cap; y++) {
      int64_t w[2];
      int32_t o[2];
      rule_year(&z->rule, y, w, o);
      for (int q = 0; q < 2 && k < cap; q++)
        if (w[q] > from && w[q] <= to && w[q] > lim) {
          when[k] = w[q];
          off[k++] = o[q];
        }
    }
  }
  return k;
}

/* The earliest instant u with u + offset(u) == local; in a gap (spring
 * forward), the instant the gap ends, i.e. the first valid one after it. */
int64_t tact_tz_to_utc(const tact_tz *z, int64_t local) {
  if (!z) return local;
  if (z->n == 0 && !(z->has_rule && z->rule.has_dst)) return local - (z->has_rule ? z->rule.std_off : z->off0);
  int64_t when[8];
  int32_t off[8], cur;
  int64_t from = local - TZ_SPAN, to = local + TZ_SPAN;
  size_t k = changes(z, from, to, &cur, when, off, 8);
  int64_t seg_start = from;
  for (size_t i = 0; i <= k; i++) {
    int64_t seg_end = i < k ? when[i] : to + 1; /* segment [seg_start, seg_end) has offset cur */
    int64_t u = local - cur;
    if (u >= seg_start && u < seg_end) return u;
    if (i < k) {
      /* A gap: local falls between the wall clock just before the change and
       * the wall clock at it. */
      int64_t before = seg_end - 1 + cur, after = seg_end + off[i];
      if (local > before && local < after) return seg_end;
      seg_start = seg_end;
      cur = off[i];
    }
  }
  return local - cur;
}
