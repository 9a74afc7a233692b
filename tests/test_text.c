/* test_text.c — tests of the tokenizer (lib/text.c): token kinds, exact
 * spans and normalized forms, contractions, sentences, statistics, invalid
 * and repaired UTF-8, large and pathological inputs, and allocation
 * behaviour when a tact_text is reused. Most cases are tables: one row per
 * input, so a failure names the input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "counting_alloc.h"
#include "pack_image.h"
#include "text.h"

/* ---------------------------------------------------------------------
 * Helpers
 * --------------------------------------------------------------------- */

typedef struct fx {
  tact_allocator a;
  tact_text t;
  tact_error err;
} fx;

static int setup(void **state) {
  fx *f = calloc(1, sizeof *f);
  if (!f) return -1;
  tact_alloc_resolve(&f->a, NULL);
  *state = f;
  return 0;
}

static int teardown(void **state) {
  fx *f = *state;
  tact_text_free(&f->t, &f->a);
  free(f);
  return 0;
}

/* Everything a caller may rely on after a successful call: spans inside the
 * text, strictly increasing and non-overlapping; normalized forms inside
 * the buffer; sentences partitioning the tokens in order. */
static void check_invariants(const tact_text *t, const char *text, size_t len) {
  size_t prev_end = 0;
  for (size_t i = 0; i < t->n_tokens; i++) {
    const tact_token *k = &t->tokens[i];
    assert_true(k->start < k->end);
    assert_true(k->end <= len);
    assert_true(k->start >= prev_end);
    prev_end = k->end;
    assert_true(k->kind >= TACT_TOKEN_WORD && k->kind <= TACT_TOKEN_EMOTICON);
    assert_true(k->norm_len > 0);
    assert_true((size_t)k->norm_off + k->norm_len <= t->norm.len);
    assert_true(k->sentence < t->n_sentences);
  }
  size_t next = 0;
  for (size_t s = 0; s < t->n_sentences; s++) {
    const tact_sentence *z = &t->sentences[s];
    assert_int_equal(z->first_token, next);
    assert_true(z->token_count > 0);
    next += z->token_count;
    assert_true(next <= t->n_tokens);
    assert_int_equal(z->start, t->tokens[z->first_token].start);
    assert_int_equal(z->end, t->tokens[next - 1].end);
    for (size_t i = z->first_token; i < next; i++) assert_int_equal(t->tokens[i].sentence, s);
  }
  assert_int_equal(next, t->n_tokens);
  assert_true(t->n_tokens == 0 || t->n_sentences > 0);
  assert_true(t->stats[TACT_STAT_TOKENS] == (double)t->n_tokens);
  assert_true(t->stats[TACT_STAT_SENTENCES] == (double)t->n_sentences);
  assert_true(len == 0 || t->stats[TACT_STAT_BYTES] == (double)len);
  (void)text;
}

static tact_status run_n(fx *f, const char *s, size_t len, unsigned opt) {
  tact_status st = tact_text_analyze(&f->t, &f->a, s, len, opt, &f->err);
  if (st == TACT_OK) check_invariants(&f->t, s, len);
  else {
    assert_int_equal(f->t.n_tokens, 0);
    assert_int_equal(f->t.n_sentences, 0);
  }
  return st;
}

static void run(fx *f, const char *s) {
  tact_status st = run_n(f, s, strlen(s), 0);
  if (st != TACT_OK) fail_msg("analyzing \"%s\": %s", s, f->err.message);
}

/* Token fields joined with '|': normalized forms, original slices, kinds as
 * letters (W N P E U M @ # S O). */
static const char *norms(const tact_text *t, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < t->n_tokens; i++) {
    size_t n;
    const char *p = tact_text_norm(t, i, &n);
    if (o + n + 2 > cap) break;
    if (i) buf[o++] = '|';
    memcpy(buf + o, p, n);
    o += n;
    buf[o] = '\0';
  }
  return buf;
}

static const char *slices(const tact_text *t, const char *text, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < t->n_tokens; i++) {
    size_t n = t->tokens[i].end - t->tokens[i].start;
    if (o + n + 2 > cap) break;
    if (i) buf[o++] = '|';
    memcpy(buf + o, text + t->tokens[i].start, n);
    o += n;
    buf[o] = '\0';
  }
  return buf;
}

static const char *kinds(const tact_text *t, char *buf, size_t cap) {
  static const char letters[] = "?WNPEUM@#SO";
  size_t i = 0;
  for (; i < t->n_tokens && i + 1 < cap; i++) buf[i] = letters[t->tokens[i].kind];
  buf[i] = '\0';
  return buf;
}

static const char *sentences(const tact_text *t, const char *text, char *buf, size_t cap) {
  size_t o = 0;
  buf[0] = '\0';
  for (size_t i = 0; i < t->n_sentences; i++) {
    size_t n = t->sentences[i].end - t->sentences[i].start;
    if (o + n + 2 > cap) break;
    if (i) buf[o++] = '|';
    memcpy(buf + o, text + t->sentences[i].start, n);
    o += n;
    buf[o] = '\0';
  }
  return buf;
}

static bool norm_eq(const tact_text *t, size_t i, const char *s) {
  size_t n;
  const char *p = tact_text_norm(t, i, &n);
  return n == strlen(s) && !memcmp(p, s, n);
}

/* xorshift64*: deterministic, so failures reproduce. */
static uint64_t rnd(uint64_t *s) {
  *s ^= *s >> 12;
  *s ^= *s << 25;
  *s ^= *s >> 27;
  return *s * UINT64_C(2685821657736338717);
}

/* ---------------------------------------------------------------------
 * The example from the brief
 * --------------------------------------------------------------------- */

static void test_example(void **state) {
  fx *f = *state;
  const char *s = "We’ll refund you within 3-5 business days — sorry, Mr. O’Neil! 😊";
  char buf[512];
  run(f, s);
  assert_string_equal(kinds(&f->t, buf, sizeof buf), "WWWWWNWWPWPWPWPE");
  assert_string_equal(norms(&f->t, buf, sizeof buf),
                      "we|will|refund|you|within|3-5|business|days|—|sorry|,|mr|.|o'neil|!|😊");
  assert_string_equal(slices(&f->t, s, buf, sizeof buf),
                      "We|’ll|refund|you|within|3-5|business|days|—|sorry|,|Mr|.|O’Neil|!|😊");
  assert_int_equal(f->t.tokens[0].start, 0);
  assert_int_equal(f->t.tokens[0].end, 2);
  assert_int_equal(f->t.tokens[1].start, 2);
  assert_int_equal(f->t.tokens[1].end, 7);
  assert_int_equal(f->t.tokens[15].end, strlen(s));
  assert_true(f->t.tokens[1].flags & TACT_TOKEN_CLITIC);
  assert_false(f->t.tokens[0].flags & TACT_TOKEN_CLITIC);
  assert_true(f->t.tokens[0].flags & TACT_TOKEN_CAPITALIZED);
  assert_true(f->t.tokens[2].flags & TACT_TOKEN_SPACE_BEFORE);
  assert_false(f->t.tokens[1].flags & TACT_TOKEN_SPACE_BEFORE);
  assert_int_equal(f->t.n_sentences, 1); /* "Mr." does not end it */
  assert_int_equal(f->t.sentences[0].start, 0);
  assert_int_equal(f->t.sentences[0].end, strlen(s));
  assert_true(f->t.stats[TACT_STAT_WORDS] == 9);
  assert_true(f->t.stats[TACT_STAT_EMOJI] == 1);
  assert_true(f->t.stats[TACT_STAT_EXCLAMATIONS] == 1);
}

/* ---------------------------------------------------------------------
 * Token kinds, spans and normalized forms
 * --------------------------------------------------------------------- */

typedef struct row {
  const char *in, *kinds, *norms, *slices; /* slices NULL: the same as `in` split */
} row;

static const row KIND_ROWS[] = {
    /* numbers */
    {"42", "N", "42", NULL},
    {"3.5", "N", "3.5", NULL},
    {"1,000", "N", "1,000", NULL},
    {"3-5", "N", "3-5", NULL},
    {"2–3", "N", "2-3", NULL},
    {"24/7", "N", "24/7", NULL},
    {"10%", "N", "10%", NULL},
    {"$20", "N", "$20", NULL},
    {"€5", "N", "€5", NULL},
    {"£3.50", "N", "£3.50", NULL},
    {"5€", "N", "5€", NULL},
    {"5pm", "N", "5pm", NULL},
    {"5PM", "N", "5pm", NULL},
    {"10:30", "N", "10:30", NULL},
    {"10:30am", "N", "10:30am", NULL},
    {"1st", "N", "1st", NULL},
    {"2nd", "N", "2nd", NULL},
    {"3rd", "N", "3rd", NULL},
    {"4th", "N", "4th", NULL},
    {"５０", "N", "50", NULL},
    /* words */
    {"hello", "W", "hello", NULL},
    {"Windows10", "W", "windows10", NULL},
    {"O’Neil", "W", "o'neil", NULL},
    {"y'all", "W", "y'all", NULL},
    {"naïve", "W", "naïve", NULL},
    {"4x4", "W", "4x4", NULL},
    {"2GB", "W", "2gb", NULL},
    {"e.g.", "W", "e.g.", NULL},
    {"U.S.A.", "W", "u.s.a.", NULL},
    /* punctuation */
    {".", "P", ".", NULL},
    {"!!!", "P", "!!!", NULL},
    {"...", "P", "...", NULL},
    {"?!", "P", "?!", NULL},
    {"…", "P", "...", NULL},
    {"—", "P", "—", NULL},
    {"(", "P", "(", NULL},
    {"\"", "P", "\"", NULL},
    {"“", "P", "\"", NULL},
    {"»", "P", "\"", NULL},
    {"’", "P", "'", NULL},
    {"--", "P", "--", NULL},
    {";", "P", ";", NULL},
    {"-", "P", "-", NULL},
    {"‼", "P", "!!", NULL},
    /* emoji */
    {"😊", "E", "😊", NULL},
    {"👍🏽", "E", "👍", NULL},
    {"👨‍👩‍👧", "E", "👨‍👩‍👧", NULL},
    {"👩🏽‍💻", "E", "👩‍💻", NULL},
    {"🇺🇸", "E", "🇺🇸", NULL},
    {"1️⃣", "E", "1⃣", NULL},
    {"#️⃣", "E", "#⃣", NULL},
    {"❤️", "E", "❤", NULL},
    {"❤", "E", "❤", NULL},
    {"©️", "E", "©", NULL},
    {"🏽", "E", "🏽", NULL},
    {"🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", "E",
     "🏴\U000E0067\U000E0062\U000E0065\U000E006E\U000E0067\U000E007F", NULL},
    /* URLs, e-mail, mentions, hashtags */
    {"https://example.com/a?b=1", "U", "https://example.com/a?b=1", NULL},
    {"HTTP://Example.COM", "U", "http://example.com", NULL},
    {"www.example.org", "U", "www.example.org", NULL},
    {"John.Doe@Example.co.uk", "M", "john.doe@example.co.uk", NULL},
    {"@John_Doe", "@", "@john_doe", NULL},
    {"#Refund2024", "#", "#refund2024", NULL},
    /* emoticons */
    {":)", "O", ":)", NULL},
    {":-)", "O", ":)", NULL},
    {":(", "O", ":(", NULL},
    {":-(", "O", ":(", NULL},
    {":D", "O", ":d", NULL},
    {";)", "O", ";)", NULL},
    {";-)", "O", ";)", NULL},
    {":P", "O", ":p", NULL},
    {":/", "O", ":/", NULL},
    {":'(", "O", ":'(", NULL},
    {"<3", "O", "<3", NULL},
    {"</3", "O", "</3", NULL},
    {"XD", "O", "xd", NULL},
    {"=)", "O", ":)", NULL},
    {":)))", "O", ":)", NULL},
    /* symbols */
    {"+", "S", "+", NULL},
    {"=", "S", "=", NULL},
    {"&", "S", "&", NULL},
    {"*", "S", "*", NULL},
    {"^", "S", "^", NULL},
    {"|", "S", "|", NULL},
    {"~", "S", "~", NULL},
    {"°", "S", "°", NULL},
    {"©", "S", "©", NULL},
    {"™", "S", "tm", NULL},
    {"$", "S", "$", NULL},
    {"€", "S", "€", NULL},
    {"<", "S", "<", NULL},
    {"@", "S", "@", NULL},
    {"#", "S", "#", NULL},
};

static const row SEQUENCE_ROWS[] = {
    {"5 pm", "NW", "5|pm", "5|pm"},
    {"follow-up", "WW", "follow|up", "follow|up"},
    {"e-mail", "WW", "e|mail", "e|mail"},
    {"10-year-old", "NWW", "10|year|old", "10|year|old"},
    {"a - b", "WPW", "a|-|b", "a|-|b"},
    {"a--b", "WPW", "a|--|b", "a|--|b"},
    {"a-", "WP", "a|-", "a|-"},
    {"(see https://x.com/a).", "PWUPP", "(|see|https://x.com/a|)|.", "(|see|https://x.com/a|)|."},
    {"https://en.wikipedia.org/wiki/A_(b)), ok", "UPPW", "https://en.wikipedia.org/wiki/a_(b)|)|,|ok",
     "https://en.wikipedia.org/wiki/A_(b)|)|,|ok"},
    {"Visit www.x.org, now", "WUPW", "visit|www.x.org|,|now", "Visit|www.x.org|,|now"},
    {"http://", "WPP", "http|:|//", "http|:|//"},
    {"www.", "WP", "www|.", "www|."},
    {"mail me@x.com.", "WMP", "mail|me@x.com|.", "mail|me@x.com|."},
    {"a@b", "W@", "a|@b", "a|@b"},
    {"#123", "SN", "#|123", "#|123"},
    {"$ 5", "SN", "$|5", "$|5"},
    {"10:30 :)", "NO", "10:30|:)", "10:30|:)"},
    {"ok:)", "WPP", "ok|:|)", "ok|:|)"},
    {"see :/path", "WPPW", "see|:|/|path", NULL},
    {"Hi!!!How", "WPW", "hi|!!!|how", "Hi|!!!|How"},
    {"3.5GB", "NW", "3.5|gb", "3.5|GB"},
    {"😊😊", "EE", "😊|😊", "😊|😊"},
    {"🇺🇸🇬🇧", "EE", "🇺🇸|🇬🇧", "🇺🇸|🇬🇧"},
    {"x\xC2\xA0y", "WW", "x|y", "x|y"},
    {"x\xE2\x80\x8By", "WW", "x|y", "x|y"},
    {"hy\xC2\xADphen", "W", "hyphen", "hy\xC2\xADphen"},
    {"a\xE2\x80\x8D", "W", "a", "a"},
    {"U.S.-based", "WPW", "u.s.|-|based", "U.S.|-|based"},
    {"“Hi,” she said.", "PWPPWWP", "\"|hi|,|\"|she|said|.", "“|Hi|,|”|she|said|."},
    {"‘Hello’", "PWP", "'|hello|'", "‘|Hello|’"},
    {"students' books", "WPW", "students|'|books", "students|'|books"},
};

static void check_rows(fx *f, const row *rows, size_t n) {
  char buf[1024], exp[1024];
  for (size_t r = 0; r < n; r++) {
    const row *w = &rows[r];
    run(f, w->in);
    if (strcmp(kinds(&f->t, buf, sizeof buf), w->kinds))
      fail_msg("\"%s\": kinds %s, expected %s", w->in, buf, w->kinds);
    if (strcmp(norms(&f->t, buf, sizeof buf), w->norms))
      fail_msg("\"%s\": norms \"%s\", expected \"%s\"", w->in, buf, w->norms);
    snprintf(exp, sizeof exp, "%s", w->slices ? w->slices : w->in);
    if (!w->slices && strlen(w->kinds) > 1) continue;
    if (strcmp(slices(&f->t, w->in, buf, sizeof buf), exp))
      fail_msg("\"%s\": slices \"%s\", expected \"%s\"", w->in, buf, exp);
  }
}

static void test_token_kinds(void **state) {
  check_rows(*state, KIND_ROWS, sizeof KIND_ROWS / sizeof *KIND_ROWS);
}

static void test_token_sequences(void **state) {
  check_rows(*state, SEQUENCE_ROWS, sizeof SEQUENCE_ROWS / sizeof *SEQUENCE_ROWS);
}

/* ---------------------------------------------------------------------
 * Contractions and apostrophes
 * --------------------------------------------------------------------- */

static void test_contractions_equivalent(void **state) {
  fx *f = *state;
  static const char *const forms[] = {"can't", "can not", "cannot", "CAN’T", "cant", "Can‘t",
                                      "CANNOT", "can´t", "can`t", "canʼt", "can＇t"};
  char buf[256];
  for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
    run(f, forms[i]);
    if (strcmp(norms(&f->t, buf, sizeof buf), "can|not"))
      fail_msg("\"%s\" gives \"%s\"", forms[i], buf);
  }
  run(f, "can't");
  assert_string_equal(slices(&f->t, "can't", buf, sizeof buf), "can|'t");
  run(f, "cannot");
  assert_string_equal(slices(&f->t, "cannot", buf, sizeof buf), "can|not");
  assert_true(f->t.tokens[1].flags & TACT_TOKEN_CLITIC);
  assert_true(f->t.stats[TACT_STAT_WORDS] == 1);
  run(f, "can not");
  assert_false(f->t.tokens[1].flags & TACT_TOKEN_CLITIC);
  assert_true(f->t.stats[TACT_STAT_WORDS] == 2);
}

static const row CONTRACTION_ROWS[] = {
    {"won't", "WW", "will|not", "wo|n't"},
    {"WON’T", "WW", "will|not", "WO|N’T"},
    {"wont", "WW", "will|not", "wo|nt"},
    {"don't", "WW", "do|not", "do|n't"},
    {"dont", "WW", "do|not", "do|nt"},
    {"doesn't", "WW", "does|not", "does|n't"},
    {"doesnt", "WW", "does|not", "does|nt"},
    {"didnt", "WW", "did|not", "did|nt"},
    {"isnt", "WW", "is|not", "is|nt"},
    {"arent", "WW", "are|not", "are|nt"},
    {"wasnt", "WW", "was|not", "was|nt"},
    {"werent", "WW", "were|not", "were|nt"},
    {"havent", "WW", "have|not", "have|nt"},
    {"hasnt", "WW", "has|not", "has|nt"},
    {"hadnt", "WW", "had|not", "had|nt"},
    {"couldnt", "WW", "could|not", "could|nt"},
    {"shouldnt", "WW", "should|not", "should|nt"},
    {"wouldnt", "WW", "would|not", "would|nt"},
    {"mustnt", "WW", "must|not", "must|nt"},
    {"shan't", "WW", "shall|not", "sha|n't"},
    {"shant", "WW", "shall|not", "sha|nt"},
    {"ain't", "WW", "is|not", "ai|n't"},
    {"aint", "WW", "is|not", "ai|nt"},
    {"shouldn't", "WW", "should|not", "should|n't"},
    {"we'll", "WW", "we|will", "we|'ll"},
    {"We’ll", "WW", "we|will", "We|’ll"},
    {"they're", "WW", "they|are", "they|'re"},
    {"I've", "WW", "i|have", "I|'ve"},
    {"I'm", "WW", "i|am", "I|'m"},
    {"she'd", "WW", "she|would", "she|'d"},
    {"you're", "WW", "you|are", "you|'re"},
    {"it's", "WW", "it|is", "it|'s"},
    {"that's", "WW", "that|is", "that|'s"},
    {"there's", "WW", "there|is", "there|'s"},
    {"here's", "WW", "here|is", "here|'s"},
    {"what's", "WW", "what|is", "what|'s"},
    {"who's", "WW", "who|is", "who|'s"},
    {"where's", "WW", "where|is", "where|'s"},
    {"how's", "WW", "how|is", "how|'s"},
    {"he's", "WW", "he|is", "he|'s"},
    {"She’s", "WW", "she|is", "She|’s"},
    {"let's", "WW", "let|us", "let|'s"},
    {"John's", "WW", "john|'s", "John|'s"},
    {"JOHN'S", "WW", "john|'s", "JOHN|'S"},
    {"José's", "WW", "josé|'s", "José|'s"},
    {"I'd've", "WWW", "i|would|have", "I|'d|'ve"},
    {"couldn't've", "WWW", "could|not|have", "could|n't|'ve"},
    {"im", "WW", "i|am", "i|m"},
    {"Im", "WW", "i|am", "I|m"},
    {"ive", "WW", "i|have", "i|ve"},
    {"youre", "WW", "you|are", "you|re"},
    {"theyre", "WW", "they|are", "they|re"},
    {"thats", "WW", "that|is", "that|s"},
    {"whats", "WW", "what|is", "what|s"},
    {"lets", "WW", "let|us", "let|s"},
    {"youll", "WW", "you|will", "you|ll"},
    {"youve", "WW", "you|have", "you|ve"},
    {"theyll", "WW", "they|will", "they|ll"},
    {"theyve", "WW", "they|have", "they|ve"},
    {"theyd", "WW", "they|would", "they|d"},
    {"youd", "WW", "you|would", "you|d"},
    {"weve", "WW", "we|have", "we|ve"},
    {"wouldve", "WW", "would|have", "would|ve"},
    {"couldve", "WW", "could|have", "could|ve"},
    {"shouldve", "WW", "should|have", "should|ve"},
    /* not contractions */
    {"y'all", "W", "y'all", NULL},
    {"o'clock", "W", "o'clock", NULL},
    {"rock'n'roll", "W", "rock'n'roll", NULL},
    {"its", "W", "its", NULL},
    {"well", "W", "well", NULL},
    {"were", "W", "were", NULL},
    {"hell", "W", "hell", NULL},
    {"shell", "W", "shell", NULL},
    {"id", "W", "id", NULL},
    {"ill", "W", "ill", NULL},
    {"wed", "W", "wed", NULL},
    {"shed", "W", "shed", NULL},
    {"not", "W", "not", NULL},
    {"want", "W", "want", NULL},
    {"idont", "W", "idont", NULL},
    {"'s", "PW", "'|s", "'|s"},
};

static void test_contraction_forms(void **state) {
  fx *f = *state;
  check_rows(f, CONTRACTION_ROWS, sizeof CONTRACTION_ROWS / sizeof *CONTRACTION_ROWS);
  /* Clitics are flagged and counted once; the host is not a clitic. */
  run(f, "I don't know");
  assert_int_equal(f->t.n_tokens, 4);
  assert_false(f->t.tokens[1].flags & TACT_TOKEN_CLITIC);
  assert_true(f->t.tokens[2].flags & TACT_TOKEN_CLITIC);
  assert_true(f->t.stats[TACT_STAT_WORDS] == 3);
  /* The whole word's capitals flag every part. */
  run(f, "WON’T");
  assert_true(f->t.tokens[0].flags & TACT_TOKEN_ALL_CAPS);
  assert_true(f->t.tokens[1].flags & TACT_TOKEN_ALL_CAPS);
  run(f, "I'M");
  assert_true(f->t.tokens[0].flags & TACT_TOKEN_ALL_CAPS);
  assert_true(f->t.stats[TACT_STAT_ALL_CAPS_WORDS] == 1);
}

static void test_apostrophes_and_quotes(void **state) {
  fx *f = *state;
  static const char *const names[] = {"O'Neil", "O’Neil", "O‘Neil", "OʼNeil",
                                      "OʹNeil", "O`Neil", "O´Neil", "O＇Neil"};
  for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
    run(f, names[i]);
    if (f->t.n_tokens != 1 || !norm_eq(&f->t, 0, "o'neil"))
      fail_msg("\"%s\" is not the single word o'neil", names[i]);
  }
  static const char *const quotes[] = {"“x”", "„x“", "«x»", "\"x\""};
  for (size_t i = 0; i < sizeof quotes / sizeof *quotes; i++) {
    char buf[64];
    run(f, quotes[i]);
    if (strcmp(norms(&f->t, buf, sizeof buf), "\"|x|\""))
      fail_msg("\"%s\" gives \"%s\"", quotes[i], buf);
  }
}

static void test_normalization(void **state) {
  fx *f = *state;
  static const struct {
    const char *in, *norm;
  } rows[] = {
      {"ﬁx", "fix"},
      {"ＡＢＣ", "abc"},
      {"Straße", "strasse"},
      {"ÉCOLE", "école"},
      {"e\xCC\x81t\xC3\xA9", "\xC3\xA9t\xC3\xA9"}, /* decomposed é composes */
      {"ΣΟΦΙΑ", "σοφια"},
      {"İ", "i\xCC\x87"},
      {"ＯＫ", "ok"},
      {"café’s", NULL}, /* two tokens, checked below */
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    if (!rows[i].norm) continue;
    run(f, rows[i].in);
    if (f->t.n_tokens != 1 || !norm_eq(&f->t, 0, rows[i].norm))
      fail_msg("\"%s\" does not normalize to \"%s\"", rows[i].in, rows[i].norm);
  }
  char buf[64];
  run(f, "café’s");
  assert_string_equal(norms(&f->t, buf, sizeof buf), "café|'s");
}

static void test_flags(void **state) {
  fx *f = *state;
  run(f, "HELLO there");
  assert_int_equal(f->t.tokens[0].flags, TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CAPITALIZED);
  assert_int_equal(f->t.tokens[1].flags, TACT_TOKEN_SPACE_BEFORE);
  run(f, "A");
  assert_int_equal(f->t.tokens[0].flags, TACT_TOKEN_CAPITALIZED);
  run(f, "ÉCOLE iPhone");
  assert_int_equal(f->t.tokens[0].flags, TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CAPITALIZED);
  assert_int_equal(f->t.tokens[1].flags, TACT_TOKEN_SPACE_BEFORE);
  run(f, "I'M FINE");
  assert_int_equal(f->t.tokens[0].flags, TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CAPITALIZED);
  assert_int_equal(f->t.tokens[1].flags, TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CLITIC);
  assert_int_equal(f->t.tokens[2].flags,
                   TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CAPITALIZED | TACT_TOKEN_SPACE_BEFORE);
  run(f, "x\n\ty\xE3\x80\x80z");
  assert_int_equal(f->t.tokens[1].flags, TACT_TOKEN_SPACE_BEFORE);
  assert_int_equal(f->t.tokens[2].flags, TACT_TOKEN_SPACE_BEFORE);
  run(f, "follow-up");
  assert_int_equal(f->t.tokens[1].flags, 0);
  run(f, "ABC123");
  assert_int_equal(f->t.tokens[0].flags, TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CAPITALIZED);
  run(f, "OK 5PM #TAG");
  assert_int_equal(f->t.tokens[1].flags & (TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CAPITALIZED), 0);
  assert_int_equal(f->t.tokens[2].flags & (TACT_TOKEN_ALL_CAPS | TACT_TOKEN_CAPITALIZED), 0);
}

/* ---------------------------------------------------------------------
 * Sentences
 * --------------------------------------------------------------------- */

static const struct {
  const char *in, *out;
} SENTENCE_ROWS[] = {
    {"Hello Mr. Smith. How are you?", "Hello Mr. Smith.|How are you?"},
    {"Use a tool, e.g. a hammer. Then stop.", "Use a tool, e.g. a hammer.|Then stop."},
    {"That is, i.e. Bob. Ok.", "That is, i.e. Bob.|Ok."},
    {"It costs 3.5 dollars. Ok.", "It costs 3.5 dollars.|Ok."},
    {"Well... maybe not. I think... Yes.", "Well... maybe not.|I think...|Yes."},
    {"I waited… and waited.", "I waited… and waited."},
    {"Thanks! 😊 See you", "Thanks! 😊|See you"},
    {"Thanks!!! 😊😊\nSee you", "Thanks!!! 😊😊|See you"},
    {"Really?! No way.", "Really?!|No way."},
    {"Great :) See you", "Great :) See you"},
    {"Hi team,\nThanks for the help", "Hi team,\nThanks for the help"},
    {"Hi team\nThanks for the help", "Hi team|Thanks for the help"},
    {"first line\nsecond line", "first line\nsecond line"},
    {"para one\n\npara two", "para one|para two"},
    {"para one\r\n \r\npara two", "para one|para two"},
    {"one\xE2\x80\xA9two", "one|two"},
    {"Steps:\n- open it\n- close it", "Steps:|- open it|- close it"},
    {"• first\n• second", "• first|• second"},
    {"Order:\n1. Open the app\n2. Close it", "Order:|1. Open the app|2. Close it"},
    {"Hi 😊\nSee you", "Hi 😊|See you"},
    {"Hello\n😊 thanks", "Hello|😊 thanks"},
    {"He said \"Stop.\" Then he left.", "He said \"Stop.\"|Then he left."},
    {"Done. \"Great,\" she said.", "Done.|\"Great,\" she said."},
    {"Wait (really.) Ok then.", "Wait (really.)|Ok then."},
    {"See you at 5 p.m. Tomorrow works.", "See you at 5 p.m.|Tomorrow works."},
    {"Dr. Who is here. Prof. X agrees.", "Dr. Who is here.|Prof. X agrees."},
    {"Due Jan. 5 at noon.", "Due Jan. 5 at noon."},
    {"Call Acme Co. Ltd. Today.", "Call Acme Co. Ltd.|Today."},
    {"No. I won't.", "No.|I won't."},
    {"Ask for no. 5 please.", "Ask for no. 5 please."},
    {"John F. Kennedy spoke. Then left.", "John F. Kennedy spoke.|Then left."},
    {"So did I. Then we left.", "So did I.|Then we left."},
    {"Apples, pears, etc. are fine. Etc. Fine.", "Apples, pears, etc. are fine.|Etc.|Fine."},
    {"ok. thanks", "ok.|thanks"},
    {"Thanks! see you", "Thanks!|see you"},
    {"Version 2.0 is out.", "Version 2.0 is out."},
    {"Go to example.com today.", "Go to example.com today."},
    {"Is it ok?Yes", "Is it ok?Yes"},
    {"\n\n\nHello", "Hello"},
    {"Hello.", "Hello."},
};

static void test_sentences(void **state) {
  fx *f = *state;
  char buf[512];
  for (size_t i = 0; i < sizeof SENTENCE_ROWS / sizeof *SENTENCE_ROWS; i++) {
    run(f, SENTENCE_ROWS[i].in);
    if (strcmp(sentences(&f->t, SENTENCE_ROWS[i].in, buf, sizeof buf), SENTENCE_ROWS[i].out))
      fail_msg("\"%s\": sentences \"%s\", expected \"%s\"", SENTENCE_ROWS[i].in, buf,
               SENTENCE_ROWS[i].out);
  }
}

/* ---------------------------------------------------------------------
 * Statistics
 * --------------------------------------------------------------------- */

static void test_stats(void **state) {
  fx *f = *state;
  const char *s = "I LOVE this!!! Are you sure?? 😊😊 Table make the.";
  run(f, s);
  const double *st = f->t.stats;
  assert_true(st[TACT_STAT_BYTES] == (double)strlen(s));
  assert_true(st[TACT_STAT_CODEPOINTS] == (double)(strlen(s) - 6));
  assert_true(st[TACT_STAT_TOKENS] == 14);
  assert_true(st[TACT_STAT_WORDS] == 9);
  assert_true(st[TACT_STAT_SENTENCES] == 3);
  assert_true(st[TACT_STAT_LETTERS] == 31);
  assert_true(st[TACT_STAT_UPPER_LETTERS] == 7);
  assert_true(st[TACT_STAT_CAPS_RATIO] == 7.0 / 31.0);
  assert_true(st[TACT_STAT_ALL_CAPS_WORDS] == 1);
  assert_true(st[TACT_STAT_EXCLAMATIONS] == 3);
  assert_true(st[TACT_STAT_QUESTIONS] == 2);
  assert_true(st[TACT_STAT_EMOJI] == 2);
  assert_true(st[TACT_STAT_SYLLABLES] == 10);
  assert_true(st[TACT_STAT_REPAIRED_BYTES] == 0);

  run(f, "123 !!! ???");
  assert_true(f->t.stats[TACT_STAT_LETTERS] == 0);
  assert_true(f->t.stats[TACT_STAT_CAPS_RATIO] == 0);
  assert_true(f->t.stats[TACT_STAT_WORDS] == 0);
  assert_true(f->t.stats[TACT_STAT_EXCLAMATIONS] == 3);
  assert_true(f->t.stats[TACT_STAT_QUESTIONS] == 3);

  /* A contraction counts once as a word, once for syllables. */
  run(f, "I can't do it, they're here");
  assert_true(f->t.stats[TACT_STAT_WORDS] == 6);
  assert_true(f->t.stats[TACT_STAT_TOKENS] == 9);
  assert_true(f->t.stats[TACT_STAT_SYLLABLES] == 6);

  run(f, "Wow‼ Really⁈ ！");
  assert_true(f->t.stats[TACT_STAT_EXCLAMATIONS] == 4);
  assert_true(f->t.stats[TACT_STAT_QUESTIONS] == 1);

  run(f, "naïve café élan");
  assert_true(f->t.stats[TACT_STAT_SYLLABLES] == 5); /* naïve 1 (silent e), café 2, élan 2 */
  assert_true(f->t.stats[TACT_STAT_CODEPOINTS] == 15);
}

/* ---------------------------------------------------------------------
 * Invalid input
 * --------------------------------------------------------------------- */

static const struct {
  const char *in;
  size_t len, offset;
} BAD_UTF8[] = {
    {"\x80" "abc", 4, 0},                 /* stray continuation first */
    {"ab\xC0\x80", 4, 2},                 /* overlong NUL */
    {"abc\xE2\x82", 5, 3},                /* truncated at the end */
    {"caf\xC3", 4, 3},                    /* truncated 2-byte at the end */
    {"a\xED\xA0\x80z", 5, 1},             /* surrogate */
    {"xy\xF5\x80\x80\x80", 6, 2},         /* F5 lead byte */
    {"\xF4\x90\x80\x80", 4, 0},           /* > U+10FFFF */
    {"ok \xE0\x80\xAF", 6, 3},            /* 3-byte overlong */
    {"ok\xF0\x80\x80\xAF", 6, 2},         /* 4-byte overlong */
    {"hello w\xFFrld", 11, 7},            /* FF in the middle */
    {"\xC3\x28", 2, 0},                   /* bad continuation */
    {"\xF0\x9F\x98\x8A ok \xC1\xBF", 10, 8}, /* after an emoji */
    {"abc\xE2\x82z", 6, 3},               /* truncated in the middle */
    {"a b c d e f g h i j k l m n o p q\xFE", 34, 33},
};

static void test_invalid_utf8(void **state) {
  fx *f = *state;
  char msg[64];
  for (size_t i = 0; i < sizeof BAD_UTF8 / sizeof *BAD_UTF8; i++) {
    run(f, "Fill the arrays first. Really!"); /* so that an error must empty them */
    tact_status st = run_n(f, BAD_UTF8[i].in, BAD_UTF8[i].len, 0);
    if (st != TACT_E_UTF8) fail_msg("row %zu: status %d", i, (int)st);
    assert_int_equal(f->err.code, TACT_E_UTF8);
    if (f->err.offset != BAD_UTF8[i].offset)
      fail_msg("row %zu: offset %zu, expected %zu", i, f->err.offset, BAD_UTF8[i].offset);
    snprintf(msg, sizeof msg, "invalid UTF-8 at byte %zu", BAD_UTF8[i].offset);
    assert_string_equal(f->err.message, msg);
    assert_true(f->t.stats[TACT_STAT_TOKENS] == 0);
  }
  static const char *const good[] = {"\xF4\x8F\xBF\xBF", "\xED\x9F\xBF", "\xEE\x80\x80",
                                     "\xEF\xBF\xBD", "\xC2\x80", "\xF0\x90\x80\x80", "\xE0\xA0\x80"};
  for (size_t i = 0; i < sizeof good / sizeof *good; i++)
    assert_int_equal(run_n(f, good[i], strlen(good[i]), 0), TACT_OK);
}

static void test_nul_bytes(void **state) {
  fx *f = *state;
  static const struct {
    const char *in;
    size_t len, offset;
  } rows[] = {{"\0abc", 4, 0}, {"ab\0c", 4, 2}, {"abc\0", 4, 3}, {"a\0\xFF", 3, 1}};
  char msg[64];
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    run(f, "some text");
    assert_int_equal(run_n(f, rows[i].in, rows[i].len, 0), TACT_E_INPUT);
    assert_int_equal(f->err.offset, rows[i].offset);
    snprintf(msg, sizeof msg, "NUL byte at byte %zu", rows[i].offset);
    assert_string_equal(f->err.message, msg);
  }
  assert_int_equal(run_n(f, "\xFF\0", 2, 0), TACT_E_UTF8); /* first problem wins */
  assert_int_equal(f->err.offset, 0);
}

static void test_repair(void **state) {
  fx *f = *state;
  const char s[] = "ab\xC0\x80" "cd\xE2\x82 \0x";
  char buf[256];
  assert_int_equal(run_n(f, s, sizeof s - 1, TACT_TEXT_REPAIR), TACT_OK);
  assert_string_equal(kinds(&f->t, buf, sizeof buf), "WSSWSSW");
  assert_string_equal(norms(&f->t, buf, sizeof buf),
                      "ab|\xEF\xBF\xBD|\xEF\xBF\xBD|cd|\xEF\xBF\xBD|\xEF\xBF\xBD|x");
  static const uint32_t spans[][2] = {{0, 2}, {2, 3}, {3, 4}, {4, 6}, {6, 8}, {9, 10}, {10, 11}};
  for (size_t i = 0; i < 7; i++) {
    assert_int_equal(f->t.tokens[i].start, spans[i][0]);
    assert_int_equal(f->t.tokens[i].end, spans[i][1]);
  }
  assert_true(f->t.tokens[5].flags & TACT_TOKEN_SPACE_BEFORE);
  assert_true(f->t.stats[TACT_STAT_REPAIRED_BYTES] == 5);
  assert_true(f->t.stats[TACT_STAT_CODEPOINTS] == 10);
  /* A surrogate is three separate bad bytes; the byte after a bad lead is kept. */
  const char s2[] = "\xED\xA0\x80" "\xE2\x82" "a";
  assert_int_equal(run_n(f, s2, sizeof s2 - 1, TACT_TEXT_REPAIR), TACT_OK);
  assert_string_equal(kinds(&f->t, buf, sizeof buf), "SSSSW");
  assert_int_equal(f->t.tokens[3].end - f->t.tokens[3].start, 2);
  assert_true(f->t.stats[TACT_STAT_REPAIRED_BYTES] == 5);
  /* Without the option the same text fails. */
  assert_int_equal(run_n(f, s, sizeof s - 1, 0), TACT_E_UTF8);
  assert_int_equal(f->err.offset, 2);
}

static void test_empty_and_args(void **state) {
  fx *f = *state;
  run(f, "Not empty.");
  assert_int_equal(tact_text_analyze(&f->t, &f->a, NULL, 0, 0, &f->err), TACT_OK);
  assert_int_equal(f->t.n_tokens, 0);
  assert_int_equal(f->t.n_sentences, 0);
  for (int i = 0; i < TACT_STAT_COUNT; i++) assert_true(f->t.stats[i] == 0);
  assert_int_equal(tact_text_analyze(&f->t, &f->a, "", 0, 0, &f->err), TACT_OK);
  assert_int_equal(tact_text_analyze(&f->t, &f->a, "   \n\t ", 6, 0, &f->err), TACT_OK);
  assert_int_equal(f->t.n_tokens, 0);
  assert_int_equal(f->t.n_sentences, 0);
  assert_int_equal(tact_text_analyze(&f->t, &f->a, NULL, 3, 0, &f->err), TACT_E_ARG);
  assert_int_equal(tact_text_analyze(NULL, &f->a, "x", 1, 0, &f->err), TACT_E_ARG);
  assert_int_equal(tact_text_analyze(&f->t, &f->a, NULL, 3, 0, NULL), TACT_E_ARG);
  /* A NULL allocator means malloc/realloc/free. */
  tact_text t = {0};
  assert_int_equal(tact_text_analyze(&t, NULL, "hi there", 8, 0, NULL), TACT_OK);
  assert_int_equal(t.n_tokens, 2);
  tact_text_free(&t, NULL);
  tact_text_free(&t, NULL); /* freeing twice (zeroed) is harmless */
  tact_text_free(NULL, NULL);
}

static void test_limit(void **state) {
  fx *f = *state;
#if SIZE_MAX > UINT32_MAX
  /* The length is checked before the text is read. */
  const char s[] = "x";
  assert_int_equal(tact_text_analyze(&f->t, &f->a, s, TACT_TEXT_MAX_BYTES + 1, 0, &f->err),
                   TACT_E_LIMIT);
  assert_int_equal(f->err.code, TACT_E_LIMIT);
  assert_int_equal(f->t.n_tokens, 0);
#else
  (void)f;
  skip();
#endif
}

/* ---------------------------------------------------------------------
 * Size and pathological inputs
 * --------------------------------------------------------------------- */

static char *repeat(const char *unit, size_t target, size_t *len) {
  size_t n = strlen(unit), reps = target / n;
  char *b = malloc(reps * n + 1);
  assert_non_null(b);
  for (size_t i = 0; i < reps; i++) memcpy(b + i * n, unit, n);
  b[reps * n] = '\0';
  *len = reps * n;
  return b;
}

static void test_large_input(void **state) {
  fx *f = *state;
  const char *unit = "We’ll refund you within 3-5 business days — sorry, Mr. O’Neil! 😊 ";
  size_t len, ulen = strlen(unit);
  char *b = repeat(unit, (size_t)50 << 20, &len);
  size_t reps = len / ulen;
  assert_int_equal(run_n(f, b, len, 0), TACT_OK);
  assert_int_equal(f->t.n_tokens, 16 * reps);
  assert_int_equal(f->t.n_sentences, reps);
  assert_true(f->t.stats[TACT_STAT_WORDS] == 9.0 * (double)reps);
  assert_true(f->t.stats[TACT_STAT_EMOJI] == (double)reps);
  uint64_t seed = 42;
  for (int k = 0; k < 1000; k++) {
    size_t r = rnd(&seed) % reps, i = 16 * r + 13;
    const tact_token *tok = &f->t.tokens[i];
    size_t before = strlen("We’ll refund you within 3-5 business days — sorry, Mr. ");
    assert_int_equal(tok->start, r * ulen + before);
    assert_memory_equal(b + tok->start, "O’Neil", tok->end - tok->start);
    assert_true(norm_eq(&f->t, i, "o'neil"));
    assert_int_equal(tok->sentence, r);
  }
  free(b);
}

static void test_pathological(void **state) {
  fx *f = *state;
  /* Each must finish in linear time; a quadratic scan would not finish. */
  static const struct {
    const char *unit;
    size_t size;
  } rows[] = {
      {"a", 1 << 20},     {"a-", 1 << 20},   {"😊", 1 << 20},    {"\xCC\x81", 1 << 18},
      {"a.", 1 << 18},    {"a.a@", 1 << 18}, {"a'", 1 << 18},    {"e.g.", 1 << 18},
      {"http://", 1 << 18}, {"http://.", 1 << 18}, {"www.", 1 << 18}, {"@", 1 << 18},
      {"#", 1 << 18},     {"##a", 1 << 18},  {"a@", 1 << 18},    {"1-", 1 << 18},
      {"1.", 1 << 18},    {"$", 1 << 18},    {":)", 1 << 18},    {"😊\xE2\x80\x8D", 1 << 18},
      {"\xE2\x80\x8D", 1 << 18}, {"a\xE2\x80\x8D", 1 << 18}, {"🇺🇸", 1 << 18},
      {"\xCC\x81\xCC\x96", 1 << 18}, {"x@y.", 1 << 18}, {"-_-", 1 << 18}, {"'", 1 << 18},
      {"\xFF", 1 << 18},  {"\xE2\x82", 1 << 18}, {".a", 1 << 18}, {"a1.", 1 << 18},
      {"!?", 1 << 18},    {"a.b@c", 1 << 18}, {"www.a", 1 << 18}, {"ab'", 1 << 18},
  };
  for (size_t i = 0; i < sizeof rows / sizeof *rows; i++) {
    size_t len;
    char *b = repeat(rows[i].unit, rows[i].size, &len);
    if (run_n(f, b, len, TACT_TEXT_REPAIR) != TACT_OK) fail_msg("unit \"%s\"", rows[i].unit);
    free(b);
  }
  size_t len;
  char *b = repeat("a", 1 << 20, &len);
  run_n(f, b, len, 0);
  assert_int_equal(f->t.n_tokens, 1);
  assert_int_equal(f->t.tokens[0].end, len);
  free(b);
  b = repeat("a-", 1 << 20, &len);
  run_n(f, b, len, 0);
  assert_int_equal(f->t.n_tokens, len / 2 + 1); /* joining hyphens emit nothing */
  free(b);
  b = repeat("😊", 1 << 20, &len);
  run_n(f, b, len, 0);
  assert_int_equal(f->t.n_tokens, len / 4);
  assert_true(f->t.stats[TACT_STAT_EMOJI] == (double)(len / 4));
  free(b);
  /* "e" + 1000 U+0301: one word; the normalized form keeps at most 30 marks. */
  char storm[1 + 2 * 1000 + 1] = "e";
  for (int i = 0; i < 1000; i++) memcpy(storm + 1 + 2 * i, "\xCC\x81", 2);
  storm[sizeof storm - 1] = '\0';
  run(f, storm);
  assert_int_equal(f->t.n_tokens, 1);
  assert_int_equal(f->t.tokens[0].end, sizeof storm - 1);
  size_t n;
  const char *p = tact_text_norm(&f->t, 0, &n);
  assert_memory_equal(p, "\xC3\xA9", 2);
  assert_int_equal(n, 2 + 2 * 29);
}

/* ---------------------------------------------------------------------
 * Memory
 * --------------------------------------------------------------------- */

static const char MIXED[] =
    "We’ll refund you — Straße, ﬁx, café’s, ＡＢＣ! 😊👍🏽 Visit https://x.com/a or mail "
    "a.b@c.de, @bob #help :) CAN’T, won't, y'all. e\xCC\x81\xCC\x81 \xFF end. ";

static void test_no_alloc_on_reuse(void **state) {
  (void)state;
  counting_alloc c;
  tact_allocator a;
  counting_alloc_init(&c, &a);
  tact_text t = {0};
  tact_error err;
  size_t len;
  char *big = repeat(MIXED, 1 << 16, &len);
  assert_int_equal(tact_text_analyze(&t, &a, big, len, TACT_TEXT_REPAIR, &err), TACT_OK);
  size_t after_first = counting_alloc_calls(&c), n = t.n_tokens;
  assert_true(after_first > 0);
  assert_int_equal(tact_text_analyze(&t, &a, big, len, TACT_TEXT_REPAIR, &err), TACT_OK);
  assert_int_equal(counting_alloc_calls(&c), after_first);
  assert_int_equal(t.n_tokens, n);
  assert_int_equal(tact_text_analyze(&t, &a, MIXED, sizeof MIXED - 1, TACT_TEXT_REPAIR, &err),
                   TACT_OK);
  assert_int_equal(tact_text_analyze(&t, &a, big, len, 0, &err), TACT_E_UTF8);
  assert_int_equal(counting_alloc_calls(&c), after_first);
  tact_text_free(&t, &a);
  assert_int_equal(c.live, 0);
  free(big);
}

/* tact_text_is_plain_word(w) must promise only what the tokenizer does: one
 * word token whose normal form is w. */
static void assert_plain_word_agrees(tact_text *t, const char *w, size_t n) {
  if (!tact_text_is_plain_word(w, n)) return;
  tact_error err;
  assert_int_equal(tact_text_analyze(t, NULL, w, n, 0, &err), TACT_OK);
  if (t->n_tokens != 1 || t->tokens[0].kind != TACT_TOKEN_WORD || t->tokens[0].norm_len != n ||
      memcmp(t->norm.data + t->tokens[0].norm_off, w, n) != 0)
    fail_msg("'%.*s' is called a plain word but tokenizes otherwise", (int)n, w);
}

/* Every chunk of every built-in lexicon entry, and random lowercase words
 * (where contractions hide: "cant", "im", "wont"). */
static void test_plain_word(void **state) {
  (void)state;
  assert_true(tact_text_is_plain_word("refund", 6));
  assert_false(tact_text_is_plain_word("", 0));
  assert_false(tact_text_is_plain_word("Refund", 6));
  assert_false(tact_text_is_plain_word("cannot", 6));
  assert_false(tact_text_is_plain_word("dont", 4));
  assert_false(tact_text_is_plain_word("im", 2));
  assert_false(tact_text_is_plain_word("e-mail", 6));
  assert_false(tact_text_is_plain_word("caf\xC3\xA9", 5));
  tact_text t;
  memset(&t, 0, sizeof t);
  size_t plain = 0;
  for (size_t p = 0; p < tact_builtin_pack_count; p++) {
    const tact_pack *pk = tact_builtin_packs[p];
    for (size_t l = 0; l < pk->n_lexicons; l++)
      for (size_t e = 0; e < pk->lexicons[l].n_entries; e++) {
        const char *s = pk->lexicons[l].entries[e].pattern;
        while (*s) {
          while (*s == ' ') s++;
          const char *w = s;
          while (*s && *s != ' ') s++;
          plain += tact_text_is_plain_word(w, (size_t)(s - w));
          assert_plain_word_agrees(&t, w, (size_t)(s - w));
        }
      }
  }
  assert_true(plain > 5000); /* the fast path is the common one */
  uint64_t x = 88172645463325252ull;
  for (int i = 0; i < 50000; i++) {
    char w[10];
    x ^= x << 13, x ^= x >> 7, x ^= x << 17;
    size_t n = 1 + (size_t)(x % 9);
    for (size_t k = 0; k < n; k++) w[k] = (char)('a' + (x >> (8 + 5 * k)) % 26);
    assert_plain_word_agrees(&t, w, n);
  }
  const char *contractions[] = {"cant", "wont", "youre", "theyll", "shouldve", "aint", "lets"};
  for (size_t i = 0; i < sizeof contractions / sizeof *contractions; i++)
    assert_false(tact_text_is_plain_word(contractions[i], strlen(contractions[i])));
  tact_text_free(&t, NULL);
}

static void test_alloc_failure(void **state) {
  (void)state;
  char ref[4096], buf[4096];
  tact_text t = {0};
  assert_int_equal(tact_text_analyze(&t, NULL, MIXED, sizeof MIXED - 1, TACT_TEXT_REPAIR, NULL),
                   TACT_OK);
  norms(&t, ref, sizeof ref);
  tact_text_free(&t, NULL);
  /* Refuse the first, second, ... allocation until the call succeeds. */
  for (long k = 0;; k++) {
    counting_alloc c;
    tact_allocator a;
    counting_alloc_init(&c, &a);
    c.fail_after = k;
    tact_error err;
    tact_status st = tact_text_analyze(&t, &a, MIXED, sizeof MIXED - 1, TACT_TEXT_REPAIR, &err);
    if (st == TACT_OK) {
      assert_true(c.fail_after >= 0); /* no allocation was refused */
      assert_string_equal(norms(&t, buf, sizeof buf), ref);
      tact_text_free(&t, &a);
      assert_int_equal(c.live, 0);
      break;
    }
    assert_int_equal(st, TACT_E_NOMEM);
    assert_int_equal(err.code, TACT_E_NOMEM);
    assert_int_equal(t.n_tokens, 0);
    assert_int_equal(t.n_sentences, 0);
    tact_text_free(&t, &a);
    assert_int_equal(c.live, 0);
    assert_true(k < 100);
  }
}

/* ---------------------------------------------------------------------
 * Random mixed text
 * --------------------------------------------------------------------- */

static const char *const PIECES[] = {
    "hello", "World", "can't", "dont", "We’ll", "well-known", "e.g.", "U.S.", "www.x.com",
    "http://a.b/c", "a.b@c.de", "x@y", "foo.bar", "3.5", "10:30am", "$5", "#tag", "@me", "😊",
    "👍🏽", "👨‍👩‍👧", "🇺🇸", "XD", ":)", "...", "!?", "—", "(", ")", "\"", "'", "Straße", "ﬁx",
    "café", "e\xCC\x81", "I'm", "IT'S", "O'Neil", "Mr.", "No.", "-", "--", "ok.", "end!",
    "AA", "The", "table", "a\u00ADb", "x\xE2\x80\x8By", "Windows10", "1st", "+", "©",
    "\xE2\x80\x8D", "1️⃣", "…", "“", "”", "y'all", "ＡＢＣ", ":-(", "<3",
};
static const char *const BAD[] = {"\xFF", "\xC0\x80", "\xED\xA0\x80", "\xE2\x82", "\xF5"};
static const size_t BAD_TOKENS[] = {1, 2, 3, 1, 1};
static const char *const GAPS[] = {" ", " ", " ", "", "\n", "\n\n", "\t", "\xC2\xA0"};

typedef struct gen {
  char *buf;
  size_t len, cap, bad_bytes, bad_tokens, first_bad;
} gen;

static void put(gen *g, const char *s) {
  size_t n = strlen(s);
  if (g->len + n + 1 > g->cap) {
    g->cap = (g->cap + n) * 2;
    g->buf = realloc(g->buf, g->cap);
    assert_non_null(g->buf);
  }
  memcpy(g->buf + g->len, s, n);
  g->len += n;
}

static void generate(gen *g, uint64_t seed, size_t size) {
  memset(g, 0, sizeof *g);
  g->first_bad = SIZE_MAX;
  while (g->len < size) {
    uint64_t r = rnd(&seed);
    if (r % 50 == 0) {
      size_t k = (size_t)(r >> 8) % (sizeof BAD / sizeof *BAD);
      put(g, " ");
      if (g->first_bad == SIZE_MAX) g->first_bad = g->len;
      put(g, BAD[k]);
      put(g, " ");
      g->bad_bytes += strlen(BAD[k]);
      g->bad_tokens += BAD_TOKENS[k];
    } else {
      put(g, PIECES[(r >> 8) % (sizeof PIECES / sizeof *PIECES)]);
      put(g, GAPS[(r >> 32) % (sizeof GAPS / sizeof *GAPS)]);
    }
  }
}

static void test_random_mixed(void **state) {
  fx *f = *state;
  gen g;
  generate(&g, 12345, 2 << 20);
  assert_int_equal(run_n(f, g.buf, g.len, TACT_TEXT_REPAIR), TACT_OK);
  assert_true(f->t.stats[TACT_STAT_REPAIRED_BYTES] == (double)g.bad_bytes);
  size_t fffd = 0;
  for (size_t i = 0; i < f->t.n_tokens; i++) fffd += norm_eq(&f->t, i, "\xEF\xBF\xBD");
  assert_int_equal(fffd, g.bad_tokens);
  /* No visible ASCII is dropped: outside tokens there is only white space
   * and joining hyphens. */
  size_t pos = 0;
  for (size_t i = 0; i <= f->t.n_tokens; i++) {
    size_t end = i < f->t.n_tokens ? f->t.tokens[i].start : g.len;
    for (; pos < end; pos++) {
      unsigned char c = (unsigned char)g.buf[pos];
      if (c < 0x80 && c != ' ' && c != '\n' && c != '\t' && c != '-')
        fail_msg("byte %zu (0x%02x) is in no token", pos, c);
    }
    if (i < f->t.n_tokens) pos = f->t.tokens[i].end;
  }
  /* Strict mode reports the first bad byte. */
  assert_int_equal(run_n(f, g.buf, g.len, 0), TACT_E_UTF8);
  assert_int_equal(f->err.offset, g.first_bad);
  free(g.buf);
}

static void test_random_bytes(void **state) {
  fx *f = *state;
  uint64_t seed = 99;
  char buf[4096];
  for (int round = 0; round < 200; round++) {
    size_t len = rnd(&seed) % sizeof buf;
    for (size_t i = 0; i < len; i++) {
      uint64_t r = rnd(&seed);
      /* Bias towards ASCII and UTF-8 lead/continuation bytes. */
      buf[i] = (char)(r % 4 == 0 ? 0x80 | (r >> 8) % 0x80 : r % 4 == 1 ? 0xC0 | (r >> 8) % 0x40
                                                                   : 0x20 + (r >> 8) % 0x60);
    }
    assert_int_equal(run_n(f, buf, len, TACT_TEXT_REPAIR), TACT_OK);
    tact_status st = run_n(f, buf, len, 0);
    assert_true(st == TACT_OK || st == TACT_E_UTF8 || st == TACT_E_INPUT);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_example, setup, teardown),
      cmocka_unit_test_setup_teardown(test_token_kinds, setup, teardown),
      cmocka_unit_test_setup_teardown(test_token_sequences, setup, teardown),
      cmocka_unit_test_setup_teardown(test_contractions_equivalent, setup, teardown),
      cmocka_unit_test_setup_teardown(test_contraction_forms, setup, teardown),
      cmocka_unit_test_setup_teardown(test_apostrophes_and_quotes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_normalization, setup, teardown),
      cmocka_unit_test_setup_teardown(test_flags, setup, teardown),
      cmocka_unit_test_setup_teardown(test_sentences, setup, teardown),
      cmocka_unit_test_setup_teardown(test_stats, setup, teardown),
      cmocka_unit_test_setup_teardown(test_invalid_utf8, setup, teardown),
      cmocka_unit_test_setup_teardown(test_nul_bytes, setup, teardown),
      cmocka_unit_test_setup_teardown(test_repair, setup, teardown),
      cmocka_unit_test_setup_teardown(test_empty_and_args, setup, teardown),
      cmocka_unit_test_setup_teardown(test_limit, setup, teardown),
      cmocka_unit_test_setup_teardown(test_large_input, setup, teardown),
      cmocka_unit_test_setup_teardown(test_pathological, setup, teardown),
      cmocka_unit_test(test_no_alloc_on_reuse),
      cmocka_unit_test(test_plain_word),
      cmocka_unit_test(test_alloc_failure),
      cmocka_unit_test_setup_teardown(test_random_mixed, setup, teardown),
      cmocka_unit_test_setup_teardown(test_random_bytes, setup, teardown),
  };
  return cmocka_run_group_tests_name("text", tests, NULL, NULL);
}
