/* embed.c — the smallest useful program on libtact: build the default
 * engine once, analyze one text, print the pack phrases it contains. */
#include <stdio.h>
#include <string.h>
#include <tact.h>

int main(int argc, char **argv) {
  const char *msg = argc > 1 ? argv[1] : "Unfortunately we can't refund this, sorry.";
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  if (!eng || tact_engine_build(eng, &err) != TACT_OK) return fprintf(stderr, "%s\n", err.message), 2;
  tact_input in;
  tact_input_init(&in);
  in.text = msg;
  in.length = strlen(msg);
  tact_result *res = tact_analyze(eng, &in, &err);
  if (!res) return fprintf(stderr, "%s\n", err.message), 2;
  for (size_t i = 0; i < tact_result_match_count(res); i++) {
    tact_span s = tact_match_span(res, i);
    printf("%s: %.*s\n", tact_match_lexicon(res, i), (int)(s.end - s.start), msg + s.start);
  }
  tact_result_free(res);
  tact_engine_free(eng);
  return 0;
}
