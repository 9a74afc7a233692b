/* fuzz_pack.c — libFuzzer target for rule-pack loading: any bytes as a
 * company pack layered over the default pack, then build and one analysis.
 * A rejected pack must come with a message; an accepted one must build or
 * fail cleanly. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tact.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  tact_error err;
  /* Half the runs skip the default pack: loading it dominates a run, and a
   * pack alone reaches the same parser paths several times faster. */
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.flags = (size & 1) ? TACT_CONFIG_NO_DEFAULT_PACK : 0;
  tact_engine *eng = tact_engine_new(&cfg, &err);
  if (!eng) abort();
  tact_status st = tact_engine_add_pack_memory(eng, (const char *)data, size, "fuzz.xml", &err);
  if (st != TACT_OK) {
    if (!err.message[0] || st == TACT_E_INTERNAL) abort();
  } else if (tact_engine_build(eng, &err) == TACT_OK) {
    static const char text[] = "Unfortunately we can't refund this, but I'll call you tomorrow 😊";
    tact_input in;
    tact_input_init(&in);
    in.text = text;
    in.length = sizeof text - 1;
    in.now = 1772812800;
    tact_result *res = tact_analyze(eng, &in, &err);
    if (!res && err.code != TACT_E_NOMEM) abort();
    tact_result_free(res);
  } else if (!err.message[0]) {
    abort();
  }
  tact_engine_free(eng);
  return 0;
}
