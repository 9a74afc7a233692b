/* timex_driver.c — a stand-in for `tact promises --format json` until the CLI
 * exposes time expressions: reads texts on stdin, one per line, and prints
 * for each line one JSON object {"times":[...]} on one line, with the same
 * members the CLI prints. Built by eval/duckling.py against lib/ directly:
 *
 *   timex_driver --now 2013-02-12T06:30:00Z --tz -02:00 [--day-first] < texts
 *
 * Evaluation tooling only; not part of the library. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "text.h"
#include "timex.h"

static const char *kind_name(int k) {
  switch (k) {
  case TACT_TIME_DURATION: return "duration";
  case TACT_TIME_DEADLINE: return "deadline";
  case TACT_TIME_VAGUE: return "vague";
  default: return "none";
  }
}

static const char *grain_name(int g) {
  static const char *const names[] = {"none", "second", "minute", "hour", "day",
                                      "week", "month",  "quarter", "year"};
  return g >= 0 && g <= 8 ? names[g] : "none";
}

/* "2013-02-12T06:30:00Z" (UTC only) to Unix seconds. */
static int parse_now(const char *s, int64_t *out) {
  int y, mo, d, h, mi, se;
  if (sscanf(s, "%d-%d-%dT%d:%d:%d", &y, &mo, &d, &h, &mi, &se) != 6) return -1;
  *out = tact_days_from_civil(y, (unsigned)mo, (unsigned)d) * 86400 + h * 3600 + mi * 60 + se;
  return 0;
}

static void json_str(const char *s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

int main(int argc, char **argv) {
  int64_t now = 0;
  const char *tzname = "UTC";
  int day_first = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--now") && i + 1 < argc) {
      if (parse_now(argv[++i], &now)) return 2;
    } else if (!strcmp(argv[i], "--tz") && i + 1 < argc) {
      tzname = argv[++i];
    } else if (!strcmp(argv[i], "--day-first")) {
      day_first = 1;
    } else {
      fprintf(stderr, "usage: %s --now ISO --tz ZONE [--day-first] < texts\n", argv[0]);
      return 2;
    }
  }
  tact_allocator a;
  tact_alloc_resolve(&a, NULL);
  tact_error err;
  tact_tz *tz = NULL;
  if (tact_tz_load(&tz, tzname, &a, &err)) {
    fprintf(stderr, "%s\n", err.message);
    return 1;
  }
  tact_timex_ctx ctx = {now, tz, day_first, NULL, 0};
  tact_text t;
  memset(&t, 0, sizeof t);
  tact_timex_list list = {0};
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  while ((len = getline(&line, &cap, stdin)) >= 0) {
    while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r')) line[--len] = '\0';
    printf("{\"times\":[");
    if (tact_text_analyze(&t, &a, line, (size_t)len, TACT_TEXT_REPAIR, &err) == TACT_OK &&
        tact_timex_find(&t, &ctx, &a, &list, &err) == TACT_OK) {
      for (size_t i = 0; i < list.n; i++) {
        const tact_timex *x = &list.items[i];
        const tact_token *f = &t.tokens[x->first_token];
        const tact_token *l = &t.tokens[x->first_token + x->n_tokens - 1];
        printf("%s{\"start\":%lld,\"end\":%lld,\"kind\":\"%s\",\"grain\":\"%s\",\"text\":",
               i ? "," : "", (long long)x->start, (long long)x->end, kind_name(x->kind),
               grain_name(x->grain));
        json_str(line + f->start, l->end - f->start);
        printf(",\"min_seconds\":%lld,\"max_seconds\":%lld,\"business_days\":%u}",
               (long long)x->min_seconds, (long long)x->max_seconds, (unsigned)x->business_days);
      }
    }
    printf("]}\n");
    fflush(stdout);
  }
  free(line);
  tact_timex_list_free(&list, &a);
  tact_text_free(&t, &a);
  tact_tz_free(tz, &a);
  return 0;
}
