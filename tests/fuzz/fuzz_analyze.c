/* fuzz_analyze.c — libFuzzer target for tact_analyze() on plain text: any
 * bytes, any role, strict or repair mode, a reused result. Besides crashes
 * and sanitizer reports it checks the invariants of fuzz_common.h, and that
 * plain text is analyzed byte for byte as given. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t len;
  const tact_result *res = fuzz_analyze(data, size, TACT_FORMAT_PLAIN, &len);
  if (res && (len != size - 1 || memcmp(tact_result_text(res, &len), data + 1, len) != 0)) abort();
  return 0;
}
