/* tact-bench.c — throughput, latency and memory of libtact, per stage, on
 * corpora generated deterministically (same bytes every run, every machine):
 * short chat messages (~120 bytes), e-mails (~2 KB) and one 10 MB document.
 * Prints a table for people and one JSON line for scripts.
 *
 *   tact-bench [--runs N] [--quick] [--file PATH]
 *
 * Figures are medians over N runs; latency percentiles are per message.
 * Speed targets live here, not in unit tests (shared machines are noisy). */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

#include "engine.h"
#include "match.h"
#include "tact.h"
#include "text.h"

static double now_sec(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* xorshift64*: the corpus must be the same on every run. */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state >> 12;
  rng_state ^= rng_state << 25;
  rng_state ^= rng_state >> 27;
  return rng_state * 2685821657736338717ull;
}

static const char *const fragments[] = {
    "Hi Maria, thanks for reaching out!", "I'm so sorry to hear the phone stopped working.",
    "Unfortunately we can't refund it after 30 days,", "but I'll send a replacement within 3-5 business days.",
    "Your order #58213 shipped yesterday and should arrive by Friday.", "Please let us know if there's anything else!",
    "You should have read the return policy.", "We apologize for any inconvenience caused.",
    "Our team will follow up tomorrow at 10am 😊", "This is the worst service ever!!!",
    "I was charged twice and nobody answers my emails.", "Can I speak to your manager?",
    "The battery dies by lunchtime and the app freezes.", "I understand how frustrating this must be.",
    "As per our policy, refunds take up to 10 days.", "Check https://example.com/help or mail help@example.com",
    "We’ll get back to you ASAP — promise.", "Is there a fee for early cancellation?",
};
#define N_FRAG (sizeof fragments / sizeof fragments[0])

/* Appends fragments until `target` bytes; returns the length. */
static size_t make_text(char *buf, size_t target) {
  size_t n = 0;
  while (n < target) {
    const char *f = fragments[rnd() % N_FRAG];
    size_t len = strlen(f);
    if (n + len + 1 > target && n > 0) break;
    memcpy(buf + n, f, len);
    n += len;
    buf[n++] = ' ';
  }
  return n ? n - 1 : 0;
}

typedef struct corpus {
  const char *name;
  char **texts;
  size_t *lens;
  size_t count, bytes;
} corpus;

static corpus make_corpus(const char *name, size_t count, size_t size) {
  corpus c = {name, malloc(count * sizeof(char *)), malloc(count * sizeof(size_t)), count, 0};
  for (size_t i = 0; i < count; i++) {
    c.texts[i] = malloc(size + 256);
    c.lens[i] = make_text(c.texts[i], size);
    c.bytes += c.lens[i];
  }
  return c;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static double median(double *v, int n) {
  qsort(v, (size_t)n, sizeof *v, cmp_double);
  return v[n / 2];
}

typedef enum stage { STAGE_TOKENIZE, STAGE_MATCH, STAGE_ANALYZE, STAGE_REVIEW, STAGE_DRAFTS } stage;
#define N_STAGES 5
/* review: each message as an agent's reply to the one before it (both are
 * analyzed). drafts: eight replies in a row to one customer message, as an
 * editor checking every draft (the customer's analysis is reused). */
#define DRAFTS 8
static const char *const stage_names[] = {"tokenize", "match", "analyze", "review", "drafts"};

typedef struct run_ctx {
  const tact_engine *eng;
  const corpus *c;
  stage st;
  double *latencies; /* per message, or NULL */
} run_ctx;

/* One pass over the corpus at one stage; returns seconds. */
static double run_stage(run_ctx *r) {
  tact_error err;
  tact_text t;
  memset(&t, 0, sizeof t);
  tact_match_state ms;
  memset(&ms, 0, sizeof ms);
  tact_result *res = tact_result_new(r->eng, &err);
  const tact_allocator *a = &r->eng->alloc;
  double start = now_sec();
  for (size_t i = 0; i < r->c->count; i++) {
    double t0 = r->latencies ? now_sec() : 0;
    if (r->st == STAGE_TOKENIZE || r->st == STAGE_MATCH) {
      if (tact_text_analyze(&t, a, r->c->texts[i], r->c->lens[i], 0, &err) != TACT_OK) abort();
      if (r->st == STAGE_MATCH && tact_matcher_scan(r->eng->matcher, &t, a, &ms, &err) != TACT_OK)
        abort();
    } else {
      tact_input in, prev;
      tact_input_init(&in);
      in.text = r->c->texts[i];
      in.length = r->c->lens[i];
      in.now = 1772812800;
      prev = in;
      size_t ci = r->st == STAGE_DRAFTS ? (i - i % DRAFTS + r->c->count - 1) % r->c->count
                                        : (i + r->c->count - 1) % r->c->count;
      prev.text = r->c->texts[ci];
      prev.length = r->c->lens[ci];
      if (r->st == STAGE_REVIEW || r->st == STAGE_DRAFTS) {
        if (tact_review_into(r->eng, &prev, &in, NULL, res, &err) != TACT_OK) abort();
      } else if (tact_analyze_into(r->eng, &in, res, &err) != TACT_OK) {
        abort();
      }
    }
    if (r->latencies) r->latencies[i] = now_sec() - t0;
  }
  double secs = now_sec() - start;
  tact_text_free(&t, a);
  tact_match_state_free(&ms, a);
  tact_result_free(res);
  return secs;
}

static void *thread_run(void *arg) {
  run_stage(arg);
  return NULL;
}

/* Wall time for `threads` threads each doing a full pass. */
static double run_threads(const tact_engine *eng, const corpus *c, int threads) {
  pthread_t th[8];
  run_ctx ctx[8];
  double start = now_sec();
  for (int i = 0; i < threads; i++) {
    ctx[i] = (run_ctx){eng, c, STAGE_ANALYZE, NULL};
    pthread_create(&th[i], NULL, thread_run, &ctx[i]);
  }
  for (int i = 0; i < threads; i++) pthread_join(th[i], NULL);
  return now_sec() - start;
}

static size_t allocs;
static void *count_malloc(void *u, size_t n) { (void)u; allocs++; return malloc(n); }
static void *count_realloc(void *u, void *p, size_t n) { (void)u; allocs++; return realloc(p, n); }
static void count_free(void *u, void *p) { (void)u; free(p); }

static tact_engine *build_engine(const tact_allocator *a, double *secs) {
  tact_config cfg;
  tact_config_init(&cfg);
  if (a) cfg.allocator = *a;
  tact_error err;
  double t0 = now_sec();
  tact_engine *eng = tact_engine_new(&cfg, &err);
  if (!eng || tact_engine_build(eng, &err) != TACT_OK) {
    fprintf(stderr, "tact-bench: %s\n", err.message);
    exit(2);
  }
  if (secs) *secs = now_sec() - t0;
  return eng;
}

/* Allocations per message once one reused result has seen the corpus. */
static double allocs_per_message(const corpus *c, int review) {
  tact_allocator a = {count_malloc, count_realloc, count_free, NULL};
  tact_engine *eng = build_engine(&a, NULL);
  tact_error err;
  tact_result *res = tact_result_new(eng, &err);
  tact_input in;
  tact_input_init(&in);
  in.now = 1772812800;
  for (int pass = 0; pass < 2; pass++) {
    if (pass == 1) allocs = 0;
    for (size_t i = 0; i < c->count; i++) {
      in.text = c->texts[i];
      in.length = c->lens[i];
      tact_input prev = in;
      prev.text = c->texts[i ? i - 1 : c->count - 1];
      prev.length = c->lens[i ? i - 1 : c->count - 1];
      tact_status st = review ? tact_review_into(eng, &prev, &in, NULL, res, &err)
                              : tact_analyze_into(eng, &in, res, &err);
      if (st != TACT_OK) abort();
    }
  }
  double per = (double)allocs / (double)c->count;
  tact_result_free(res);
  tact_engine_free(eng);
  return per;
}

int main(int argc, char **argv) {
  int runs = 5, quick = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--runs") && i + 1 < argc) runs = atoi(argv[++i]);
    else if (!strcmp(argv[i], "--quick")) quick = 1;
    else {
      fprintf(stderr, "usage: tact-bench [--runs N] [--quick]\n");
      return 2;
    }
  }
  if (runs < 1 || runs > 99) runs = 5;
  corpus corpora[3] = {make_corpus("chat-120B", quick ? 2000 : 20000, 120),
                       make_corpus("email-2KB", quick ? 200 : 2000, 2048),
                       make_corpus("doc-10MB", 1, quick ? (1u << 20) : (10u << 20))};
  double build_times[99];
  tact_engine *eng = NULL;
  for (int r = 0; r < runs; r++) {
    if (eng) tact_engine_free(eng);
    eng = build_engine(NULL, &build_times[r]);
  }
  double build_ms = median(build_times, runs) * 1e3;

  printf("%-10s %-9s %10s %12s %10s %10s\n", "corpus", "stage", "MB/s", "msgs/s", "p50 us", "p99 us");
  char json[8192];
  size_t jn = 0;
  double per_byte_short = 0, per_byte_doc = 0;
  for (int ci = 0; ci < 3; ci++) {
    corpus *c = &corpora[ci];
    for (int st = 0; st < N_STAGES; st++) {
      if (st == STAGE_DRAFTS && c->count < DRAFTS) continue;
      double secs[99];
      double *lat = malloc(c->count * sizeof(double));
      for (int r = 0; r < runs; r++) {
        run_ctx rc = {eng, c, (stage)st, r == runs - 1 ? lat : NULL};
        secs[r] = run_stage(&rc);
      }
      double med = median(secs, runs);
      qsort(lat, c->count, sizeof *lat, cmp_double);
      double p50 = lat[c->count / 2] * 1e6, p99 = lat[c->count * 99 / 100] * 1e6;
      double mbs = (double)c->bytes / med / 1e6, mps = (double)c->count / med;
      printf("%-10s %-9s %10.1f %12.0f %10.1f %10.1f\n", c->name, stage_names[st], mbs, mps, p50, p99);
      jn += (size_t)snprintf(json + jn, sizeof json - jn,
                             ",\"%s_%s\":{\"mb_s\":%.2f,\"msgs_s\":%.0f,\"p50_us\":%.2f,\"p99_us\":%.2f}",
                             c->name, stage_names[st], mbs, mps, p50, p99);
      if (st == STAGE_ANALYZE && ci == 0) per_byte_short = med / (double)c->bytes;
      if (st == STAGE_ANALYZE && ci == 2) per_byte_doc = med / (double)c->bytes;
      free(lat);
    }
  }
  double t1 = run_threads(eng, &corpora[0], 1), t2 = run_threads(eng, &corpora[0], 2);
  double scaling = 2 * t1 / t2;
  double apm = allocs_per_message(&corpora[0], 0), apm_review = allocs_per_message(&corpora[0], 1);
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  printf("\nengine build (default pack): %.2f ms (median of %d)\n", build_ms, runs);
  printf("10 MB document vs short messages, cost per byte: %.2fx\n", per_byte_doc / per_byte_short);
  printf("2 threads sharing one engine: %.2fx the throughput of 1\n", scaling);
  printf("allocations per message after warm-up (reused result): %.3f analyze, %.3f review\n", apm,
         apm_review);
  printf("peak RSS: %ld KiB\n", ru.ru_maxrss);
  printf("{\"bench\":\"tact\",\"version\":\"%s\",\"runs\":%d,\"engine_build_ms\":%.3f%s,"
         "\"doc_vs_short_per_byte\":%.3f,\"two_thread_scaling\":%.3f,"
         "\"allocs_per_message\":%.3f,\"allocs_per_review\":%.3f,\"peak_rss_kib\":%ld}\n",
         tact_version_string(), runs, build_ms, json, per_byte_doc / per_byte_short, scaling, apm,
         apm_review, ru.ru_maxrss);
  tact_engine_free(eng);
  for (int ci = 0; ci < 3; ci++) {
    for (size_t i = 0; i < corpora[ci].count; i++) free(corpora[ci].texts[i]);
    free(corpora[ci].texts);
    free(corpora[ci].lens);
  }
  return 0;
}
