/* review_threads.c — the embedding pattern for servers: one engine built
 * once and shared read-only by every thread, one reusable result per
 * thread, a review per message (no allocation once the result has grown).
 *
 *   review-threads [THREADS] */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tact.h"

static const char *const conversation[][2] = {
    {"My parcel is two weeks late. Where is it?", "We can't track it. Please wait."},
    {"I was charged twice this month!", "Sorry about that! I've refunded the second charge; "
                                        "you'll see it within 3 business days."},
    {"Can I change my delivery address? - Sam", "Hi Sam, thanks for asking! Yes, reply with the new one."},
};

typedef struct job {
  const tact_engine *eng;
  int id, reviews;
  long score_sum;
} job;

static void *worker(void *arg) {
  job *j = arg;
  tact_error err;
  tact_result *res = tact_result_new(j->eng, &err); /* one per thread, reused */
  for (int round = 0; res && round < 300; round++) {
    const char *const *turn = conversation[(round + j->id) % 3];
    tact_input customer, reply;
    tact_input_init(&customer);
    customer.text = turn[0], customer.length = strlen(turn[0]);
    tact_input_init(&reply);
    reply.text = turn[1], reply.length = strlen(turn[1]);
    if (tact_review_into(j->eng, &customer, &reply, NULL, res, &err) != TACT_OK) break;
    j->reviews++;
    j->score_sum += tact_result_score(res);
  }
  tact_result_free(res);
  return NULL;
}

int main(int argc, char **argv) {
  int n = argc > 1 ? atoi(argv[1]) : 4;
  if (n < 1 || n > 64) n = 4;
  tact_error err;
  tact_engine *eng = tact_engine_new(NULL, &err); /* build once ... */
  if (!eng || tact_engine_build(eng, &err) != TACT_OK) return fprintf(stderr, "%s\n", err.message), 2;
  pthread_t tid[64];
  job jobs[64];
  for (int i = 0; i < n; i++) {
    jobs[i] = (job){eng, i, 0, 0};
    pthread_create(&tid[i], NULL, worker, &jobs[i]); /* ... share everywhere */
  }
  int total = 0;
  long sum = 0;
  for (int i = 0; i < n; i++) {
    pthread_join(tid[i], NULL);
    total += jobs[i].reviews;
    sum += jobs[i].score_sum;
  }
  printf("%d threads, %d reviews, mean score %.1f\n", n, total, total ? (double)sum / total : 0.0);
  tact_engine_free(eng);
  return total == n * 300 ? 0 : 1;
}
