/* tone_driver.c — scores many texts in one process for the evaluation
 * scripts (eval/sentiment.py, eval/politeness.py): one JSON object per
 * input line, {"text": "..."}, in; one JSON object per line, the tone
 * scores (and with --evidence the evidence), out. An empty or unparsable
 * line gives {"error": "..."} so output lines stay aligned with input lines.
 * Output: {"scores": {dimension: score, ...}, "stats": {"words": n,
 * "sentences": n}, "evidence": [{"dim", "source", "weight", "start",
 * "end"}, ...]} with byte offsets into the text.
 *
 * usage: tone_driver [--no-default] [--evidence] [--pack FILE]... < in.jsonl
 *
 * It links lib/ directly (the default pack compiled in, further packs
 * layered from files in the order given) until the tact CLI grows a JSONL
 * tone mode; eval/common.py builds it with gcc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "layers.h"
#include "match.h"
#include "pack.h"
#include "text.h"
#include "tone.h"

/* As tact_tone_dim_name() names them. */
static const char *const DIM_NAMES[TACT_TONE_DIMS] = {
    "sentiment",      "positive",     "negative",     "neutral",           "politeness",
    "impoliteness",   "empathy",      "positivity",   "negative_language", "rudeness",
    "blame",          "defensiveness", "arguing",     "jargon",            "canned",
    "sales_pressure", "hedging",      "readability",  "words_per_sentence", "long_sentences",
    "anger"};

static void die(const char *what, const tact_error *err) {
  fprintf(stderr, "tone_driver: %s: %s\n", what, err ? err->message : "");
  exit(2);
}

/* Appends the UTF-8 encoding of code point cp. */
static size_t put_utf8(char *o, unsigned long cp) {
  if (cp < 0x80) {
    o[0] = (char)cp;
    return 1;
  }
  if (cp < 0x800) {
    o[0] = (char)(0xC0 | (cp >> 6));
    o[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
  }
  if (cp < 0x10000) {
    o[0] = (char)(0xE0 | (cp >> 12));
    o[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    o[2] = (char)(0x80 | (cp & 0x3F));
    return 3;
  }
  o[0] = (char)(0xF0 | (cp >> 18));
  o[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  o[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
  o[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static int hex4(const char *p, unsigned long *v) {
  *v = 0;
  for (int i = 0; i < 4; i++) {
    char c = p[i];
    int d = c >= '0' && c <= '9'   ? c - '0'
            : c >= 'a' && c <= 'f' ? c - 'a' + 10
            : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                   : -1;
    if (d < 0) return -1;
    *v = *v * 16 + (unsigned long)d;
  }
  return 0;
}

/* Decodes the JSON string starting after the opening quote at *p into out
 * (in place is fine: the decoded form is never longer). Returns its length
 * or -1. */
static long json_string(const char *p, char *out, const char **endp) {
  size_t o = 0;
  while (*p && *p != '"') {
    if (*p != '\\') {
      out[o++] = *p++;
      continue;
    }
    p++;
    unsigned long cp, lo;
    switch (*p) {
    case '"':
    case '\\':
    case '/':
      out[o++] = *p;
      break;
    case 'b':
      out[o++] = '\b';
      break;
    case 'f':
      out[o++] = '\f';
      break;
    case 'n':
      out[o++] = '\n';
      break;
    case 'r':
      out[o++] = '\r';
      break;
    case 't':
      out[o++] = '\t';
      break;
    case 'u':
      if (hex4(p + 1, &cp)) return -1;
      p += 4;
      if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u' && !hex4(p + 3, &lo) &&
          lo >= 0xDC00 && lo < 0xE000) {
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
        p += 6;
      } else if (cp >= 0xD800 && cp < 0xE000) {
        cp = 0xFFFD;
      }
      o += put_utf8(out + o, cp);
      break;
    default:
      return -1;
    }
    p++;
  }
  if (*p != '"') return -1;
  *endp = p + 1;
  return (long)o;
}

/* The value of the "text" member of a one-line JSON object, decoded in
 * place. Returns its length or -1. */
static long json_text(char *line, char **text) {
  char *p = strstr(line, "\"text\"");
  if (!p) return -1;
  p += 6;
  while (*p == ' ' || *p == '\t' || *p == ':') p++;
  if (*p != '"') return -1;
  const char *end;
  *text = p + 1;
  return json_string(p + 1, p + 1, &end);
}

static void put_json_string(const char *s, size_t n) {
  putchar('"');
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)s[i];
    if (c == '"' || c == '\\')
      printf("\\%c", c);
    else if (c < 0x20)
      printf("\\u%04x", c);
    else
      putchar(c);
  }
  putchar('"');
}

static void print_tone(const tact_text *t, const tact_tone *tone, int with_evidence) {
  printf("{\"scores\":{");
  for (int d = 0; d < TACT_TONE_DIMS; d++)
    printf("%s\"%s\":%.6g", d ? "," : "", DIM_NAMES[d], tone->scores[d]);
  printf("},\"stats\":{\"words\":%.0f,\"sentences\":%.0f}", t->stats[TACT_STAT_WORDS],
         t->stats[TACT_STAT_SENTENCES]);
  if (with_evidence) {
    printf(",\"evidence\":[");
    for (size_t i = 0; i < tone->n_evidence; i++) {
      const tact_tone_evidence *e = &tone->evidence[i];
      size_t start = e->n_tokens ? t->tokens[e->first_token].start : 0;
      size_t end = e->n_tokens ? t->tokens[e->first_token + e->n_tokens - 1].end : 0;
      printf("%s{\"dim\":\"%s\",\"source\":", i ? "," : "", DIM_NAMES[e->dim]);
      put_json_string(e->source, strlen(e->source));
      printf(",\"weight\":%.6g,\"start\":%zu,\"end\":%zu}", e->weight, start, end);
    }
    printf("]");
  }
  printf("}\n");
}

int main(int argc, char **argv) {
  int with_default = 1, with_evidence = 0;
  const char *files[64];
  size_t n_files = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--no-default"))
      with_default = 0;
    else if (!strcmp(argv[i], "--evidence"))
      with_evidence = 1;
    else if (!strcmp(argv[i], "--pack") && i + 1 < argc && n_files < 64)
      files[n_files++] = argv[++i];
    else {
      fprintf(stderr,
              "usage: tone_driver [--no-default] [--evidence] [--pack FILE]... < in.jsonl\n");
      return 2;
    }
  }
  tact_allocator a;
  tact_alloc_resolve(&a, NULL);
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(&a, NULL, &err);
  if (!ld) die("loader", &err);
  tact_pack *packs[65];
  size_t n = 0;
  if (with_default && tact_pack_loader_parse(ld, tact_default_pack_xml, tact_default_pack_xml_len,
                                             "default.xml", 1, &packs[n++], &err) != TACT_OK)
    die("default pack", &err);
  for (size_t i = 0; i < n_files; i++)
    if (tact_pack_loader_parse_file(ld, files[i], &packs[n++], &err) != TACT_OK)
      die(files[i], &err);
  tact_arena ar;
  tact_arena_init(&ar, &a);
  tact_layers layers;
  tact_matcher *m;
  tact_tone_model *tm;
  if (tact_layers_resolve(packs, n, &ar, &layers, &err) != TACT_OK) die("layers", &err);
  if (tact_matcher_compile(&layers, &a, &m, &err) != TACT_OK) die("matcher", &err);
  if (tact_tone_model_build(&layers, m, &a, &tm, &err) != TACT_OK) die("tone model", &err);

  tact_text t;
  tact_match_state st;
  tact_tone tone;
  memset(&t, 0, sizeof t);
  memset(&st, 0, sizeof st);
  memset(&tone, 0, sizeof tone);
  char *line = NULL;
  size_t cap = 0;
  ssize_t got;
  while ((got = getline(&line, &cap, stdin)) >= 0) {
    char *text;
    long len = json_text(line, &text);
    if (len < 0) {
      printf("{\"error\":\"no text\"}\n");
      continue;
    }
    if (tact_text_analyze(&t, &a, text, (size_t)len, TACT_TEXT_REPAIR, &err) != TACT_OK ||
        tact_matcher_scan(m, &t, &a, &st, &err) != TACT_OK ||
        tact_tone_score(tm, m, &t, &st, &a, &tone, &err) != TACT_OK) {
      printf("{\"error\":");
      put_json_string(err.message, strlen(err.message));
      printf("}\n");
      continue;
    }
    print_tone(&t, &tone, with_evidence);
  }
  free(line);
  tact_tone_free(&tone, &a);
  tact_match_state_free(&st, &a);
  tact_text_free(&t, &a);
  tact_tone_model_free(tm, &a);
  tact_matcher_free(m, &a);
  tact_arena_free(&ar);
  for (size_t i = 0; i < n; i++) tact_pack_free(packs[i]);
  tact_pack_loader_free(ld);
  return 0;
}
