/* tact.c — the `tact` command line: parses arguments, reads the input,
 * calls the public API (tact.h only) and prints text for people or JSON for
 * scripts. Exit codes: 0 ok, 1 findings at or above the threshold (for
 * commands that report findings), 2 usage or input error. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tact.h"

#define EXIT_USAGE 2
#define MAX_PACKS 64

static const char usage[] =
    "usage: tact COMMAND [options] [FILE|-]\n"
    "\n"
    "commands:\n"
    "  analyze   sentences and every pack phrase found, grouped by sentence\n"
    "  tokens    the tokens with byte spans, kinds and normalized forms\n"
    "  version   print the library version\n"
    "  help      print this text\n"
    "\n"
    "options:\n"
    "  --format text|json   output for people (default) or for scripts\n"
    "  --pack FILE          layer a rule pack over the default one (repeatable)\n"
    "  --no-default-pack    start from no pack at all\n"
    "  --repair             replace invalid UTF-8 with U+FFFD instead of failing\n"
    "  -h, --help           print this text\n"
    "\n"
    "FILE is read as UTF-8 text; without FILE, or with -, standard input is read.\n";

typedef struct options {
  const char *command;
  const char *file;
  int json;
  const char *packs[MAX_PACKS];
  size_t n_packs;
  unsigned config_flags;
} options;

static int usage_error(const char *fmt, const char *arg) {
  fprintf(stderr, "tact: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\nTry 'tact help'.\n");
  return EXIT_USAGE;
}

static int parse_args(int argc, char **argv, options *o) {
  memset(o, 0, sizeof *o);
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
    } else if (a[0] == '-' && a[1] != '\0') {
      return usage_error("unknown option '%s'", a);
    } else if (!o->command) {
      o->command = a;
    } else if (!o->file) {
      o->file = a;
    } else {
      return usage_error("unexpected argument '%s'", a);
    }
  }
  if (!o->command) return usage_error("%s", "no command given");
  return 0;
}

/* Reads the whole input; the library enforces its own size limit, this one
 * only keeps a runaway pipe from exhausting memory first. */
static char *read_all(const char *path, size_t limit, size_t *len) {
  FILE *f = (!path || !strcmp(path, "-")) ? stdin : fopen(path, "rb");
  if (!f) {
    fprintf(stderr, "tact: cannot open '%s': %s\n", path, strerror(errno));
    return NULL;
  }
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

static void print_analysis(const tact_result *res) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  size_t m = 0, n_matches = tact_result_match_count(res);
  for (size_t s = 0; s < tact_result_sentence_count(res); s++) {
    tact_span ss = tact_sentence_span(res, s);
    printf("[%zu] ", s + 1);
    print_escaped(text + ss.start, ss.end - ss.start);
    printf("\n");
    for (; m < n_matches; m++) {
      size_t first = tact_match_token(res, m, NULL);
      if (tact_token_sentence(res, first) != s) break;
      tact_span ms = tact_match_span(res, m);
      printf("      %-22s \"", tact_match_lexicon(res, m));
      print_escaped(text + ms.start, ms.end - ms.start);
      printf("\"  (%zu-%zu)\n", ms.start, ms.end);
    }
  }
  printf("%zu sentences, %.0f words, %zu phrase matches\n", tact_result_sentence_count(res),
         tact_result_stat(res, TACT_STAT_WORDS), n_matches);
}

static int run_text_command(const options *o) {
  int tokens = !strcmp(o->command, "tokens");
  size_t len;
  char *text = read_all(o->file, TACT_DEFAULT_MAX_INPUT_BYTES, &len);
  if (!text) return EXIT_USAGE;
  tact_error err;
  tact_engine *eng = make_engine(o, &err);
  if (!eng) {
    free(text);
    return report("cannot load packs", &err);
  }
  tact_input in;
  tact_input_init(&in);
  in.text = text;
  in.length = len;
  tact_result *res = tact_analyze(eng, &in, &err);
  int rc = 0;
  if (!res) {
    rc = report(o->file && strcmp(o->file, "-") ? o->file : "stdin", &err);
  } else if (o->json) {
    unsigned sections = tokens ? TACT_JSON_TOKENS | TACT_JSON_SENTENCES | TACT_JSON_STATS : 0;
    size_t jlen;
    const char *json = tact_result_json(res, sections, &jlen, &err);
    if (!json) rc = report("cannot write JSON", &err);
    else printf("%s\n", json);
  } else if (tokens) {
    print_tokens(res);
  } else {
    print_analysis(res);
  }
  tact_result_free(res);
  tact_engine_free(eng);
  free(text);
  return rc;
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
  if (!strcmp(o.command, "tokens") || !strcmp(o.command, "analyze")) return run_text_command(&o);
  return usage_error("unknown command '%s'", o.command);
}
