/* guard.c — a pre-send guard: reads a chat transcript (JSONL, one
 * {"role": "customer"|"agent", "text": ..., "name": ...} per line) and, for
 * each agent message, prints the warnings and errors the agent would have
 * seen before sending it, reviewed against the customer's latest message.
 * Exit 1 if any message would have been held back (an error finding).
 *
 *   tact-guard [--profile chat] transcript.jsonl */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jsonl.h"
#include "tact.h"

static void show(const tact_result *res, size_t lineno) {
  size_t len;
  const char *text = tact_result_text(res, &len);
  int shown = 0;
  for (size_t i = 0; i < tact_result_finding_count(res); i++) {
    tact_severity sev = tact_finding_severity(res, i);
    if (tact_finding_kind_of(res, i) == TACT_FINDING_GOOD || sev == TACT_SEVERITY_INFO) continue;
    if (!shown++) printf("line %zu (score %d):\n", lineno, tact_result_score(res));
    tact_span sp;
    if (tact_finding_span(res, i, &sp))
      printf("  %-7s %s \"%.*s\": %s\n", tact_severity_name(sev), tact_finding_rule(res, i),
             (int)(sp.end - sp.start), text + sp.start, tact_finding_suggestion(res, i));
    else
      printf("  %-7s missing %s: %s\n", tact_severity_name(sev), tact_finding_rule(res, i),
             tact_finding_suggestion(res, i));
  }
}

int main(int argc, char **argv) {
  const char *path = NULL, *profile = NULL;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--profile") && i + 1 < argc) profile = argv[++i];
    else path = argv[i];
  }
  FILE *f = path ? fopen(path, "rb") : stdin;
  if (!f) return fprintf(stderr, "tact-guard: cannot open %s: %s\n", path, strerror(errno)), 2;
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  if (!eng || tact_engine_build(eng, &err) != TACT_OK)
    return fprintf(stderr, "tact-guard: %s\n", err.message), 2;
  tact_result *res = tact_result_new(eng, &err);
  char *line = NULL, *customer = NULL, *name = NULL;
  size_t cap = 0, lineno = 0, customer_len = 0, held = 0;
  int rc = 0;
  while (res && getline(&line, &cap, f) >= 0) {
    lineno++;
    size_t rlen, tlen, nlen;
    char *role = jsonl_member(line, "role", &rlen), *text = jsonl_member(line, "text", &tlen);
    char *who = jsonl_member(line, "name", &nlen);
    if (!role || !text) {
      if (line[strspn(line, " \t\r\n")]) fprintf(stderr, "tact-guard: line %zu: no role or text\n", lineno), rc = 2;
    } else if (!strcmp(role, "customer")) { /* the message the next replies answer */
      free(customer);
      customer = text, customer_len = tlen, text = NULL;
      if (who) free(name), name = who, who = NULL;
    } else {
      tact_input c, r;
      tact_input_init(&c);
      c.text = customer, c.length = customer_len;
      tact_input_init(&r);
      r.text = text, r.length = tlen;
      tact_review_context ctx;
      tact_review_context_init(&ctx);
      ctx.customer_name = name;
      ctx.profile = profile;
      if (tact_review_into(eng, customer ? &c : NULL, &r, &ctx, res, &err) != TACT_OK) {
        fprintf(stderr, "tact-guard: line %zu: %s\n", lineno, err.message);
        rc = 2;
      } else {
        show(res, lineno);
        for (size_t i = 0; i < tact_result_finding_count(res); i++)
          if (tact_finding_kind_of(res, i) != TACT_FINDING_GOOD &&
              tact_finding_severity(res, i) == TACT_SEVERITY_ERROR) {
            held++;
            break;
          }
      }
    }
    free(role), free(text), free(who);
  }
  printf("%zu agent message%s would have been held back\n", held, held == 1 ? "" : "s");
  free(line), free(customer), free(name);
  tact_result_free(res);
  tact_engine_free(eng);
  if (f != stdin) fclose(f);
  return rc ? rc : held ? 1 : 0;
}
