/* pack.h — the in-memory model of one rule pack, as parsed from XML by
 * pack_xml.c, and the compiled-in default pack. Layering packs and compiling
 * their lexicons are the engine's and the matcher's job (engine.c, match.c).
 *
 * Format (schema: packs/tact-pack.rng, reference: docs/packs.md):
 *
 *   <pack id="acme" version="1">
 *     <lexicon id="negative-language" weight="-1" mode="extend">
 *       <entry>unfortunately</entry>
 *       <entry weight="-2">{number} business day~</entry>
 *     </lexicon>
 *     <rule id="say-no" type="existence" kind="dont" severity="warning">
 *       <message>...</message> <suggestion>...</suggestion>
 *       <use lexicon="say-no"/>
 *       <example type="fires">We can't do that.</example>
 *       <example type="quiet">What I can do is...</example>
 *     </rule>
 *   </pack>
 *
 * Entry patterns are tokenized like text; a token may also be a class
 * ({number}, {any}, {word}, {emoji}, {url}, {email}, {mention}, {hashtag},
 * {punct}, {symbol}, {emoticon}) or a word ending in '~', which also matches
 * its inflections (refund~ : refunds, refunded, refunding). */
#ifndef TACT_PACK_H
#define TACT_PACK_H

#include <stddef.h>

#include "alloc.h"
#include "tact.h"

/* How an item with an id relates to an item of the same id in a lower pack. */
typedef enum tact_layer_mode {
  TACT_LAYER_OVERRIDE = 0, /* default: replace it (or define it if new) */
  TACT_LAYER_EXTEND = 1,   /* add these entries / fields to it */
  TACT_LAYER_DISABLE = 2   /* remove it; no error if it does not exist */
} tact_layer_mode;

typedef struct tact_pack_entry {
  const char *pattern;   /* as written, white space trimmed */
  double weight;
  int has_weight;
  unsigned line;
} tact_pack_entry;

typedef struct tact_pack_lexicon {
  const char *id;
  tact_layer_mode mode;
  double weight;         /* default for entries without their own */
  int has_weight;
  tact_pack_entry *entries;
  size_t n_entries;
  unsigned line;
} tact_pack_lexicon;

typedef enum tact_example_type { TACT_EXAMPLE_FIRES = 0, TACT_EXAMPLE_QUIET = 1 } tact_example_type;

typedef struct tact_pack_example {
  tact_example_type type;
  const char *text;
  unsigned line;
} tact_pack_example;

typedef struct tact_pack_rule {
  const char *id;
  tact_layer_mode mode;
  const char *type;       /* existence | substitution | occurrence | sequence | conditional | metric */
  const char *kind;       /* do | dont */
  const char *severity;   /* info | warning | error; NULL when not given (extend) */
  const char *message;    /* NULL when absent */
  const char *suggestion; /* NULL when absent */
  const char **lexicons;  /* ids named by <use lexicon="..."/> */
  size_t n_lexicons;
  tact_pack_example *examples;
  size_t n_examples;
  unsigned line;
} tact_pack_rule;

/* One parsed pack. Everything it points to lives in `arena`. */
typedef struct tact_pack {
  tact_arena arena;
  const char *id;
  const char *version;
  const char *source;     /* file path or memory-buffer name, for messages */
  tact_pack_lexicon *lexicons;
  size_t n_lexicons;
  tact_pack_rule *rules;
  size_t n_rules;
} tact_pack;

typedef struct tact_pack_limits {
  size_t max_bytes;
  unsigned max_depth;
} tact_pack_limits;

/* Parses packs; holds the compiled RELAX NG schema once it is first needed.
 * One loader per engine; not for concurrent use. */
typedef struct tact_pack_loader tact_pack_loader;

tact_pack_loader *tact_pack_loader_new(const tact_allocator *a, const tact_pack_limits *lim,
                                       tact_error *err);
void tact_pack_loader_free(tact_pack_loader *ld);

/* Parses a pack from memory. Refuses DTDs, entities and processing of
 * anything outside the buffer; enforces the limits; validates against the
 * schema when `validate` is set; checks what the schema cannot (duplicate
 * ids within the pack, numbers that do not parse). Errors carry `source`
 * and the line. On success *out is a new pack to free with tact_pack_free. */
tact_status tact_pack_loader_parse(tact_pack_loader *ld, const char *xml, size_t len,
                                   const char *source, int validate, tact_pack **out,
                                   tact_error *err);
/* Reads the file (refusing it if larger than the limit) and parses it. */
tact_status tact_pack_loader_parse_file(tact_pack_loader *ld, const char *path, tact_pack **out,
                                        tact_error *err);

void tact_pack_free(tact_pack *p);

/* Compiled in from packs/default.xml and packs/tact-pack.rng (generated). */
extern const char tact_default_pack_xml[];
extern const size_t tact_default_pack_xml_len;
extern const char tact_pack_schema_rng[];
extern const size_t tact_pack_schema_rng_len;

#endif
