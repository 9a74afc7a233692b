/* fuzz_review.c — libFuzzer target for tact_review(): a customer message
 * and a reply cut from the input (plain or HTML, strict or repair, with or
 * without a name, a profile and rule switches), reviewed into a reused
 * result. Besides crashes and sanitizer reports it checks the analysis
 * invariants of fuzz_common.h on the reply and the review's own: finding
 * spans and fix spans inside the reviewed text, known kinds and
 * severities, a score in 0..100, JSON of the stated length, and a failed
 * review leaving no findings. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 2) return 0;
  unsigned ctl = data[0];
  int repair = ctl & 1;
  tact_engine *eng = fuzz_engine(repair);
  tact_result *res = fuzz_results[repair];
  size_t body = size - 2, cut = body * data[1] / 255;
  tact_input customer, reply;
  tact_input_init(&customer);
  customer.text = (const char *)data + 2;
  customer.length = cut;
  customer.now = 1772812800;
  reply = customer;
  reply.text = (const char *)data + 2 + cut;
  reply.length = body - cut;
  reply.format = (ctl & 2) ? TACT_FORMAT_HTML : TACT_FORMAT_PLAIN;
  static const char *const profiles[] = {NULL, "chat", "email", "social", "formal"};
  static const char *const rules[] = {"say-no", "robotic", "answer-questions", "use-name"};
  tact_review_context ctx;
  tact_review_context_init(&ctx);
  ctx.customer_name = (ctl & 4) ? "Zo\xC3\xAB" : NULL;
  ctx.profile = profiles[(ctl >> 3) % 5];
  if (ctl & 0x80) {
    ctx.disable = rules;
    ctx.n_disable = 2;
  } else if (ctl & 0x40) {
    ctx.only = rules + 2;
    ctx.n_only = 2;
  }
  tact_error err;
  if (tact_review_into(eng, (ctl & 0x20) ? NULL : &customer, &reply, &ctx, res, &err) != TACT_OK) {
    if (repair && err.code != TACT_E_NOMEM && err.code != TACT_E_LIMIT) abort();
    if (tact_result_finding_count(res) || tact_result_score(res) != -1) abort();
    return 0;
  }
  size_t len;
  if (!tact_result_text(res, &len)) abort();
  fuzz_check(res, len);
  int score = tact_result_score(res);
  if (score < 0 || score > 100) abort();
  if (!(ctl & 0x20) != (tact_result_customer(res) != NULL)) abort();
  for (size_t i = 0; i < tact_result_finding_count(res); i++) {
    tact_span s;
    if (!tact_finding_rule(res, i) || !tact_finding_message(res, i) ||
        !tact_finding_evidence(res, i) || !tact_finding_suggestion(res, i))
      abort();
    if ((unsigned)tact_finding_kind_of(res, i) > TACT_FINDING_GOOD ||
        (unsigned)tact_finding_severity(res, i) > TACT_SEVERITY_ERROR)
      abort();
    double c = tact_finding_confidence(res, i);
    if (!(c >= 0 && c <= 1)) abort();
    if (tact_finding_span(res, i, &s)) fuzz_check_span(s, len);
    if (tact_finding_fix(res, i, &s) && (s.start > s.end || s.end > len)) abort();
  }
  size_t jlen;
  const char *json = tact_result_json(res, 0, &jlen, &err);
  if (!json || strlen(json) != jlen) abort();
  return 0;
}
