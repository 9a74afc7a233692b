/* test_tone.c — tone scores (lib/tone.c) over the built-in packs: for each
 * dimension a text that must raise it and a near miss that must not;
 * VADER's rules (negation, contrast, boosters, caps, punctuation, emoji);
 * evidence that slices the text; the packs' own hygiene (every entry
 * unique after normalization); errors; and allocation-free reuse.
 *
 * The packs are loaded the way the engine layers them: default.xml (compiled
 * in), then lib/packs/sentiment.xml and lib/packs/tone.xml, read from
 * TACT_SOURCE_DIR. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "counting_alloc.h"
#include "layers.h"
#include "match.h"
#include "pack.h"
#include "text.h"
#include "tone.h"

#ifndef TACT_SOURCE_DIR
#define TACT_SOURCE_DIR "."
#endif

#define N_TONE_PACKS 3

/* Everything a tone score needs, built once per group or per test. */
typedef struct fixture {
  tact_allocator a;
  tact_pack_loader *ld;
  tact_pack *packs[N_TONE_PACKS];
  size_t n_packs;
  tact_arena arena;
  tact_layers layers;
  tact_matcher *m;
  tact_tone_model *tm;
  tact_text t;
  tact_match_state st;
  tact_tone tone;
  const char *text;
} fixture;

static fixture F; /* the shared fixture of most tests */

static tact_status fixture_build(fixture *f, const tact_allocator *a, size_t n_packs,
                                 tact_error *err) {
  memset(f, 0, sizeof *f);
  f->a = *a;
  f->ld = tact_pack_loader_new(&f->a, NULL, err);
  if (!f->ld) return err->code;
  tact_status st = tact_pack_loader_parse(f->ld, tact_default_pack_xml, tact_default_pack_xml_len,
                                          "default.xml", 1, &f->packs[f->n_packs], err);
  if (st != TACT_OK) return st;
  f->n_packs++;
  static const char *const files[] = {"/lib/packs/sentiment.xml", "/lib/packs/tone.xml"};
  for (size_t i = 0; i + 1 < n_packs && i < 2; i++) {
    char path[1024];
    snprintf(path, sizeof path, "%s%s", TACT_SOURCE_DIR, files[i]);
    st = tact_pack_loader_parse_file(f->ld, path, &f->packs[f->n_packs], err);
    if (st != TACT_OK) return st;
    f->n_packs++;
  }
  tact_arena_init(&f->arena, &f->a);
  st = tact_layers_resolve(f->packs, f->n_packs, &f->arena, &f->layers, err);
  if (st == TACT_OK) st = tact_matcher_compile(&f->layers, &f->a, &f->m, err);
  if (st == TACT_OK) st = tact_tone_model_build(&f->layers, f->m, &f->a, &f->tm, err);
  return st;
}

static void fixture_free(fixture *f) {
  tact_tone_free(&f->tone, &f->a);
  tact_match_state_free(&f->st, &f->a);
  tact_text_free(&f->t, &f->a);
  tact_tone_model_free(f->tm, &f->a);
  tact_matcher_free(f->m, &f->a);
  tact_arena_free(&f->arena);
  for (size_t i = 0; i < f->n_packs; i++) tact_pack_free(f->packs[i]);
  tact_pack_loader_free(f->ld);
  memset(f, 0, sizeof *f);
}

static tact_status fixture_score(fixture *f, const char *text, tact_error *err) {
  f->text = text;
  tact_status st = tact_text_analyze(&f->t, &f->a, text, strlen(text), 0, err);
  if (st == TACT_OK) st = tact_matcher_scan(f->m, &f->t, &f->a, &f->st, err);
  if (st == TACT_OK) st = tact_tone_score(f->tm, f->m, &f->t, &f->st, &f->a, &f->tone, err);
  return st;
}

static int group_setup(void **state) {
  (void)state;
  tact_allocator a;
  tact_alloc_resolve(&a, NULL);
  tact_error err;
  if (fixture_build(&F, &a, N_TONE_PACKS, &err) != TACT_OK) {
    fprintf(stderr, "fixture: %s\n", err.message);
    return -1;
  }
  return 0;
}

static int group_teardown(void **state) {
  (void)state;
  fixture_free(&F);
  return 0;
}

/* The tone of `text` (shared fixture); fails the test on error. */
static const tact_tone *tone(const char *text) {
  tact_error err;
  if (fixture_score(&F, text, &err) != TACT_OK) fail_msg("scoring '%s': %s", text, err.message);
  return &F.tone;
}

static double score(const char *text, tact_tone_dim dim) { return tone(text)->scores[dim]; }

/* The text an evidence item covers. */
static void slice(const fixture *f, const tact_tone_evidence *e, char *out, size_t cap) {
  size_t s = f->t.tokens[e->first_token].start,
         n = f->t.tokens[e->first_token + e->n_tokens - 1].end;
  snprintf(out, cap, "%.*s", (int)(n - s), f->text + s);
}

/* The weight of the first evidence item of `dim` whose source is `source`
 * and whose span reads `covers` (NULL: any); sets *found. */
static double evidence_weight(tact_tone_dim dim, const char *source, const char *covers,
                              int *found) {
  char buf[256];
  *found = 0;
  for (size_t i = 0; i < F.tone.n_evidence; i++) {
    const tact_tone_evidence *e = &F.tone.evidence[i];
    if (e->dim != dim || strcmp(e->source, source) != 0) continue;
    slice(&F, e, buf, sizeof buf);
    if (covers && strcmp(buf, covers) != 0) continue;
    *found = 1;
    return e->weight;
  }
  return 0.0;
}

static int has_evidence(tact_tone_dim dim, const char *source, const char *covers) {
  int found;
  evidence_weight(dim, source, covers, &found);
  return found;
}

/* ---------------------------------------------------------------------
 * Sentiment
 * --------------------------------------------------------------------- */

static void test_sentiment_polarity(void **state) {
  (void)state;
  assert_true(score("The service was good.", TACT_TONE_SENTIMENT) > 0.3);
  assert_true(score("The service was awful.", TACT_TONE_SENTIMENT) < -0.3);
  /* Near miss: nothing with a valence. */
  assert_true(score("The parcel was delivered on Tuesday.", TACT_TONE_SENTIMENT) == 0.0);
  const tact_tone *t = tone("The service was good.");
  assert_true(t->scores[TACT_TONE_POSITIVE] > 0 && t->scores[TACT_TONE_NEGATIVE] == 0);
  double sum =
      t->scores[TACT_TONE_POSITIVE] + t->scores[TACT_TONE_NEGATIVE] + t->scores[TACT_TONE_NEUTRAL];
  assert_true(sum > 0.999 && sum < 1.001);
  assert_true(score("", TACT_TONE_SENTIMENT) == 0.0);
  assert_true(score("", TACT_TONE_NEUTRAL) == 0.0);
}

static void test_sentiment_negation(void **state) {
  (void)state;
  assert_true(score("not good", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("never helpful", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("I don't like it", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("It isn't very good", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("not bad at all", TACT_TONE_SENTIMENT) > 0);
  /* "no" before a sentiment word negates it rather than counting itself. */
  assert_true(score("no problem", TACT_TONE_SENTIMENT) >= 0);
  assert_true(score("No problem at all, happy to help!", TACT_TONE_SENTIMENT) > 0.3);
  /* Negation stops at a clause boundary ... */
  assert_true(score("Not yet, but good.", TACT_TONE_SENTIMENT) > 0);
  /* ... and at a sentiment word: the second "care" is negated once. */
  assert_true(score("don't care, don't care", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("I don't care, I don't care at all about it", TACT_TONE_SENTIMENT) < 0);
  /* Phrases holding a negation that praise. */
  assert_true(score("I couldn't be happier.", TACT_TONE_SENTIMENT) > 0.3);
  assert_true(score("Without a doubt, an excellent idea.", TACT_TONE_SENTIMENT) > 0.3);
  assert_true(score("At least it isn't a horrible book.", TACT_TONE_SENTIMENT) > 0);
  assert_true(score("It was the least helpful answer.", TACT_TONE_SENTIMENT) < 0);
}

static void test_sentiment_contrast(void **state) {
  (void)state;
  assert_true(score("the food was good but the service was awful", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("the food was awful but the service was good", TACT_TONE_SENTIMENT) > 0);
  int found;
  /* Before "but" counts half, after it one and a half times. */
  double w = evidence_weight(TACT_TONE_SENTIMENT, "sentiment.valence:good", "good", &found);
  assert_true(found && w > 2.84 && w < 2.86); /* "good" 1.9 x 1.5 after "but" */
  score("the food was good but the service was awful", TACT_TONE_SENTIMENT);
  w = evidence_weight(TACT_TONE_SENTIMENT, "sentiment.valence:good", "good", &found);
  assert_true(found && w > 0.94 && w < 0.96); /* ... x 0.5 */
  /* The contrast stays in its sentence. */
  double a = score("The food was good. The bill was high but fair.", TACT_TONE_SENTIMENT);
  double b = score("The food was good.", TACT_TONE_SENTIMENT);
  assert_true(a > b);
}

static void test_sentiment_boosters(void **state) {
  (void)state;
  double plain = score("The support was helpful.", TACT_TONE_SENTIMENT);
  assert_true(score("The support was very helpful.", TACT_TONE_SENTIMENT) > plain);
  assert_true(score("The support was extremely helpful.", TACT_TONE_SENTIMENT) > plain);
  assert_true(score("The support was somewhat helpful.", TACT_TONE_SENTIMENT) < plain);
  assert_true(score("The support was kind of helpful.", TACT_TONE_SENTIMENT) < plain);
  double bad = score("The delay was bad.", TACT_TONE_SENTIMENT);
  assert_true(score("The delay was very bad.", TACT_TONE_SENTIMENT) < bad);
  assert_true(has_evidence(TACT_TONE_SENTIMENT, "sentiment.booster:very", "very"));
  /* A booster alone carries no valence. */
  assert_true(score("very", TACT_TONE_SENTIMENT) == 0.0);
}

static void test_sentiment_caps_and_punctuation(void **state) {
  (void)state;
  double plain = score("The replacement was good", TACT_TONE_SENTIMENT);
  assert_true(score("The replacement was GOOD", TACT_TONE_SENTIMENT) > plain);
  assert_true(has_evidence(TACT_TONE_SENTIMENT, "caps-emphasis", "GOOD"));
  /* All in capitals: nothing stands out, no emphasis. */
  assert_true(score("THE REPLACEMENT WAS GOOD", TACT_TONE_SENTIMENT) == plain);
  assert_true(score("The replacement was good!!!", TACT_TONE_SENTIMENT) > plain);
  assert_true(has_evidence(TACT_TONE_SENTIMENT, "exclamation-emphasis", "!!!"));
  double neg = score("The replacement was bad", TACT_TONE_SENTIMENT);
  assert_true(score("The replacement was bad!!", TACT_TONE_SENTIMENT) < neg);
  /* Punctuation emphasizes sentiment; it creates none. */
  assert_true(score("The replacement arrived!!!", TACT_TONE_SENTIMENT) == 0.0);
  /* Questions assert less. */
  assert_true(score("Was the replacement good?", TACT_TONE_SENTIMENT) < plain);
}

static void test_sentiment_emoji_and_emoticons(void **state) {
  (void)state;
  double plain = score("Thanks for the update", TACT_TONE_SENTIMENT);
  assert_true(score("Thanks for the update \xF0\x9F\x98\x8A", TACT_TONE_SENTIMENT) > plain); /* 😊 */
  assert_true(score("Thanks for the update \xF0\x9F\x91\x8C\xF0\x9F\x8F\xBD", TACT_TONE_SENTIMENT) >
              plain); /* 👌🏽 */
  assert_true(score("Still waiting \xF0\x9F\x98\xA0", TACT_TONE_SENTIMENT) < 0); /* 😠 */
  assert_true(score("Still waiting :(", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("Got it :)", TACT_TONE_SENTIMENT) > 0);
  assert_true(score("Got it :-)", TACT_TONE_SENTIMENT) == score("Got it :)", TACT_TONE_SENTIMENT));
  /* A symbol emoticon counts only standing alone ("(see note 8)" is no "8)"). */
  assert_true(score("see note 8)", TACT_TONE_SENTIMENT) == 0.0);
  /* An emoji is not negated by the words before it. */
  assert_true(score("not sure yet \xF0\x9F\x98\x8A", TACT_TONE_SENTIMENT) > 0);
  /* Hashtags and elongated words are looked up by their word. */
  assert_true(score("#love", TACT_TONE_SENTIMENT) > 0);
  assert_true(score("sooo goooood", TACT_TONE_SENTIMENT) >
              score("so good", TACT_TONE_SENTIMENT) - 0.2);
  assert_true(score("goooood", TACT_TONE_SENTIMENT) > 0);
}

static void test_sentiment_phrases(void **state) {
  (void)state;
  /* "like" as a preposition and the names of the service carry no sentiment. */
  assert_true(score("It looks like the parcel is in Leeds.", TACT_TONE_SENTIMENT) == 0.0);
  assert_true(score("I like the new app.", TACT_TONE_SENTIMENT) > 0);
  assert_true(score("Please contact customer support.", TACT_TONE_SENTIMENT) <
              score("Please contact support.", TACT_TONE_SENTIMENT));
  assert_true(score("Thanks for nothing.", TACT_TONE_SENTIMENT) < 0);
  assert_true(score("The bus stop", TACT_TONE_SENTIMENT) == 0.0);
  /* Hypotheticals assert less than facts. */
  assert_true(score("If it were good, I would keep it.", TACT_TONE_SENTIMENT) <
              score("It is good, I keep it.", TACT_TONE_SENTIMENT));
}

/* ---------------------------------------------------------------------
 * Politeness
 * --------------------------------------------------------------------- */

static void test_politeness(void **state) {
  (void)state;
  const char *polite = "Hi Sam, could you please send me the receipt? Thank you so much!";
  const char *blunt = "Why didn't you send the receipt? Send it now.";
  double p = score(polite, TACT_TONE_POLITENESS);
  assert_true(p > 0.7);
  assert_true(score(polite, TACT_TONE_IMPOLITENESS) < 0.5);
  assert_true(has_evidence(TACT_TONE_POLITENESS, "politeness.gratitude:thank you", "Thank you"));
  assert_true(has_evidence(TACT_TONE_POLITENESS, "politeness.greeting.start:hi", "Hi"));
  double q = score(blunt, TACT_TONE_POLITENESS);
  assert_true(q < 0.5 && q < p);
  assert_true(score(blunt, TACT_TONE_IMPOLITENESS) > 0.5);
  assert_true(has_evidence(TACT_TONE_IMPOLITENESS, "politeness.direct-question.start:why", "Why"));
  /* A sentence-initial cue counts only there. */
  tone("Can you tell me why the parcel is late?");
  assert_false(has_evidence(TACT_TONE_IMPOLITENESS, "politeness.direct-question.start:why", NULL));
  /* Near miss: a neutral statement is neither. */
  assert_true(score("The parcel left the depot.", TACT_TONE_POLITENESS) > 0.3);
  assert_true(score("The parcel left the depot.", TACT_TONE_POLITENESS) < 0.7);
  assert_true(score("", TACT_TONE_IMPOLITENESS) == 0.0);
}

/* The fitted words and word pairs (politeness.word, .phrase) move
 * politeness both ways, are matched on normalized tokens, and are never
 * impolite strategies themselves. */
static void test_politeness_words(void **state) {
  (void)state;
  int found;
  /* Raises: a hedged request with no strategy but the hedge reads polite,
   * its word pairs listed with their spans. */
  const char *hedged = "I was wondering if you might have a chance to look at this.";
  assert_true(score(hedged, TACT_TONE_POLITENESS) > 0.7);
  assert_true(evidence_weight(TACT_TONE_POLITENESS, "politeness.phrase:i was", "I was", &found) > 0);
  assert_true(found);
  assert_true(score(hedged, TACT_TONE_IMPOLITENESS) == 0.0);
  /* Lowers, but only politeness: "now" weighs against politeness and is
   * listed there, not as an impolite strategy. */
  assert_true(score("Fix it now.", TACT_TONE_POLITENESS) < score("Fix it.", TACT_TONE_POLITENESS));
  tone("Fix it now.");
  assert_true(evidence_weight(TACT_TONE_POLITENESS, "politeness.word:now", "now", &found) < -0.1);
  assert_true(found);
  assert_false(has_evidence(TACT_TONE_IMPOLITENESS, "politeness.word:now", NULL));
  assert_true(score("Fix it now.", TACT_TONE_IMPOLITENESS) == 0.0);
  /* Pairs are matched on the tokenizer's forms: "didn't you" holds "not
   * you", and a polite request keeps impoliteness at 0 whatever its words. */
  tone("Why didn't you send it?");
  assert_true(has_evidence(TACT_TONE_POLITENESS, "politeness.phrase:not you", "n't you"));
  assert_true(score("Hi Sam, could you please send me the receipt? Thank you so much!",
                    TACT_TONE_IMPOLITENESS) == 0.0);
}

/* ---------------------------------------------------------------------
 * Cue dimensions: raised by a text, not by its near miss
 * --------------------------------------------------------------------- */

typedef struct cue_case {
  tact_tone_dim dim;
  const char *raises;
  const char *near_miss;
} cue_case;

static const cue_case CUES[] = {
    {TACT_TONE_EMPATHY,
     "I'm so sorry to hear that. I can only imagine how frustrating this has been.",
     "Your order number is 12345 and it ships from our depot."},
    {TACT_TONE_POSITIVITY, "Here's what I can do: I'd be happy to send a replacement today.",
     "The replacement was sent on Monday."},
    {TACT_TONE_NEGATIVE_LANGUAGE, "Unfortunately we can't do that, it's not possible.",
     "We will do that today."},
    {TACT_TONE_RUDENESS, "Calm down. As I already told you, it's not rocket science.",
     "Take your time and tell me what happened."},
    {TACT_TONE_BLAME, "You should have read the instructions; you entered the wrong address.",
     "We should have told you sooner about the new address."},
    {TACT_TONE_DEFENSIVENESS, "That's our policy, there's nothing we can do. It's not our fault.",
     "Let me check what we can do for you."},
    {TACT_TONE_ARGUING, "You're wrong, that's not what happened.",
     "You're right, that is what happened."},
    {TACT_TONE_JARGON, "Your RMA is in the L2 queue pending RCA per the SLA.",
     "We will replace your phone this week."},
    {TACT_TONE_CANNED, "We apologize for any inconvenience. Your call is important to us.",
     "Sorry about the mix-up with your order, that one is on me."},
    {TACT_TONE_SALES_PRESSURE, "Act now: this limited time offer ends tonight, buy now!",
     "Your order will ship tonight."},
    {TACT_TONE_HEDGING, "I think it should probably work, but I'm not sure.",
     "It works. I tested it this morning."},
};

static void test_cue_dimensions(void **state) {
  (void)state;
  for (size_t i = 0; i < sizeof CUES / sizeof *CUES; i++) {
    double hi = score(CUES[i].raises, CUES[i].dim);
    int found = 0;
    for (size_t k = 0; k < F.tone.n_evidence; k++) found |= F.tone.evidence[k].dim == CUES[i].dim;
    double lo = score(CUES[i].near_miss, CUES[i].dim);
    if (!(hi > 0.6 && found && lo == 0.0))
      fail_msg("dim %d: '%s' = %.3f (evidence %d), '%s' = %.3f", CUES[i].dim, CUES[i].raises, hi,
               found, CUES[i].near_miss, lo);
    assert_true(hi <= 1.0);
  }
  /* Overlapping cues of one dimension count once. */
  tone("I'm sorry to hear that.");
  size_t n = 0;
  for (size_t k = 0; k < F.tone.n_evidence; k++) n += F.tone.evidence[k].dim == TACT_TONE_EMPATHY;
  assert_int_equal(n, 1);
}

static void test_jargon_acronyms(void **state) {
  (void)state;
  assert_true(score("Please fill in the XQF before Friday.", TACT_TONE_JARGON) > 0.5);
  assert_true(has_evidence(TACT_TONE_JARGON, "unexplained-acronym", "XQF"));
  /* Spelled out before or after: explained. */
  assert_true(score("Please fill in the Xeno Query Form (XQF) before Friday.", TACT_TONE_JARGON) ==
              0.0);
  assert_true(score("Please fill in the XQF (xeno query form) before Friday.", TACT_TONE_JARGON) ==
              0.0);
  assert_true(score("Your Return Merchandise Authorization (RMA) is ready.", TACT_TONE_JARGON) ==
              0.0);
  assert_true(score("Send the Bill of Lading (BOL) today; the BOL is due.", TACT_TONE_JARGON) ==
              0.0);
  /* Acronyms everyone knows, words in capitals, and shouting are no jargon. */
  assert_true(score("Please reply ASAP, our FAQ has the details.", TACT_TONE_JARGON) == 0.0);
  assert_true(score("Please HELP me, it is NOT working.", TACT_TONE_JARGON) == 0.0);
  assert_true(score("WHERE IS MY ORDER XQF", TACT_TONE_JARGON) == 0.0);
  /* A density: one term in a long reply weighs less than in a short one. */
  double short_text = score("Check the XQF.", TACT_TONE_JARGON);
  double long_text =
      score("Check the XQF. We will send the new card to your home address by the end "
            "of the week, and you can track it from the link in the email we sent "
            "you this morning, or call us any time if anything looks wrong.",
            TACT_TONE_JARGON);
  assert_true(long_text > 0 && long_text < short_text);
}

static void test_readability(void **state) {
  (void)state;
  const tact_tone *t = tone("We sent it. It will come soon. Call us.");
  assert_true(t->scores[TACT_TONE_READABILITY] > 80);
  assert_true(t->scores[TACT_TONE_WORDS_PER_SENTENCE] > 2.5 &&
              t->scores[TACT_TONE_WORDS_PER_SENTENCE] < 3.5);
  assert_true(t->scores[TACT_TONE_LONG_SENTENCES] == 0.0);
  t = tone("Notwithstanding the aforementioned considerations, organizational reimbursement "
           "authorization necessitates comprehensive documentation substantiating eligibility.");
  assert_true(t->scores[TACT_TONE_READABILITY] < 20);
  /* 26 words in one sentence: long; 25 words: not. Contractions count once. */
  char w26[400] = "We've", w25[400] = "We've";
  for (int i = 1; i < 26; i++) strcat(w26, " word");
  for (int i = 1; i < 25; i++) strcat(w25, " word");
  strcat(w26, ".");
  strcat(w25, ".");
  t = tone(w26);
  assert_true(t->scores[TACT_TONE_WORDS_PER_SENTENCE] == 26.0);
  assert_true(t->scores[TACT_TONE_LONG_SENTENCES] == 1.0);
  assert_true(has_evidence(TACT_TONE_LONG_SENTENCES, "long-sentence", w26));
  assert_true(score(w25, TACT_TONE_LONG_SENTENCES) == 0.0);
  assert_true(score("", TACT_TONE_READABILITY) == 100.0);
}

static void test_anger(void **state) {
  (void)state;
  double a =
      score("THIS IS UNACCEPTABLE!!! WHERE IS MY ORDER, I want a refund NOW!!!", TACT_TONE_ANGER);
  assert_true(a > 0.7);
  assert_true(has_evidence(TACT_TONE_ANGER, "caps-shouting", "UNACCEPTABLE"));
  assert_true(has_evidence(TACT_TONE_ANGER, "exclamation-run", "!!!"));
  assert_true(score("This is shit, what the fuck is wrong with you people", TACT_TONE_ANGER) > 0.7);
  assert_true(has_evidence(TACT_TONE_ANGER, "profanity:shit", "shit"));
  /* Near misses: a calm complaint, happy shouting, a known acronym. */
  assert_true(score("Where is my order? It was due on Monday.", TACT_TONE_ANGER) == 0.0);
  assert_true(score("I LOVE IT!!! Best support ever!!", TACT_TONE_ANGER) < 0.3);
  assert_true(score("Please see the FAQ.", TACT_TONE_ANGER) == 0.0);
}

/* ---------------------------------------------------------------------
 * Evidence, errors, memory
 * --------------------------------------------------------------------- */

static void test_evidence_spans(void **state) {
  (void)state;
  const char *text = "Hi! Unfortunately the order isn't good, but we can't refund it :( "
                     "Calm down, it's company policy. Your RMA is pending.";
  const tact_tone *t = tone(text);
  assert_true(t->n_evidence > 8);
  uint32_t last = 0;
  char buf[256];
  for (size_t i = 0; i < t->n_evidence; i++) {
    const tact_tone_evidence *e = &t->evidence[i];
    assert_true(e->n_tokens > 0 && e->first_token + e->n_tokens <= F.t.n_tokens);
    assert_true(e->first_token >= last); /* text order */
    last = e->first_token;
    assert_true(e->dim < TACT_TONE_DIMS);
    assert_non_null(e->source);
    assert_true(e->source[0] != '\0');
    slice(&F, e, buf, sizeof buf);
    assert_non_null(strstr(text, buf));
    /* A lexicon entry's span reads as its pattern does. */
    const char *colon = strchr(e->source, ':');
    if (colon && !strcmp(e->source, "sentiment.valence:good")) assert_string_equal(buf, "good");
    if (colon && !strcmp(e->source, "negative-language:unfortunately"))
      assert_string_equal(buf, "Unfortunately");
  }
  assert_true(has_evidence(TACT_TONE_SENTIMENT, "sentiment.negation:not", "isn't"));
  assert_true(has_evidence(TACT_TONE_RUDENESS, "rudeness:calm down", "Calm down"));
  assert_true(has_evidence(TACT_TONE_DEFENSIVENESS, "defensive:company policy", "company policy"));
  assert_true(has_evidence(TACT_TONE_JARGON, "jargon:RMA", "RMA"));
  /* Contributions add up: the sentiment evidence is the raw sum. */
  double sum = 0;
  for (size_t i = 0; i < t->n_evidence; i++)
    if (t->evidence[i].dim == TACT_TONE_SENTIMENT) sum += t->evidence[i].weight;
  assert_true((sum < 0) == (t->scores[TACT_TONE_SENTIMENT] < 0));
}

static void test_errors(void **state) {
  (void)state;
  tact_error err;
  tact_tone_model *tm = (tact_tone_model *)1;
  assert_int_equal(tact_tone_model_build(NULL, F.m, &F.a, &tm, &err), TACT_E_ARG);
  assert_null(tm);
  assert_int_equal(tact_tone_model_build(&F.layers, F.m, &F.a, NULL, &err), TACT_E_ARG);
  tact_tone out;
  memset(&out, 0, sizeof out);
  assert_int_equal(tact_tone_score(NULL, F.m, &F.t, &F.st, &F.a, &out, &err), TACT_E_ARG);
  assert_int_equal(tact_tone_score(F.tm, F.m, &F.t, &F.st, &F.a, NULL, &err), TACT_E_ARG);
  tact_tone_free(NULL, &F.a);
  tact_tone_model_free(NULL, &F.a);
}

/* Without the tone packs every score is defined and quiet. */
static void test_default_pack_only(void **state) {
  (void)state;
  fixture f;
  tact_allocator a;
  tact_alloc_resolve(&a, NULL);
  tact_error err;
  assert_int_equal(fixture_build(&f, &a, 1, &err), TACT_OK);
  assert_int_equal(fixture_score(&f, "Unfortunately it's GOOD!!! Calm down.", &err), TACT_OK);
  assert_true(f.tone.scores[TACT_TONE_SENTIMENT] == 0.0);
  assert_true(f.tone.scores[TACT_TONE_POLITENESS] == 0.5);
  assert_true(f.tone.scores[TACT_TONE_NEGATIVE_LANGUAGE] > 0);
  assert_true(f.tone.scores[TACT_TONE_RUDENESS] > 0);
  fixture_free(&f);
}

static void test_reuse_allocates_nothing(void **state) {
  (void)state;
  counting_alloc c;
  tact_allocator a;
  counting_alloc_init(&c, &a);
  fixture f;
  tact_error err;
  assert_int_equal(fixture_build(&f, &a, N_TONE_PACKS, &err), TACT_OK);
  /* About 1 KB of customer-service text with every kind of evidence. */
  char text[1200];
  const char *part = "Hi Sam, I'm SO sorry!!! Unfortunately we can't refund it, but here's what I "
                     "can do :) Your RMA is in the L2 queue, I think it should work. ";
  text[0] = '\0';
  while (strlen(text) + strlen(part) < 1024) strcat(text, part);
  assert_true(strlen(text) > 900);
  for (int warm = 0; warm < 2; warm++) assert_int_equal(fixture_score(&f, text, &err), TACT_OK);
  size_t before = counting_alloc_calls(&c);
  for (int i = 0; i < 3; i++) assert_int_equal(fixture_score(&f, text, &err), TACT_OK);
  assert_int_equal(counting_alloc_calls(&c), before);
  assert_true(f.tone.n_evidence > 20);
  /* Scoring alone, on a shorter text, allocates nothing either. */
  assert_int_equal(tact_text_analyze(&f.t, &f.a, "Not good.", 9, 0, &err), TACT_OK);
  assert_int_equal(tact_matcher_scan(f.m, &f.t, &f.a, &f.st, &err), TACT_OK);
  before = counting_alloc_calls(&c);
  assert_int_equal(tact_tone_score(f.tm, f.m, &f.t, &f.st, &f.a, &f.tone, &err), TACT_OK);
  assert_int_equal(counting_alloc_calls(&c), before);
  fixture_free(&f);
  assert_int_equal(c.live, 0);
}

/* Out of memory at every step of building and of a first scoring: a clean
 * TACT_E_NOMEM, nothing leaked. */
static void test_out_of_memory(void **state) {
  (void)state;
  counting_alloc c;
  tact_allocator a;
  counting_alloc_init(&c, &a);
  fixture f;
  tact_error err;
  assert_int_equal(fixture_build(&f, &a, N_TONE_PACKS, &err), TACT_OK);
  tact_tone_model *tm;
  for (long k = 0;; k++) {
    c.fail_after = k;
    tact_status st = tact_tone_model_build(&f.layers, f.m, &a, &tm, &err);
    c.fail_after = -1;
    if (st == TACT_OK) {
      tact_tone_model_free(tm, &a);
      break;
    }
    assert_int_equal(st, TACT_E_NOMEM);
    assert_null(tm);
  }
  const char *text = "Hi! I'm so sorry, unfortunately we can't. Calm down :( RMA XQF";
  assert_int_equal(tact_text_analyze(&f.t, &a, text, strlen(text), 0, &err), TACT_OK);
  assert_int_equal(tact_matcher_scan(f.m, &f.t, &a, &f.st, &err), TACT_OK);
  for (long k = 0;; k++) {
    tact_tone fresh;
    memset(&fresh, 0, sizeof fresh);
    c.fail_after = k;
    tact_status st = tact_tone_score(f.tm, f.m, &f.t, &f.st, &a, &fresh, &err);
    c.fail_after = -1;
    tact_tone_free(&fresh, &a);
    if (st == TACT_OK) break;
    assert_int_equal(st, TACT_E_NOMEM);
  }
  fixture_free(&f);
  assert_int_equal(c.live, 0);
}

/* ---------------------------------------------------------------------
 * The packs themselves
 * --------------------------------------------------------------------- */

static int cmp_str(const void *x, const void *y) {
  return strcmp(*(char *const *)x, *(char *const *)y);
}

/* Every entry of every lexicon of the tone packs tokenizes to something
 * no other entry of its lexicon does (the matcher would keep only one). */
static void test_pack_entries_unique(void **state) {
  (void)state;
  tact_text t;
  memset(&t, 0, sizeof t);
  tact_error err;
  for (size_t p = 1; p < F.n_packs; p++) {
    const tact_pack *pk = F.packs[p];
    for (size_t l = 0; l < pk->n_lexicons; l++) {
      const tact_pack_lexicon *lx = &pk->lexicons[l];
      char **keys = calloc(lx->n_entries + 1, sizeof *keys);
      assert_non_null(keys);
      for (size_t e = 0; e < lx->n_entries; e++) {
        /* Chunk by chunk, as the matcher compiles patterns. */
        char key[2048] = "";
        const char *s = lx->entries[e].pattern;
        while (*s) {
          while (*s == ' ') s++;
          const char *w = s;
          while (*s && *s != ' ') s++;
          if (s == w) continue;
          assert_int_equal(tact_text_analyze(&t, &F.a, w, (size_t)(s - w), 0, &err), TACT_OK);
          for (size_t i = 0; i < t.n_tokens; i++) {
            size_t len;
            const char *n = tact_text_norm(&t, i, &len);
            size_t k = strlen(key);
            snprintf(key + k, sizeof key - k, "%.*s\x1f", (int)len, n);
          }
        }
        keys[e] = strdup(key);
        assert_non_null(keys[e]);
      }
      qsort(keys, lx->n_entries, sizeof *keys, cmp_str);
      for (size_t e = 1; e < lx->n_entries; e++)
        if (!strcmp(keys[e], keys[e - 1]))
          fail_msg("%s, lexicon %s: two entries normalize to '%s'", pk->source, lx->id, keys[e]);
      for (size_t e = 0; e < lx->n_entries; e++) free(keys[e]);
      free(keys);
    }
  }
  tact_text_free(&t, &F.a);
}

/* Both packs validate against the schema (as the engine will check). */
static void test_packs_validate(void **state) {
  (void)state;
  for (size_t p = 1; p < F.n_packs; p++) assert_non_null(F.packs[p]->id);
  assert_string_equal(F.packs[1]->id, "default-sentiment");
  assert_string_equal(F.packs[2]->id, "default-tone");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_sentiment_polarity),
      cmocka_unit_test(test_sentiment_negation),
      cmocka_unit_test(test_sentiment_contrast),
      cmocka_unit_test(test_sentiment_boosters),
      cmocka_unit_test(test_sentiment_caps_and_punctuation),
      cmocka_unit_test(test_sentiment_emoji_and_emoticons),
      cmocka_unit_test(test_sentiment_phrases),
      cmocka_unit_test(test_politeness),
      cmocka_unit_test(test_politeness_words),
      cmocka_unit_test(test_cue_dimensions),
      cmocka_unit_test(test_jargon_acronyms),
      cmocka_unit_test(test_readability),
      cmocka_unit_test(test_anger),
      cmocka_unit_test(test_evidence_spans),
      cmocka_unit_test(test_errors),
      cmocka_unit_test(test_default_pack_only),
      cmocka_unit_test(test_reuse_allocates_nothing),
      cmocka_unit_test(test_out_of_memory),
      cmocka_unit_test(test_pack_entries_unique),
      cmocka_unit_test(test_packs_validate),
  };
  return cmocka_run_group_tests(tests, group_setup, group_teardown);
}
