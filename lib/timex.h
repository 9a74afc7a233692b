/* timex.h — time expressions: finding them in a tokenized text and
 * normalizing each to an interval against a reference time, a time zone and
 * a business calendar. promise.c attaches them to commitments; result.c
 * exposes them. Nothing here allocates per token. */
#ifndef TACT_TIMEX_H
#define TACT_TIMEX_H

#include <stdint.h>

#include "alloc.h"
#include "tact.h"
#include "text.h"

/* A time zone: a list of UTC offsets valid from given instants, read from a
 * TZif file or built from a fixed offset. See tz.c. */
typedef struct tact_tz tact_tz;

/* Loads `name`: an IANA name (from $TZDIR or /usr/share/zoneinfo; names with
 * ".." or a leading '/' are refused), "UTC"/"Z", or an offset "+02:00",
 * "-0530", "+2". Errors: TACT_E_ARG naming the zone. `*tz` is reused if
 * already loaded with the same name (no allocation then). */
tact_status tact_tz_load(tact_tz **tz, const char *name, const tact_allocator *a, tact_error *err);
void tact_tz_free(tact_tz *tz, const tact_allocator *a);
/* Offset from UTC in seconds at instant `utc` (NULL tz = UTC). */
int32_t tact_tz_offset(const tact_tz *tz, int64_t utc);
/* The UTC instant of a local wall-clock time (seconds since the epoch as if
 * local time were UTC); in a gap or overlap, the earlier valid instant. */
int64_t tact_tz_to_utc(const tact_tz *tz, int64_t local);

/* Everything normalization depends on besides the text. */
typedef struct tact_timex_ctx {
  int64_t now;              /* reference instant, Unix seconds UTC */
  const tact_tz *tz;        /* NULL = UTC */
  int day_first;            /* "3/4" is 3 April when set, March 4 when not */
  const int32_t *holidays;  /* sorted local dates, days since 1970-01-01 */
  size_t n_holidays;
} tact_timex_ctx;

typedef struct tact_timex {
  uint32_t first_token, n_tokens;
  uint8_t kind;             /* tact_time_kind */
  uint8_t grain;            /* tact_timex_grain of the named moment (deadlines) */
  uint16_t business_days;   /* upper count for business-day durations, else 0 */
  int64_t start, end;       /* absolute interval, Unix seconds UTC, start <= end */
  int64_t min_seconds, max_seconds; /* the interval relative to ctx->now */
} tact_timex;

typedef enum tact_timex_grain {
  TACT_GRAIN_NONE = 0, TACT_GRAIN_SECOND, TACT_GRAIN_MINUTE, TACT_GRAIN_HOUR,
  TACT_GRAIN_DAY, TACT_GRAIN_WEEK, TACT_GRAIN_MONTH, TACT_GRAIN_QUARTER, TACT_GRAIN_YEAR
} tact_timex_grain;

typedef struct tact_timex_list {
  tact_timex *items;
  size_t n, cap;
} tact_timex_list;

/* Finds every time expression in `t` (in token order, non-overlapping,
 * longest first) into `out`, replacing its contents. TACT_E_NOMEM only when
 * the list must grow and cannot. */
tact_status tact_timex_find(const tact_text *t, const tact_timex_ctx *ctx, const tact_allocator *a,
                            tact_timex_list *out, tact_error *err);

void tact_timex_list_free(tact_timex_list *l, const tact_allocator *a);

/* Calendar helpers shared with promise.c's policy checks. */
int64_t tact_days_from_civil(int64_t y, unsigned m, unsigned d); /* days since 1970-01-01 */
void tact_civil_from_days(int64_t days, int64_t *y, unsigned *m, unsigned *d);
/* `local` plus n business days (weekends and holidays skipped), same time of day. */
int64_t tact_add_business_days(int64_t local, int n, const tact_timex_ctx *ctx);

#endif
