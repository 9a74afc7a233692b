/* test_pack_xml.c — tests of the pack loader (lib/pack_xml.c): the parsed
 * model of a full pack, schema and semantic errors with their lines,
 * malformed and hostile XML (entities, DTDs, depth, size, NUL bytes,
 * encodings), files, allocation failures, and that nothing is ever printed.
 * Pack files live in TACT_TEST_DATA_DIR/packs. */
#include <errno.h>
#include <locale.h>
#include <math.h>
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

#include "pack.h"
#include "pack_image.h"

#ifndef TACT_TEST_DATA_DIR
#define TACT_TEST_DATA_DIR "tests/data"
#endif
#define PACK_DIR TACT_TEST_DATA_DIR "/packs/"

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */

static char *data_path(const char *name) {
  static char path[1024];
  snprintf(path, sizeof path, "%s%s", PACK_DIR, name);
  return path;
}

static char *slurp(const char *name, size_t *len) {
  FILE *f = fopen(data_path(name), "rb");
  assert_non_null(f);
  char *buf = malloc(1 << 20);
  assert_non_null(buf);
  *len = fread(buf, 1, 1 << 20, f);
  fclose(f);
  buf[*len] = '\0';
  return buf;
}

static tact_pack_loader *loader(size_t max_bytes, unsigned max_depth) {
  tact_pack_limits lim = {max_bytes, max_depth};
  tact_error err;
  tact_pack_loader *ld = tact_pack_loader_new(NULL, &lim, &err);
  assert_non_null(ld);
  return ld;
}

static tact_status parse_str(tact_pack_loader *ld, const char *xml, int validate, tact_pack **out,
                             tact_error *err) {
  return tact_pack_loader_parse(ld, xml, strlen(xml), "mem.xml", validate, out, err);
}

static int has(const char *hay, const char *needle) { return strstr(hay, needle) != NULL; }

#define assert_has(hay, needle)                                                                    \
  do {                                                                                             \
    if (!has((hay), (needle))) fail_msg("'%s' not in '%s'", (needle), (hay));                      \
  } while (0)

/* Sends fd 2 to a temporary file for the duration of a call, so a test can
 * check that libxml2 printed nothing. */
typedef struct capture {
  FILE *tmp;
  int saved;
} capture;

static void capture_begin(capture *c) {
  fflush(stderr);
  c->tmp = tmpfile();
  assert_non_null(c->tmp);
  c->saved = dup(2);
  assert_true(c->saved >= 0);
  assert_true(dup2(fileno(c->tmp), 2) >= 0);
}

static long capture_end(capture *c) {
  fflush(stderr);
  dup2(c->saved, 2);
  close(c->saved);
  fseek(c->tmp, 0, SEEK_END);
  long n = ftell(c->tmp);
  fclose(c->tmp);
  return n;
}

static unsigned lines_in(const char *s, size_t len) {
  unsigned n = 1;
  for (size_t i = 0; i < len; i++)
    n += s[i] == '\n';
  return n;
}

/* ---------------------------------------------------------------------- */
/* A full pack                                                            */

static void check_full_pack(const tact_pack *p, const char *source) {
  assert_string_equal(p->id, "acme.support-1");
  assert_string_equal(p->version, "2024.1");
  assert_string_equal(p->source, source);

  assert_int_equal(p->n_lexicons, 4);
  const tact_pack_lexicon *lx = &p->lexicons[0];
  assert_string_equal(lx->id, "negative-language");
  assert_int_equal(lx->mode, TACT_LAYER_EXTEND);
  assert_true(lx->has_weight);
  assert_true(lx->weight == -1.5);
  assert_int_equal(lx->line, 9);
  assert_int_equal(lx->n_entries, 3);
  assert_string_equal(lx->entries[0].pattern, "unfortunately");
  assert_false(lx->entries[0].has_weight);
  assert_int_equal(lx->entries[0].line, 10);
  assert_string_equal(lx->entries[1].pattern, "{number} business day~");
  assert_true(lx->entries[1].has_weight);
  assert_true(lx->entries[1].weight == -2.0);
  assert_int_equal(lx->entries[1].line, 11);
  assert_string_equal(lx->entries[2].pattern, "a < b & c");
  assert_true(lx->entries[2].weight == 25.0);
  assert_int_equal(lx->entries[2].line, 14);

  lx = &p->lexicons[1];
  assert_string_equal(lx->id, "say-no");
  assert_int_equal(lx->mode, TACT_LAYER_OVERRIDE);
  assert_false(lx->has_weight);
  assert_int_equal(lx->line, 24);
  assert_int_equal(lx->n_entries, 1);
  assert_string_equal(lx->entries[0].pattern, "no");
  assert_int_equal(lx->entries[0].line, 25);

  lx = &p->lexicons[2];
  assert_string_equal(lx->id, "old-words");
  assert_int_equal(lx->mode, TACT_LAYER_DISABLE);
  assert_int_equal(lx->n_entries, 0);
  assert_int_equal(lx->line, 27);

  lx = &p->lexicons[3];
  assert_string_equal(lx->id, "empty");
  assert_int_equal(lx->mode, TACT_LAYER_OVERRIDE);
  assert_true(lx->has_weight);
  assert_true(lx->weight == 0.25);
  assert_int_equal(lx->n_entries, 0);
  assert_int_equal(lx->line, 30);

  assert_int_equal(p->n_rules, 3);
  const tact_pack_rule *r = &p->rules[0];
  assert_string_equal(r->id, "say-no");
  assert_int_equal(r->mode, TACT_LAYER_OVERRIDE);
  assert_string_equal(r->type, "existence");
  assert_string_equal(r->kind, "dont");
  assert_string_equal(r->severity, "warning");
  assert_string_equal(r->message, "Avoid a flat no.");
  assert_string_equal(r->suggestion, "Say what you can do.");
  assert_int_equal(r->line, 16);
  assert_int_equal(r->n_clauses, 2);
  assert_int_equal(r->clauses[0].type, TACT_CLAUSE_USE);
  assert_string_equal(r->clauses[0].lexicon, "negative-language");
  assert_null(r->clauses[0].unless);
  assert_null(r->clauses[0].scope);
  assert_string_equal(r->clauses[1].lexicon, "say-no");
  assert_string_equal(r->clauses[1].unless, "negative-language empty");
  assert_string_equal(r->clauses[1].scope, "near");
  assert_int_equal(r->clauses[1].line, 21);
  assert_int_equal(r->n_examples, 2);
  assert_int_equal(r->examples[0].type, TACT_EXAMPLE_FIRES);
  assert_string_equal(r->examples[0].text, "We can't do that.");
  assert_int_equal(r->examples[0].line, 19);
  assert_int_equal(r->examples[1].type, TACT_EXAMPLE_QUIET);
  assert_string_equal(r->examples[1].text, "What I can do is & more.");
  assert_int_equal(r->examples[1].line, 22);

  r = &p->rules[1];
  assert_string_equal(r->id, "old-rule");
  assert_int_equal(r->mode, TACT_LAYER_DISABLE);
  assert_null(r->type);
  assert_null(r->kind);
  assert_null(r->severity);
  assert_null(r->message);
  assert_null(r->suggestion);
  assert_int_equal(r->n_clauses, 0);
  assert_int_equal(r->n_examples, 0);
  assert_int_equal(r->line, 28);

  r = &p->rules[2];
  assert_string_equal(r->id, "say-no-ext");
  assert_int_equal(r->mode, TACT_LAYER_EXTEND);
  assert_string_equal(r->type, "metric");
  assert_string_equal(r->kind, "do");
  assert_null(r->severity);
  assert_int_equal(r->line, 29);
  assert_true(r->has_min_confidence);
  assert_true(r->min_confidence == 0.5);
  assert_int_equal(r->n_clauses, 2);
  assert_int_equal(r->clauses[0].type, TACT_CLAUSE_LIMIT);
  assert_string_equal(r->clauses[0].stat, "words");
  assert_true(r->clauses[0].has_max && !r->clauses[0].has_min && r->clauses[0].max == 250);
  assert_int_equal(r->clauses[1].type, TACT_CLAUSE_WHEN);
  assert_string_equal(r->clauses[1].facts, "customer.complaint customer:say-no");
}

static void test_full_pack_file(void **state) {
  (void)state;
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  const char *path = data_path("valid-full.xml");
  char source[1024];
  snprintf(source, sizeof source, "%s", path);
  /* The first validating parse also compiles the schema: silently too. */
  capture cap;
  capture_begin(&cap);
  tact_status st = tact_pack_loader_parse_file(ld, source, &p, &err);
  assert_int_equal(capture_end(&cap), 0);
  if (st != TACT_OK) fail_msg("%s", err.message);
  check_full_pack(p, source);
  /* A pack keeps its own allocator: it outlives the loader. */
  tact_pack_loader_free(ld);
  assert_string_equal(p->rules[0].id, "say-no");
  tact_pack_free(p);
}

static void test_full_pack_memory(void **state) {
  (void)state;
  size_t len;
  char *xml = slurp("valid-full.xml", &len);
  tact_pack_loader *ld = loader(0, 0);
  for (int validate = 0; validate <= 1; validate++) {
    tact_pack *p = NULL;
    tact_error err;
    tact_status st = tact_pack_loader_parse(ld, xml, len, "full", validate, &p, &err);
    if (st != TACT_OK) fail_msg("%s", err.message);
    check_full_pack(p, "full");
    tact_pack_free(p);
  }
  /* No name: a placeholder is used in messages and in the model. */
  tact_pack *p = NULL;
  assert_int_equal(tact_pack_loader_parse(ld, xml, len, NULL, 1, &p, NULL), TACT_OK);
  assert_string_equal(p->source, "<memory>");
  tact_pack_free(p);
  tact_pack_loader_free(ld);
  free(xml);
}

/* tact_pack_image_write(p) as a string (free it). */
static char *image_of(const tact_pack *p) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  assert_int_equal(tact_pack_image_write(f, p, "img"), 0);
  assert_int_equal(fclose(f), 0);
  return buf;
}

/* The compiled-in schema links, and the built-in packs compiled into the
 * library (lib/packs/mkimage.c) are exactly what the loader makes of the
 * XML shipped with them, validated against that schema: a stale
 * image, or a pack.h field the writer forgets, shows up here. */
static void test_builtin_image_matches_xml(void **state) {
  (void)state;
  assert_true(tact_pack_schema_rng_len > 0);
  assert_int_equal(strlen(tact_pack_schema_rng), tact_pack_schema_rng_len);
  const struct {
    const char *xml;
    const size_t *len;
    const char *name;
  } xml[] = {
      {tact_default_pack_xml, &tact_default_pack_xml_len, "default.xml"},
      {tact_sentiment_pack_xml, &tact_sentiment_pack_xml_len, "sentiment.xml"},
      {tact_tone_pack_xml, &tact_tone_pack_xml_len, "tone.xml"},
      {tact_complaint_pack_xml, &tact_complaint_pack_xml_len, "complaint.xml"},
  };
  assert_int_equal(tact_builtin_pack_count, sizeof xml / sizeof xml[0]);
  tact_pack_loader *ld = loader(0, 0);
  for (size_t i = 0; i < tact_builtin_pack_count; i++) {
    tact_pack *p = NULL;
    tact_error err;
    if (tact_pack_loader_parse(ld, xml[i].xml, *xml[i].len, xml[i].name, 1, &p, &err) != TACT_OK)
      fail_msg("%s", err.message);
    char *want = image_of(p), *got = image_of(tact_builtin_packs[i]);
    assert_true(strlen(want) > 1000);
    assert_string_equal(got, want);
    free(want);
    free(got);
    tact_pack_free(p);
  }
  tact_pack_loader_free(ld);
}

/* The writer escapes what C string literals cannot hold as is, and writes
 * numbers exactly (hexadecimal floating point). */
static void test_image_escapes(void **state) {
  (void)state;
  const char *xml = "<pack id='e' version='1'><lexicon id='x' weight='0.1'>"
                    "<entry weight='-2.5'>\"quoted\" back\\slash?? caf\xC3\xA9</entry>"
                    "</lexicon></pack>";
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(parse_str(ld, xml, 1, &p, &err), TACT_OK);
  char *img = image_of(p);
  assert_non_null(strstr(img, "{\"\\\"quoted\\\" back\\\\slash\\?\\? caf\\303\\251\", NULL, -0x1.4p+1, 1,"));
  assert_non_null(strstr(img, "0x1.999999999999ap-4"));
  free(img);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

/* Things the format allows that are easy to get wrong: a UTF-8 byte order
 * mark, utf-8 in lower case, processing instructions (editors add
 * <?xml-model?> to find the schema), comments splitting text, character
 * references, CRLF line ends. */
static void test_allowed_extras(void **state) {
  (void)state;
  const char *xml = "\xEF\xBB\xBF<?xml version='1.0' encoding='utf-8'?>\r\n"
                    "<?xml-model href=\"tact-pack.rng\" type=\"application/xml\"?>\r\n"
                    "<pack id='t' version=' 3 '>\r\n"
                    "  <lexicon id='a'>\r\n"
                    "    <entry>caf&#233;<!-- note --> au lait</entry>\r\n"
                    "    <?ignored pi?>\r\n"
                    "  </lexicon>\r\n"
                    "</pack>\r\n";
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  tact_status st = parse_str(ld, xml, 1, &p, &err);
  if (st != TACT_OK) fail_msg("%s", err.message);
  assert_string_equal(p->version, "3");
  assert_string_equal(p->lexicons[0].entries[0].pattern, "caf\xC3\xA9 au lait");
  assert_int_equal(p->lexicons[0].entries[0].line, 5);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

/* Weights are read without strtod, so a locale with a decimal comma must
 * not change them. */
static void test_weights(void **state) {
  (void)state;
  static const struct {
    const char *text;
    double value;
  } cases[] = {
      {"0", 0.0},
      {"-0.5", -0.5},
      {"+2.5e1", 25.0},
      {"1e-3", 0.001},
      {"0.1", 0.1},
      {"-12.75", -12.75},
      {"3E2", 300.0},
      {"007", 7.0},
      {"1e-400", 0.0},
      {"123456789012345678901234567890", 1.2345678901234568e29},
      {"0.000000000000000000000000000001", 1e-30},
      {"1.7976931348623157e308", 1.7976931348623157e308},
  };
  const char *locales[] = {"de_DE.UTF-8", "fr_FR.UTF-8", "C.UTF-8", "C"};
  tact_pack_loader *ld = loader(0, 0);
  for (size_t l = 0; l < sizeof locales / sizeof *locales; l++) {
    if (!setlocale(LC_NUMERIC, locales[l])) continue;
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
      char xml[512];
      snprintf(xml, sizeof xml, "<pack id='t' version='1'><lexicon id='a' weight='%s'/></pack>",
               cases[i].text);
      tact_pack *p = NULL;
      tact_error err;
      tact_status st = parse_str(ld, xml, 1, &p, &err);
      if (st != TACT_OK) fail_msg("%s: %s", cases[i].text, err.message);
      double got = p->lexicons[0].weight, want = cases[i].value;
      if (fabs(got - want) > fabs(want) * 1e-15) fail_msg("%s read as %.17g", cases[i].text, got);
      tact_pack_free(p);
    }
  }
  setlocale(LC_NUMERIC, "C");
  tact_pack_loader_free(ld);
}

/* ---------------------------------------------------------------------- */
/* Schema and semantic errors                                             */

typedef struct error_case {
  const char *file;
  unsigned line;
  const char *needle;     /* in the message, validated or not */
  int caught_unvalidated; /* the model builder refuses it on its own */
} error_case;

static const error_case error_cases[] = {
    {"invalid-unknown-element.xml", 5, "entyr", 0},
    {"invalid-bad-id.xml", 4, "rule", 1},
    {"invalid-bad-mode.xml", 3, "lexicon", 1},
    {"invalid-missing-attr.xml", 4, "rule", 1},
    {"invalid-bad-number.xml", 4, "weight", 1},
    {"invalid-empty-entry.xml", 5, "entry", 1},
    {"invalid-empty-example.xml", 5, "example", 1},
    {"invalid-infinite-weight.xml", 3, "finite", 1},
    {"invalid-duplicate-lexicon.xml", 7,
     "duplicate lexicon id 'a' at line 7 (first defined at line 3)", 1},
    {"invalid-duplicate-rule.xml", 5, "duplicate rule id 'r1' at line 5 (first defined at line 3)",
     1},
};

static void check_error_case(tact_pack_loader *ld, const error_case *c, int validate) {
  size_t len;
  char *xml = slurp(c->file, &len);
  tact_pack *p = (tact_pack *)&p; /* must be reset to NULL */
  tact_error err;
  memset(&err, 0, sizeof err);
  capture cap;
  capture_begin(&cap);
  tact_status st = tact_pack_loader_parse(ld, xml, len, c->file, validate, &p, &err);
  long printed = capture_end(&cap);
  if (st != TACT_E_PACK)
    fail_msg("%s (validate=%d): status %d: %s", c->file, validate, st, err.message);
  assert_null(p);
  assert_int_equal(printed, 0);
  if (err.line != c->line)
    fail_msg("%s (validate=%d): line %u, want %u: %s", c->file, validate, err.line, c->line,
             err.message);
  assert_string_equal(err.source, c->file);
  assert_has(err.message, c->needle);
  assert_has(err.message, c->file);
  free(xml);
}

static void test_schema_and_semantic_errors(void **state) {
  (void)state;
  tact_pack_loader *ld = loader(0, 0);
  for (size_t i = 0; i < sizeof error_cases / sizeof *error_cases; i++) {
    check_error_case(ld, &error_cases[i], 1);
    if (error_cases[i].caught_unvalidated) check_error_case(ld, &error_cases[i], 0);
  }
  tact_pack_loader_free(ld);
}

/* The builder's own checks, on packs the schema would refuse earlier. */
static void test_unvalidated_checks(void **state) {
  (void)state;
  static const struct {
    const char *xml;
    const char *needle;
  } cases[] = {
      {"<lexicon id='a'/>", "root element must be <pack>"},
      {"<pack version='1'/>", "'id'"},
      {"<pack id='t'/>", "'version'"},
      {"<pack id='t' version='  '/>", "version is empty"},
      {"<pack id='t' version='1'><lexicon/></pack>", "'id'"},
      {"<pack id='t' version='1'><lexicon id='a'><entry><b>x</b></entry></lexicon></pack>",
       "text expected"},
      {"<pack id='t' version='1'><rule id='r' kind='do'/></pack>", "'type'"},
      {"<pack id='t' version='1'><rule id='r' type='bogus' kind='do'/></pack>", "type is"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='maybe'/></pack>", "kind is"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do' severity='fatal'/></pack>",
       "severity is"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><use/></rule></pack>",
       "one lexicon or one signal"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><use lexicon='a' "
       "signal='b'/></rule></pack>",
       "one lexicon or one signal"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><use lexicon='a' "
       "unless='a  B'/></rule></pack>",
       "ids separated by spaces"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><use lexicon='a' "
       "scope='page'/></rule></pack>",
       "scope is"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><when/></rule></pack>",
       "'fact'"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><when fact='agent:x'/>"
       "</rule></pack>",
       "ids separated by spaces"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><limit stat='words'/>"
       "</rule></pack>",
       "needs min or max"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><limit stat='words' "
       "min='5' max='2'/></rule></pack>",
       "min greater than max"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><limit stat='words' "
       "max='lots'/></rule></pack>",
       "decimal number"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do' min-confidence='2'/>"
       "</pack>",
       "0..1"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><cover lexicon='a'/>"
       "</rule></pack>",
       "one signal"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><use "
       "lexicon='A'/></rule></pack>",
       "an id is"},
      {"<pack id='t' version='1'><rule id='r' type='metric' "
       "kind='do'><example>x</example></rule></pack>",
       "'type'"},
      {"<pack id='t' version='1'><rule id='r' type='metric' kind='do'><message>a</message>"
       "<message>b</message></rule></pack>",
       "more than one <message>"},
      {"<pack id='t' version='1'><lexicon id='a' weight='1.'/></pack>", "weight"},
      {"<pack id='t' version='1'><lexicon id='a' weight='.5'/></pack>", "weight"},
      {"<pack id='t' version='1'><lexicon id='a' weight=' 1'/></pack>", "weight"},
      {"<pack id='t' version='1'><lexicon id='a' weight='1e'/></pack>", "weight"},
      {"<pack id='t' version='1'><lexicon id='a' weight='nan'/></pack>", "weight"},
      {"<pack id='t' version='1'><lexicon id='a' weight='-1e400'/></pack>", "finite"},
      {"<pack id='t' version='1'><lexicon "
       "id='a0123456789012345678901234567890123456789012345678901234567890123'/></pack>",
       "an id is"},
  };
  tact_pack_loader *ld = loader(0, 0);
  for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
    for (int validate = 0; validate <= 1; validate++) {
      tact_pack *p = NULL;
      tact_error err;
      tact_status st = parse_str(ld, cases[i].xml, validate, &p, &err);
      if (st != TACT_E_PACK) fail_msg("case %zu: status %d", i, st);
      assert_int_equal(err.line, 1);
      if (!validate) assert_has(err.message, cases[i].needle);
    }
  }
  /* 64 bytes is fine; a 1000-byte pattern too, 1001 is not. */
  char xml[1400];
  char pattern[1002];
  memset(pattern, 'x', 1001);
  pattern[1000] = '\0';
  snprintf(xml, sizeof xml,
           "<pack id='t' version='1'><lexicon "
           "id='a123456789012345678901234567890123456789012345678901234567890123'><entry>%s</"
           "entry></lexicon></pack>",
           pattern);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(parse_str(ld, xml, 1, &p, &err), TACT_OK);
  tact_pack_free(p);
  /* 400 three-byte characters: within the schema's 1000 characters, over 1000 bytes. */
  char *big = malloc(4096);
  strcpy(big, "<pack id='t' version='1'><lexicon id='a'><entry>");
  for (int i = 0; i < 400; i++)
    strcat(big, "\xE2\x82\xAC");
  strcat(big, "</entry></lexicon></pack>");
  assert_int_equal(parse_str(ld, big, 1, &p, &err), TACT_E_PACK);
  assert_has(err.message, "1200 bytes, limit 1000");
  free(big);
  tact_pack_loader_free(ld);
}

/* ---------------------------------------------------------------------- */
/* Malformed XML                                                          */

static void expect_malformed(tact_pack_loader *ld, const char *xml, size_t len, unsigned line) {
  tact_pack *p = NULL;
  tact_error err;
  memset(&err, 0, sizeof err);
  capture cap;
  capture_begin(&cap);
  tact_status st = tact_pack_loader_parse(ld, xml, len, "bad.xml", 1, &p, &err);
  long printed = capture_end(&cap);
  if (st != TACT_E_PACK) fail_msg("status %d for '%.*s'", st, (int)len, xml);
  assert_null(p);
  assert_int_equal(printed, 0);
  assert_string_equal(err.source, "bad.xml");
  assert_has(err.message, "bad.xml");
  if (line && err.line != line) fail_msg("line %u, want %u: %s", err.line, line, err.message);
}

static void test_malformed(void **state) {
  (void)state;
  tact_pack_loader *ld = loader(0, 0);
  const char *unclosed =
      "<pack id='t' version='1'>\n  <lexicon id='a'>\n  <entry>x</entry>\n</pack>\n";
  expect_malformed(ld, unclosed, strlen(unclosed), 4);
  const char *garbage = "this is not XML at all";
  expect_malformed(ld, garbage, strlen(garbage), 1);
  const char *binary = "\x01\x02\x03<pack>";
  expect_malformed(ld, binary, strlen(binary), 1);
  const char *two_roots = "<pack id='t' version='1'/>\n<pack id='u' version='1'/>";
  expect_malformed(ld, two_roots, strlen(two_roots), 2);
  const char *undefined_entity =
      "<pack id='t' version='1'>\n<lexicon id='a'><entry>&nope;</entry></lexicon></pack>";
  expect_malformed(ld, undefined_entity, strlen(undefined_entity), 2);
  const char *bad_utf8 =
      "<pack id='t' version='1'>\n\n<lexicon id='a'><entry>caf\xE9</entry></lexicon></pack>";
  expect_malformed(ld, bad_utf8, strlen(bad_utf8), 3);
  const char *late_decl = "\n<?xml version='1.0'?><pack id='t' version='1'/>";
  expect_malformed(ld, late_decl, strlen(late_decl), 2);
  expect_malformed(ld, "", 0, 1);
  expect_malformed(ld, NULL, 0, 1);
  expect_malformed(ld, "   \n  ", 6, 0);
  tact_pack_loader_free(ld);
}

/* Every prefix of a valid pack that stops before its end tag is refused
 * with a line within the prefix. */
static void test_truncated(void **state) {
  (void)state;
  size_t len;
  char *xml = slurp("valid-full.xml", &len);
  size_t end = (size_t)(strstr(xml, "</pack>") - xml) + 6;
  tact_pack_loader *ld = loader(0, 0);
  for (size_t cut = 0; cut < end; cut++) {
    char *prefix = malloc(cut ? cut : 1);
    memcpy(prefix, xml, cut);
    tact_pack *p = NULL;
    tact_error err;
    tact_status st = tact_pack_loader_parse(ld, prefix, cut, "cut.xml", 1, &p, &err);
    if (st != TACT_E_PACK) fail_msg("cut at %zu: status %d", cut, st);
    assert_null(p);
    unsigned max_line = lines_in(xml, cut);
    if (err.line < 1 || err.line > max_line)
      fail_msg("cut at %zu: line %u not in 1..%u: %s", cut, err.line, max_line, err.message);
    free(prefix);
  }
  /* Cut in the middle of line 12, the error is on line 12. */
  size_t mid = (size_t)(strstr(xml, "business") - xml);
  char *prefix = malloc(mid);
  memcpy(prefix, xml, mid);
  expect_malformed(ld, prefix, mid, 12);
  free(prefix);
  tact_pack_loader_free(ld);
  free(xml);
}

/* ---------------------------------------------------------------------- */
/* Hostile input                                                          */

static void expect_dtd_refused(const char *file, unsigned line) {
  size_t len;
  char *xml = slurp(file, &len);
  tact_pack_loader *ld = loader(0, 0);
  for (int validate = 0; validate <= 1; validate++) {
    tact_pack *p = NULL;
    tact_error err;
    capture cap;
    capture_begin(&cap);
    clock_t t0 = clock();
    tact_status st = tact_pack_loader_parse(ld, xml, len, file, validate, &p, &err);
    double secs = (double)(clock() - t0) / CLOCKS_PER_SEC;
    long printed = capture_end(&cap);
    if (st != TACT_E_PACK) fail_msg("%s: status %d: %s", file, st, err.message);
    assert_null(p);
    assert_int_equal(printed, 0);
    assert_true(secs < 0.5);
    if (err.line != line) fail_msg("%s: line %u, want %u: %s", file, err.line, line, err.message);
    assert_has(err.message, "DTDs and entities are not allowed");
    char where[32];
    snprintf(where, sizeof where, "(line %u)", line);
    assert_has(err.message, where);
    assert_false(has(err.message, "root:"));
    assert_false(has(err.message, "/bin/"));
  }
  tact_pack_loader_free(ld);
  free(xml);
}

static void test_xxe_file(void **state) {
  (void)state;
  expect_dtd_refused("xxe-file.xml", 2);
  /* parse_file goes the same way. */
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(tact_pack_loader_parse_file(ld, data_path("xxe-file.xml"), &p, &err),
                   TACT_E_PACK);
  assert_int_equal(err.line, 2);
  assert_false(has(err.message, "root:"));
  tact_pack_loader_free(ld);
}

static void test_xxe_http(void **state) {
  (void)state;
  expect_dtd_refused("xxe-http.xml", 3);
}

static void test_billion_laughs(void **state) {
  (void)state;
  expect_dtd_refused("billion-laughs.xml", 2);
}

static void test_parameter_entity(void **state) {
  (void)state;
  expect_dtd_refused("parameter-entity.xml", 2);
}

static void test_doctype_only(void **state) {
  (void)state;
  expect_dtd_refused("doctype-only.xml", 3);
}

/* DTD syntax inside comments, CDATA and text is just text. */
static void test_dtd_lookalikes_allowed(void **state) {
  (void)state;
  const char *xml =
      "<!-- <!DOCTYPE pack [ <!ENTITY x 'y'> ]> -->\n"
      "<pack id='t' version='1'>\n"
      "  <lexicon id='a'><entry><![CDATA[<!ENTITY z SYSTEM 'file:///etc/passwd'>]]></entry>\n"
      "  <entry>&lt;!DOCTYPE&gt;</entry></lexicon>\n"
      "</pack>\n";
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  tact_status st = parse_str(ld, xml, 1, &p, &err);
  if (st != TACT_OK) fail_msg("%s", err.message);
  assert_string_equal(p->lexicons[0].entries[0].pattern, "<!ENTITY z SYSTEM 'file:///etc/passwd'>");
  assert_string_equal(p->lexicons[0].entries[1].pattern, "<!DOCTYPE>");
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

static char *nested(size_t depth, size_t *len) {
  const char *open = "<pack id='t' version='1'>\n";
  size_t cap = strlen(open) + depth * 8 + 64;
  char *xml = malloc(cap);
  strcpy(xml, open);
  size_t at = strlen(open);
  for (size_t i = 0; i < depth; i++)
    at += (size_t)sprintf(xml + at, "<a>\n");
  for (size_t i = 0; i < depth; i++)
    at += (size_t)sprintf(xml + at, "</a>");
  at += (size_t)sprintf(xml + at, "</pack>");
  *len = at;
  return xml;
}

static void test_deep_nesting(void **state) {
  (void)state;
  size_t len;
  char *xml = nested(10000, &len);
  tact_pack_loader *ld = loader(0, 0);
  for (int validate = 0; validate <= 1; validate++) {
    tact_pack *p = NULL;
    tact_error err;
    capture cap;
    capture_begin(&cap);
    tact_status st = tact_pack_loader_parse(ld, xml, len, "deep.xml", validate, &p, &err);
    long printed = capture_end(&cap);
    if (st != TACT_E_LIMIT) fail_msg("status %d: %s", st, err.message);
    assert_int_equal(printed, 0);
    /* <pack> is depth 1 on line 1; <a> number k is depth k + 1 on line k + 1. */
    assert_int_equal(err.line, 33);
    assert_has(err.message, "limit of 32");
  }
  tact_pack_loader_free(ld);
  free(xml);

  /* Exactly at the limit is fine (the schema is not involved here). */
  ld = loader(0, 3);
  xml = nested(2, &len);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(tact_pack_loader_parse(ld, xml, len, "ok.xml", 0, &p, &err), TACT_OK);
  tact_pack_free(p);
  free(xml);
  xml = nested(3, &len);
  assert_int_equal(tact_pack_loader_parse(ld, xml, len, "deep.xml", 0, &p, &err), TACT_E_LIMIT);
  assert_int_equal(err.line, 4);
  free(xml);
  tact_pack_loader_free(ld);

  /* A limit above libxml2's own (256) still gives our error, not libxml2's. */
  ld = loader(0, 100000);
  xml = nested(10000, &len);
  assert_int_equal(tact_pack_loader_parse(ld, xml, len, "deep.xml", 0, &p, &err), TACT_E_LIMIT);
  free(xml);
  tact_pack_loader_free(ld);
}

static void test_size_limit(void **state) {
  (void)state;
  size_t len;
  char *xml = slurp("valid-full.xml", &len);
  tact_pack_loader *ld = loader(len - 1, 0);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(tact_pack_loader_parse(ld, xml, len, "big.xml", 1, &p, &err), TACT_E_LIMIT);
  assert_null(p);
  char want[128];
  snprintf(want, sizeof want, "pack 'big.xml' is %zu bytes, limit %zu", len, len - 1);
  assert_string_equal(err.message, want);
  /* The file is refused too, from its size alone. */
  assert_int_equal(tact_pack_loader_parse_file(ld, data_path("valid-full.xml"), &p, &err),
                   TACT_E_LIMIT);
  assert_has(err.message, "limit");
  tact_pack_loader_free(ld);
  /* At the limit, it parses. */
  ld = loader(len, 0);
  assert_int_equal(tact_pack_loader_parse(ld, xml, len, "big.xml", 1, &p, &err), TACT_OK);
  tact_pack_free(p);
  assert_int_equal(tact_pack_loader_parse_file(ld, data_path("valid-full.xml"), &p, &err), TACT_OK);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
  free(xml);
}

static void test_nul_byte(void **state) {
  (void)state;
  const char xml[] =
      "<pack id='t' version='1'>\n<lexicon id='a'><entry>a\0b</entry></lexicon></pack>";
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(tact_pack_loader_parse(ld, xml, sizeof xml - 1, "nul.xml", 1, &p, &err),
                   TACT_E_PACK);
  assert_null(p);
  assert_int_equal(err.line, 2);
  assert_has(err.message, "NUL byte");
  /* A trailing NUL counted in the length is refused as well. */
  const char *ok = "<pack id='t' version='1'/>";
  assert_int_equal(tact_pack_loader_parse(ld, ok, strlen(ok) + 1, "nul.xml", 1, &p, &err),
                   TACT_E_PACK);
  tact_pack_loader_free(ld);
}

static void test_encodings(void **state) {
  (void)state;
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  size_t len;
  char *xml = slurp("encoding-latin1.xml", &len);
  capture cap;
  capture_begin(&cap);
  tact_status st = tact_pack_loader_parse(ld, xml, len, "latin1.xml", 1, &p, &err);
  assert_int_equal(capture_end(&cap), 0);
  assert_int_equal(st, TACT_E_PACK);
  assert_int_equal(err.line, 1);
  assert_has(err.message, "ISO-8859-1");
  assert_has(err.message, "must be UTF-8");
  free(xml);

  const char *utf16 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><pack id='t' version='1'/>";
  assert_int_equal(parse_str(ld, utf16, 1, &p, &err), TACT_E_PACK);
  assert_has(err.message, "UTF-16");
  const char bom16[] = "\xFF\xFE<\0p\0";
  assert_int_equal(tact_pack_loader_parse(ld, bom16, sizeof bom16 - 1, "u16", 1, &p, &err),
                   TACT_E_PACK);
  const char bom16be[] = "\xFE\xFF<p";
  assert_int_equal(tact_pack_loader_parse(ld, bom16be, sizeof bom16be - 1, "u16", 1, &p, &err),
                   TACT_E_PACK);
  assert_has(err.message, "byte order mark");
  /* EBCDIC "<?xm": libxml2 would switch decoders on it; we insist on UTF-8. */
  const char ebcdic[] = "\x4C\x6F\xA7\x94";
  assert_int_equal(tact_pack_loader_parse(ld, ebcdic, sizeof ebcdic - 1, "ebcdic", 1, &p, &err),
                   TACT_E_PACK);

  const char *upper =
      "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?><pack id='t' version='1'/>";
  assert_int_equal(parse_str(ld, upper, 1, &p, &err), TACT_OK);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

static void test_many_attributes(void **state) {
  (void)state;
  size_t n = 200000;
  char *xml = malloc(n * 16 + 64);
  size_t at = (size_t)sprintf(xml, "<pack id='t' version='1'\n");
  for (size_t i = 0; i < n; i++)
    at += (size_t)sprintf(xml + at, " a%zu=''", i);
  at += (size_t)sprintf(xml + at, "/>");
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  clock_t t0 = clock();
  assert_int_equal(tact_pack_loader_parse(ld, xml, at, "attrs.xml", 1, &p, &err), TACT_E_LIMIT);
  assert_true((double)(clock() - t0) / CLOCKS_PER_SEC < 0.5);
  assert_int_equal(err.line, 1);
  tact_pack_loader_free(ld);
  free(xml);
}

/* Line numbers past 65535 (libxml2 stores 16 bits unless told otherwise). */
static void test_big_line_numbers(void **state) {
  (void)state;
  size_t blank = 70000;
  char *xml = malloc(blank + 256);
  size_t at = (size_t)sprintf(xml, "<pack id='t' version='1'>");
  memset(xml + at, '\n', blank);
  at += blank;
  at += (size_t)sprintf(xml + at,
                        "<lexicon id='a'>\n<entry>x</entry>\n<entry></entry></lexicon></pack>");
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(tact_pack_loader_parse(ld, xml, at, "long.xml", 0, &p, &err), TACT_E_PACK);
  assert_int_equal(err.line, blank + 3);
  /* Drop the empty entry and look at the model's lines. */
  char *cut = strstr(xml, "<entry></entry>");
  memmove(cut, cut + 15, strlen(cut + 15) + 1);
  assert_int_equal(parse_str(ld, xml, 1, &p, &err), TACT_OK);
  assert_int_equal(p->lexicons[0].line, blank + 1);
  assert_int_equal(p->lexicons[0].entries[0].line, blank + 2);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
  free(xml);
}

static void test_bad_arguments(void **state) {
  (void)state;
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(tact_pack_loader_parse(NULL, "<a/>", 4, "x", 1, &p, &err), TACT_E_ARG);
  assert_int_equal(tact_pack_loader_parse(ld, "<a/>", 4, "x", 1, NULL, &err), TACT_E_ARG);
  assert_int_equal(tact_pack_loader_parse(ld, NULL, 4, "x", 1, &p, &err), TACT_E_ARG);
  assert_int_equal(tact_pack_loader_parse_file(ld, NULL, &p, &err), TACT_E_ARG);
  assert_int_equal(tact_pack_loader_parse_file(NULL, "x", &p, NULL), TACT_E_ARG);
  tact_pack_loader_free(NULL);
  tact_pack_free(NULL);
  tact_pack_loader_free(ld);
}

/* ---------------------------------------------------------------------- */
/* Files                                                                  */

static void test_files(void **state) {
  (void)state;
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;

  const char *missing = data_path("no-such-pack.xml");
  assert_int_equal(tact_pack_loader_parse_file(ld, missing, &p, &err), TACT_E_IO);
  assert_null(p);
  assert_has(err.message, "no-such-pack.xml");
  assert_has(err.message, "no such file");
  assert_string_equal(err.source, missing);

  assert_int_equal(tact_pack_loader_parse_file(ld, TACT_TEST_DATA_DIR "/packs", &p, &err),
                   TACT_E_IO);
  assert_has(err.message, "is a directory");

  /* A file that is not a pack names itself and its line. */
  assert_int_equal(tact_pack_loader_parse_file(ld, data_path("invalid-bad-mode.xml"), &p, &err),
                   TACT_E_PACK);
  assert_int_equal(err.line, 3);
  assert_has(err.message, "invalid-bad-mode.xml");

  /* Special files are read up to the limit only. */
  tact_pack_loader *small = loader(4096, 0);
  if (access("/dev/zero", R_OK) == 0) {
    assert_int_equal(tact_pack_loader_parse_file(small, "/dev/zero", &p, &err), TACT_E_LIMIT);
  }
  tact_pack_loader_free(small);
  tact_pack_loader_free(ld);
}

/* ---------------------------------------------------------------------- */
/* Allocation failures                                                    */

typedef struct budget {
  long left; /* allocations still allowed */
  long live; /* allocated and not yet freed */
} budget;

static void *b_malloc(void *user, size_t size) {
  budget *b = user;
  if (b->left-- <= 0) return NULL;
  void *p = malloc(size);
  if (p) b->live++;
  return p;
}

static void *b_realloc(void *user, void *ptr, size_t size) {
  budget *b = user;
  if (b->left-- <= 0) return NULL;
  void *p = realloc(ptr, size);
  if (p && !ptr) b->live++;
  return p;
}

static void b_free(void *user, void *ptr) {
  budget *b = user;
  if (ptr) b->live--;
  free(ptr);
}

/* Runs one load with every allocation count from 0 up until it succeeds;
 * each failure must be TACT_E_NOMEM and leave nothing allocated. */
static void run_with_budgets(const char *file, int from_file) {
  size_t len = 0;
  char *xml = from_file ? NULL : slurp(file, &len);
  int succeeded = 0;
  for (long n = 0; n < 200 && !succeeded; n++) {
    budget b = {n, 0};
    tact_allocator a = {b_malloc, b_realloc, b_free, &b};
    tact_error err;
    tact_pack_loader *ld = tact_pack_loader_new(&a, NULL, &err);
    if (!ld) {
      assert_int_equal(err.code, TACT_E_NOMEM);
      assert_int_equal(b.live, 0);
      continue;
    }
    tact_pack *p = NULL;
    tact_status st = from_file ? tact_pack_loader_parse_file(ld, data_path(file), &p, &err)
                               : tact_pack_loader_parse(ld, xml, len, file, 1, &p, &err);
    if (st == TACT_OK) {
      succeeded = 1;
      check_full_pack(p, from_file ? data_path(file) : file);
      tact_pack_loader_free(ld);
      tact_pack_free(p); /* after the loader, on purpose */
    } else {
      if (st != TACT_E_NOMEM) fail_msg("budget %ld: status %d: %s", n, st, err.message);
      assert_null(p);
      tact_pack_loader_free(ld);
    }
    assert_int_equal(b.live, 0);
  }
  assert_true(succeeded);
  free(xml);
}

static void test_allocation_failures(void **state) {
  (void)state;
  run_with_budgets("valid-full.xml", 0);
  run_with_budgets("valid-full.xml", 1);
}

/* The error paths allocate too: a duplicate found with little memory. */
static void test_allocation_failures_on_errors(void **state) {
  (void)state;
  size_t len;
  char *xml = slurp("invalid-duplicate-lexicon.xml", &len);
  for (long n = 0; n < 50; n++) {
    budget b = {n, 0};
    tact_allocator a = {b_malloc, b_realloc, b_free, &b};
    tact_error err;
    tact_pack_loader *ld = tact_pack_loader_new(&a, NULL, &err);
    if (ld) {
      tact_pack *p = NULL;
      tact_status st = tact_pack_loader_parse(ld, xml, len, "dup.xml", 1, &p, &err);
      assert_true(st == TACT_E_NOMEM || st == TACT_E_PACK);
      assert_null(p);
      tact_pack_loader_free(ld);
    }
    assert_int_equal(b.live, 0);
  }
  free(xml);
}

/* ---------------------------------------------------------------------- */
/* Policies and the business calendar                                     */

static void test_policies_and_calendar(void **state) {
  (void)state;
  const char *xml = "<pack id='t' version='1'>\n"
                    "  <policy action='refund' min='3' max='10' unit='business-day'/>\n"
                    "  <lexicon id='a'><entry>x</entry></lexicon>\n"
                    "  <policy action='callback' min='0' max='24' unit='hour'/>\n"
                    "  <policy action='credit' mode='disable'/>\n"
                    "  <calendar mode='override'>\n"
                    "    <holiday date='2026-12-25'>Christmas Day</holiday>\n"
                    "    <holiday date='1970-01-02'/>\n"
                    "    <holiday date='2024-02-29'> Leap </holiday>\n"
                    "  </calendar>\n"
                    "</pack>\n";
  tact_pack_loader *ld = loader(0, 0);
  for (int validate = 0; validate <= 1; validate++) {
    tact_pack *p = NULL;
    tact_error err;
    tact_status st = parse_str(ld, xml, validate, &p, &err);
    if (st != TACT_OK) fail_msg("%s", err.message);
    assert_int_equal(p->n_lexicons, 1);
    assert_int_equal(p->n_policies, 3);
    assert_string_equal(p->policies[0].action, "refund");
    assert_int_equal(p->policies[0].mode, TACT_LAYER_OVERRIDE);
    assert_int_equal(p->policies[0].min, 3);
    assert_int_equal(p->policies[0].max, 10);
    assert_int_equal(p->policies[0].unit, TACT_UNIT_BUSINESS_DAY);
    assert_int_equal(p->policies[0].line, 2);
    assert_int_equal(p->policies[1].unit, TACT_UNIT_HOUR);
    assert_int_equal(p->policies[1].max, 24);
    assert_int_equal(p->policies[1].line, 4);
    assert_int_equal(p->policies[2].mode, TACT_LAYER_DISABLE);
    assert_true(p->has_calendar);
    assert_int_equal(p->calendar_mode, TACT_LAYER_OVERRIDE);
    assert_int_equal(p->calendar_line, 6);
    assert_int_equal(p->n_holidays, 3);
    assert_int_equal(p->holidays[0].day, 20812); /* 2026-12-25 */
    assert_string_equal(p->holidays[0].name, "Christmas Day");
    assert_int_equal(p->holidays[0].line, 7);
    assert_int_equal(p->holidays[1].day, 1);
    assert_string_equal(p->holidays[1].name, "");
    assert_int_equal(p->holidays[2].day, 19782); /* 2024-02-29 */
    assert_string_equal(p->holidays[2].name, "Leap");
    tact_pack_free(p);
  }
  /* Without <calendar> and <policy>: nothing, and extend is the default. */
  tact_pack *p = NULL;
  tact_error err;
  assert_int_equal(parse_str(ld, "<pack id='t' version='1'><calendar/></pack>", 1, &p, &err),
                   TACT_OK);
  assert_true(p->has_calendar);
  assert_int_equal(p->calendar_mode, TACT_LAYER_EXTEND);
  assert_int_equal(p->n_holidays, 0);
  assert_int_equal(p->n_policies, 0);
  tact_pack_free(p);
  assert_int_equal(parse_str(ld, "<pack id='t' version='1'/>", 1, &p, &err), TACT_OK);
  assert_false(p->has_calendar);
  tact_pack_free(p);

  static const struct {
    const char *xml;
    unsigned line;
    const char *needle; /* from the builder (validate=0) */
  } bad[] = {
      {"<pack id='t' version='1'>\n<policy action='x' min='5' max='2' unit='day'/></pack>", 2,
       "min 5 is greater than max 2"},
      {"<pack id='t' version='1'>\n\n<policy action='x' min='1' max='2' unit='month'/></pack>", 3,
       "unit is minute, hour, day, business-day or week"},
      {"<pack id='t' version='1'>\n<policy action='x' min='-1' max='2' unit='day'/></pack>", 2,
       "min is a whole number from 0 to 9999"},
      {"<pack id='t' version='1'>\n<policy action='x' min='1' max='10000' unit='day'/></pack>", 2,
       "max is a whole number from 0 to 9999"},
      {"<pack id='t' version='1'>\n<policy action='x' min='1' unit='day'/></pack>", 2, "'max'"},
      {"<pack id='t' version='1'>\n<policy min='1' max='2' unit='day'/></pack>", 2, "'action'"},
      {"<pack id='t' version='1'>\n<policy action='X' min='1' max='2' unit='day'/></pack>", 2,
       "an id is"},
      {"<pack id='t' version='1'>\n<policy action='x' mode='extend' min='1' max='2' "
       "unit='day'/></pack>",
       2, "override or disable"},
      {"<pack id='t' version='1'>\n<policy action='x' min='1' max='2' unit='day'/>\n"
       "<policy action='x' min='1' max='3' unit='day'/></pack>",
       3, "duplicate policy id 'x' at line 3 (first defined at line 2)"},
      {"<pack id='t' version='1'>\n<calendar>\n<holiday date='2025-02-29'/></calendar></pack>", 3,
       "2025-02-29"},
      {"<pack id='t' version='1'>\n<calendar>\n<holiday date='2026-13-01'/></calendar></pack>", 3,
       "YYYY-MM-DD"},
      {"<pack id='t' version='1'>\n<calendar>\n<holiday date='2026-1-01'/></calendar></pack>", 3,
       "YYYY-MM-DD"},
      {"<pack id='t' version='1'>\n<calendar>\n<holiday/></calendar></pack>", 3, "'date'"},
      {"<pack id='t' version='1'>\n<calendar mode='disable'/></pack>", 2, "extend or override"},
      {"<pack id='t' version='1'>\n<calendar/>\n\n<calendar/></pack>", 4,
       "more than one <calendar> (the first is at line 2)"},
      {"<pack id='t' version='1'>\n<calendar><holiday date='2026-12-25'/>\n"
       "<holiday date='2026-12-25'/></calendar></pack>",
       3, "duplicate holiday 2026-12-25 at line 3 (first given at line 2)"},
      {"<pack id='t' version='1'>\n<calendar>\n<holiday date='2026-12-25'><b/></holiday>"
       "</calendar></pack>",
       3, "text expected"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof *bad; i++) {
    for (int validate = 0; validate <= 1; validate++) {
      p = NULL;
      memset(&err, 0, sizeof err);
      tact_status st = parse_str(ld, bad[i].xml, validate, &p, &err);
      if (st != TACT_E_PACK) fail_msg("case %zu (validate=%d): status %d", i, validate, st);
      assert_null(p);
      if (err.line != bad[i].line)
        fail_msg("case %zu (validate=%d): line %u, want %u: %s", i, validate, err.line,
                 bad[i].line, err.message);
      if (!validate) assert_has(err.message, bad[i].needle);
    }
  }
  tact_pack_loader_free(ld);
}

/* ---------------------------------------------------------------------- */
/* Linear models (<model>, read by complaint.c)                           */

#ifndef TACT_SOURCE_DIR
#define TACT_SOURCE_DIR "."
#endif

/* The built-in complaint pack validates and holds both models. */
static void test_complaint_pack_models(void **state) {
  (void)state;
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  if (tact_pack_loader_parse_file(ld, TACT_SOURCE_DIR "/lib/packs/complaint.xml", &p, &err) !=
      TACT_OK)
    fail_msg("%s", err.message);
  assert_int_equal(p->n_models, 2);
  for (size_t i = 0; i < p->n_models; i++) {
    const tact_pack_model *m = &p->models[i];
    assert_true(strcmp(m->id, "complaint") == 0 || strcmp(m->id, "category") == 0);
    assert_int_equal(m->n_classes, strcmp(m->id, "complaint") == 0 ? 2 : 9);
    assert_true(m->n_rows > 100);
    assert_true(m->cal_a > 0);
    for (size_t r = 1; r < m->n_rows; r++) assert_true(m->rows[r] > m->rows[r - 1]);
    assert_true(m->rows[m->n_rows - 1] < (1u << m->bits));
  }
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

/* A model with weights (rows 1 and 130: "AQICgAEDBA==" decodes to the
 * records 01 02 02 | 80 01 03 04), numbers read without strtod. */
static const char MODEL_PACK[] =
    "<pack id=\"m\" version=\"1\">\n"
    "  <model id=\"category\" classes=\"x y\" bits=\"8\" features=\"unigram lexicon\" "
    "calibration=\"0.5 1e-1\">\n"
    "    <bias>-1.5 2.5e0</bias>\n"
    "    <weights rows=\"2\" scale=\"0.25\">\n      AQICgAEDBA==\n    </weights>\n"
    "  </model>\n"
    "</pack>\n";

static void test_model_element(void **state) {
  (void)state;
  setlocale(LC_NUMERIC, "de_DE.UTF-8"); /* a decimal comma, where installed */
  tact_pack_loader *ld = loader(0, 0);
  tact_pack *p = NULL;
  tact_error err;
  tact_status st = parse_str(ld, MODEL_PACK, 1, &p, &err);
  setlocale(LC_NUMERIC, "C");
  if (st != TACT_OK) fail_msg("%s", err.message);
  assert_int_equal(p->n_models, 1);
  const tact_pack_model *m = &p->models[0];
  assert_int_equal(m->line, 2);
  assert_int_equal(m->mode, TACT_LAYER_OVERRIDE);
  assert_int_equal(m->features, TACT_MODEL_UNIGRAM | TACT_MODEL_LEXICON);
  assert_true(m->cal_a == 0.5 && m->cal_b == 0.1);
  assert_true(m->bias[0] == -1.5 && m->bias[1] == 2.5);
  assert_int_equal(m->n_rows, 2);
  assert_int_equal(m->rows[0], 1);
  assert_int_equal(m->rows[1], 130);
  /* zigzag: 2 -> 1, 2 -> 1, 3 -> -2, 4 -> 2 */
  assert_true(m->weights[0] == 0.25f && m->weights[1] == 0.25f);
  assert_true(m->weights[2] == -0.5f && m->weights[3] == 0.5f);
  tact_pack_free(p);
  tact_pack_loader_free(ld);
}

/* Every allocation of a model load may fail cleanly. */
static void test_model_allocation_failures(void **state) {
  (void)state;
  int succeeded = 0;
  for (long n = 0; n < 200 && !succeeded; n++) {
    budget b = {n, 0};
    tact_allocator a = {b_malloc, b_realloc, b_free, &b};
    tact_error err;
    tact_pack_loader *ld = tact_pack_loader_new(&a, NULL, &err);
    if (ld) {
      tact_pack *p = NULL;
      tact_status st = tact_pack_loader_parse(ld, MODEL_PACK, sizeof MODEL_PACK - 1, "m.xml", 1,
                                              &p, &err);
      if (st == TACT_OK) succeeded = 1;
      else assert_int_equal(st, TACT_E_NOMEM);
      tact_pack_free(p);
      tact_pack_loader_free(ld);
    }
    assert_int_equal(b.live, 0);
  }
  assert_true(succeeded);
}

/* Bad <model> elements: the error names the line, validated or not. */
static void test_model_errors(void **state) {
  (void)state;
  static const struct {
    const char *xml;
    unsigned line;
    const char *needle;
  } bad[] = {
      {"<pack id=\"b\" version=\"1\">\n<model id=\"c\" classes=\"a b\" bits=\"8\" "
       "features=\"unigram\">\n<bias>0 0</bias>\n<weights rows=\"1\" scale=\"1\">\n"
       "AQID\nAQ*D\n</weights></model></pack>", 6, "not base64"},
      {"<pack id=\"b\" version=\"1\">\n<model id=\"c\" classes=\"a b\" bits=\"8\" "
       "features=\"unigram\">\n<bias>0</bias></model></pack>", 3, "one number per class"},
      {"<pack id=\"b\" version=\"1\">\n\n<model id=\"c\" classes=\"a\" bits=\"8\" "
       "features=\"unigram\"><bias>0</bias></model></pack>", 3, "2 to 256 classes"},
      {"<pack id=\"b\" version=\"1\">\n<model id=\"c\" classes=\"a b\" bits=\"8\" "
       "features=\"unigram\">\n<bias>0 0</bias>\n\n<weights rows=\"2\" scale=\"1\">"
       "AQID</weights></model></pack>", 5, "holds at most 1 rows"},
  };
  tact_pack_loader *ld = loader(0, 0);
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    for (int validate = 0; validate <= 1; validate++) {
      tact_pack *p = NULL;
      tact_error err;
      tact_status st = parse_str(ld, bad[i].xml, validate, &p, &err);
      assert_int_equal(st, TACT_E_PACK);
      assert_null(p);
      if (err.line != bad[i].line)
        fail_msg("case %zu (validate=%d): line %u, want %u: %s", i, validate, err.line,
                 bad[i].line, err.message);
      if (!validate) assert_has(err.message, bad[i].needle);
    }
  }
  tact_pack_loader_free(ld);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_full_pack_file),
      cmocka_unit_test(test_full_pack_memory),
      cmocka_unit_test(test_allowed_extras),
      cmocka_unit_test(test_weights),
      cmocka_unit_test(test_schema_and_semantic_errors),
      cmocka_unit_test(test_unvalidated_checks),
      cmocka_unit_test(test_malformed),
      cmocka_unit_test(test_truncated),
      cmocka_unit_test(test_xxe_file),
      cmocka_unit_test(test_xxe_http),
      cmocka_unit_test(test_billion_laughs),
      cmocka_unit_test(test_parameter_entity),
      cmocka_unit_test(test_doctype_only),
      cmocka_unit_test(test_dtd_lookalikes_allowed),
      cmocka_unit_test(test_deep_nesting),
      cmocka_unit_test(test_size_limit),
      cmocka_unit_test(test_nul_byte),
      cmocka_unit_test(test_encodings),
      cmocka_unit_test(test_many_attributes),
      cmocka_unit_test(test_big_line_numbers),
      cmocka_unit_test(test_bad_arguments),
      cmocka_unit_test(test_files),
      cmocka_unit_test(test_allocation_failures),
      cmocka_unit_test(test_allocation_failures_on_errors),
      cmocka_unit_test(test_policies_and_calendar),
      cmocka_unit_test(test_complaint_pack_models),
      cmocka_unit_test(test_model_element),
      cmocka_unit_test(test_model_allocation_failures),
      cmocka_unit_test(test_model_errors),
      cmocka_unit_test(test_builtin_image_matches_xml),
      cmocka_unit_test(test_image_escapes),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
