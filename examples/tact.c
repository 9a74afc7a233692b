/* tact.c — the `tact` command line: parses arguments, reads the input,
 * calls the public API (tact.h only) and prints text for people or JSON for
 * scripts. Exit codes: 0 ok, 1 findings at or above the threshold (for
 * commands that report findings), 2 usage or input error. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jsonl.h"
#include "tact.h"

#define EXIT_USAGE 2
#define MAX_PACKS 64

static const char usage[] =
    "usage: tact COMMAND [options] [FILE|-]\n"
    "\n"
    "commands:\n"
    "  analyze   sentences and every pack phrase found, grouped by sentence\n"
    "  tone      tone scores as bars, with the evidence underlined\n"
    "  promises  commitments with action, certainty, timeframe and policy flags\n"
    "  classify  complaint classification of a customer message\n"
    "  check     review an agent's reply (FILE) against the do's and don'ts: findings\n"
    "            with rule ids, suggestions and a score; exit 1 at --fail-on\n"
    "  tokens    the tokens with byte spans, kinds and normalized forms\n"
    "  pack test FILE...  load packs over the default one and run every rule's\n"
    "            examples; exit 1 if one disagrees with its rule\n"
    "  version   print the library version\n"
    "  help      print this text\n"
    "\n"
    "options:\n"
    "  --format text|json   output for people (default) or for scripts\n"
    "  --pack FILE          layer a rule pack over the default one (repeatable)\n"
    "  --no-default-pack    start from no pack at all\n"
    "  --repair             replace invalid UTF-8 with U+FFFD instead of failing\n"
    "  --html               input is an HTML e-mail body: analyze its visible text,\n"
    "                       without quoted earlier messages and the signature\n"
    "  --now TIME           reference time, ISO 8601 (2026-03-02T10:00:00Z); default: now\n"
    "  --tz ZONE            time zone: IANA name (Europe/Berlin) or offset (+02:00)\n"
    "  --locale TAG         en-US (3/4 is March 4, the default) or en-GB (3 April)\n"
    "  --role ROLE          agent or customer (classify: customer; others: unknown)\n"
    "  --jsonl              batch: one JSON object per input line with a \"text\" field;\n"
    "                       one JSON result per line out, in order\n"
    "\n"
    "check options:\n"
    "  --customer FILE      the customer's message the reply answers\n"
    "  --name NAME          the customer's name (else found in their message)\n"
    "  --profile NAME       a pack profile: chat, email, social, formal, ...\n"
    "  --disable ID         do not run rule ID (repeatable)\n"
    "  --only ID            run only rule ID (repeatable)\n"
    "  --fail-on LEVEL      exit 1 when a finding is at least warning or error\n"
    "                       (default error; never: always exit 0)\n"
    "  --fix                print the reply with the findings' fixes applied\n"
    "  --jsonl              batch: one {\"customer\",\"reply\",\"name\"} object per line;\n"
    "                       a summary table on stderr at the end\n"
    "  -h, --help           print this text\n"
    "\n"
    "FILE is read as UTF-8 text; without FILE, or with -, standard input is read.\n";

typedef struct options {
  const char *command;
  const char *subcommand; /* pack test */
  const char *file;
  int json;
  const char *packs[MAX_PACKS];
  size_t n_packs;
  unsigned config_flags;
  int64_t now;
  const char *tz;
  const char *locale;
  int role; /* -1: the command's default */
  int jsonl;
  int html;
  /* check */
  const char *customer_file;
  const char *name;
  const char *profile;
  const char *disable[MAX_PACKS];
  size_t n_disable;
  const char *only[MAX_PACKS];
  size_t n_only;
  int fail_on; /* tact_severity, or 3 = never */
  int fix;
} options;

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant). */
static int64_t days_from_civil(int64_t y, int m, int d) {
  y -= m <= 2;
  int64_t era = (y >= 0 ? y : y - 399) / 400;
  int64_t yoe = y - era * 400;
  int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

/* ISO 8601: 2026-03-02, 2026-03-02T10:00, 2026-03-02T10:00:00Z, ...+01:00. */
static int parse_iso(const char *s, int64_t *out) {
  int y, mo, d, h = 0, mi = 0, sec = 0, n = 0;
  if (sscanf(s, "%4d-%2d-%2d%n", &y, &mo, &d, &n) != 3 || n != 10) return -1;
  s += n;
  if (*s == 'T' || *s == ' ') {
    if (sscanf(s + 1, "%2d:%2d%n", &h, &mi, &n) != 2 || n != 5) return -1;
    s += 1 + n;
    if (*s == ':') {
      if (sscanf(s + 1, "%2d%n", &sec, &n) != 1 || n != 2) return -1;
      s += 1 + n;
    }
  }
  int offset = 0;
  if (*s == '+' || *s == '-') {
    int oh, om = 0;
    if (sscanf(s + 1, "%2d:%2d", &oh, &om) < 1 || oh > 23 || om > 59) return -1;
    offset = (*s == '-' ? -1 : 1) * (oh * 3600 + om * 60);
    s += strlen(s);
  } else if (*s == 'Z') {
    s++;
  }
  if (*s || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return -1;
  *out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec - offset;
  return 0;
}

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "tact: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'tact help'.\n");
  return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
  o->role = -1;
  o->fail_on = TACT_SEVERITY_ERROR;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (!strcmp(a, "-h") || !strcmp(a, "--help")) {
      o->command = "help";
    } else if (!strcmp(a, "--format")) {
      if (++i == argc) return usage_error("%s needs a value: text or json", a);
      if (!strcmp(argv[i], "json")) o->json = 1;
      else if (!strcmp(argv[i], "text")) o->json = 0;
      else return usage_error("unknown format '%s' (use text or json)", argv[i]);
    } else if (!strcmp(a, "--pack")) {
      if (++i == argc) return usage_error("%s needs a file name", a);
      if (o->n_packs == MAX_PACKS) return usage_error("too many packs (at most %s)", "64");
      o->packs[o->n_packs++] = argv[i];
    } else if (!strcmp(a, "--no-default-pack")) {
      o->config_flags |= TACT_CONFIG_NO_DEFAULT_PACK;
    } else if (!strcmp(a, "--repair")) {
      o->config_flags |= TACT_CONFIG_REPAIR_UTF8;
    } else if (!strcmp(a, "--html")) {
      o->html = 1;
    } else if (!strcmp(a, "--now")) {
      if (++i == argc) return usage_error("%s needs an ISO 8601 time", a);
      if (parse_iso(argv[i], &o->now))
        return usage_error("--now '%s' is not ISO 8601 (e.g. 2026-03-02T10:00:00Z)", argv[i]);
    } else if (!strcmp(a, "--tz")) {
      if (++i == argc) return usage_error("%s needs a zone name or offset", a);
      o->tz = argv[i];
    } else if (!strcmp(a, "--jsonl")) {
      o->jsonl = 1;
    } else if (!strcmp(a, "--role")) {
      if (++i == argc) return usage_error("%s needs agent or customer", a);
      if (!strcmp(argv[i], "agent")) o->role = TACT_ROLE_AGENT;
      else if (!strcmp(argv[i], "customer")) o->role = TACT_ROLE_CUSTOMER;
      else return usage_error("unknown role '%s' (use agent or customer)", argv[i]);
    } else if (!strcmp(a, "--locale")) {
      if (++i == argc) return usage_error("%s needs a language tag such as en-GB", a);
      o->locale = argv[i];
    } else if (!strcmp(a, "--customer")) {
      if (++i == argc) return usage_error("%s needs a file name", a);
      o->customer_file = argv[i];
    } else if (!strcmp(a, "--name")) {
      if (++i == argc) return usage_error("%s needs a name", a);
      o->name = argv[i];
    } else if (!strcmp(a, "--profile")) {
      if (++i == argc) return usage_error("%s needs a profile name", a);
      o->profile = argv[i];
    } else if (!strcmp(a, "--disable") || !strcmp(a, "--only")) {
      int only = !strcmp(a, "--only");
      if (++i == argc) return usage_error("%s needs a rule id", a);
      if ((only ? o->n_only : o->n_disable) == MAX_PACKS)
        return usage_error("too many rule ids (at most %s)", "64");
      if (only) o->only[o->n_only++] = argv[i];
      else o->disable[o->n_disable++] = argv[i];
    } else if (!strcmp(a, "--fail-on")) {
      if (++i == argc) return usage_error("%s needs info, warning, error or never", a);
      if (!strcmp(argv[i], "info")) o->fail_on = TACT_SEVERITY_INFO;
      else if (!strcmp(argv[i], "warning")) o->fail_on = TACT_SEVERITY_WARNING;
      else if (!strcmp(argv[i], "error")) o->fail_on = TACT_SEVERITY_ERROR;
      else if (!strcmp(argv[i], "never")) o->fail_on = 3;
      else return usage_error("unknown level '%s' (use info, warning, error or never)", argv[i]);
    } else if (!strcmp(a, "--fix")) {
      o->fix = 1;
    } else if (a[0] == '-' && a[1] != '\0') {
      return usage_error("unknown option '%s'", a);
    } else if (!o->command) {
      o->command = a;
    } else if (!strcmp(o->command, "pack") && !o->subcommand) {
      o->subcommand = a;
    } else if (!strcmp(o->command, "pack")) {
      if (o->n_packs == MAX_PACKS) return usage_error("too many packs (at most %s)", "64");
      o->packs[o->n_packs++] = a;
    } else if (!o->file) {
      o->file = a;
    } else {
      return usage_error("unexpected argument '%s'", a);
    }
  }
  if (!o->command) return usage_error("%s", "no command given");
  return 0;
}

/* The file at `path`, or standard input for NULL or "-"; NULL (said on
 * stderr) when it cannot be opened. */
static FILE *open_input(const char *path) {
  FILE *f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
  if (!f) fprintf(stderr, "tact: cannot open '%s': %s\n", path, strerror(errno));
  return f;
}

/* Reads the whole input; the library enforces its own size limit, this one
 * only keeps a runaway pipe from exhausting memory first. */
static char *read_all(const char *path, size_t limit, size_t *len) {
  FILE *f = open_input(path);
  if (!f) return NULL;
  size_t cap = 1 << 16, n = 0;
  char *buf = malloc(cap);
  while (buf) {
    if (n == cap) {
      if (cap > limit) {
        fprintf(stderr, "tact: input is larger than %zu bytes\n", limit);
        free(buf);
        buf = NULL;
        break;
      }
      char *nb = realloc(buf, cap * 2);
      if (!nb) {
        free(buf);
        buf = NULL;
        break;
      }
      buf = nb;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      if (ferror(f)) {
        fprintf(stderr, "tact: cannot read '%s': %s\n", path ? path : "stdin", strerror(errno));
        free(buf);
        buf = NULL;
      }
      break;
    }
  }
  if (f != stdin) fclose(f);
  *len = n;
  return buf;
}

static int report(const char *what, const tact_error *err) {
  if (err->source[0] && err->line)
    fprintf(stderr, "tact: %s: %s\n", what, err->message);
  else if (err->offset != TACT_NO_OFFSET)
    fprintf(stderr, "tact: %s: %s (byte offset %zu)\n", what, err->message, err->offset);
  else
    fprintf(stderr, "tact: %s: %s\n", what, err->message);
  return EXIT_USAGE;
}

static tact_engine *make_engine(const options *o, tact_error *err) {
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.flags = o->config_flags;
  tact_engine *eng = tact_engine_new(&cfg, err);
  if (!eng) return NULL;
  for (size_t i = 0; i < o->n_packs; i++) {
    if (tact_engine_add_pack_file(eng, o->packs[i], err) != TACT_OK) {
      tact_engine_free(eng);
      return NULL;
    }
  }
  if (tact_engine_build(eng, err) != TACT_OK) {
    tact_engine_free(eng);
    return NULL;
  }
  return eng;
}

static void print_escaped(const char *s, size_t n) {
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '\n') fputs("\\n", stdout);
    else if (c == '\t') fputs("\\t", stdout);
    else if (c < 0x20) printf("\\x%02x", c);
    else putchar(c);
  }
}

static void print_tokens(const tact_result *res) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  printf("%6s  %-13s %-9s %-24s %s\n", "#", "span", "kind", "text", "normalized");
  for (size_t i = 0; i < tact_result_token_count(res); i++) {
    tact_span s = tact_token_span(res, i);
    size_t nlen;
    const char *norm = tact_token_norm(res, i, &nlen);
    char span[32];
    snprintf(span, sizeof span, "%zu-%zu", s.start, s.end);
    printf("%6zu  %-13s %-9s ", i, span, tact_token_kind_name(tact_token_kind_of(res, i)));
    print_escaped(text + s.start, s.end - s.start);
    printf("%*s", (int)(s.end - s.start < 24 ? 24 - (s.end - s.start) : 0), "");
    printf(" ");
    print_escaped(norm, nlen);
    printf("\n");
  }
  printf("%zu tokens, %zu sentences, %.0f words\n", tact_result_token_count(res),
         tact_result_sentence_count(res), tact_result_stat(res, TACT_STAT_WORDS));
}

/* Lexicons with a dot in their id ("politeness.word", "promise.object")
 * are vocabularies of one stage; people reading `analyze` want the seed
 * concepts (say-no, blame-customer, robotic, ...). JSON lists everything. */
static int is_stage_vocabulary(const char *lexicon) { return strchr(lexicon, '.') != NULL; }

static void print_analysis(const tact_result *res) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  size_t m = 0, n_matches = tact_result_match_count(res), shown = 0;
  for (size_t s = 0; s < tact_result_sentence_count(res); s++) {
    tact_span ss = tact_sentence_span(res, s);
    printf("[%zu] ", s + 1);
    print_escaped(text + ss.start, ss.end - ss.start);
    printf("\n");
    for (; m < n_matches; m++) {
      size_t first = tact_match_token(res, m, NULL);
      if (tact_token_sentence(res, first) != s) break;
      if (is_stage_vocabulary(tact_match_lexicon(res, m))) continue;
      tact_span ms = tact_match_span(res, m);
      printf("      %-22s \"", tact_match_lexicon(res, m));
      print_escaped(text + ms.start, ms.end - ms.start);
      printf("\"  (%zu-%zu)\n", ms.start, ms.end);
      shown++;
    }
  }
  printf("%zu sentences, %.0f words, %zu phrase matches (%zu more from stage vocabularies: "
         "--format json lists all)\n",
         tact_result_sentence_count(res), tact_result_stat(res, TACT_STAT_WORDS), shown,
         n_matches - shown);
}

static void print_time(const tact_result *res, size_t t) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  tact_span s = tact_time_span(res, t);
  printf("\"");
  print_escaped(text + s.start, s.end - s.start);
  printf("\" (%s", tact_time_kind_name(tact_time_kind_of(res, t)));
  char when[2][32];
  for (int k = 0; k < 2; k++) {
    time_t v = (time_t)(k ? tact_time_end(res, t) : tact_time_start(res, t));
    struct tm tm;
    if (!gmtime_r(&v, &tm) || !strftime(when[k], sizeof when[k], "%Y-%m-%d %H:%M", &tm))
      snprintf(when[k], sizeof when[k], "?");
  }
  printf(", %s .. %s UTC", when[0], when[1]);
  if (tact_time_business_days(res, t)) printf(", %d business days", tact_time_business_days(res, t));
  printf(")");
}

static void print_promises(const tact_result *res) {
  static const char *const flag_names[] = {"no timeframe", "vague timeframe", "faster than policy",
                                           "slower than policy", "guarantee", "conditional"};
  size_t len;
  const char *text = tact_result_text(res, &len);
  size_t n = tact_result_promise_count(res);
  for (size_t i = 0; i < n; i++) {
    tact_span s = tact_promise_span(res, i);
    printf("[%zu] \"", i + 1);
    print_escaped(text + s.start, s.end - s.start);
    printf("\"\n    %s by %s, %s", tact_promise_action(res, i),
           tact_actor_name(tact_promise_actor(res, i)),
           tact_certainty_name(tact_promise_certainty(res, i)));
    tact_span obj = tact_promise_object(res, i);
    if (obj.end > obj.start) {
      printf(", object \"");
      print_escaped(text + obj.start, obj.end - obj.start);
      printf("\"");
    }
    printf("\n");
    tact_span cond = tact_promise_condition(res, i);
    if (cond.end > cond.start) {
      printf("    condition: \"");
      print_escaped(text + cond.start, cond.end - cond.start);
      printf("\"\n");
    }
    size_t t = tact_promise_time(res, i);
    if (t != (size_t)-1) {
      printf("    timeframe: ");
      print_time(res, t);
      printf("\n");
    }
    unsigned flags = tact_promise_flags(res, i);
    for (unsigned b = 0; b < 6; b++)
      if (flags & (1u << b)) printf("    ! %s\n", flag_names[b]);
  }
  printf("%zu promises, %zu time expressions\n", n, tact_result_time_count(res));
}


/* Bar of `width` cells for a value in [lo, hi]; a range around 0 grows from
 * the middle so the sign shows. */
static void print_bar(double v, double lo, double hi) {
  enum { WIDTH = 20 };
  char bar[WIDTH + 1];
  memset(bar, '.', WIDTH);
  bar[WIDTH] = '\0';
  if (v < lo) v = lo;
  if (v > hi) v = hi;
  if (lo < 0) {
    int mid = WIDTH / 2, to = (int)((v - lo) / (hi - lo) * WIDTH + 0.5);
    for (int i = to < mid ? to : mid; i < (to < mid ? mid : to); i++) bar[i] = '#';
    bar[mid] = '|';
  } else {
    int to = (int)((v - lo) / (hi - lo) * WIDTH + 0.5);
    for (int i = 0; i < to; i++) bar[i] = '#';
  }
  printf("[%s]", bar);
}

/* Writes the text of `sp` on one line and a line of ^ under each piece of
 * evidence inside it; columns count code points, as a terminal shows them. */
static void print_underlined(const tact_result *res, tact_span sp) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  size_t n_ev = tact_result_tone_evidence_count(res);
  char marks[4096];
  size_t col = 0;
  printf("    ");
  for (size_t b = sp.start; b < sp.end; b++) {
    unsigned char c = (unsigned char)text[b];
    if ((c & 0xC0) == 0x80) {
      putchar(c);
      continue;
    }
    int marked = 0;
    for (size_t e = 0; e < n_ev && !marked; e++) {
      tact_span es = tact_tone_evidence_span(res, e);
      marked = b >= es.start && b < es.end;
    }
    if (c == '\n' || c == '\t' || c == '\r') c = ' ';
    putchar(c);
    if (col < sizeof marks - 1) marks[col++] = marked ? '^' : ' ';
  }
  while (col > 0 && marks[col - 1] == ' ') col--;
  marks[col] = '\0';
  printf("\n    %s\n", marks);
}

static void print_tone(const tact_result *res) {
  static const struct {
    tact_tone_dim dim;
    double lo, hi;
  } rows[] = {
      {TACT_TONE_SENTIMENT, -1, 1},      {TACT_TONE_POLITENESS, 0, 1},
      {TACT_TONE_IMPOLITENESS, 0, 1},    {TACT_TONE_EMPATHY, 0, 1},
      {TACT_TONE_POSITIVITY, 0, 1},      {TACT_TONE_NEGATIVE_LANGUAGE, 0, 1},
      {TACT_TONE_RUDENESS, 0, 1},        {TACT_TONE_BLAME, 0, 1},
      {TACT_TONE_DEFENSIVENESS, 0, 1},   {TACT_TONE_ARGUING, 0, 1},
      {TACT_TONE_JARGON, 0, 1},          {TACT_TONE_CANNED, 0, 1},
      {TACT_TONE_SALES_PRESSURE, 0, 1},  {TACT_TONE_HEDGING, 0, 1},
      {TACT_TONE_ANGER, 0, 1},           {TACT_TONE_READABILITY, 0, 100},
  };
  for (size_t r = 0; r < sizeof rows / sizeof rows[0]; r++) {
    double v = tact_result_tone(res, rows[r].dim);
    printf("  %-18s %7.2f  ", tact_tone_dim_name(rows[r].dim), v);
    print_bar(v, rows[r].lo, rows[r].hi);
    printf("\n");
  }
  printf("  %-18s %7.1f\n  %-18s %7.0f\n", "words/sentence",
         tact_result_tone(res, TACT_TONE_WORDS_PER_SENTENCE), "long sentences",
         tact_result_tone(res, TACT_TONE_LONG_SENTENCES));
  size_t n_ev = tact_result_tone_evidence_count(res);
  if (!n_ev) return;
  printf("\nevidence:\n");
  size_t e = 0;
  for (size_t s = 0; s < tact_result_sentence_count(res); s++) {
    tact_span ss = tact_sentence_span(res, s);
    size_t first = e;
    while (e < n_ev && tact_tone_evidence_span(res, e).start < ss.end) e++;
    if (e == first) continue;
    print_underlined(res, ss);
    size_t len;
    const char *text = tact_result_text(res, &len);
    for (size_t k = first; k < e; k++) {
      tact_span es = tact_tone_evidence_span(res, k);
      printf("      %-18s %+6.2f  \"", tact_tone_dim_name(tact_tone_evidence_dim(res, k)),
             tact_tone_evidence_weight(res, k));
      print_escaped(text + es.start, es.end - es.start);
      printf("\"  (%s)\n", tact_tone_evidence_source(res, k));
    }
  }
}

static void print_classification(const tact_result *res) {
  static const char *const threat_names[] = {"escalation request", "churn threat",
                                             "public/legal threat"};
  size_t len;
  const char *text = tact_result_text(res, &len);
  printf("complaint: %s (p = %.2f), severity %d, anger %.2f\n",
         tact_result_is_complaint(res) ? "yes" : "no", tact_result_complaint_probability(res),
         tact_result_severity(res), tact_result_tone(res, TACT_TONE_ANGER));
  printf("wants: %s\n", tact_result_requested_outcome(res));
  printf("categories:");
  for (size_t i = 0; i < tact_result_category_count(res) && i < 3; i++) {
    double score;
    const char *name = tact_result_category(res, i, &score);
    printf(" %s %.2f", name, score);
  }
  printf("\n");
  for (int t = 0; t < 3; t++) {
    tact_span sp;
    if (!tact_result_threat(res, (tact_threat)t, &sp)) continue;
    printf("! %s: \"", threat_names[t]);
    print_escaped(text + sp.start, sp.end - sp.start);
    printf("\" (%zu-%zu)\n", sp.start, sp.end);
  }
}

/* One entry per analysis command: what its JSON holds, how it prints for
 * people, and the role it analyzes as unless --role says otherwise. */
typedef struct command {
  const char *name;
  unsigned sections;
  void (*print)(const tact_result *);
  tact_role role;
} command;

static const command commands[] = {
    {"analyze", 0, print_analysis, TACT_ROLE_UNKNOWN},
    {"tokens", TACT_JSON_TOKENS | TACT_JSON_SENTENCES | TACT_JSON_STATS, print_tokens,
     TACT_ROLE_UNKNOWN},
    {"tone", TACT_JSON_TONE | TACT_JSON_STATS, print_tone, TACT_ROLE_UNKNOWN},
    {"promises", TACT_JSON_TIMES | TACT_JSON_PROMISES, print_promises, TACT_ROLE_AGENT},
    {"classify", TACT_JSON_COMPLAINT | TACT_JSON_TONE, print_classification, TACT_ROLE_CUSTOMER},
};

static void fill_input(const options *o, const command *cmd, tact_input *in) {
  tact_input_init(in);
  in->role = o->role >= 0 ? (tact_role)o->role : cmd->role;
  in->now = o->now;
  in->time_zone = o->tz;
  in->locale = o->locale;
  in->format = o->html ? TACT_FORMAT_HTML : TACT_FORMAT_PLAIN;
}

static int run_one(const options *o, const command *cmd, tact_engine *eng) {
  size_t len;
  char *text = read_all(o->file, TACT_DEFAULT_MAX_INPUT_BYTES, &len);
  if (!text) return EXIT_USAGE;
  tact_error err;
  tact_input in;
  fill_input(o, cmd, &in);
  in.text = text;
  in.length = len;
  tact_result *res = tact_analyze(eng, &in, &err);
  int rc = 0;
  if (!res) {
    rc = report(o->file && strcmp(o->file, "-") ? o->file : "stdin", &err);
  } else if (o->json) {
    size_t jlen;
    const char *json = tact_result_json(res, cmd->sections, &jlen, &err);
    if (!json) rc = report("cannot write JSON", &err);
    else printf("%s\n", json);
  } else {
    cmd->print(res);
  }
  tact_result_free(res);
  free(text);
  return rc;
}

static void progress(size_t done, int tty) {
  if (tty && done % 1000 == 0) fprintf(stderr, "\rtact: %zu messages", done);
}

/* Batch mode: one JSON object per line in, one result per line out, in
 * order, streaming (memory stays flat whatever the input size). A bad line
 * yields an error object for that line and exit status 2 at the end. */
static int run_jsonl(const options *o, const command *cmd, tact_engine *eng) {
  FILE *f = open_input(o->file);
  if (!f) return EXIT_USAGE;
  tact_error err;
  tact_result *res = tact_result_new(eng, &err);
  int tty = isatty(2), rc = 0;
  char *line = NULL;
  size_t cap = 0, lineno = 0;
  ssize_t got;
  while (res && (got = getline(&line, &cap, f)) >= 0) {
    lineno++;
    if (got <= 1 && (got == 0 || line[0] == '\n')) continue;
    size_t tlen = 0;
    char *text = jsonl_member(line, "text", &tlen);
    tact_input in;
    fill_input(o, cmd, &in);
    in.text = text;
    in.length = tlen;
    if (!text) {
      printf("{\"line\":%zu,\"error\":\"no \\\"text\\\" string member, or not a JSON object\"}\n",
             lineno);
      rc = EXIT_USAGE;
    } else if (tact_analyze_into(eng, &in, res, &err) != TACT_OK) {
      printf("{\"line\":%zu,\"error\":\"%s\"}\n", lineno, tact_status_str(err.code));
      rc = EXIT_USAGE;
    } else {
      size_t jlen;
      const char *json = tact_result_json(res, cmd->sections, &jlen, &err);
      if (json) printf("{\"line\":%zu,\"result\":%s}\n", lineno, json);
      else rc = report("cannot write JSON", &err);
    }
    free(text);
    progress(lineno, tty);
  }
  if (tty) fprintf(stderr, "\rtact: %zu messages\n", lineno);
  free(line);
  tact_result_free(res);
  if (f != stdin) fclose(f);
  return rc;
}

static int run_analysis(const options *o, const command *cmd) {
  tact_error err;
  tact_engine *eng = make_engine(o, &err);
  if (!eng) return report("cannot load packs", &err);
  int rc = o->jsonl ? run_jsonl(o, cmd, eng) : run_one(o, cmd, eng);
  tact_engine_free(eng);
  return rc;
}

/* ## check: the reply review */

static void fill_context(const options *o, tact_review_context *ctx, const char *name) {
  tact_review_context_init(ctx);
  ctx->customer_name = name ? name : o->name;
  ctx->profile = o->profile;
  ctx->disable = o->disable;
  ctx->n_disable = o->n_disable;
  ctx->only = o->only;
  ctx->n_only = o->n_only;
}

/* Exit status from the findings: 1 when one reaches --fail-on. */
static int check_status(const options *o, const tact_result *res) {
  for (size_t i = 0; i < tact_result_finding_count(res); i++)
    if (tact_finding_kind_of(res, i) != TACT_FINDING_GOOD &&
        (int)tact_finding_severity(res, i) >= o->fail_on)
      return 1;
  return 0;
}

static const char *severity_color(tact_severity s, int tty) {
  if (!tty) return "";
  return s == TACT_SEVERITY_ERROR ? "\033[31m" : s == TACT_SEVERITY_WARNING ? "\033[33m" : "\033[36m";
}

/* 1-based line and column (in code points) of byte `at`. */
static void line_col(const char *text, size_t at, size_t *line, size_t *col) {
  *line = 1, *col = 1;
  for (size_t b = 0; b < at; b++) {
    if (text[b] == '\n') *line += 1, *col = 1;
    else if (((unsigned char)text[b] & 0xC0) != 0x80) *col += 1;
  }
}

/* The worst violation covering byte b, or -1. */
static int mark_at(const tact_result *res, size_t b) {
  int worst = -1;
  for (size_t i = 0; i < tact_result_finding_count(res); i++) {
    tact_span sp;
    if (tact_finding_kind_of(res, i) != TACT_FINDING_VIOLATION || !tact_finding_span(res, i, &sp))
      continue;
    if (b >= sp.start && b < sp.end && (int)tact_finding_severity(res, i) > worst)
      worst = (int)tact_finding_severity(res, i);
  }
  return worst;
}

/* The reply, line by line, with each offending phrase underlined: in color
 * on a terminal, with ^ marks under the line otherwise. */
static void print_reply_marked(const tact_result *res, int tty) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  size_t start = 0;
  while (start < len) {
    size_t end = start;
    while (end < len && text[end] != '\n') end++;
    char marks[4096];
    size_t col = 0;
    int any = 0, cur = -1;
    printf("  ");
    for (size_t b = start; b < end; b++) {
      unsigned char c = (unsigned char)text[b];
      int m = mark_at(res, b);
      if (tty && m != cur) {
        fputs(m < 0 ? "\033[0m" : m == 2 ? "\033[4;31m" : m == 1 ? "\033[4;33m" : "\033[4;36m", stdout);
        cur = m;
      }
      putchar(c == '\t' || c == '\r' ? ' ' : c);
      if ((c & 0xC0) == 0x80) continue;
      if (col < sizeof marks - 1) marks[col++] = m >= 0 ? '^' : ' ';
      any |= m >= 0;
    }
    if (tty && cur >= 0) fputs("\033[0m", stdout);
    putchar('\n');
    if (any && !tty) {
      while (col > 0 && marks[col - 1] == ' ') col--;
      marks[col] = '\0';
      printf("  %s\n", marks);
    }
    start = end + 1;
  }
}

static void print_review(const tact_result *res, int tty) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  print_reply_marked(res, tty);
  putchar('\n');
  size_t n = tact_result_finding_count(res), counts[3] = {0, 0, 0}, good = 0;
  const char *reset = tty ? "\033[0m" : "";
  for (size_t i = 0; i < n; i++) {
    tact_finding_kind k = tact_finding_kind_of(res, i);
    if (k == TACT_FINDING_GOOD) {
      good++;
      continue;
    }
    tact_severity sev = tact_finding_severity(res, i);
    counts[sev]++;
    tact_span sp;
    char where[32] = "-";
    if (tact_finding_span(res, i, &sp)) {
      size_t line, col;
      line_col(text, sp.start, &line, &col);
      snprintf(where, sizeof where, "%zu:%zu", line, col);
    }
    printf("  %-7s %s%-7s%s %s%s  %s\n", where, severity_color(sev, tty), tact_severity_name(sev),
           reset, k == TACT_FINDING_MISSING ? "missing " : "", tact_finding_rule(res, i),
           tact_finding_message(res, i));
    if (k == TACT_FINDING_VIOLATION && tact_finding_span(res, i, &sp))
      printf("          \"%.*s\"\n", (int)(sp.end - sp.start > 120 ? 120 : sp.end - sp.start),
             text + sp.start);
    else
      printf("          (%s)\n", tact_finding_evidence(res, i));
    const char *fix = tact_finding_fix(res, i, &sp);
    if (fix)
      printf("          fix: \"%.*s\" -> \"%s\"\n", (int)(sp.end - sp.start > 120 ? 120 : sp.end - sp.start),
             text + sp.start, fix);
    const char *sug = tact_finding_suggestion(res, i);
    if (*sug) printf("          → %s\n", sug);
  }
  if (good) {
    printf("  good:");
    for (size_t i = 0; i < n; i++)
      if (tact_finding_kind_of(res, i) == TACT_FINDING_GOOD) printf(" %s", tact_finding_rule(res, i));
    putchar('\n');
  }
  const tact_result *cust = tact_result_customer(res);
  if (cust)
    printf("\n  customer: %s (p=%.2f), severity %d, wants %s\n",
           tact_result_is_complaint(cust) ? "complaint" : "not a complaint",
           tact_result_complaint_probability(cust), tact_result_severity(cust),
           tact_result_requested_outcome(cust));
  printf("\nscore %d/100 · %zu error%s, %zu warning%s, %zu info · %zu good\n",
         tact_result_score(res), counts[2], counts[2] == 1 ? "" : "s", counts[1],
         counts[1] == 1 ? "" : "s", counts[0], good);
}

static const unsigned check_sections =
    TACT_JSON_REVIEW | TACT_JSON_PROMISES | TACT_JSON_TIMES | TACT_JSON_TONE;

static int check_one(const options *o, tact_engine *eng) {
  size_t len, clen = 0;
  char *reply = read_all(o->file, TACT_DEFAULT_MAX_INPUT_BYTES, &len), *cust = NULL;
  if (!reply) return EXIT_USAGE;
  if (o->customer_file) {
    cust = read_all(o->customer_file, TACT_DEFAULT_MAX_INPUT_BYTES, &clen);
    if (!cust) {
      free(reply);
      return EXIT_USAGE;
    }
  }
  static const command review_cmd = {"check", 0, NULL, TACT_ROLE_AGENT};
  tact_input in, cin;
  fill_input(o, &review_cmd, &in);
  in.text = reply, in.length = len;
  fill_input(o, &review_cmd, &cin);
  cin.text = cust, cin.length = clen;
  tact_review_context ctx;
  fill_context(o, &ctx, NULL);
  tact_error err;
  tact_result *res = tact_review(eng, cust ? &cin : NULL, &in, &ctx, &err);
  int rc = 0;
  if (!res) {
    rc = report("cannot review", &err);
  } else if (o->fix) {
    size_t flen;
    const char *fixed = tact_result_fixed_text(res, &flen, &err);
    if (!fixed) rc = report("cannot apply fixes", &err);
    else printf("%s%s", fixed, flen && fixed[flen - 1] == '\n' ? "" : "\n");
  } else if (o->json) {
    size_t jlen;
    const char *json = tact_result_json(res, check_sections, &jlen, &err);
    if (!json) rc = report("cannot write JSON", &err);
    else printf("%s\n", json);
  } else {
    print_review(res, isatty(1));
  }
  if (res && !rc) rc = check_status(o, res);
  tact_result_free(res);
  free(reply);
  free(cust);
  return rc;
}

/* Per-rule totals over a batch, for the summary table. */
typedef struct rule_tally {
  char id[64];
  size_t violations, missing, good;
} rule_tally;

static void tally(rule_tally *t, size_t *n, size_t cap, const tact_result *res) {
  for (size_t i = 0; i < tact_result_finding_count(res); i++) {
    const char *id = tact_finding_rule(res, i);
    size_t k = 0;
    while (k < *n && strcmp(t[k].id, id)) k++;
    if (k == *n) {
      if (*n == cap) continue;
      memset(&t[k], 0, sizeof t[k]);
      snprintf(t[k].id, sizeof t[k].id, "%s", id);
      (*n)++;
    }
    tact_finding_kind kind = tact_finding_kind_of(res, i);
    if (kind == TACT_FINDING_VIOLATION) t[k].violations++;
    else if (kind == TACT_FINDING_MISSING) t[k].missing++;
    else t[k].good++;
  }
}

static void check_progress(size_t done, int tty) {
  if (!tty || done % 100) return;
  static const char bar[] = "##########";
  size_t fill = (done / 100) % 11;
  fprintf(stderr, "\rtact check [%-10.*s] %zu conversations", (int)fill, bar, done);
}

/* Batch review: {"customer": ..., "reply": ..., "name": ...} per line in,
 * {"line": N, "result": {...}} per line out; a summary table on stderr. */
static int check_jsonl(const options *o, tact_engine *eng) {
  FILE *f = open_input(o->file);
  if (!f) return EXIT_USAGE;
  tact_error err;
  tact_result *res = tact_result_new(eng, &err);
  int tty = isatty(2), rc = 0;
  char *line = NULL;
  size_t cap = 0, lineno = 0, reviewed = 0, failed = 0, n_tally = 0;
  double score_sum = 0;
  rule_tally tallies[128];
  ssize_t got;
  static const command review_cmd = {"check", 0, NULL, TACT_ROLE_AGENT};
  while (res && (got = getline(&line, &cap, f)) >= 0) {
    lineno++;
    if (got <= 1 && (got == 0 || line[0] == '\n')) continue;
    size_t rlen = 0, clen = 0, nlen = 0;
    char *reply = jsonl_member(line, "reply", &rlen);
    char *cust = jsonl_member(line, "customer", &clen);
    char *name = jsonl_member(line, "name", &nlen);
    tact_input in, cin;
    fill_input(o, &review_cmd, &in);
    in.text = reply, in.length = rlen;
    fill_input(o, &review_cmd, &cin);
    cin.text = cust, cin.length = clen;
    tact_review_context ctx;
    fill_context(o, &ctx, name);
    if (!reply) {
      printf("{\"line\":%zu,\"error\":\"no \\\"reply\\\" string member, or not a JSON object\"}\n",
             lineno);
      rc = EXIT_USAGE;
    } else if (tact_review_into(eng, cust ? &cin : NULL, &in, &ctx, res, &err) != TACT_OK) {
      printf("{\"line\":%zu,\"error\":\"%s\"}\n", lineno, tact_status_str(err.code));
      rc = EXIT_USAGE;
    } else {
      size_t jlen;
      const char *json = tact_result_json(res, check_sections, &jlen, &err);
      if (json) printf("{\"line\":%zu,\"result\":%s}\n", lineno, json);
      else rc = report("cannot write JSON", &err);
      reviewed++;
      score_sum += tact_result_score(res);
      failed += (size_t)check_status(o, res);
      tally(tallies, &n_tally, sizeof tallies / sizeof tallies[0], res);
    }
    free(reply);
    free(cust);
    free(name);
    check_progress(lineno, tty);
  }
  if (tty) fputc('\n', stderr);
  fprintf(stderr, "%-28s %10s %8s %6s\n", "rule", "violations", "missing", "good");
  for (size_t k = 0; k < n_tally; k++)
    fprintf(stderr, "%-28s %10zu %8zu %6zu\n", tallies[k].id, tallies[k].violations,
            tallies[k].missing, tallies[k].good);
  fprintf(stderr, "%zu reviewed, mean score %.1f, %zu at or above --fail-on\n", reviewed,
          reviewed ? score_sum / (double)reviewed : 0.0, failed);
  free(line);
  tact_result_free(res);
  if (f != stdin) fclose(f);
  if (!rc && failed) rc = 1;
  return rc;
}

static int run_check(const options *o) {
  tact_error err;
  tact_engine *eng = make_engine(o, &err);
  if (!eng) return report("cannot load packs", &err);
  int rc = o->jsonl ? check_jsonl(o, eng) : check_one(o, eng);
  tact_engine_free(eng);
  return rc;
}

/* ## pack test: every rule example, one line per failure */

static int run_pack(const options *o) {
  if (!o->subcommand || strcmp(o->subcommand, "test"))
    return usage_error("unknown pack command '%s' (use: tact pack test FILE...)",
                       o->subcommand ? o->subcommand : "");
  tact_error err;
  tact_engine *eng = make_engine(o, &err);
  if (!eng) return report("cannot load packs", &err);
  size_t n = tact_engine_example_count(eng), failed = 0;
  for (size_t i = 0; i < n; i++) {
    if (tact_engine_run_example(eng, i, &err) == TACT_OK) continue;
    failed++;
    printf("FAIL %s\n", err.message);
  }
  printf("%zu examples, %zu passed, %zu failed\n", n, n - failed, failed);
  tact_engine_free(eng);
  return failed ? 1 : 0;
}

int main(int argc, char **argv) {
  options o;
  int rc = parse_args(argc, argv, &o);
  if (rc) return rc;
  if (!strcmp(o.command, "help")) {
    fputs(usage, stdout);
    return 0;
  }
  if (!strcmp(o.command, "version")) {
    if (o.json) printf("{\"version\":\"%s\",\"number\":%d}\n", tact_version_string(), tact_version());
    else printf("tact %s\n", tact_version_string());
    return 0;
  }
  for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
    if (!strcmp(o.command, commands[i].name)) return run_analysis(&o, &commands[i]);
  if (!strcmp(o.command, "check")) return run_check(&o);
  if (!strcmp(o.command, "pack")) return run_pack(&o);
  return usage_error("unknown command '%s'", o.command);
}
