/* test_html.c — HTML e-mail input through the public API (in.format =
 * TACT_FORMAT_HTML): visible text and block breaks, entities, hidden
 * elements, quoted replies from Gmail, Outlook, Apple Mail and
 * Thunderbird, signatures, spans into tact_result_text(), sentences,
 * malformed markup, bad bytes, deep nesting, a large body, reuse without
 * allocation, and silence on stderr. Fixtures: TACT_TEST_DATA_DIR/html. */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <cmocka.h>

#include "counting_alloc.h"
#include "tact.h"

#ifndef TACT_TEST_DATA_DIR
#define TACT_TEST_DATA_DIR "tests/data"
#endif
#define HTML_DIR TACT_TEST_DATA_DIR "/html/"

static tact_engine *engine_with(unsigned flags) {
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.flags = flags;
  tact_error err;
  tact_engine *eng = tact_engine_new(&cfg, &err);
  if (!eng || tact_engine_build(eng, &err) != TACT_OK) fail_msg("engine: %s", err.message);
  return eng;
}

static int setup(void **state) {
  *state = engine_with(0);
  return 0;
}

static int teardown(void **state) {
  tact_engine_free(*state);
  return 0;
}

static tact_result *analyze_html(const tact_engine *eng, const char *html, size_t len) {
  tact_input in;
  tact_input_init(&in);
  in.text = html;
  in.length = len;
  in.format = TACT_FORMAT_HTML;
  tact_error err;
  tact_result *res = tact_analyze(eng, &in, &err);
  if (!res) fail_msg("analyze: %s", err.message);
  return res;
}

/* The extracted text of `html`, NUL-terminated, for the caller to free. */
static char *text_of(const tact_engine *eng, const char *html) {
  tact_result *res = analyze_html(eng, html, strlen(html));
  size_t len;
  const char *t = tact_result_text(res, &len);
  char *copy = malloc(len + 1);
  assert_non_null(copy);
  memcpy(copy, t, len);
  copy[len] = '\0';
  tact_result_free(res);
  return copy;
}

static char *read_fixture(const char *name, size_t *len) {
  char path[512];
  snprintf(path, sizeof path, HTML_DIR "%s", name);
  FILE *f = fopen(path, "rb");
  if (!f) fail_msg("cannot open %s", path);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)n + 1);
  assert_non_null(buf);
  assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
  fclose(f);
  buf[n] = '\0';
  *len = (size_t)n;
  return buf;
}

static char *fixture_text(const tact_engine *eng, const char *name) {
  size_t len;
  char *html = read_fixture(name, &len);
  char *text = text_of(eng, html);
  free(html);
  return text;
}

#define assert_contains(hay, needle)                                                             \
  do {                                                                                           \
    if (!strstr((hay), (needle))) fail_msg("'%s' not in:\n%s", (needle), (hay));                 \
  } while (0)
#define assert_lacks(hay, needle)                                                                \
  do {                                                                                           \
    if (strstr((hay), (needle))) fail_msg("'%s' unexpectedly in:\n%s", (needle), (hay));         \
  } while (0)

static void test_visible_text_and_blocks(void **state) {
  char *t = text_of(*state, "<html><body><h1>Order   update</h1><p>Hello <b>Ana</b>,</p>"
                            "<div>line one<br>line two</div><ul><li>first</li><li>second</li>"
                            "</ul><table><tr><td>Item</td><td>Qty</td></tr><tr><td>Lid</td>"
                            "<td>1</td></tr></table></body></html>");
  assert_string_equal(t, "Order update\n\nHello Ana,\n\nline one\nline two\n\nfirst\nsecond\n\n"
                         "Item Qty\nLid 1");
  free(t);
}

static void test_entities(void **state) {
  char *t = text_of(*state, "<p>Tom&nbsp;&amp;&nbsp;Jerry&#8217;s caf&eacute; &lt;3 &#x1F600;</p>");
  assert_string_equal(t, "Tom & Jerry\xE2\x80\x99s caf\xC3\xA9 <3 \xF0\x9F\x98\x80");
  free(t);
}

static void test_hidden_dropped(void **state) {
  char *t = text_of(*state, "<html><head><title>Secret title</title><style>p{color:red}</style>"
                            "</head><body><script>var x = 'hidden script';</script><p>Shown.</p>"
                            "<!-- a comment --><template>tmpl</template></body></html>");
  assert_string_equal(t, "Shown.");
  free(t);
}

static void test_gmail_reply(void **state) {
  char *t = fixture_text(*state, "gmail_reply.html");
  assert_contains(t, "Hi Marta,");
  assert_contains(t, "replacement kettle left our warehouse");
  assert_contains(t, "I've checked");
  assert_lacks(t, "UNACCEPTABLE");
  assert_lacks(t, "wrote:");
  assert_lacks(t, "Brightwater"); /* gmail_signature */
  assert_lacks(t, "--");
  free(t);
}

static void test_outlook_reply(void **state) {
  char *t = fixture_text(*state, "outlook_reply.html");
  assert_contains(t, "Dear Mr. Okafor,");
  assert_contains(t, "I\xE2\x80\x99m sorry about the double charge");
  assert_contains(t, "Accounts & Billing");
  assert_lacks(t, "From:");
  assert_lacks(t, "cancelling");
  assert_lacks(t, "Cambria"); /* the style sheet */
  assert_lacks(t, "RE: Invoice"); /* the title */
  free(t);
}

static void test_outlook_web_reply(void **state) {
  char *t = fixture_text(*state, "outlook_web.html");
  assert_string_equal(t, "Hello Sam,\n\nYour new router ships tomorrow. I will email you the "
                         "tracking number as soon as the courier scans it.");
  free(t);
}

static void test_outlook_text_header(void **state) {
  char *t = text_of(*state, "<p>We fixed it.</p><p>________________</p><p>From: Bo Li<br>"
                            "Sent: Monday<br>To: support</p><p>It is broken!</p>");
  assert_string_equal(t, "We fixed it.");
  free(t);
  t = text_of(*state, "<p>From: our side, all is done.</p><p>Thanks.</p>");
  assert_string_equal(t, "From: our side, all is done.\n\nThanks.");
  free(t);
}

static void test_thunderbird_reply(void **state) {
  char *t = fixture_text(*state, "thunderbird_reply.html");
  assert_contains(t, "send a new lid free of charge. You don\xE2\x80\x99t need");
  assert_lacks(t, "Terrible quality");
  assert_lacks(t, "Tom Becker wrote");
  assert_lacks(t, "Polarbox"); /* moz-signature */
  free(t);
  /* The cite prefix also marks a blockquote without type="cite". */
  t = text_of(*state, "<p>Done.</p><div class=\"moz-cite-prefix\">On 1.3.26, Al wrote:</div>"
                      "\n<blockquote>Old text</blockquote><p>P.S. Thanks</p>");
  assert_string_equal(t, "Done.\n\nP.S. Thanks");
  free(t);
}

static void test_apple_mail_reply(void **state) {
  char *t = fixture_text(*state, "apple_mail.html");
  assert_string_equal(t, "Hi Chris,\n\nI can confirm the booking change: your stay now starts on "
                         "14 March. We\xE2\x80\x99ll email the updated confirmation tonight.\n\n"
                         "Warm wishes,\nNoor");
  free(t);
}

static void test_plain_quotes_and_delimiter(void **state) {
  char *t = fixture_text(*state, "plain_quoted.html");
  assert_string_equal(t, "Hello Ivana,\n\nWe have received the returned blender and the refund is "
                         "on its way.\n\nRegards,\nMilan");
  free(t);
  t = text_of(*state, "<div>Ok.</div><div>&gt; old</div><div>New.</div><div>--&nbsp;</div>"
                      "<div>Sig</div>");
  assert_string_equal(t, "Ok.\nNew.");
  free(t);
}

static void test_spans_slice_text(void **state) {
  size_t len;
  char *html = read_fixture("complaint.html", &len);
  tact_result *res = analyze_html(*state, html, len);
  size_t tlen;
  const char *text = tact_result_text(res, &tlen);
  assert_true(tlen > 0 && tlen < len);
  assert_non_null(strstr(text, "ombudsman"));
  assert_null(strstr(text, "tracking"));
  assert_true(tact_result_token_count(res) > 0);
  for (size_t i = 0; i < tact_result_token_count(res); i++) {
    tact_span s = tact_token_span(res, i);
    assert_true(s.start < s.end && s.end <= tlen);
  }
  for (size_t i = 0; i < tact_result_match_count(res); i++) {
    tact_span s = tact_match_span(res, i);
    assert_true(s.start < s.end && s.end <= tlen);
  }
  for (size_t i = 0; i < tact_result_sentence_count(res); i++) {
    tact_span s = tact_sentence_span(res, i);
    assert_true(s.start < s.end && s.end <= tlen);
  }
  /* The first token is the heading's first word, sliced from the text. */
  tact_span first = tact_token_span(res, 0);
  assert_int_equal(first.end - first.start, 6);
  assert_memory_equal(text + first.start, "Formal", 6);
  tact_result_free(res);
  free(html);
}

static void test_sentences_at_blocks(void **state) {
  tact_result *res = analyze_html(*state, "<p>we shipped it</p><p>you get it soon</p>"
                                          "sorry for the delay<br>It arrives Friday",
                                  strlen("<p>we shipped it</p><p>you get it soon</p>"
                                         "sorry for the delay<br>It arrives Friday"));
  assert_int_equal(tact_result_sentence_count(res), 4);
  size_t len;
  const char *text = tact_result_text(res, &len);
  tact_span s = tact_sentence_span(res, 3);
  assert_int_equal(s.end - s.start, strlen("It arrives Friday"));
  assert_memory_equal(text + s.start, "It arrives Friday", s.end - s.start);
  tact_result_free(res);
}

static void test_customer_complaint(void **state) {
  size_t len;
  char *html = read_fixture("complaint.html", &len);
  tact_input in;
  tact_input_init(&in);
  in.text = html;
  in.length = len;
  in.format = TACT_FORMAT_HTML;
  in.role = TACT_ROLE_CUSTOMER;
  tact_error err;
  tact_result *res = tact_analyze(*state, &in, &err);
  assert_non_null(res);
  assert_true(tact_result_is_complaint(res));
  tact_result_free(res);
  free(html);
}

static void test_malformed_recovers(void **state) {
  char *t = fixture_text(*state, "malformed.html");
  assert_contains(t, "Hello there friend");
  assert_contains(t, "We are sorry.");
  assert_contains(t, "cell one cell two");
  assert_lacks(t, "never closed");
  free(t);
  static const char *const garbage[] = {"<", "</", "<!--", "<![CDATA[x", "&#", "&#x;", "<a b='",
                                        "</p></p></div>", "<!DOCTYPE", "<?xml version='1.0'?>",
                                        ">>>", "<br/><br/><br/>", "<p", "&"};
  for (size_t i = 0; i < sizeof garbage / sizeof *garbage; i++) {
    tact_result *res = analyze_html(*state, garbage[i], strlen(garbage[i]));
    tact_result_free(res);
  }
}

static void test_empty(void **state) {
  static const char *const empties[] = {"", "   \n", "<html></html>", "<p></p><br><div> </div>",
                                        "<script>x</script>"};
  for (size_t i = 0; i < sizeof empties / sizeof *empties; i++) {
    tact_result *res = analyze_html(*state, empties[i], strlen(empties[i]));
    size_t len = 99;
    tact_result_text(res, &len);
    assert_int_equal(len, 0);
    assert_int_equal(tact_result_token_count(res), 0);
    tact_result_free(res);
  }
  tact_input in;
  tact_input_init(&in);
  in.format = TACT_FORMAT_HTML;
  tact_error err;
  tact_result *res = tact_analyze(*state, &in, &err); /* NULL text, length 0 */
  assert_non_null(res);
  tact_result_free(res);
}

static void test_bad_bytes(void **state) {
  static const char html[] = "<p>caf\xC3</p><p>x\xFFy</p>";
  tact_input in;
  tact_input_init(&in);
  in.text = html;
  in.length = sizeof html - 1;
  in.format = TACT_FORMAT_HTML;
  tact_error err;
  assert_null(tact_analyze(*state, &in, &err));
  assert_int_equal(err.code, TACT_E_UTF8);
  assert_int_equal(err.offset, 6); /* into the caller's HTML */
  static const char nul[] = "<p>a\0b</p>";
  in.text = nul;
  in.length = sizeof nul - 1;
  assert_null(tact_analyze(*state, &in, &err));
  assert_int_equal(err.code, TACT_E_INPUT);
  assert_int_equal(err.offset, 4);

  tact_engine *repair = engine_with(TACT_CONFIG_REPAIR_UTF8);
  in.text = html;
  in.length = sizeof html - 1;
  tact_result *res = tact_analyze(repair, &in, &err);
  assert_non_null(res);
  size_t len;
  const char *t = tact_result_text(res, &len);
  static const char want[] = "caf\xEF\xBF\xBD\n\nx\xEF\xBF\xBDy";
  assert_int_equal(len, sizeof want - 1);
  assert_memory_equal(t, want, len);
  tact_result_free(res);
  in.text = nul;
  in.length = sizeof nul - 1;
  res = tact_analyze(repair, &in, &err);
  assert_non_null(res);
  tact_result_free(res);
  tact_engine_free(repair);
}

static void test_meta_charset_ignored(void **state) {
  char *t = text_of(*state, "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; "
                            "charset=iso-8859-1\"></head><body>Gr\xC3\xBC\xC3\x9F"
                            "e</body></html>");
  assert_string_equal(t, "Gr\xC3\xBC\xC3\x9F" "e");
  free(t);
}

static double seconds(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* n nested <div>s around a sentence; the time it took to analyze. */
static double nested(const tact_engine *eng, size_t n) {
  static const char open[] = "<div>", close[] = "</div>", mid[] = "We are sorry.";
  size_t len = n * (sizeof open - 1 + sizeof close - 1) + sizeof mid - 1;
  char *html = malloc(len);
  assert_non_null(html);
  char *p = html;
  for (size_t i = 0; i < n; i++, p += sizeof open - 1) memcpy(p, open, sizeof open - 1);
  memcpy(p, mid, sizeof mid - 1);
  p += sizeof mid - 1;
  for (size_t i = 0; i < n; i++, p += sizeof close - 1) memcpy(p, close, sizeof close - 1);
  double t0 = seconds();
  tact_result *res = analyze_html(eng, html, len);
  double dt = seconds() - t0;
  size_t tlen;
  const char *t = tact_result_text(res, &tlen);
  assert_int_equal(tlen, sizeof mid - 1);
  assert_memory_equal(t, mid, tlen);
  tact_result_free(res);
  free(html);
  return dt;
}

static void test_deep_nesting(void **state) {
  /* Best of three each, interleaved, so a busy machine slows both sides. */
  double small = 1e9, big = 1e9;
  for (int run = 0; run < 3; run++) {
    double t = nested(*state, 10000);
    if (t < small) small = t;
    t = nested(*state, 100000);
    if (t < big) big = t;
  }
  /* Linear: ten times the depth, not a hundred times the time (with slack). */
  assert_true(big < small * 30 + 0.05);
  /* Unclosed, and deep quotes with text after them. */
  size_t n = 100000;
  char *html = malloc(n * 25 + 64);
  assert_non_null(html);
  size_t len = 0;
  for (size_t i = 0; i < n; i++) len += (size_t)sprintf(html + len, "<blockquote type=cite>");
  len += (size_t)sprintf(html + len, "old");
  tact_result *res = analyze_html(*state, html, len);
  size_t tlen;
  tact_result_text(res, &tlen);
  assert_int_equal(tlen, 0);
  tact_result_free(res);
  free(html);
}

static void test_large_body(void **state) {
  static const char para[] = "<p>We will refund your order &amp; ship the replacement today.</p>\n";
  size_t n = (5u << 20) / (sizeof para - 1) + 1;
  char *html = malloc(n * (sizeof para - 1));
  assert_non_null(html);
  for (size_t i = 0; i < n; i++) memcpy(html + i * (sizeof para - 1), para, sizeof para - 1);
  size_t len = n * (sizeof para - 1);
  assert_true(len >= 5u << 20);
  tact_result *res = analyze_html(*state, html, len);
  assert_int_equal(tact_result_sentence_count(res), n);
  size_t tlen;
  const char *t = tact_result_text(res, &tlen);
  static const char line[] = "We will refund your order & ship the replacement today.";
  assert_int_equal(tlen, n * (sizeof line - 1 + 2) - 2);
  assert_memory_equal(t, line, sizeof line - 1);
  tact_result_free(res);
  free(html);
}

static void test_limit(void **state) {
  (void)state;
  tact_config cfg;
  tact_config_init(&cfg);
  cfg.max_input_bytes = 16;
  tact_error err;
  tact_engine *eng = tact_engine_new(&cfg, &err);
  assert_non_null(eng);
  assert_int_equal(tact_engine_build(eng, &err), TACT_OK);
  tact_input in;
  tact_input_init(&in);
  in.text = "<p>seventeen bytes";
  in.length = strlen(in.text);
  in.format = TACT_FORMAT_HTML;
  assert_null(tact_analyze(eng, &in, &err));
  assert_int_equal(err.code, TACT_E_LIMIT);
  in.format = (tact_format)2;
  in.length = 3;
  assert_null(tact_analyze(eng, &in, &err));
  assert_int_equal(err.code, TACT_E_ARG);
  tact_engine_free(eng);
}

/* A reused result stops allocating through the caller's allocator. */
static void test_reuse(void **state) {
  (void)state;
  counting_alloc ca;
  tact_config cfg;
  tact_config_init(&cfg);
  counting_alloc_init(&ca, &cfg.allocator);
  cfg.flags = TACT_CONFIG_REPAIR_UTF8;
  tact_error err;
  tact_engine *eng = tact_engine_new(&cfg, &err);
  assert_non_null(eng);
  assert_int_equal(tact_engine_build(eng, &err), TACT_OK);
  tact_result *res = tact_result_new(eng, &err);
  assert_non_null(res);
  size_t len;
  char *html = read_fixture("gmail_reply.html", &len);
  html[40] = '\xFF'; /* exercise the repair buffer too */
  tact_input in;
  tact_input_init(&in);
  in.text = html;
  in.length = len;
  in.format = TACT_FORMAT_HTML;
  in.now = 1772812800;
  assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_OK);
  size_t before = counting_alloc_calls(&ca);
  for (int i = 0; i < 5; i++) assert_int_equal(tact_analyze_into(eng, &in, res, &err), TACT_OK);
  assert_int_equal(counting_alloc_calls(&ca), before);
  tact_result_free(res);
  tact_engine_free(eng);
  assert_int_equal(ca.live, 0);
  free(html);
}

/* Allocation failure at every point: TACT_E_NOMEM, an empty result, no leak. */
static void test_out_of_memory(void **state) {
  (void)state;
  static const char html[] = "<p>caf\xFF \xE2\x80\x94 we will refund you tomorrow.</p>"
                             "<blockquote type=cite>old</blockquote>";
  int succeeded = 0;
  for (long k = 0; k < 10000 && !succeeded; k++) {
    counting_alloc ca;
    tact_config cfg;
    tact_config_init(&cfg);
    counting_alloc_init(&ca, &cfg.allocator);
    cfg.flags = TACT_CONFIG_REPAIR_UTF8;
    tact_error err;
    tact_engine *eng = tact_engine_new(&cfg, &err);
    if (eng && tact_engine_build(eng, &err) == TACT_OK) {
      tact_result *res = tact_result_new(eng, &err);
      if (res) {
        ca.fail_after = k;
        tact_input in;
        tact_input_init(&in);
        in.text = html;
        in.length = sizeof html - 1;
        in.format = TACT_FORMAT_HTML;
        tact_status st = tact_analyze_into(eng, &in, res, &err);
        if (st == TACT_OK) succeeded = 1;
        else {
          assert_int_equal(st, TACT_E_NOMEM);
          assert_int_equal(tact_result_token_count(res), 0);
        }
      }
      tact_result_free(res);
    }
    tact_engine_free(eng);
    assert_int_equal(ca.live, 0);
  }
  assert_true(succeeded);
}

typedef struct job {
  const tact_engine *eng;
  const char *html;
  size_t len;
  int ok;
} job;

static void *run_job(void *arg) {
  job *j = arg;
  tact_error err;
  tact_result *res = tact_result_new(j->eng, &err);
  tact_input in;
  tact_input_init(&in);
  in.text = j->html;
  in.length = j->len;
  in.format = TACT_FORMAT_HTML;
  j->ok = res != NULL;
  for (int i = 0; i < 50 && j->ok; i++) {
    size_t len;
    j->ok = tact_analyze_into(j->eng, &in, res, &err) == TACT_OK &&
            strstr(tact_result_text(res, &len), "kettle") != NULL &&
            strstr(tact_result_text(res, &len), "UNACCEPTABLE") == NULL;
  }
  tact_result_free(res);
  return NULL;
}

/* One engine, several threads parsing HTML at once: no shared parser state. */
static void test_threads(void **state) {
  size_t len;
  char *html = read_fixture("gmail_reply.html", &len);
  pthread_t th[4];
  job jobs[4];
  for (int i = 0; i < 4; i++) {
    jobs[i] = (job){*state, html, len, 0};
    assert_int_equal(pthread_create(&th[i], NULL, run_job, &jobs[i]), 0);
  }
  for (int i = 0; i < 4; i++) {
    pthread_join(th[i], NULL);
    assert_true(jobs[i].ok);
  }
  free(html);
}

/* Every fixture and some broken markup: libxml2 must print nothing. */
static void test_silent(void **state) {
  fflush(stderr);
  FILE *tmp = tmpfile();
  assert_non_null(tmp);
  int saved = dup(2);
  assert_true(saved >= 0);
  assert_true(dup2(fileno(tmp), 2) >= 0);
  static const char *const names[] = {"gmail_reply.html", "outlook_reply.html",
                                      "outlook_web.html", "thunderbird_reply.html",
                                      "apple_mail.html",  "plain_quoted.html",
                                      "complaint.html",   "malformed.html"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) free(fixture_text(*state, names[i]));
  free(text_of(*state, "<p><b><i></p></b></i><unknown-tag x=1>&nosuch;</x></y><!DOCTYPE>"));
  fflush(stderr);
  dup2(saved, 2);
  close(saved);
  fseek(tmp, 0, SEEK_END);
  long n = ftell(tmp);
  fclose(tmp);
  assert_int_equal(n, 0);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_visible_text_and_blocks),
      cmocka_unit_test(test_entities),
      cmocka_unit_test(test_hidden_dropped),
      cmocka_unit_test(test_gmail_reply),
      cmocka_unit_test(test_outlook_reply),
      cmocka_unit_test(test_outlook_web_reply),
      cmocka_unit_test(test_outlook_text_header),
      cmocka_unit_test(test_thunderbird_reply),
      cmocka_unit_test(test_apple_mail_reply),
      cmocka_unit_test(test_plain_quotes_and_delimiter),
      cmocka_unit_test(test_spans_slice_text),
      cmocka_unit_test(test_sentences_at_blocks),
      cmocka_unit_test(test_customer_complaint),
      cmocka_unit_test(test_malformed_recovers),
      cmocka_unit_test(test_empty),
      cmocka_unit_test(test_bad_bytes),
      cmocka_unit_test(test_meta_charset_ignored),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_large_body),
      cmocka_unit_test(test_limit),
      cmocka_unit_test(test_reuse),
      cmocka_unit_test(test_out_of_memory),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_silent),
  };
  return cmocka_run_group_tests(tests, setup, teardown);
}
