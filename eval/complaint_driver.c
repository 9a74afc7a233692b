/* complaint_driver.c — classifies many customer messages in one process for
 * eval/complaints.py and eval/intents.py: one JSON object per input line,
 * {"text": "..."}, in; one JSON object per line out:
 *
 *   {"is_complaint": true, "probability": 0.93,
 *    "categories": [["refund-return", 0.61], ...],
 *    "outcome": "refund", "threats": {"escalation": null,
 *    "churn": [start, end], "public": [start, end]}, "severity": 3,
 *    "anger": 0.4, "sentiment": -0.7}
 *
 * An empty or unparsable line gives {"error": "..."} so output lines stay
 * aligned with input lines.
 *
 * usage: complaint_driver [--pack FILE]... < in.jsonl > out.jsonl
 *
 * It uses the public API only (the built-in packs compiled in, further
 * packs layered from files in the order given), as `tact classify --jsonl`
 * will; eval/complaints.py builds it from the sources in lib/ with gcc. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tact.h"

static void die(const char *what, const char *detail) {
  fprintf(stderr, "complaint_driver: %s: %s\n", what, detail ? detail : "");
  exit(2);
}

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

/* Decodes the JSON string after the opening quote at p into out (in place
 * is fine: the decoded form is never longer). Returns its length or -1. */
static long json_string(const char *p, char *out) {
  size_t o = 0;
  while (*p && *p != '"') {
    if (*p != '\\') {
      out[o++] = *p++;
      continue;
    }
    p++;
    unsigned long cp;
    switch (*p) {
    case 'n': out[o++] = '\n'; break;
    case 't': out[o++] = '\t'; break;
    case 'r': out[o++] = '\r'; break;
    case 'b': out[o++] = '\b'; break;
    case 'f': out[o++] = '\f'; break;
    case '"': case '\\': case '/': out[o++] = *p; break;
    case 'u':
      if (hex4(p + 1, &cp)) return -1;
      p += 4;
      if (cp >= 0xD800 && cp < 0xDC00 && p[1] == '\\' && p[2] == 'u') {
        unsigned long lo;
        if (hex4(p + 3, &lo)) return -1;
        if (lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          p += 6;
        }
      }
      if (cp >= 0xD800 && cp < 0xE000) cp = 0xFFFD;
      o += put_utf8(out + o, cp);
      break;
    default: return -1;
    }
    p++;
  }
  return *p == '"' ? (long)o : -1;
}

/* The "text" member of a one-line JSON object, decoded in place. */
static long text_member(char *line) {
  char *k = strstr(line, "\"text\"");
  if (!k) return -1;
  char *p = k + 6;
  while (*p == ' ' || *p == '\t') p++;
  if (*p++ != ':') return -1;
  while (*p == ' ' || *p == '\t') p++;
  if (*p != '"') return -1;
  long n = json_string(p + 1, line);
  return n;
}

static void print_string(const char *s) {
  putchar('"');
  for (; *s; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') printf("\\%c", c);
    else if (c < 0x20) printf("\\u%04x", c);
    else putchar(c);
  }
  putchar('"');
}

static void print_result(const tact_result *res) {
  printf("{\"is_complaint\": %s, \"probability\": %.6f, \"categories\": [",
         tact_result_is_complaint(res) ? "true" : "false", tact_result_complaint_probability(res));
  for (size_t i = 0; i < tact_result_category_count(res); i++) {
    double score;
    const char *name = tact_result_category(res, i, &score);
    printf("%s[", i ? ", " : "");
    print_string(name ? name : "");
    printf(", %.6f]", score);
  }
  printf("], \"outcome\": ");
  print_string(tact_result_requested_outcome(res));
  static const char *const names[] = {"escalation", "churn", "public"};
  printf(", \"threats\": {");
  for (int t = 0; t < 3; t++) {
    tact_span sp;
    printf("%s\"%s\": ", t ? ", " : "", names[t]);
    if (tact_result_threat(res, (tact_threat)t, &sp)) printf("[%zu, %zu]", sp.start, sp.end);
    else printf("null");
  }
  printf("}, \"severity\": %d, \"anger\": %.6f, \"sentiment\": %.6f}\n",
         tact_result_severity(res), tact_result_tone(res, TACT_TONE_ANGER),
         tact_result_tone(res, TACT_TONE_SENTIMENT));
}

int main(int argc, char **argv) {
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  if (!eng) die("engine", err.message);
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--pack") == 0 && i + 1 < argc) {
      if (tact_engine_add_pack_file(eng, argv[++i], &err) != TACT_OK) die("pack", err.message);
    } else {
      fprintf(stderr, "usage: complaint_driver [--pack FILE]... < in.jsonl\n");
      return 2;
    }
  }
  if (tact_engine_build(eng, &err) != TACT_OK) die("build", err.message);
  tact_result *res = tact_result_new(eng, &err);
  if (!res) die("result", err.message);
  size_t cap = 1 << 16;
  char *line = malloc(cap);
  if (!line) die("memory", NULL);
  for (;;) {
    size_t n = 0;
    int c;
    while ((c = getchar()) != EOF && c != '\n') {
      if (n + 1 >= cap) {
        char *bigger = realloc(line, cap *= 2);
        if (!bigger) die("memory", NULL);
        line = bigger;
      }
      line[n++] = (char)c;
    }
    if (c == EOF && n == 0) break;
    line[n] = '\0';
    long len = text_member(line);
    if (len < 0) {
      printf("{\"error\": \"no text member\"}\n");
      continue;
    }
    tact_input in;
    tact_input_init(&in);
    in.text = line;
    in.length = (size_t)len;
    in.role = TACT_ROLE_CUSTOMER;
    if (tact_analyze_into(eng, &in, res, &err) != TACT_OK) {
      printf("{\"error\": ");
      print_string(err.message);
      printf("}\n");
      continue;
    }
    print_result(res);
  }
  free(line);
  tact_result_free(res);
  tact_engine_free(eng);
  return 0;
}
