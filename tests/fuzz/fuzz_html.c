/* fuzz_html.c — libFuzzer target for tact_analyze() with TACT_FORMAT_HTML:
 * any bytes as an e-mail body, strict or repair mode, a reused result.
 * Besides crashes and sanitizer reports it checks that every span lies
 * inside tact_result_text(), that the extracted text is no longer than the
 * HTML after repair, and that a failed analysis leaves the result empty. */
#include "fuzz_common.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size < 1) return 0;
  size_t len;
  const tact_result *res = fuzz_analyze(data, size, TACT_FORMAT_HTML, &len);
  if (!res) return 0;
  if (len > 3 * (size - 1)) abort(); /* no longer than the HTML after repair */
  if (memchr(tact_result_text(res, &len), '\0', len)) abort(); /* never holds a NUL */
  return 0;
}
