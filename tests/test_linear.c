/* test_linear.c — analysis and review cost grows linearly with input length
 * on pathological inputs. The work is counted as user-space instructions
 * (perf_event_open), which a busy machine does not change: for 4x the
 * input, at most 5x the instructions. Where the counter is unavailable
 * (no PMU in the VM, perf_event_paranoid), it falls back to time: for 16x
 * the input, at most 40x the time (a quadratic stage would take 256x), the
 * minimum of several interleaved runs, so a busy machine slows both sides
 * alike. Speed targets live in bench/, not here. Each input targets a stage that could go quadratic: repeated
 * phrase starts (matcher), one huge token (tokenizer), all emoji, right-to-
 * left text, combining-mark storms, endless time words and promise cues
 * (timex, promises), a single endless sentence (tone, complaints), and
 * for the review: endless questions, acronyms and sign-offs. */
#define _GNU_SOURCE /* syscall() for perf_event_open */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>
#include <linux/perf_event.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "tact.h"

static double now_sec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A counter of this thread's user-space instructions, or -1. */
static int open_instruction_counter(void) {
  struct perf_event_attr pe;
  memset(&pe, 0, sizeof pe);
  pe.type = PERF_TYPE_HARDWARE;
  pe.size = sizeof pe;
  pe.config = PERF_COUNT_HW_INSTRUCTIONS;
  pe.disabled = 1;
  pe.exclude_kernel = 1;
  pe.exclude_hv = 1;
  return (int)syscall(SYS_perf_event_open, &pe, 0, -1, -1, 0);
}

static int counter_fd = -1;

/* `unit` repeated until `bytes` long (whole units only). */
static char *repeat(const char *unit, size_t bytes, size_t *len) {
  size_t u = strlen(unit), n = bytes / u;
  char *s = malloc(n * u + 1);
  for (size_t i = 0; i < n; i++) memcpy(s + i * u, unit, u);
  s[n * u] = '\0';
  *len = n * u;
  return s;
}

/* One analysis of `text` as a customer message, then one review of it as
 * a reply to itself (every review rule, facts from the customer side). */
static double one_run(const tact_engine *eng, tact_result *res, const char *text, size_t len) {
  tact_input in;
  tact_input_init(&in);
  in.text = text;
  in.length = len;
  in.role = TACT_ROLE_CUSTOMER;
  in.now = 1772812800;
  tact_error err;
  double t0 = now_sec();
  if (counter_fd >= 0) {
    ioctl(counter_fd, PERF_EVENT_IOC_RESET, 0);
    ioctl(counter_fd, PERF_EVENT_IOC_ENABLE, 0);
  }
  if (tact_analyze_into(eng, &in, res, &err) != TACT_OK) fail_msg("analyze: %s", err.message);
  if (tact_review_into(eng, &in, &in, NULL, res, &err) != TACT_OK) fail_msg("review: %s", err.message);
  if (counter_fd >= 0) {
    ioctl(counter_fd, PERF_EVENT_IOC_DISABLE, 0);
    uint64_t count = 0;
    if (read(counter_fd, &count, sizeof count) != (ssize_t)sizeof count) fail_msg("counter read");
    return (double)count;
  }
  return now_sec() - t0;
}

static void test_pathological_inputs_are_linear(void **state) {
  (void)state;
  static const char *const units[] = {
      "we can ",                     /* a phrase start over and over ("we can't ...") */
      "a",                           /* one huge word */
      "\xF0\x9F\x98\x8A\xF0\x9F\x91\x8D\xF0\x9F\x8F\xBD", /* emoji with modifiers */
      "\xD7\xA9\xD7\x9C\xD7\x95\xD7\x9D \xD8\xB3\xD9\x84\xD8\xA7\xD9\x85 ", /* RTL words */
      "e\xCC\x81\xCC\x82\xCC\x83\xCC\x84",                 /* combining-mark storm */
      "in 2 within 3 by ",           /* time words that never complete */
      "I will we'll if you ",        /* promise cues without an end */
      "so very not really sorry but ", /* one endless sentence of tone cues */
      "Why? When? ",                 /* questions to answer, each one checked */
      "ABC DEF (x) ",                /* acronyms, each checked for a definition */
      "Thanks, Maria\n",             /* signature-like lines */
  };
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err);
  assert_non_null(eng);
  assert_int_equal(tact_engine_build(eng, &err), TACT_OK);
  tact_result *res = tact_result_new(eng, &err);
  counter_fd = open_instruction_counter();
  /* Instructions: 4x the input, at most 5x the work. Time: 16x, 40x. */
  size_t small_bytes = counter_fd >= 0 ? 64 * 1024 : 32 * 1024;
  size_t big_bytes = counter_fd >= 0 ? 256 * 1024 : 512 * 1024;
  double limit = counter_fd >= 0 ? 5.0 : 40.0;
  printf("# measuring %s\n", counter_fd >= 0 ? "user-space instructions" : "time");
  for (size_t u = 0; u < sizeof units / sizeof units[0]; u++) {
    size_t small_len, big_len;
    char *small = repeat(units[u], small_bytes, &small_len);
    char *big = repeat(units[u], big_bytes, &big_len);
    one_run(eng, res, big, big_len); /* warm-up: the result grows once */
    double ts = 1e300, tb = 1e300;
    for (int run = 0; run < (counter_fd >= 0 ? 2 : 7); run++) {
      double t = one_run(eng, res, small, small_len);
      if (t < ts) ts = t;
      t = one_run(eng, res, big, big_len);
      if (t < tb) tb = t;
    }
    double ratio = tb / (ts > 1e-6 ? ts : 1e-6);
    double scale = counter_fd >= 0 ? 1e-6 : 1e3; /* millions of instructions, or ms */
    printf("# input %zu: %zu -> %zu bytes, %.2f -> %.2f %s (x%.2f)\n", u, small_len, big_len,
           ts * scale, tb * scale, counter_fd >= 0 ? "M instructions" : "ms", ratio);
    if (ratio > limit)
      fail_msg("input %zu: %.0fx the bytes took %.1fx the %s", u, (double)big_len / (double)small_len,
               ratio, counter_fd >= 0 ? "instructions" : "time");
    free(small);
    free(big);
  }
  if (counter_fd >= 0) close(counter_fd);
  tact_result_free(res);
  tact_engine_free(eng);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_pathological_inputs_are_linear),
  };
  return cmocka_run_group_tests_name("linear", tests, NULL, NULL);
}
