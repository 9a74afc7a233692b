/* examples.c — a rule's <example>s as tests: each is reviewed with only its
 * rule enabled and must agree with its type (fires / quiet) and its fix.
 * Used by strict engines at build, by `tact pack test` and by the test
 * suite for the default pack. */
#include <stdio.h>
#include <string.h>

#include "engine.h"
#include "error.h"

/* The reference time of every example: Monday 2026-03-02 10:00 UTC, so
 * business-day arithmetic in examples never depends on the day tests run. */
#define EXAMPLE_NOW 1772445600

size_t tact_engine_example_count(const tact_engine *eng) {
  if (!eng || !eng->built) return 0;
  size_t n = 0;
  for (size_t r = 0; r < eng->layers.n_rules; r++) n += eng->layers.rules[r].n_examples;
  return n;
}

/* A finding of the rule in `res` that "fires" means. */
static int rule_fired(const tact_result *res, const tact_rule *rule) {
  int is_do = strcmp(rule->kind, "do") == 0, has_when = 0;
  for (size_t c = 0; c < rule->n_clauses; c++) has_when |= rule->clauses[c]->type == TACT_CLAUSE_WHEN;
  tact_finding_kind want = !is_do ? TACT_FINDING_VIOLATION
                           : has_when ? TACT_FINDING_MISSING
                                      : TACT_FINDING_GOOD;
  for (size_t i = 0; i < tact_result_finding_count(res); i++)
    if (tact_finding_kind_of(res, i) == want && !strcmp(tact_finding_rule(res, i), rule->id))
      return 1;
  return 0;
}

/* What the review found, for the failure message: "say-no (violation),
 * apologize (missing)" or "nothing". */
static void describe(const tact_result *res, char *buf, size_t cap) {
  size_t used = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < tact_result_finding_count(res) && used + 1 < cap; i++) {
    int k = snprintf(buf + used, cap - used, "%s%s (%s)", used ? ", " : "", tact_finding_rule(res, i),
                     tact_finding_kind_name(tact_finding_kind_of(res, i)));
    if (k < 0) break;
    used += (size_t)k < cap - used ? (size_t)k : cap - used - 1;
  }
  if (!used) snprintf(buf, cap, "nothing");
}

tact_status tact_engine_run_example(const tact_engine *eng, size_t i, tact_error *err) {
  if (!eng || !eng->built)
    return tact_fail(err, eng ? TACT_E_STATE : TACT_E_ARG, "%s",
                     eng ? "engine is not built" : "engine is NULL");
  const tact_rule *rule = NULL;
  size_t k = i;
  for (size_t r = 0; r < eng->layers.n_rules && !rule; r++) {
    if (k < eng->layers.rules[r].n_examples) rule = &eng->layers.rules[r];
    else k -= eng->layers.rules[r].n_examples;
  }
  if (!rule)
    return tact_fail(err, TACT_E_ARG, "example %zu does not exist (the engine has %zu)", i,
                     tact_engine_example_count(eng));
  const tact_pack_example *ex = rule->examples[k];
  const char *source = rule->example_sources[k];
  tact_input reply, customer;
  tact_input_init(&reply);
  reply.text = ex->text;
  reply.length = strlen(ex->text);
  reply.now = EXAMPLE_NOW;
  customer = reply;
  customer.text = ex->customer;
  customer.length = ex->customer ? strlen(ex->customer) : 0;
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  const char *only[1] = {rule->id};
  ctx.only = only;
  ctx.n_only = 1;
  tact_error inner;
  tact_result *res = tact_review(eng, ex->customer ? &customer : NULL, &reply, &ctx, &inner);
  if (!res)
    return tact_fail_pack(err, inner.code == TACT_E_NOMEM ? TACT_E_NOMEM : TACT_E_PACK, source,
                          ex->line, 0, "%s:%u: rule '%s': example cannot be reviewed: %s", source,
                          ex->line, rule->id, inner.message);
  tact_status st = TACT_OK;
  int fired = rule_fired(res, rule);
  char found[160];
  const char *fixed = NULL;
  if (fired != (ex->type == TACT_EXAMPLE_FIRES)) {
    describe(res, found, sizeof found);
    st = tact_fail_pack(err, TACT_E_PACK, source, ex->line, 0,
                        "%s:%u: rule '%s' should %s on its example \"%.80s\"; the review found %s",
                        source, ex->line, rule->id, fired ? "stay quiet" : "fire", ex->text, found);
  } else if (ex->fix && (!(fixed = tact_result_fixed_text(res, NULL, &inner)) ||
                         strcmp(fixed, ex->fix) != 0)) {
    st = tact_fail_pack(err, TACT_E_PACK, source, ex->line, 0,
                        "%s:%u: rule '%s': the fixed example is \"%.80s\", not \"%.80s\"", source,
                        ex->line, rule->id, fixed ? fixed : inner.message, ex->fix);
  }
  tact_result_free(res);
  return st;
}
