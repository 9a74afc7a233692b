/* fuzz_html.c — libFuzzer target for tact_analyze() with TACT_FORMAT_HTML:
 * any bytes as an e-mail body, strict or repair mode, a reused result.
 * Besides crashes and sanitizer reports it checks that every span lies
 * inside tact_result_text(), that the extracted text is no longer than the
 * HTML after repair, and that a failed analysis leaves the result empty. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tact.h"

static tact_engine *engines[2];
static tact_result *results[2];

static tact_engine *engine(int repair) {
  if (!engines[repair]) {
    tact_config cfg;
    tact_config_init(&cfg);
    cfg.flags = repair ? TACT_CONFIG_REPAIR_UTF8 : 0;
    tact_error err;
    engines[repair] = tact_engine_new(&cfg, &err);
    if (!engines[repair] || tact_engine_build(engines[repair], &err) != TACT_OK) abort();
    results[repair] = tact_result_new(engines[repair], &err);
    if (!results[repair]) abort();
  }
  return engines[repair];
}

static void check_span(tact_span s, size_t len) {
  if (s.start >= s.end || s.end > len) abort();
}

static void check(const tact_result *res, size_t len) {
  size_t prev_end = 0;
  for (size_t i = 0; i < tact_result_token_count(res); i++) {
    tact_span s = tact_token_span(res, i);
    check_span(s, len);
    if (s.start < prev_end) abort();
    prev_end = s.end;
  }
  for (size_t i = 0; i < tact_result_sentence_count(res); i++)
    check_span(tact_sentence_span(res, i), len);
  for (size_t i = 0; i < tact_result_match_count(res); i++) check_span(tact_match_span(res, i), len);
  for (size_t i = 0; i < tact_result_time_count(res); i++) check_span(tact_time_span(res, i), len);
  for (size_t i = 0; i < tact_result_promise_count(res); i++)
    check_span(tact_promise_span(res, i), len);
  for (size_t i = 0; i < tact_result_tone_evidence_count(res); i++)
    check_span(tact_tone_evidence_span(res, i), len);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  unsigned ctl = data[0];
  int repair = ctl & 1;
  tact_engine *eng = engine(repair);
  tact_input in;
  tact_input_init(&in);
  in.text = (const char *)data + 1;
  in.length = size - 1;
  in.format = TACT_FORMAT_HTML;
  in.role = (tact_role)((ctl >> 1) % 3);
  in.now = 1772812800; /* fixed: runs must be reproducible */
  tact_error err;
  tact_result *res = results[repair];
  if (tact_analyze_into(eng, &in, res, &err) == TACT_OK) {
    size_t len;
    const char *text = tact_result_text(res, &len);
    if (!text || len > 3 * in.length) abort();
    if (memchr(text, '\0', len)) abort(); /* the extracted text never holds a NUL */
    check(res, len);
    size_t jlen;
    const char *json = tact_result_json(res, 0, &jlen, &err);
    if (!json || strlen(json) != jlen) abort();
  } else if (repair && err.code != TACT_E_NOMEM && err.code != TACT_E_LIMIT) {
    abort(); /* repair mode accepts every byte string */
  } else if (tact_result_token_count(res) != 0) {
    abort(); /* a failed analysis leaves the result empty */
  }
  return 0;
}
