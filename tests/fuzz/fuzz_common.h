/* fuzz_common.h — what the analysis fuzz targets share: one engine per
 * mode (strict / repair) built once, a reused result, and the invariants
 * every analysis must keep whatever the bytes: spans inside the analyzed
 * text and in order, tokens within sentences, intervals with start <= end,
 * JSON of the stated length, repair mode accepting everything, a failed
 * analysis leaving the result empty. The first input byte picks the mode,
 * role, locale and zone, so the corpus reaches every combination. */
#ifndef TACT_FUZZ_COMMON_H
#define TACT_FUZZ_COMMON_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tact.h"

static tact_engine *fuzz_engines[2];
static tact_result *fuzz_results[2];

static tact_engine *fuzz_engine(int repair) {
  if (!fuzz_engines[repair]) {
    tact_config cfg;
    tact_config_init(&cfg);
    cfg.flags = repair ? TACT_CONFIG_REPAIR_UTF8 : 0;
    tact_error err;
    fuzz_engines[repair] = tact_engine_new(&cfg, &err);
    if (!fuzz_engines[repair] || tact_engine_build(fuzz_engines[repair], &err) != TACT_OK) abort();
    fuzz_results[repair] = tact_result_new(fuzz_engines[repair], &err);
    if (!fuzz_results[repair]) abort();
  }
  return fuzz_engines[repair];
}

static void fuzz_check_span(tact_span s, size_t len) {
  if (s.start >= s.end || s.end > len) abort();
}

static void fuzz_check(const tact_result *res, size_t len) {
  size_t prev_end = 0;
  for (size_t i = 0; i < tact_result_token_count(res); i++) {
    tact_span s = tact_token_span(res, i);
    fuzz_check_span(s, len);
    if (s.start < prev_end) abort();
    prev_end = s.end;
    if (tact_token_sentence(res, i) >= tact_result_sentence_count(res)) abort();
  }
  for (size_t i = 0; i < tact_result_sentence_count(res); i++)
    fuzz_check_span(tact_sentence_span(res, i), len);
  for (size_t i = 0; i < tact_result_match_count(res); i++)
    fuzz_check_span(tact_match_span(res, i), len);
  for (size_t i = 0; i < tact_result_time_count(res); i++) {
    fuzz_check_span(tact_time_span(res, i), len);
    if (tact_time_start(res, i) > tact_time_end(res, i)) abort();
  }
  for (size_t i = 0; i < tact_result_promise_count(res); i++)
    fuzz_check_span(tact_promise_span(res, i), len);
  for (size_t i = 0; i < tact_result_tone_evidence_count(res); i++)
    fuzz_check_span(tact_tone_evidence_span(res, i), len);
}

/* Analyzes data[1..size) in `format`; the checks that only hold for one
 * format stay in its target, on the returned result (NULL: analysis failed). */
static const tact_result *fuzz_analyze(const uint8_t *data, size_t size, tact_format format,
                                       size_t *text_len) {
  unsigned ctl = data[0];
  int repair = ctl & 1;
  tact_engine *eng = fuzz_engine(repair);
  tact_input in;
  tact_input_init(&in);
  in.text = (const char *)data + 1;
  in.length = size - 1;
  in.format = format;
  in.role = (tact_role)((ctl >> 1) % 3);
  in.now = 1772812800; /* fixed: runs must be reproducible */
  in.locale = (ctl & 8) ? "en-GB" : "en-US";
  in.time_zone = (ctl & 16) ? "+05:30" : NULL;
  tact_error err;
  tact_result *res = fuzz_results[repair];
  if (tact_analyze_into(eng, &in, res, &err) != TACT_OK) {
    if (repair && err.code != TACT_E_NOMEM && err.code != TACT_E_LIMIT)
      abort(); /* repair mode accepts every byte string */
    if (tact_result_token_count(res) != 0) abort(); /* a failed analysis leaves it empty */
    return NULL;
  }
  const char *text = tact_result_text(res, text_len);
  if (!text) abort();
  fuzz_check(res, *text_len);
  size_t jlen;
  const char *json = tact_result_json(res, 0, &jlen, &err);
  if (!json || strlen(json) != jlen) abort();
  return res;
}

#endif
